"""A donor officer saves a concept, expresses interest and writes to its proposers; the
proposers' contact details stay private until they answer, and then only what they chose
goes to the donor (asmhub.funding.engagement)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from asmhub.conftest import make_org, make_person, make_user
from asmhub.core.models import AuditEntry
from asmhub.directory.models import ContactDetails
from asmhub.funding.engagement_models import ConceptMessage, Interest, SavedConcept

from .conftest import concept, donor

pytestmark = pytest.mark.django_db

ANA_EMAIL = "ana.quispe@cooperaccion.example"
ANA_NAME = "Ana Quispe"
PHONE = "+51 1 555 0199"


@pytest.fixture
def scene(db: Any) -> dict[str, Any]:
    andes = donor("Andes Fund", {"mercury-chemicals": 1.0}, ("PE",))
    officer = make_user("officer", "member", andes.organization)
    officer.email = "officer@andes.example"
    officer.save()
    coop = make_org("CooperAcción", "national-ngo")
    ana = make_user("ana", "member", coop)
    ana.email, ana.first_name, ana.last_name = ANA_EMAIL, "Ana", "Quispe"
    ana.save()
    luis = make_user("luis", "member", coop)
    luis.email = "luis@cooperaccion.example"
    luis.save()
    person = make_person(ANA_NAME)
    ContactDetails.objects.create(person=person, email=ANA_EMAIL, phone=PHONE)
    need = concept("Mercury-free gold in Puno", ("mercury-chemicals",), ("PE",), coop)
    return {"officer": officer, "ana": ana, "luis": luis, "concept": need, "donor": andes}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _private(text: str) -> bool:
    return ANA_EMAIL not in text and PHONE not in text and ANA_NAME not in text


def test_a_donor_officer_saves_a_concept_and_expresses_interest(scene: dict[str, Any]) -> None:
    officer, need = scene["officer"], scene["concept"]
    client = _client(officer)
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Save to my list" in page and "Express interest" in page and _private(page)
    client.post(reverse("funding:concept-save", args=[need.slug]))
    assert SavedConcept.objects.filter(user=officer, concept=need).exists()
    assert need.title in client.get(reverse("funding:saved")).content.decode()
    client.post(reverse("funding:concept-interest", args=[need.slug]))
    client.post(reverse("funding:concept-interest", args=[need.slug]))
    assert Interest.objects.get().donor == scene["donor"].organization
    assert {"save", "interest"} <= set(AuditEntry.for_object(need).values_list("action", flat=True))
    proposer_page = _client(scene["ana"]).get(need.get_absolute_url()).content.decode()
    assert "Interested:" in proposer_page and "Andes Fund" in proposer_page
    client.post(reverse("funding:concept-save", args=[need.slug]))
    assert not SavedConcept.objects.exists()


def test_only_donor_officers_act_on_concepts(
    scene: dict[str, Any], outsider: Any, client: Client
) -> None:
    need = scene["concept"]
    member = _client(outsider)
    assert "Save to my list" not in member.get(need.get_absolute_url()).content.decode()
    assert member.post(reverse("funding:concept-save", args=[need.slug])).status_code == 403
    assert member.post(reverse("funding:concept-interest", args=[need.slug])).status_code == 403
    assert member.get(reverse("funding:saved")).status_code == 403
    assert client.post(reverse("funding:concept-save", args=[need.slug])).status_code == 302
    assert not SavedConcept.objects.exists() and not Interest.objects.exists()


def test_a_message_is_stored_and_mailed_to_each_proposer_without_showing_their_details(
    scene: dict[str, Any], outsider: Any
) -> None:
    officer, need = scene["officer"], scene["concept"]
    thread = reverse("funding:conversation", args=[need.slug, scene["donor"].organization.slug])
    client = _client(officer)
    before = client.get(thread)
    assert before.status_code == 200 and _private(before.content.decode())
    client.post(thread, {"body": "We fund mercury-free processing in Puno. Can we talk?"})
    message = ConceptMessage.objects.get()
    assert message.direction == ConceptMessage.Direction.TO_PROPOSERS
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ANA_EMAIL, "luis@cooperaccion.example"])
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    assert "We fund mercury-free processing" in mail.outbox[0].body
    assert thread in mail.outbox[0].body
    after = client.get(thread).content.decode()
    assert "We fund mercury-free processing" in after and _private(after)
    assert _private(client.get(need.get_absolute_url()).content.decode())
    assert _client(outsider).get(thread).status_code == 404
    assert Client().get(thread).status_code == 302
    assert AuditEntry.for_object(need).filter(action="message:to-proposers").exists()


def test_the_answer_reveals_only_what_the_proposer_chose(scene: dict[str, Any]) -> None:
    officer, need = scene["officer"], scene["concept"]
    thread = reverse("funding:conversation", args=[need.slug, scene["donor"].organization.slug])
    _client(officer).post(thread, {"body": "Can we talk?"})
    mail.outbox.clear()
    ana = _client(scene["ana"])
    assert "Answer the donor" in ana.get(thread).content.decode()
    ana.post(thread, {"body": "Gladly, write to me.", "share": ["email"]})
    reply = ConceptMessage.objects.get(direction=ConceptMessage.Direction.TO_DONOR)
    assert reply.shared == {"email": ANA_EMAIL}
    page = _client(officer).get(thread).content.decode()
    assert ANA_EMAIL in page and ANA_NAME not in page and PHONE not in page
    assert [m.to for m in mail.outbox] == [["officer@andes.example"]]
    assert ANA_EMAIL in mail.outbox[0].body and ANA_NAME not in mail.outbox[0].body

    luis = _client(scene["luis"])
    luis.post(thread, {"body": "My colleague will follow up.", "share": []})
    quiet = ConceptMessage.objects.filter(direction=ConceptMessage.Direction.TO_DONOR).last()
    assert quiet is not None and quiet.shared == {}
    assert "luis@cooperaccion.example" not in _client(officer).get(thread).content.decode()
    assert "luis@cooperaccion.example" not in mail.outbox[-1].body


def test_proposers_answer_only_a_donor_who_wrote_and_bad_input_is_refused(
    scene: dict[str, Any],
) -> None:
    need, officer = scene["concept"], scene["officer"]
    thread = reverse("funding:conversation", args=[need.slug, scene["donor"].organization.slug])
    assert _client(scene["ana"]).get(thread).status_code == 404
    response = _client(officer).post(thread, {"body": "   "})
    assert response.status_code == 200 and not ConceptMessage.objects.exists()
    _client(officer).post(thread, {"body": "Hello"})
    ana = _client(scene["ana"])
    refused = ana.post(thread, {"body": "Call me", "share": ["other"], "other": ""})
    assert "Say what other way to reach you" in refused.content.decode()
    assert ConceptMessage.objects.count() == 1


def test_the_pages_are_in_french(scene: dict[str, Any]) -> None:
    need, officer = scene["concept"], scene["officer"]
    client = _client(officer)
    client.cookies["django_language"] = "fr"
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Écrire aux porteurs du projet" in page and "Manifester notre intérêt" in page
    thread = reverse("funding:conversation", args=[need.slug, scene["donor"].organization.slug])
    assert (
        "Messages entre Andes Fund et les porteurs du projet" in client.get(thread).content.decode()
    )
