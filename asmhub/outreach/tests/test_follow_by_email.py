"""Following without an account: by e-mail address with double opt-in."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from asmhub.accounts.models import User
from asmhub.core.actions import ChangeStatus
from asmhub.core.models import Status
from asmhub.outreach import follows, tokens
from asmhub.outreach.models import EmailFollow
from asmhub.outreach.tests.conftest import make_resource
from asmhub.taxonomy.models import LeverIssue

pytestmark = pytest.mark.django_db

FOLLOW = "/outreach/follow/by-email/"


def form(mercury: LeverIssue, email: str) -> dict[str, str]:
    return {"type": "taxonomy.leverissue", "pk": str(mercury.pk), "email": email}


def confirm_path(message: Any) -> str:
    line = next(x for x in message.body.splitlines() if "/outreach/follow/confirm/" in x)
    return line[line.index("/outreach/") :].strip()


def test_a_visitor_follows_by_e_mail_only_once_confirmed(
    client: Client,
    mercury: LeverIssue,
    owner: User,
    editor: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    page = client.get("/taxonomy/lever-issues/mercury-chemicals/").content.decode()
    assert 'action="/outreach/follow/by-email/"' in page
    response = client.post(FOLLOW, form(mercury, "Visitor@Example.org"))
    assert response.status_code == 200 and b"confirmation link" in response.content
    [confirmation] = mail.outbox
    assert confirmation.to == ["visitor@example.org"]
    path = confirm_path(confirmation)

    # Not confirmed: a publication sends nothing.
    first = make_resource(owner, "Before confirming", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, first, Status.PUBLISHED).execute()
    assert len(mail.outbox) == 1

    assert client.get(path).status_code == 200  # a mail program opening the link
    assert EmailFollow.objects.get().confirmed_at is None
    assert b"Confirmed" in client.post(path).content
    assert EmailFollow.objects.get().confirmed_at is not None

    second = make_resource(owner, "After confirming", mercury)
    draft = make_resource(owner, "Still a draft", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, second, Status.PUBLISHED).execute()
        ChangeStatus(owner, draft, Status.SUBMITTED).execute()
    [alert] = [m for m in mail.outbox if "After confirming" in m.subject]
    assert alert.to == ["visitor@example.org"]
    assert not any("Still a draft" in m.subject for m in mail.outbox)

    # The link in the alert ends every follow of that address.
    stop = alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(stop[stop.index("/outreach/") :]).status_code == 200
    assert not EmailFollow.objects.exists()


def test_asking_again_sends_no_second_confirmation_and_floods_are_capped(
    client: Client, mercury: LeverIssue
) -> None:
    client.post(FOLLOW, form(mercury, "v@example.org"))
    client.post(FOLLOW, form(mercury, "v@example.org"))
    assert len(mail.outbox) == 1
    from asmhub.taxonomy.models import Country

    countries = Country.objects.order_by("code")[:8]
    for country in countries:
        client.post(
            FOLLOW, {"type": "taxonomy.country", "pk": country.code, "email": "v@example.org"}
        )
    assert EmailFollow.objects.filter(address="v@example.org").count() == follows.MAX_UNCONFIRMED
    assert len(mail.outbox) == follows.MAX_UNCONFIRMED


def test_bad_addresses_and_records_are_refused_by_name(client: Client, mercury: LeverIssue) -> None:
    from asmhub.conftest import make_org

    bad = client.post(FOLLOW, form(mercury, "not an address"))
    assert bad.status_code == 400 and b"valid email" in bad.content
    hidden = make_org("Draft org", status=Status.DRAFT)
    refused = client.post(
        FOLLOW, {"type": "directory.organization", "pk": str(hidden.pk), "email": "v@example.org"}
    )
    assert refused.status_code == 400
    assert not EmailFollow.objects.exists() and mail.outbox == []


def test_confirmation_tokens_cannot_be_forged_or_swapped(
    client: Client, mercury: LeverIssue
) -> None:
    client.post(FOLLOW, form(mercury, "v@example.org"))
    follow = EmailFollow.objects.get()
    good = tokens.make_for_email_follow(follow.pk, "confirm-follow")
    for bad in (
        good[:-2] + ("xy" if not good.endswith("xy") else "zz"),
        tokens.make_for_email_follow(follow.pk),  # an unsubscribe link is no confirmation
        tokens.make("v@example.org"),
    ):
        assert client.post(f"/outreach/follow/confirm/{bad}/").status_code == 400
    # ...and a confirmation link unsubscribes nothing.
    assert client.post(f"/outreach/unsubscribe/{good}/").status_code == 400
    assert EmailFollow.objects.get().confirmed_at is None


def test_unconfirmed_follows_are_forgotten_after_a_week(mercury: LeverIssue) -> None:
    import datetime as dt

    from django.utils import timezone

    follows.follow_by_email("v@example.org", mercury)
    assert follows.forget_unconfirmed() == 0
    assert follows.forget_unconfirmed(timezone.now() + dt.timedelta(days=8)) == 1
