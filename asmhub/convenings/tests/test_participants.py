"""The participant list and contact details follow each participant's consent."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.conftest import make_user
from asmhub.convenings.access import SESSION_KEY
from asmhub.convenings.models import Convening, Participant
from asmhub.convenings.tests.conftest import make_participant
from asmhub.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(convening: Convening, org: Any) -> dict[str, Participant]:
    return {
        "named": make_participant(
            convening,
            "Named Sharer",
            org,
            email="sharer@example.org",
            listing=Participant.Listing.NAME,
            share_contact=True,
        ),
        "org_only": make_participant(
            convening,
            "Org Only",
            org,
            email="orgonly@example.org",
            listing=Participant.Listing.ORGANIZATION,
        ),
        "hidden": make_participant(
            convening,
            "Hidden Person",
            org,
            email="hidden@example.org",
            listing=Participant.Listing.HIDDEN,
            share_contact=True,
        ),
    }


def _as_participant(convening: Convening, participant: Participant) -> Client:
    client = Client()
    session = client.session
    session[SESSION_KEY] = {str(convening.pk): participant.pk}
    session.save()
    return client


def _page(client: Client, convening: Convening) -> str:
    return client.get(reverse("convenings:participants", args=[convening.slug])).content.decode()


def test_the_public_sees_only_consented_names_and_no_contact(
    client: Client, convening: Convening, people: dict[str, Participant]
) -> None:
    page = _page(client, convening)
    assert "Named Sharer" in page
    assert "Org Only" not in page and "Hidden Person" not in page
    assert "@example.org" not in page
    assert "1 participant is not listed" in page


def test_participants_see_contact_details_of_those_who_agreed(
    convening: Convening, people: dict[str, Participant]
) -> None:
    page = _page(_as_participant(convening, people["org_only"]), convening)
    assert "sharer@example.org" in page
    assert "orgonly@example.org" not in page
    # Consent to share does not put a hidden participant on the list.
    assert "hidden@example.org" not in page


def test_organizers_see_everyone_but_contact_only_with_consent(
    login: Any, owner: Any, convening: Convening, people: dict[str, Participant]
) -> None:
    page = _page(login(owner), convening)
    assert "Org Only" in page and "Hidden Person" in page
    assert "sharer@example.org" in page and "hidden@example.org" in page
    assert "orgonly@example.org" not in page


def test_the_directory_grant_shows_every_contact(
    login: Any, convening: Convening, people: dict[str, Participant], other_org: Any
) -> None:
    reader = make_user("reader", "secretariat-admin", other_org)
    page = _page(login(reader), convening)
    assert "orgonly@example.org" in page


def test_the_api_follows_the_same_consent(
    client: Client, convening: Convening, people: dict[str, Participant]
) -> None:
    url = f"/api/convenings/{convening.slug}/participants"
    public = client.get(url).json()
    assert sorted(p["name"] for p in public) == ["", "Named Sharer"]
    assert all(p["contact"] is None for p in public)
    as_participant = _as_participant(convening, people["org_only"]).get(url).json()
    emails = {p["name"]: (p["contact"] or {}).get("email") for p in as_participant}
    assert emails["Named Sharer"] == "sharer@example.org"
    assert "orgonly@example.org" not in str(as_participant)


def test_an_organizer_adds_a_new_person_with_consent_recorded(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    response = login(owner).post(
        reverse("convenings:participant-add", args=[convening.slug]),
        {
            "new_person": "Rani Parker",
            "organization": org.pk,
            "roles": ["panellist"],
            "listing": "name",
            "share_contact": "on",
        },
    )
    assert response.status_code == 302
    added = convening.participants.get(person__name="Rani Parker")
    assert added.roles == ["panellist"] and added.share_contact
    assert added.consent_recorded_at is not None
    assert added.person.owner_organization == org
    assert AuditEntry.for_object(added).filter(action="create").exists()


def test_changing_consent_on_edit_is_timestamped_and_audited(
    login: Any, owner: Any, convening: Convening, people: dict[str, Participant]
) -> None:
    participant = people["org_only"]
    assert participant.consent_recorded_at is None
    url = reverse("convenings:participant-edit", args=[convening.slug, participant.pk])
    fields = {"person": participant.person_id, "roles": ["participant"], "listing": "organization"}
    login(owner).post(url, {**fields, "title": "Rapporteur"})
    participant.refresh_from_db()
    assert participant.title == "Rapporteur" and participant.consent_recorded_at is None
    login(owner).post(url, {**fields, "title": "Rapporteur", "share_contact": "on"})
    participant.refresh_from_db()
    assert participant.share_contact and participant.consent_recorded_at is not None
    change = AuditEntry.for_object(participant).filter(action="update").first()
    assert change is not None and change.changes["share_contact"] == {"from": False, "to": True}


def test_the_same_person_cannot_be_added_twice(
    login: Any, owner: Any, convening: Convening, people: dict[str, Participant]
) -> None:
    person = people["named"].person
    response = login(owner).post(
        reverse("convenings:participant-add", args=[convening.slug]),
        {"person": person.pk, "roles": ["participant"], "listing": "name"},
    )
    assert response.status_code == 200
    assert "already a participant" in response.content.decode()


def test_outsiders_cannot_add_or_read_links(
    login: Any, outsider: Any, convening: Convening
) -> None:
    client = login(outsider)
    assert (
        client.get(reverse("convenings:participant-add", args=[convening.slug])).status_code == 403
    )
    assert (
        client.get(reverse("convenings:participant-links", args=[convening.slug])).status_code
        == 403
    )


def test_organizers_read_the_personal_links(
    login: Any, owner: Any, convening: Convening, people: dict[str, Participant]
) -> None:
    page = (
        login(owner)
        .get(reverse("convenings:participant-links", args=[convening.slug]))
        .content.decode()
    )
    assert people["hidden"].token in page


def _in_directory(person_name: str) -> dict[str, bool]:
    """Where an anonymous visitor finds ``person_name``: the page, the list, a search,
    the API list and the API record."""
    from asmhub.directory.models import Person

    person = Person.objects.get(name=person_name)
    anonymous = Client()
    address = reverse("directory:person", args=[person.slug])
    page = anonymous.get(address)
    listing = anonymous.get(reverse("directory:people")).content.decode()
    search = anonymous.get(reverse("directory:people"), {"q": person_name}).content.decode()
    api_list = anonymous.get("/api/directory/people", {"q": person_name}).json()
    api_one = anonymous.get(f"/api/directory/people/{person.slug}")
    return {
        "page": page.status_code == 200,
        "list": address in listing,
        "search": address in search,
        "api list": person_name in str(api_list),
        "api record": api_one.status_code == 200,
    }


def _add_new_person(client: Client, convening: Convening, name: str, **fields: Any) -> None:
    response = client.post(
        reverse("convenings:participant-add", args=[convening.slug]),
        {"new_person": name, "roles": ["participant"], **fields},
    )
    assert response.status_code == 302


def test_a_new_person_with_the_default_consent_stays_out_of_the_directory(
    login: Any, editor: Any, convening: Convening
) -> None:
    client = login(editor)
    add = client.get(reverse("convenings:participant-add", args=[convening.slug]))
    default = (
        add.context["form"].initial.get("listing")
        or Participant._meta.get_field("listing").get_default()
    )
    assert default == Participant.Listing.ORGANIZATION
    _add_new_person(client, convening, "Rani Parker", listing=default)
    assert _in_directory("Rani Parker") == dict.fromkeys(
        ["page", "list", "search", "api list", "api record"], False
    )
    participant = convening.participants.get(person__name="Rani Parker")
    assert participant.made_person and participant.person.status == "draft"


def test_a_new_person_who_agrees_to_be_listed_is_in_the_directory(
    login: Any, editor: Any, convening: Convening
) -> None:
    _add_new_person(login(editor), convening, "Rani Parker", listing="name")
    assert _in_directory("Rani Parker") == dict.fromkeys(
        ["page", "list", "search", "api list", "api record"], True
    )


def test_a_change_of_consent_publishes_or_withdraws_the_person(
    login: Any, editor: Any, convening: Convening
) -> None:
    client = login(editor)
    _add_new_person(client, convening, "Rani Parker", listing="hidden")
    participant = convening.participants.get(person__name="Rani Parker")
    url = reverse("convenings:participant-edit", args=[convening.slug, participant.pk])
    fields = {"person": participant.person_id, "roles": ["participant"]}
    assert client.post(url, {**fields, "listing": "name"}).status_code == 302
    assert _in_directory("Rani Parker")["page"]
    assert client.post(url, {**fields, "listing": "organization"}).status_code == 302
    assert not any(_in_directory("Rani Parker").values())
    withdrawn = AuditEntry.for_object(participant.person).filter(action="status:draft")
    assert withdrawn.exists()


def test_consent_elsewhere_does_not_unpublish_a_directory_person(
    login: Any, editor: Any, convening: Convening, people: dict[str, Participant]
) -> None:
    # "Org Only" was in the directory before the convening: its consent is the meeting's.
    participant = people["named"]
    url = reverse("convenings:participant-edit", args=[convening.slug, participant.pk])
    fields = {"person": participant.person_id, "roles": ["participant"], "listing": "hidden"}
    assert login(editor).post(url, fields).status_code == 302
    assert _in_directory("Named Sharer")["page"]


def test_a_member_organizer_adds_a_listed_person_as_a_draft_for_review(
    login: Any, owner: Any, convening: Convening
) -> None:
    _add_new_person(login(owner), convening, "Rani Parker", listing="name")
    assert not _in_directory("Rani Parker")["page"]
