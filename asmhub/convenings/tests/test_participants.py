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
