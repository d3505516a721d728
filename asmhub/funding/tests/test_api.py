"""The funding API: lists, the match with its parts, and contributing a concept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from asmhub.accounts.models import User
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Concept, DonorProfile

from .conftest import concept

pytestmark = pytest.mark.django_db


def test_donors_list_without_contact_details(
    client: Client, three_donors: dict[str, DonorProfile]
) -> None:
    body = client.get("/api/funding/donors").json()
    assert body["count"] == 3
    first = next(d for d in body["items"] if d["slug"] == "andes-fund")
    assert first["priorities"][0] == {
        "lever_issue": "mercury-chemicals", "sdg_goal": None, "weight": 1.0, "evidence": ""
    }  # fmt: skip
    assert "email" not in str(body) and "phone" not in str(body)


def test_the_match_explains_each_part(
    client: Client, three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    ranked = client.get(f"/api/funding/concepts/{mercury_concept.slug}/donors").json()
    assert ranked[0]["donor"] == "andes-fund"
    assert {p["key"] for p in ranked[0]["parts"]} == {
        "priorities", "geography", "history", "fit", "eligibility", "timing"
    }  # fmt: skip
    assert all(p["reason"] for p in ranked[0]["parts"])
    reweighted = client.get(
        f"/api/funding/concepts/{mercury_concept.slug}/donors",
        {"w_priorities": 0, "w_geography": 0, "w_fit": 0, "w_eligibility": 0, "w_history": 0},
    ).json()
    assert all(r["score"] == 0 for r in reweighted)  # only timing, and no deadline


def test_a_draft_concept_is_not_in_the_public_api(client: Client, org: Organization) -> None:
    draft = concept("Secret plan", ("gender",), ("PE",), org, status=Status.DRAFT)
    assert client.get(f"/api/funding/concepts/{draft.slug}").status_code == 404
    assert client.get(f"/api/funding/concepts/{draft.slug}/donors").status_code == 404


def test_contributing_a_concept(
    login: Callable[[User], Client], owner: User, client: Client
) -> None:
    payload = {"title": "Savings groups", "countries": ["PE"], "lever_issues": ["finance"]}
    assert (
        client.post("/api/funding/concepts", payload, content_type="application/json").status_code
        == 401
    )
    signed_in = login(owner)
    made = signed_in.post("/api/funding/concepts", payload, content_type="application/json")
    assert made.status_code == 200 and made.json()["status"] == "draft"
    bad = signed_in.post(
        "/api/funding/concepts",
        {**payload, "title": "Bad", "countries": ["XX"]},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "countries" in bad.json()["detail"]
    assert not Concept.objects.filter(title="Bad").exists()


def test_common_ground_in_the_api(client: Client, three_donors: dict[str, DonorProfile]) -> None:
    body = client.get("/api/funding/common-ground", {"goals": "sdg"}).json()
    assert len(body["matrix"]) == 17 and body["columns"][0].startswith("donor:")
    assert client.get("/api/funding/common-ground", {"goals": "xyz"}).status_code == 422
