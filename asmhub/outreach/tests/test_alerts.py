"""Followers hear of what is published about what they follow, and only that."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.dispatch import Signal
from django.test import Client
from django.utils import translation

from asmhub.accounts.models import User
from asmhub.core.actions import ChangeStatus, SaveContribution
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Opportunity
from asmhub.library.models import Resource
from asmhub.outreach import alerts, follows, tokens
from asmhub.outreach.models import AlertSettings, Kind, PendingAlert
from asmhub.outreach.tasks import send_alerts
from asmhub.outreach.tests.conftest import make_resource
from asmhub.taxonomy.models import LeverIssue, Mineral

pytestmark = pytest.mark.django_db


def alert_mails(to: str) -> list[Any]:
    return [m for m in mail.outbox if to in m.to]


def test_a_follower_of_mercury_is_told_when_a_mercury_resource_is_published_not_before(
    follower: User,
    owner: User,
    editor: User,
    mercury: LeverIssue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    follows.follow(follower, mercury)
    resource = make_resource(owner, "Mercury-free processing in Ghana", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(owner, resource, Status.SUBMITTED).execute()
    assert alert_mails(follower.email) == []  # awaiting review is not published

    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, resource, Status.PUBLISHED).execute()
    [message] = alert_mails(follower.email)
    assert "Mercury-free processing in Ghana" in message.subject
    assert resource.get_absolute_url() in message.body
    assert "Mercury and chemical exposure" in message.body  # why they are told
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Unpublished and published again: told once only.
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, resource, Status.DRAFT).execute()
        ChangeStatus(editor, resource, Status.PUBLISHED).execute()
    assert len(alert_mails(follower.email)) == 1


def test_a_draft_or_an_unrelated_resource_sends_nothing(
    follower: User,
    owner: User,
    editor: User,
    mercury: LeverIssue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    follows.follow(follower, mercury)
    health = LeverIssue.objects.get(slug="health")
    with django_capture_on_commit_callbacks(execute=True):
        SaveContribution(
            owner,
            Resource(title="A mercury draft"),
            {"title": "A mercury draft"},
            {"lever_issues": [mercury]},
        ).execute()
        other = make_resource(owner, "Clinics near mines", health)
        ChangeStatus(editor, other, Status.PUBLISHED).execute()
    assert alert_mails(follower.email) == []


def test_a_resource_an_editor_creates_published_is_announced_with_its_tags(
    follower: User, editor: User, mercury: LeverIssue, django_capture_on_commit_callbacks: Any
) -> None:
    """Relations are set after the record is saved: the alert, sent once the transaction
    commits, sees them."""
    gold = Mineral.objects.get(slug="gold")
    follows.follow(follower, gold)
    with django_capture_on_commit_callbacks(execute=True):
        SaveContribution(
            editor,
            Resource(title="Gold buying centres"),
            {"title": "Gold buying centres"},
            {"minerals": [gold]},
        ).execute()
    [message] = alert_mails(follower.email)
    assert "Gold buying centres" in message.subject


def test_only_the_kinds_chosen_and_never_when_off(
    follower: User,
    owner: User,
    editor: User,
    mercury: LeverIssue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    follows.follow(follower, mercury)
    AlertSettings.objects.create(user=follower, kinds=[Kind.EVENT], frequency="immediate")
    first = make_resource(owner, "First", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, first, Status.PUBLISHED).execute()
    assert alert_mails(follower.email) == []
    AlertSettings.objects.filter(user=follower).update(kinds=[Kind.RESOURCE], frequency="off")
    second = make_resource(owner, "Second", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, second, Status.PUBLISHED).execute()
    assert alert_mails(follower.email) == []


def test_an_item_the_follower_may_not_see_is_not_announced(
    follower: User, owner: User, mercury: LeverIssue
) -> None:
    follows.follow(follower, mercury)
    resource = make_resource(owner, "Members only", mercury, status=Status.PUBLISHED)
    hidden = alerts.AlertSource(
        kind="resource",
        model="library.Resource",
        topics=lambda r: list(r.lever_issues.all()),
        may_see=lambda user, item: (
            getattr(user, "organization_id", None) == item.owner_organization_id
        ),
    )
    assert alerts.announce(hidden, resource) == 0
    assert alert_mails(follower.email) == []
    owner.email = "owner@example.org"
    owner.save()
    follows.follow(owner, mercury)
    assert alerts.announce(hidden, resource) == 1
    assert len(alert_mails("owner@example.org")) == 1


def test_the_daily_digest_gathers_items_and_drops_what_was_unpublished(
    follower: User,
    owner: User,
    editor: User,
    mercury: LeverIssue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    follows.follow(follower, mercury)
    AlertSettings.objects.create(user=follower, kinds=list(Kind.values), frequency="daily")
    kept = make_resource(owner, "Retorts in Tanzania", mercury)
    withdrawn = make_resource(owner, "Withdrawn study", mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, kept, Status.PUBLISHED).execute()
        ChangeStatus(editor, withdrawn, Status.PUBLISHED).execute()
    assert alert_mails(follower.email) == []  # waiting for the digest
    assert PendingAlert.objects.filter(user=follower, sent_at=None).count() == 2
    ChangeStatus(editor, withdrawn, Status.DRAFT).execute()

    result = send_alerts.call()
    assert result["digests"] == 1 and result["digest_items"] == 1
    [digest] = alert_mails(follower.email)
    assert "Retorts in Tanzania" in digest.body
    assert "Withdrawn study" not in digest.body
    assert "List-Unsubscribe" in digest.extra_headers

    # Run again the same day: nothing due, nothing twice.
    assert send_alerts.call()["digests"] == 0
    chosen = AlertSettings.objects.get(user=follower)
    later = chosen.last_digest_at + dt.timedelta(days=1)
    assert alerts.send_digest(chosen, now=later) == 0
    assert len(alert_mails(follower.email)) == 1


def test_a_weekly_digest_waits_a_week(follower: User) -> None:
    chosen = AlertSettings.objects.create(user=follower, kinds=[], frequency="weekly")
    now = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    assert chosen in alerts.digests_due(now)
    chosen.last_digest_at = now
    chosen.save()
    assert chosen not in alerts.digests_due(now + dt.timedelta(days=3))
    assert chosen in alerts.digests_due(now + dt.timedelta(days=7))


def test_a_call_closing_soon_is_announced_once_to_followers_of_its_donor(
    follower: User, editor: User
) -> None:
    from asmhub.conftest import make_org
    from asmhub.funding.models import DonorProfile

    donor = make_org("World Bank", "multilateral")
    profile = DonorProfile.objects.create(organization=donor, status=Status.PUBLISHED)
    follows.follow(follower, profile)
    today = dt.date(2026, 5, 1)
    Opportunity.objects.create(
        title="Call for ASM proposals",
        donor=donor,
        status=Status.PUBLISHED,
        closes_on=today + dt.timedelta(days=10),
    )
    Opportunity.objects.create(
        title="Far away call",
        donor=donor,
        status=Status.PUBLISHED,
        closes_on=today + dt.timedelta(days=40),
    )
    Opportunity.objects.create(
        title="Draft call", donor=donor, status=Status.DRAFT, closes_on=today + dt.timedelta(days=5)
    )
    assert alerts.announce_deadlines(today) == 1
    assert alerts.announce_deadlines(today) == 0
    [message] = alert_mails(follower.email)
    assert "Call for ASM proposals" in message.subject
    assert "2026-05-11" in message.body


def test_other_apps_register_alert_sources_and_announce_by_signal(
    follower: User, mercury: LeverIssue
) -> None:
    """The receiving side of a publication signal, as the briefs app uses it."""
    published = Signal()
    source = alerts.AlertSource(
        kind="brief",
        model="library.Resource",  # any model with a page serves for the test
        topics=lambda item: list(item.lever_issues.all()),
        signal=published,
    )
    alerts.register_alert_source(source)
    try:
        follows.follow(follower, mercury)
        brief = make_resource(follower, "Mercury brief", mercury, status=Status.PUBLISHED)
        published.send(sender=Resource, instance=brief)
        [message] = alert_mails(follower.email)
        with translation.override("en"):  # alerts go out in the site's language
            assert str(Kind.BRIEF.label) in message.subject
    finally:
        alerts._SOURCES["library.resource"].remove(source)
    with pytest.raises(ValueError, match="unknown alert kind"):
        alerts.register_alert_source(
            alerts.AlertSource(kind="gossip", model="library.Resource", topics=lambda i: [])
        )


def test_the_built_in_sources_are_registered_through_app_configs() -> None:
    kinds = {(s.model, s.kind) for s in alerts.all_sources()}
    assert {
        ("library.Resource", "resource"),
        ("funding.Opportunity", "opportunity"),
        ("funding.Opportunity", "deadline"),
        ("calendar.Event", "event"),
    } <= kinds


def test_the_alert_unsubscribe_link_turns_alerts_off(client: Client, follower: User) -> None:
    url = f"/outreach/unsubscribe/{tokens.make_for_alerts(follower.pk)}/"
    assert client.get(url).status_code == 200
    assert not AlertSettings.objects.filter(user=follower).exists()  # a GET changes nothing
    assert client.post(url).status_code == 200
    assert AlertSettings.objects.get(user=follower).frequency == "off"


def test_an_alert_names_no_contact_detail(
    follower: User,
    owner: User,
    editor: User,
    mercury: LeverIssue,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from asmhub.calendar.models import Event
    from asmhub.conftest import make_person
    from asmhub.directory.models import ContactDetails

    person = make_person("Marie Contact")
    ContactDetails.objects.create(person=person, email="marie@private.example", phone="+243 81")
    follows.follow(follower, mercury)
    start = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    event = Event.objects.create(
        title="Mercury workshop",
        kind="meeting",
        start=start,
        end=start + dt.timedelta(hours=2),
        contact=person,
        status=Status.DRAFT,
        owner_organization=owner.organization,
    )
    event.lever_issues.add(mercury)
    with django_capture_on_commit_callbacks(execute=True):
        ChangeStatus(editor, event, Status.PUBLISHED).execute()
    [message] = alert_mails(follower.email)
    assert "Mercury workshop" in message.subject
    assert "marie@private.example" not in message.body and "+243" not in message.body


def test_following_a_record_the_user_may_not_see_is_refused(
    follower: User, owner: User, org: Organization
) -> None:
    from django.core.exceptions import ValidationError

    from asmhub.conftest import make_org

    hidden = make_org("Draft Org", status=Status.DRAFT)
    with pytest.raises(ValidationError):
        follows.resolve("directory.organization", str(hidden.pk), follower)
    with pytest.raises(ValidationError):
        follows.resolve("directory.person", "1", follower)
    assert follows.resolve("directory.organization", str(org.pk), follower) == org
