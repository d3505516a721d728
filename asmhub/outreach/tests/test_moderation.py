"""The moderation queue and its e-mails: editors hear of submissions, contributors of
decisions, through the core actions' status path."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from asmhub.accounts.models import User
from asmhub.core.actions import ChangeStatus, ReviewRevision, SaveContribution
from asmhub.core.models import Revision, Status
from asmhub.directory.models import Organization
from asmhub.outreach import moderation
from asmhub.outreach.tests.conftest import make_resource

pytestmark = pytest.mark.django_db


def test_editors_are_told_of_a_submission_and_the_contributor_of_the_decision(
    owner: User, editor: User, staff_addresses: None, django_capture_on_commit_callbacks: Any
) -> None:
    resource = make_resource(owner, "Field guide to retorts")
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(owner, resource, Status.SUBMITTED).execute()
    [to_editor] = mail.outbox
    assert to_editor.to == ["editor@example.org"]
    assert "Field guide to retorts" in to_editor.subject
    assert "/outreach/moderation/" in to_editor.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, resource, Status.DRAFT).execute()  # returned for changes
    [returned] = mail.outbox
    assert returned.to == ["owner@example.org"] and "Draft" in returned.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(owner, resource, Status.SUBMITTED).execute()  # a second submission
        ChangeStatus(editor, resource, Status.PUBLISHED).execute()
    assert sorted(m.to[0] for m in mail.outbox) == ["editor@example.org", "owner@example.org"]
    decided = next(m for m in mail.outbox if m.to == ["owner@example.org"])
    assert "now public" in decided.body


def test_a_refused_action_sends_nothing(
    owner: User, outsider: User, staff_addresses: None, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    resource = make_resource(owner, "Not theirs")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        ChangeStatus(outsider, resource, Status.SUBMITTED).execute()
    assert mail.outbox == []


def test_a_profile_proposal_reaches_the_editors_and_its_decision_the_proposer(
    org: Organization,
    owner: User,
    editor: User,
    staff_addresses: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        action = SaveContribution(owner, org, {"description": "We train miners."})
        action.execute()
    assert action.pending is not None
    [to_editor] = mail.outbox
    assert to_editor.to == ["editor@example.org"]
    assert any(
        g.rows[0]["url"] == action.pending.get_absolute_url()
        for g in moderation.queue(editor)
        if g.rows
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ReviewRevision(
            editor, action.pending, approve=False, note="Please cite a source."
        ).execute()
    [to_owner] = mail.outbox
    assert to_owner.to == ["owner@example.org"] and "Please cite a source." in to_owner.body
    assert Revision.objects.get().state == Revision.State.REJECTED


def test_the_queue_lists_everything_awaiting_review_for_editors_only(
    client: Client, owner: User, editor: User, outsider: User
) -> None:
    from asmhub.calendar.models import Event

    resource = make_resource(owner, "Awaiting resource", status=Status.SUBMITTED)
    import datetime as dt

    start = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    Event.objects.create(
        title="Awaiting event",
        kind="meeting",
        start=start,
        end=start,
        status=Status.SUBMITTED,
        owner_organization=owner.organization,
    )
    make_resource(owner, "A mere draft")
    client.force_login(editor)
    page = client.get("/outreach/moderation/").content.decode()
    assert "Awaiting resource" in page and "Awaiting event" in page
    assert resource.get_absolute_url() in page
    assert "A mere draft" not in page
    for user in (owner, outsider):
        client.force_login(user)
        assert client.get("/outreach/moderation/").status_code == 403
    client.logout()
    assert client.get("/outreach/moderation/").status_code == 302


def test_community_reports_are_counted_for_those_who_may_triage_them(
    client: Client, editor: User, outsider: User
) -> None:
    from asmhub.monitoring.models import Programme, ProgrammeGrant
    from asmhub.reports.models import Report
    from asmhub.taxonomy.models import Country

    programme = Programme.objects.create(
        name="Kivu watch", slug="kivu-watch", country=Country.objects.get(code="CD")
    )
    Report.objects.create(
        reference="R-1", programme=programme, channel="web", text="Soldiers at the pit took a tax"
    )
    assert not any("Kivu" in str(r["title"]) for g in moderation.queue(editor) for r in g.rows)
    ProgrammeGrant.objects.create(programme=programme, user=outsider)
    client.force_login(outsider)
    page = client.get("/outreach/moderation/").content.decode()
    assert "1 new in Kivu watch" in page
    assert "Soldiers" not in page  # counts, never the text


def test_a_failing_moderation_mail_does_not_fail_the_decision(
    owner: User,
    editor: User,
    staff_addresses: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[str]:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(moderation, "notify", broken)
    resource = make_resource(owner, "Submitted while the mail is down")
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(owner, resource, Status.SUBMITTED).execute()
    resource.refresh_from_db()
    assert resource.status == Status.SUBMITTED and mail.outbox == []
