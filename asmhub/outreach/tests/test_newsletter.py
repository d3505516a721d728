"""Newsletters reach the segment's consenting contacts only, honour unsubscribes, and keep
their record of recipients for the secretariat alone."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.test import Client

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_person, make_user
from asmhub.core.models import Status
from asmhub.directory.models import (
    Affiliation,
    ConsentRecord,
    ContactDetails,
    Organization,
    Person,
)
from asmhub.directory.services import record_consent
from asmhub.funding.models import DonorProfile
from asmhub.library.models import Resource
from asmhub.outreach import newsletter, tokens
from asmhub.outreach.models import Newsletter, NewsletterRecipient, Suppression
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


def contact(name: str, org: Organization, email: str, consent: bool | None = True) -> Person:
    person = make_person(name)
    Affiliation.objects.create(person=person, organization=org)
    ContactDetails.objects.create(person=person, email=email, phone="+1 555 0100")
    if consent is not None:
        record_consent(
            purpose=ConsentRecord.Purpose.NEWSLETTER,
            granted=consent,
            method=ConsentRecord.Method.IMPORT,
            recorded_by=None,
            person=person,
        )
    return person


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    world_bank = make_org("World Bank", "multilateral")
    DonorProfile.objects.create(organization=world_bank, status=Status.PUBLISHED)
    dfid = make_org("DFID", "bilateral-donor")
    DonorProfile.objects.create(organization=dfid, status=Status.PUBLISHED)
    ngo = make_org("Pact Congo", "international-ngo")
    ngo.countries.add(Country.objects.get(code="CD"))
    found = {
        "donor": contact("Gotthard Walser", world_bank, "walser@donor.example"),
        "donor2": contact("Anne Donor", dfid, "anne@donor.example"),
        "no_consent": contact("Silent Donor", dfid, "silent@donor.example", consent=None),
        "ngo": contact("Karen Hayes", ngo, "hayes@ngo.example"),
    }
    withdrawn = contact("Left Donor", world_bank, "left@donor.example")
    record_consent(
        purpose=ConsentRecord.Purpose.NEWSLETTER,
        granted=False,
        method=ConsentRecord.Method.FORM,
        recorded_by=None,
        person=withdrawn,
    )
    resource = Resource.objects.create(title="Handbook on ASM finance", status=Status.PUBLISHED)
    draft = Resource.objects.create(title="Unpublished notes", status=Status.DRAFT)
    return {**found, "resource": resource, "draft": draft}


def donors_issue(
    people: dict[str, Any], admin_user: User, subject: str = "Donor update"
) -> Newsletter:
    issue = Newsletter.objects.create(
        subject=subject, intro="News for donors.", donors_only=True, created_by=admin_user
    )
    issue.resources.add(people["resource"], people["draft"])
    return issue


def test_a_newsletter_to_donors_reaches_only_consenting_donor_contacts(
    people: dict[str, Any], admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    issue = donors_issue(people, admin_user)
    reached, left = newsletter.segment(issue)
    assert sorted(r.address for r in reached) == ["anne@donor.example", "walser@donor.example"]
    assert left == 0  # the withdrawn and the silent are not counted as unsubscribed
    with django_capture_on_commit_callbacks(execute=True):
        assert newsletter.start_sending(admin_user, issue) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@donor.example", "walser@donor.example"]
    for message in mail.outbox:
        assert "Handbook on ASM finance" in message.body
        assert "Unpublished notes" not in message.body  # a draft never goes out
        others = {"anne@donor.example", "walser@donor.example", "hayes@ngo.example"} - set(
            message.to
        )
        assert not any(a in message.body for a in others)
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert "/outreach/unsubscribe/" in link and link in message.body
    issue.refresh_from_db()
    assert issue.state == Newsletter.State.SENT
    assert set(issue.recipients.values_list("outcome", flat=True)) == {"sent"}


def test_the_segment_by_stakeholder_type_and_country(
    people: dict[str, Any], admin_user: User
) -> None:
    from asmhub.taxonomy.models import StakeholderType

    issue = Newsletter.objects.create(subject="Bilateral")
    issue.stakeholder_types.add(StakeholderType.objects.get(slug="bilateral-donor"))
    assert [r.address for r in newsletter.segment(issue)[0]] == ["anne@donor.example"]
    drc = Newsletter.objects.create(subject="DRC")
    drc.countries.add(Country.objects.get(code="CD"))
    assert [r.address for r in newsletter.segment(drc)[0]] == ["hayes@ngo.example"]


def test_a_working_group_segment(people: dict[str, Any], admin_user: User) -> None:
    from asmhub.strategy.models import Strategy, WorkingGroup

    strategy = Strategy.objects.create(
        title="Plan", starts_on="2026-01-01", ends_on="2028-12-31", status=Status.PUBLISHED
    )
    group = WorkingGroup.objects.create(strategy=strategy, name="Finance")
    group.members.add(people["ngo"].affiliations.get().organization)
    issue = Newsletter.objects.create(subject="Finance group")
    issue.working_groups.add(group)
    assert [r.address for r in newsletter.segment(issue)[0]] == ["hayes@ngo.example"]


def test_an_unsubscribe_is_honoured_for_every_later_send(
    client: Client,
    people: dict[str, Any],
    admin_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = donors_issue(people, admin_user, "First")
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.start_sending(admin_user, first)
    to_walser = next(m for m in mail.outbox if m.to == ["walser@donor.example"])
    link = to_walser.extra_headers["List-Unsubscribe"].strip("<>")
    path = link[link.index("/outreach/") :]
    page = client.get(path)
    assert page.status_code == 200 and b"walser" not in page.content
    assert client.post(path).status_code == 200  # the one-click POST, without a session
    assert Suppression.objects.count() == 1
    latest = ConsentRecord.objects.filter(person=people["donor"]).order_by("-id").first()
    assert latest is not None and latest.granted is False

    mail.outbox.clear()
    second = donors_issue(people, admin_user, "Second")
    reached, left = newsletter.segment(second)
    assert [r.address for r in reached] == ["anne@donor.example"] and left == 0
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.start_sending(admin_user, second)
    assert [m.to for m in mail.outbox] == [["anne@donor.example"]]


def test_an_address_that_unsubscribes_between_queueing_and_sending_is_skipped(
    people: dict[str, Any], admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    issue = donors_issue(people, admin_user)
    with django_capture_on_commit_callbacks(execute=False):
        newsletter.start_sending(admin_user, issue)
    newsletter.unsubscribe("newsletter", tokens.address_hash("Anne@Donor.example"))
    counts = newsletter.deliver(issue.pk)
    assert counts == {"sent": 1, "failed": 0, "unsubscribed": 1}
    assert [m.to for m in mail.outbox] == [["walser@donor.example"]]


def test_a_tampered_token_is_refused_and_changes_nothing(
    client: Client, people: dict[str, Any]
) -> None:
    token = tokens.make("walser@donor.example")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    for bad in (tampered, "nonsense", tokens.make("x@example.org").replace(":", ";")):
        assert client.get(f"/outreach/unsubscribe/{bad}/").status_code == 400
        assert client.post(f"/outreach/unsubscribe/{bad}/").status_code == 400
    assert not Suppression.objects.exists()
    with pytest.raises(tokens.BadToken):
        tokens.read(tampered)
    assert tokens.read(token) == ("newsletter", tokens.address_hash("walser@donor.example"))


def test_only_the_secretariat_composes_sends_and_sees_recipients(
    client: Client,
    people: dict[str, Any],
    admin_user: User,
    editor: User,
    owner: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    issue = donors_issue(people, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.start_sending(admin_user, issue)
    pages = [
        "/outreach/newsletters/",
        "/outreach/newsletters/new/",
        f"/outreach/newsletters/{issue.pk}/",
        f"/outreach/newsletters/{issue.pk}/recipients/",
        "/outreach/newsletters/count/?donors_only=on",
        "/outreach/newsletters/consent/",
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for user in (editor, owner):
        client.force_login(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert b"walser@donor.example" not in response.content
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        newsletter.start_sending(editor, donors_issue(people, admin_user, "Again"))
    client.force_login(admin_user)
    listing = client.get(f"/outreach/newsletters/{issue.pk}/recipients/")
    assert listing.status_code == 200
    assert b"Gotthard Walser" in listing.content and b"walser@donor.example" in listing.content


def test_without_the_contact_grant_the_record_names_but_shows_no_address(
    client: Client,
    people: dict[str, Any],
    admin_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    issue = donors_issue(people, admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        newsletter.start_sending(admin_user, issue)
    sender = make_user("comms", None)
    sender.user_permissions.add(Permission.objects.get(codename="send_newsletter"))
    client.force_login(sender)
    for url in (
        f"/outreach/newsletters/{issue.pk}/recipients/",
        f"/outreach/newsletters/{issue.pk}/",
        "/outreach/newsletters/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        for person in ("walser@donor.example", "anne@donor.example", "+1 555"):
            assert person.encode() not in response.content, url
    assert b"Gotthard Walser" in client.get(f"/outreach/newsletters/{issue.pk}/recipients/").content


def test_compose_preview_count_and_send_through_the_pages(
    client: Client,
    people: dict[str, Any],
    admin_user: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(admin_user)
    form = client.get("/outreach/newsletters/new/").content.decode()
    assert "Handbook on ASM finance" in form and "Unpublished notes" not in form
    count = client.get("/outreach/newsletters/count/?donors_only=on", HTTP_HX_REQUEST="true")
    assert b"reaches 2 recipients" in count.content
    response = client.post(
        "/outreach/newsletters/new/",
        {
            "subject": "March news",
            "language": "en",
            "intro": "Hello donors.",
            "resources": [people["resource"].pk],
            "donors_only": "on",
        },
    )
    issue = Newsletter.objects.get(subject="March news")
    assert response.status_code == 302 and response["Location"] == issue.get_absolute_url()
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "Send to 2 recipients" in page and "Hello donors." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(issue.get_absolute_url())
    assert len(mail.outbox) == 2
    again = client.post(issue.get_absolute_url(), follow=True)
    assert "already been sent" in again.content.decode()
    assert len(mail.outbox) == 2
    assert NewsletterRecipient.objects.filter(newsletter=issue).count() == 2


def test_an_empty_segment_or_empty_newsletter_is_refused_by_name(
    people: dict[str, Any], admin_user: User
) -> None:
    from django.core.exceptions import ValidationError

    empty = Newsletter.objects.create(subject="Nothing", donors_only=True)
    with pytest.raises(ValidationError, match="empty"):
        newsletter.start_sending(admin_user, empty)
    nobody = Newsletter.objects.create(subject="Nobody", intro="Hi")
    nobody.countries.add(Country.objects.get(code="BF"))
    with pytest.raises(ValidationError, match="Nobody in this segment"):
        newsletter.start_sending(admin_user, nobody)
    assert not NewsletterRecipient.objects.exists()


def test_members_opt_in_to_the_newsletter_from_their_follow_page(
    client: Client, owner: User, admin_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    owner.email = "owner@example.org"
    owner.save()
    client.force_login(owner)
    client.post(
        "/outreach/following/", {"kinds": ["resource"], "frequency": "weekly", "newsletter": "on"}
    )
    issue = Newsletter.objects.create(subject="All", intro="Hello")
    assert [r.address for r in newsletter.segment(issue)[0]] == ["owner@example.org"]
    client.post("/outreach/following/", {"kinds": ["resource"], "frequency": "weekly"})
    assert newsletter.segment(issue)[0] == []


def test_the_secretariat_records_a_persons_consent_on_their_behalf(
    client: Client, people: dict[str, Any], admin_user: User, editor: User
) -> None:
    silent = people["no_consent"]
    issue = Newsletter.objects.create(subject="To DFID", intro="Hi")
    issue.stakeholder_types.add(silent.affiliations.get().organization.stakeholder_type)
    assert [r.address for r in newsletter.segment(issue)[0]] == ["anne@donor.example"]
    data = {"person": silent.pk, "granted": "yes", "how": "By letter of 3 March"}
    client.force_login(editor)
    assert client.post("/outreach/newsletters/consent/", data).status_code == 403
    client.force_login(admin_user)
    form = client.get("/outreach/newsletters/consent/").content.decode()
    assert "Silent Donor" in form and "silent@donor.example" not in form
    assert client.post("/outreach/newsletters/consent/", data).status_code == 302
    record = ConsentRecord.objects.filter(person=silent).get()
    assert record.granted and record.method == "on-behalf" and record.recorded_by == admin_user
    assert record.scope == "By letter of 3 March"
    reached = sorted(r.address for r in newsletter.segment(issue)[0])
    assert reached == ["anne@donor.example", "silent@donor.example"]
    refused = client.post("/outreach/newsletters/consent/", {**data, "how": ""})
    assert refused.status_code == 200 and ConsentRecord.objects.filter(person=silent).count() == 1
