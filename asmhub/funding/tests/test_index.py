"""The matching index follows every change that the ranking reads."""

from __future__ import annotations

import pytest

from asmhub.funding import index, matching
from asmhub.funding.models import Concept, DonorProfile, Priority
from asmhub.taxonomy.models import Country, LeverIssue

from .conftest import TODAY, opportunity

pytestmark = pytest.mark.django_db


def _order(made: Concept) -> list[str]:
    return [
        m.profile.organization.name for m in matching.rank_donors(made, today=TODAY) if m.profile
    ]


def test_a_changed_weight_changes_the_ranking_at_once(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    def global_priorities() -> float:
        ranked = matching.rank_donors(mercury_concept, today=TODAY)
        return (
            next(m for m in ranked if m.profile.organization.name == "Global Mercury Trust")
            .parts[0]
            .value
        )

    assert global_priorities() == pytest.approx(0.3)
    before = index.current().token
    Priority.objects.create(
        profile=three_donors["global"],
        lever_issue=LeverIssue.objects.get(slug="gender"),
        weight=1.0,
    )  # post_save: the token changes
    assert index.current().token != before
    assert global_priorities() == pytest.approx(0.8)  # (0.6 + 1.0) / 2


def test_focus_countries_and_opportunities_are_followed(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    kivu = three_donors["kivu"]
    first = {m.profile.pk: m for m in matching.rank_donors(mercury_concept, today=TODAY)}
    assert first[kivu.pk].parts[1].value == 0.0
    kivu.focus_countries.add(Country.objects.get(code="PE"))  # m2m_changed
    opportunity(kivu, "New call", TODAY)
    again = {m.profile.pk: m for m in matching.rank_donors(mercury_concept, today=TODAY)}
    assert again[kivu.pk].parts[1].value == 1.0  # Peru, the concept's country, is a focus now
    assert again[kivu.pk].deadline_what == "New call"


def test_an_unpublished_profile_leaves_the_index(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    andes = three_donors["andes"]
    andes.status = "draft"
    andes.save()
    assert "Andes Fund" not in _order(mercury_concept)


def test_bump_makes_every_process_rebuild(three_donors: dict[str, DonorProfile]) -> None:
    built = index.current()
    assert index.current() is built  # unchanged data: the same copy
    index.bump()
    assert index.current() is not built


def test_a_footprint_rebuild_is_followed(three_donors: dict[str, DonorProfile]) -> None:
    from asmhub.funding.iati import rebuild_footprint

    before = index.current().token
    rebuild_footprint([three_donors["andes"].organization_id])
    assert index.current().token != before
