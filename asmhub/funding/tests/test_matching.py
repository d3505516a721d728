"""The ranking's order and its parts, pinned on hand-made donors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.core.models import Status
from asmhub.funding import matching
from asmhub.funding.models import Concept, DonorProfile

from .conftest import TODAY, concept, cycle, donor, opportunity

pytestmark = pytest.mark.django_db


def names(matches: list[matching.Match]) -> list[str]:
    return [m.profile.organization.name for m in matches if m.profile]


def parts(match: matching.Match) -> dict[str, float]:
    return {p.key: round(p.value, 3) for p in match.parts}


def test_the_donor_with_the_priorities_and_the_country_ranks_first(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    ranked = matching.rank_donors(mercury_concept, today=TODAY)
    assert names(ranked) == ["Andes Fund", "Global Mercury Trust", "Kivu Peace Fund"]
    andes, global_, kivu = (parts(m) for m in ranked)
    assert andes["priorities"] == pytest.approx(0.9)  # (1.0 + 0.8) / 2 terms
    assert global_["priorities"] == pytest.approx(0.3)  # 0.6 on one of two terms
    assert kivu["priorities"] == 0
    assert andes["geography"] == 1.0 and kivu["geography"] == 0.0
    assert global_["geography"] == 0.5  # no stated focus: the unknown credit
    assert andes["fit"] == 1.0  # grant offered, 500,000 within 100,000-1,000,000
    assert andes["eligibility"] == 1.0


def test_every_part_explains_itself_in_words(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    best = matching.rank_donors(mercury_concept, today=TODAY)[0]
    reasons = {p.key: p.reason for p in best.parts}
    assert "Mercury and chemical exposure (1.0)" in reasons["priorities"]
    assert "Peru" in reasons["geography"]
    assert "offers" in reasons["fit"].lower()
    assert best.summary and best.score == pytest.approx(sum(p.points for p in best.parts), abs=0.2)


def test_the_score_is_the_weighted_sum_of_the_parts(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    for match in matching.rank_donors(mercury_concept, today=TODAY):
        expected = 100 * sum(p.value * p.weight for p in match.parts)
        assert match.score == pytest.approx(expected, abs=0.05)
        assert sum(p.weight for p in match.parts) == pytest.approx(1.0)


def test_weights_can_change_the_order(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    geography_only = {k: 0.0 for k in matching.PARTS} | {"geography": 1.0}
    ranked = matching.rank_donors(mercury_concept, overrides=geography_only, today=TODAY)
    assert names(ranked)[0] == "Andes Fund"
    assert names(ranked)[1] == "Global Mercury Trust"  # unknown focus beats a wrong one
    assert ranked[2].score == 0


def test_a_deadline_before_the_concept_ends_counts_and_is_named(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    kivu = three_donors["kivu"]
    opportunity(kivu, "Peace call", dt.date(2027, 3, 1))
    opportunity(kivu, "Too late", dt.date(2029, 1, 1))
    ranked = {
        m.profile.organization.name: m for m in matching.rank_donors(mercury_concept, today=TODAY)
    }
    assert parts(ranked["Kivu Peace Fund"])["timing"] == 1.0
    assert ranked["Kivu Peace Fund"].deadline == dt.date(2027, 3, 1)
    assert ranked["Kivu Peace Fund"].deadline_what == "Peace call"
    assert parts(ranked["Andes Fund"])["timing"] == 0.0


def test_a_funding_cycle_date_in_the_window_earns_the_cycle_credit(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    cycle(three_donors["global"], "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", dt.date(2010, 3, 31))
    ranked = {
        m.profile.organization.name: m for m in matching.rank_donors(mercury_concept, today=TODAY)
    }
    match = ranked["Global Mercury Trust"]
    assert parts(match)["timing"] == matching.config()["timing_cycle_credit"]
    assert match.deadline == dt.date(2027, 3, 31)


def test_a_closed_or_unpublished_opportunity_does_not_count(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    andes = three_donors["andes"]
    opportunity(andes, "Closed", dt.date(2027, 3, 1), stage="closed")
    opportunity(andes, "Draft", dt.date(2027, 3, 1), status=Status.DRAFT)
    best = matching.rank_donors(mercury_concept, today=TODAY)[0]
    assert parts(best)["timing"] == 0.0


def test_draft_donor_profiles_are_not_ranked(db: Any, mercury_concept: Concept) -> None:
    donor("Hidden Donor", {"mercury-chemicals": 1.0}, ("PE",), status=Status.DRAFT)
    assert matching.rank_donors(mercury_concept, today=TODAY) == []


def test_ineligible_proposers_score_zero_on_eligibility(
    three_donors: dict[str, DonorProfile],
) -> None:
    from asmhub.conftest import make_org

    company = make_org("Big Mine Ltd", "mining-company")
    made = concept("Company plan", ("mercury-chemicals",), ("PE",), company)
    andes = next(
        m
        for m in matching.rank_donors(made, today=TODAY)
        if m.profile.organization.name == "Andes Fund"
    )
    assert parts(andes)["eligibility"] == 0.0
    assert "not of a type it funds" in next(p.reason for p in andes.parts if p.key == "eligibility")


def test_opportunities_rank_by_what_they_share_with_the_concept(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    opportunity(
        three_donors["andes"], "Mercury in the Andes", dt.date(2027, 2, 1),
        issues=("mercury-chemicals", "gender"), countries=("PE",),
    )  # fmt: skip
    opportunity(
        three_donors["kivu"], "Peace in Kivu", dt.date(2027, 2, 1),
        issues=("conflict-security",), countries=("CD",),
    )  # fmt: skip
    ranked = matching.rank_opportunities(mercury_concept, today=TODAY)
    assert [m.opportunity.title for m in ranked if m.opportunity] == [
        "Mercury in the Andes",
        "Peace in Kivu",
    ]
    assert parts(ranked[0])["priorities"] == 1.0 and parts(ranked[1])["priorities"] == 0.0


def test_the_reverse_ranks_concepts_for_a_donor(
    three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    peace = concept("Peace through traceability", ("conflict-security",), ("CD",))
    ranked = matching.rank_concepts(three_donors["kivu"], [mercury_concept, peace], today=TODAY)
    assert [m.concept for m in ranked] == [peace, mercury_concept]
