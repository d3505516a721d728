"""A person's data: every kind of record in the export, nothing of them left after erasure."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from asmhub.accounts.models import ApiToken, User
from asmhub.calendar.models import SavedFilter
from asmhub.calendar.tests.conftest import all_day
from asmhub.conftest import make_org, make_user
from asmhub.convenings.models import (
    Answer,
    Breakout,
    Commitment,
    Participant,
    Poll,
    Question,
    Response,
    Session,
    WhiteboardItem,
)
from asmhub.convenings.services import SaveParticipant
from asmhub.convenings.tests.conftest import make_convening
from asmhub.core import personal_data
from asmhub.core.actions import SaveContribution
from asmhub.core.models import AuditEntry, Status
from asmhub.core.notify import notify
from asmhub.directory.models import Affiliation, ConsentRecord, ContactDetails, Person
from asmhub.funding.engagement_models import SavedConcept
from asmhub.funding.models import Concept, DonorProfile
from asmhub.strategy.models import Action, Goal, Objective, Strategy

NAME = "Zorbalina Quextrum"
MARKER = "quextrum"
EMAIL = "z.quextrum@example.org"
PHONE = "+243 810 555 777"


@pytest.fixture
def planted(org: Any, owner: User, admin_user: User) -> dict[str, Any]:
    """A person and their account with a marked value in every kind of personal record."""
    person = SaveContribution(admin_user, Person(), {"name": NAME, "expertise": "tin"}).execute()
    SaveContribution(admin_user, person, {"expertise": f"Mercury-free gold ({NAME})"}).execute()
    ContactDetails.objects.create(person=person, email=EMAIL, phone=PHONE)
    Affiliation.objects.create(person=person, organization=org, title="Quextrum Fellow")
    user = make_user("zquextrum", "member", org)
    user.first_name, user.last_name, user.email = "Zorbalina", "Quextrum", EMAIL
    user.save()
    ApiToken.issue(user, "quextrum laptop")
    SavedFilter.objects.create(user=user, name="quextrum feed", weekly_digest=True)
    SavedConcept.objects.create(
        user=user,
        concept=Concept.objects.create(
            title="Mercury-free gold pilot in Puno", status=Status.PUBLISHED
        ),
    )
    convening = make_convening(org)
    participant = SaveParticipant(
        owner,
        convening,
        Participant(convening=convening),
        {
            "person": person,
            "user": user,
            "roles": ["presenter"],
            "title": "Quextrum delegate",
            "listing": Participant.Listing.NAME,
            "share_contact": True,
        },
    ).execute()
    session = Session.objects.create(
        convening=convening, title="Opening", kind="plenary", day=dt.date(2026, 6, 16)
    )
    session.chairs.add(participant)
    breakout = Breakout.objects.create(session=session, name="Group A")
    breakout.members.add(participant)
    WhiteboardItem.objects.create(
        breakout=breakout, text=f"{NAME} asks for credit", author=participant
    )
    Commitment.objects.create(convening=convening, person=person, what=f"{NAME} drafts a brief")
    plan = Strategy.objects.create(
        title="Plan", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2030, 1, 1)
    )
    objective = Objective.objects.create(
        goal=Goal.objects.create(strategy=plan, title="Goal"), title="Objective"
    )
    owned = Action.objects.create(
        objective=objective, title="Catalog donor cycles", owner_person=person
    )
    notify([EMAIL], "Overdue", "strategy/email/reminder.txt", {}, reason="r", target=owned)
    named = Poll.objects.create(convening=convening, title="Priorities")
    question = Question.objects.create(poll=named, kind="text", text="Why?")
    response = Response.objects.create(
        poll=named, respondent_key=named.respondent_key(participant), participant=participant
    )
    Answer.objects.create(response=response, question=question, text=f"I am {NAME}, and...")
    anonymous = Poll.objects.create(convening=convening, title="Secret ballot", anonymous=True)
    hidden_q = Question.objects.create(poll=anonymous, kind="text", text="Whisper")
    hidden = Response.objects.create(
        poll=anonymous, respondent_key=anonymous.respondent_key(participant)
    )
    Answer.objects.create(response=hidden, question=hidden_q, text="anonymous-whisper")
    event = all_day("Gold forum", dt.date(2026, 9, 1), contact=person)
    donor = DonorProfile.objects.create(organization=make_org("Donor", "bilateral-donor"))
    donor.champions.add(person)
    SaveContribution(user, Person(), {"name": "A colleague of hers"}).execute()
    return {
        "person": person,
        "user": user,
        "participant": participant,
        "convening": convening,
        "event": event,
        "donor": donor,
    }


def subject_of(planted: dict[str, Any]) -> personal_data.Subject:
    return personal_data.Subject(planted["person"], planted["user"])


def text_columns_containing(needle: str) -> list[str]:
    """Every text or JSON value in the database that contains ``needle``, as model.field."""
    found = []
    needle = needle.lower()
    for model in apps.get_models(include_auto_created=True):
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField | models.JSONField):
                continue
            for value in model._default_manager.values_list(f.attname, flat=True):
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if value is not None and needle in text.lower():
                    found.append(f"{model._meta.label}.{f.name}")
    return found


def test_every_relation_to_a_person_or_participant_is_handled() -> None:
    unhandled = [
        personal_data.relation_label(model, f)
        for model, f in personal_data.personal_relations()
        if f.related_model is not User
        and personal_data.relation_label(model, f) not in personal_data.HANDLED
    ]
    assert not unhandled, f"export and erase these in core/personal_data.py: {unhandled}"


def test_relations_to_an_account_not_handled_by_name_are_authorship_kept_on_erasure() -> None:
    for model, f in personal_data.personal_relations():
        if f.related_model is User and personal_data.relation_label(model, f) not in (
            personal_data.HANDLED
        ):
            assert f.remote_field.on_delete is models.SET_NULL, (model, f.name)


def test_the_export_holds_every_kind_of_record(planted: dict[str, Any]) -> None:
    data = json.loads(personal_data.export(None, subject_of(planted)))
    assert data["format"] == personal_data.FORMAT
    person = data["person"]
    assert person["name"] == NAME
    assert person["contact_details"] == {"email": EMAIL, "phone": PHONE}
    assert person["affiliations"][0]["title"] == "Quextrum Fellow"
    assert person["commitments"][0]["what"] == f"{NAME} drafts a brief"
    assert person["strategy_ownership"] == [
        {"action": "Catalog donor cycles", "due_on": None, "status": "proposed"}
    ]
    assert person["contact_for_events"][0]["name"] == "Gold forum"
    assert person["champion_inside_donors"] == [str(planted["donor"])]
    account = data["account"]
    assert account["email"] == EMAIL and account["username"] == "zquextrum"
    assert [t["name"] for t in account["api_tokens"]] == ["quextrum laptop"]
    assert "key_hash" not in json.dumps(account)
    assert account["calendar_subscriptions"][0]["name"] == "quextrum feed"
    assert account["saved_concepts"][0]["concept"] == "Mercury-free gold pilot in Puno"
    [participation] = data["participations"]
    assert participation["title"] == "Quextrum delegate"
    assert participation["sessions_chaired"] == ["Opening"]
    assert participation["whiteboard_notes"][0]["text"].startswith(NAME)
    assert participation["personal_link"].endswith(planted["participant"].token + "/")
    [response] = participation["poll_responses"]
    assert response["poll"] == "Priorities"
    assert response["answers"][0]["text"] == f"I am {NAME}, and..."
    assert "anonymous-whisper" not in json.dumps(data)
    purposes = {(c["purpose"], c["granted"]) for c in data["consents"]}
    assert purposes == {("participant-listing", True), ("contact-sharing", True)}
    assert {c["method"] for c in data["consents"]} == {"on-behalf"}
    assert [c["name"] for c in data["contributions"]] == ["A colleague of hers"]
    actions = {(e["record"]["type"], e["action"]) for e in data["audit_entries"]}
    assert {("person", "create"), ("person", "update"), ("participant", "create")} <= actions


def test_the_export_is_audited(planted: dict[str, Any], admin_user: User) -> None:
    personal_data.export(admin_user, subject_of(planted))
    entry = AuditEntry.objects.get(action="personal-data:export")
    assert entry.actor == admin_user
    assert MARKER not in json.dumps(entry.changes).lower()


def test_erasure_leaves_no_marker_in_the_database(
    planted: dict[str, Any], admin_user: User
) -> None:
    assert len(text_columns_containing(MARKER)) > 10  # the plant took
    assert text_columns_containing("anonymous-whisper")
    action = personal_data.ErasePersonalData(admin_user, subject_of(planted), "REQ-2026-014")
    action.execute()
    assert text_columns_containing(MARKER) == []
    assert text_columns_containing(EMAIL) == []
    assert text_columns_containing("810 555 777") == []
    person = Person.objects.get(pk=planted["person"].pk)
    assert person.name == f"Anonymised person #{person.pk}"
    participant = Participant.objects.get(pk=planted["participant"].pk)
    assert participant.token != planted["participant"].token
    assert participant.user is None and participant.listing == Participant.Listing.HIDDEN
    user = User.objects.get(pk=planted["user"].pk)
    assert not user.is_active and not user.has_usable_password()
    # Their answers still count, no longer tied to them; the anonymous one is untouched.
    assert Response.objects.filter(poll__title="Priorities", participant=None).count() == 1
    assert text_columns_containing("anonymous-whisper")


def test_the_erasure_is_audited_without_personal_values(
    planted: dict[str, Any], admin_user: User
) -> None:
    personal_data.ErasePersonalData(admin_user, subject_of(planted), "REQ-2026-014").execute()
    entry = AuditEntry.objects.get(action="personal-data:erase")
    assert entry.actor == admin_user
    assert entry.changes["reference"] == "REQ-2026-014"
    assert entry.changes["counts"]["contact_details"] == 1
    assert entry.target_id == str(planted["person"].pk)
    assert MARKER not in (entry.target_repr + json.dumps(entry.changes)).lower()
    # Earlier entries about the person keep what was done, not the values.
    update = AuditEntry.for_object(planted["person"]).get(action="update")
    assert update.changes == {"expertise": personal_data.ERASED}


@pytest.mark.parametrize("who", ["owner", "editor", "planted_user"])
def test_only_an_administrator_erases_someone_else(
    who: str, planted: dict[str, Any], owner: User, editor: User
) -> None:
    actor = {"owner": owner, "editor": editor, "planted_user": planted["user"]}[who]
    # The account's owner may erase their account, not the directory person record.
    with pytest.raises(PermissionDenied):
        personal_data.ErasePersonalData(actor, subject_of(planted), "REQ-1").execute()
    with pytest.raises(PermissionDenied):
        personal_data.export(actor, subject_of(planted))
    assert Person.objects.get(pk=planted["person"].pk).name == NAME
    assert ContactDetails.objects.filter(person=planted["person"]).exists()
    assert not AuditEntry.objects.filter(action__startswith="personal-data:").exists()


def test_a_member_cannot_reach_the_personal_data_pages(
    planted: dict[str, Any], login: Any, owner: User
) -> None:
    client = login(owner)
    slug = planted["person"].slug
    page = reverse("directory:person-personal-data", args=[slug])
    assert client.get(page).status_code == 403
    assert client.post(page, {"reference": "REQ-1"}).status_code == 403
    export = reverse("directory:person-personal-data-export", args=[slug])
    assert client.get(export).status_code == 403
    assert Person.objects.get(pk=planted["person"].pk).name == NAME


def test_an_administrator_exports_and_erases_from_the_person_page(
    planted: dict[str, Any], login: Any, admin_user: User
) -> None:
    client = login(admin_user)
    slug = planted["person"].slug
    detail = client.get(reverse("directory:person", args=[slug]))
    assert reverse("directory:person-personal-data", args=[slug]) in detail.content.decode()
    export = client.get(reverse("directory:person-personal-data-export", args=[slug]))
    assert export["Content-Disposition"].startswith("attachment")
    assert json.loads(export.content)["person"]["contact_details"]["email"] == EMAIL
    page = reverse("directory:person-personal-data", args=[slug])
    refused = client.post(page, {"reference": f"request from {NAME}"})
    assert refused.status_code == 400
    assert "repeats the person" in refused.content.decode()
    assert Person.objects.get(pk=planted["person"].pk).name == NAME
    assert client.post(page, {"reference": "REQ-7"}).status_code == 302
    assert not ContactDetails.objects.filter(person=planted["person"]).exists()


def test_a_user_downloads_and_erases_their_own_account(planted: dict[str, Any], login: Any) -> None:
    user = planted["user"]
    client = login(user)
    assert reverse("accounts:my-data") in client.get(reverse("accounts:profile")).content.decode()
    mine = json.loads(client.get(reverse("accounts:my-data")).content)
    assert mine["account"]["username"] == "zquextrum" and mine["person"] is None
    assert mine["participations"][0]["title"] == "Quextrum delegate"
    client.post(reverse("accounts:erase-account"), {"confirm": "not-my-name"})
    assert User.objects.get(pk=user.pk).is_active
    client.post(reverse("accounts:erase-account"), {"confirm": "zquextrum"})
    user.refresh_from_db()
    assert not user.is_active and user.username == f"erased-user-{user.pk}"
    assert not ApiToken.objects.filter(user=user).exists()
    assert not SavedFilter.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="personal-data:erase")
    assert entry.actor == user and entry.target_repr == user.username


def test_the_command_exports_and_erases(
    planted: dict[str, Any], tmp_path: Any, capsys: Any
) -> None:
    out = tmp_path / "data.json"
    slug = planted["person"].slug
    call_command("personal-data", "export", slug, "--user", "zquextrum", "--output", str(out))
    assert json.loads(out.read_text())["account"]["email"] == EMAIL
    with pytest.raises(CommandError, match="reference"):
        call_command("personal-data", "erase", slug)
    with pytest.raises(CommandError, match="No person"):
        call_command("personal-data", "erase", "nobody-here", "--reason", "REQ-3")
    assert Person.objects.get(pk=planted["person"].pk).name == NAME
    call_command("personal-data", "erase", slug, "--user", "zquextrum", "--reason", "REQ-3")
    assert text_columns_containing(MARKER) == []


def test_consent_changes_are_recorded(planted: dict[str, Any], owner: User) -> None:
    participant = planted["participant"]
    before = ConsentRecord.objects.count()
    SaveParticipant(
        owner,
        planted["convening"],
        participant,
        {"listing": Participant.Listing.HIDDEN, "share_contact": True, "title": "Chair"},
    ).execute()
    [record] = ConsentRecord.objects.all()[: ConsentRecord.objects.count() - before]
    assert record.purpose == ConsentRecord.Purpose.PARTICIPANT_LISTING
    assert not record.granted and record.value == "hidden"
    assert record.person == planted["person"] and record.recorded_by == owner


def test_a_digest_subscription_is_a_consent(planted: dict[str, Any], login: Any) -> None:
    user = planted["user"]
    saved = SavedFilter.objects.get(user=user)
    login(user).post(reverse("calendar:feed-change", args=[saved.pk]), {})
    record = ConsentRecord.objects.get(purpose=ConsentRecord.Purpose.DIGEST)
    assert record.user == user and not record.granted and record.method == "form"
