"""Funding pages: what each persona sees and may change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Application, Concept, DonorProfile, Opportunity

from .conftest import TODAY, concept, opportunity

pytestmark = pytest.mark.django_db


def test_the_public_pages_answer(
    client: Client, three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    opportunity(three_donors["andes"], "Andes call", TODAY)
    for name in ("donors", "opportunities", "concepts", "projects", "activities", "common-ground"):
        assert client.get(reverse(f"funding:{name}")).status_code == 200, name
    page = client.get(three_donors["andes"].get_absolute_url())
    assert page.status_code == 200 and b"Mercury and chemical exposure" in page.content
    match = client.get(mercury_concept.get_absolute_url())
    assert match.status_code == 200
    assert b"Andes Fund" in match.content and b"Priority alignment" in match.content


def test_the_match_fragment_takes_new_weights(
    client: Client, three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    url = reverse("funding:concept-match", args=[mercury_concept.slug])
    page = client.get(url, {"w_priorities": "0", "w_geography": "1"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and b"<html" not in page.content
    assert b'name="w_priorities" value="0.0"' in page.content


def test_drafts_are_hidden_from_the_public_and_outsiders(
    client: Client, login: Callable[[User], Client], org: Organization, outsider: User, owner: User
) -> None:
    draft = concept("Our draft need", ("gender",), ("PE",), org, status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert b"Our draft need" not in client.get(reverse("funding:concepts")).content
    assert login(outsider).get(draft.get_absolute_url()).status_code == 404
    assert login(owner).get(draft.get_absolute_url()).status_code == 200


def test_a_member_describes_a_need_as_a_draft_of_their_organization(
    login: Callable[[User], Client], owner: User, org: Organization
) -> None:
    client = login(owner)
    response = client.post(
        reverse("funding:concept-create"),
        {"title": "Clean water at the mine", "currency": "USD", "summary": "Wells."},
    )
    made = Concept.objects.get(title="Clean water at the mine")
    assert response.status_code == 302 and made.status == Status.DRAFT
    assert made.owner_organization == org
    assert AuditEntry.for_object(made).filter(action="create").exists()


def test_a_member_cannot_edit_another_organizations_concept(
    login: Callable[[User], Client], outsider: User, org: Organization
) -> None:
    theirs = concept("Their need", ("gender",), ("PE",), org)
    client = login(outsider)
    url = reverse("funding:concept-edit", args=[theirs.slug])
    assert client.get(url).status_code == 403
    client.post(url, {"title": "Taken over", "currency": "USD"})
    theirs.refresh_from_db()
    assert theirs.title == "Their need"


def test_an_invalid_concept_writes_nothing(login: Callable[[User], Client], owner: User) -> None:
    response = login(owner).post(
        reverse("funding:concept-create"),
        {
            "title": "Backwards",
            "currency": "USD",
            "starts_on": "2027-06-01",
            "ends_on": "2027-01-01",
        },
    )
    assert response.status_code == 200 and b"cannot end before it starts" in response.content
    assert not Concept.objects.filter(title="Backwards").exists()


def test_the_pipeline_is_private_to_its_organization(
    client: Client,
    login: Callable[[User], Client],
    owner: User,
    outsider: User,
    editor: User,
    org: Organization,
    three_donors: dict[str, DonorProfile],
) -> None:
    call = opportunity(three_donors["andes"], "Andes call", TODAY)
    application = Application.objects.create(
        opportunity=call, applicant=org, owner_organization=org, amount_requested=1000
    )
    url = application.get_absolute_url()
    assert client.get(url).status_code == 302  # to sign in
    assert login(outsider).get(url).status_code == 404
    assert b"Andes call" not in login(outsider).get(reverse("funding:applications")).content
    assert login(owner).get(url).status_code == 200
    assert login(editor).get(url).status_code == 200


def test_exports_follow_the_filters_and_visibility(
    client: Client, three_donors: dict[str, DonorProfile], org: Organization
) -> None:
    concept("Public need", ("gender",), ("PE",), org)
    concept("Hidden need", ("gender",), ("PE",), org, status=Status.DRAFT)
    body = client.get(reverse("funding:export", args=["concepts", "csv"])).content.decode()
    assert "Public need" in body and "Hidden need" not in body
    donors = client.get(reverse("funding:export", args=["donors", "csv"]), {"country": "CD"})
    text = donors.content.decode()
    assert "Kivu Peace Fund" in text and "Andes Fund" not in text
    xlsx = client.get(reverse("funding:export", args=["donors", "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_compatibility_matrix_downloads(client: Client, three_donors: Any) -> None:
    response = client.get(reverse("funding:common-ground-export", args=["csv"]), {"goals": "mdg"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("goal,donor:") and len(lines) == 9


def test_an_opportunity_that_closes_before_it_opens_is_refused(
    login: Callable[[User], Client], editor: User, three_donors: dict[str, DonorProfile]
) -> None:
    response = login(editor).post(
        reverse("funding:opportunity-create"),
        {
            "title": "Backwards call",
            "donor": three_donors["andes"].organization_id,
            "stage": "open",
            "instrument": "grant",
            "currency": "USD",
            "opens_on": "2027-05-01",
            "closes_on": "2027-04-01",
        },
    )
    assert response.status_code == 200
    assert "cannot close before it opens" in response.content.decode()
    assert not Opportunity.objects.filter(title="Backwards call").exists()


def test_more_granted_than_requested_is_refused(
    login: Callable[[User], Client], owner: User, org: Organization, three_donors: Any
) -> None:
    call = opportunity(three_donors["andes"], "Andes call", TODAY)
    response = login(owner).post(
        reverse("funding:application-create"),
        {
            "opportunity": call.pk,
            "applicant": org.pk,
            "stage": "submitted",
            "amount_requested": "1000",
            "amount_granted": "5000",
            "currency": "USD",
        },
    )
    assert "More was granted than requested" in response.content.decode()
    assert not Application.objects.exists()


def test_the_home_page_says_what_funding_holds_and_counts_only_the_public(
    client: Client, three_donors: dict[str, DonorProfile], org: Organization
) -> None:
    concept("A public need", ("gender",), ("PE",), org)
    concept("A draft need", ("gender",), ("PE",), org, status=Status.DRAFT)
    stats = {str(s.label): s.count for s in client.get("/").context["stats"]}
    assert stats["donor profiles with their priorities and cycles"] == 3
    assert stats["needs matched to donors"] == 1


def test_a_donor_champions_contact_details_never_reach_the_public(
    client: Client, three_donors: dict[str, DonorProfile]
) -> None:
    from asmhub.conftest import make_person
    from asmhub.directory.models import ContactDetails

    champion = make_person("Jay Champion")
    ContactDetails.objects.create(person=champion, email="jay@donor.example", phone="+1 555 0100")
    three_donors["andes"].champions.add(champion)
    pages = [
        client.get(three_donors["andes"].get_absolute_url()),
        client.get("/api/funding/donors/andes-fund"),
        client.get("/api/funding/donors"),
        client.get(reverse("funding:export", args=["donors", "csv"])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert "jay@donor.example" not in body and "555 0100" not in body
    assert "Jay Champion" in pages[0].content.decode()  # named, without the contact
