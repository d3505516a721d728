"""Ranking donors and opportunities for a project concept, with the reasons in words.

The 2005 conference asked for "strong proposals" with "clear linkages with donor
objectives", brought to the right donor at the right time. A donor's score is the
weighted sum of six parts, each from 0 to 1 (weights in data/matching.yaml):

- priorities: the mean of the donor's weights on the concept's lever issues and SDG goals;
- geography: the share of the concept's countries that are focus countries (a country
  in a focus region counts ``region_credit``); a donor with no stated focus scores
  ``unknown_credit``;
- history: ASM activities the donor funds in those countries (its IATI footprint), an
  activity on one of the concept's lever issues counting fully and any other half, up to
  ``history_saturation``;
- fit: half for the instrument sought, half for the budget within the typical size range;
- eligibility: whether the proposers' stakeholder types are among those the donor funds;
- timing: an open or forecast opportunity of the donor that closes between today and the
  concept's end scores 1, a funding-cycle date in that window ``timing_cycle_credit``.

The parts of every donor are computed from the matching index (``funding/index.py``), the
published donors' data held in memory and rebuilt when it changes; the reasons are written
only for the rows returned.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator, Mapping

from django.db.models import Q

from asmhub.core.models import Status
from asmhub.funding import index as matching_index
from asmhub.funding.index import DonorEntry
from asmhub.funding.models import Concept, DonorProfile, Opportunity
from asmhub.funding.reasons import explain, explain_opportunity
from asmhub.funding.scoring import (
    CONFIG,
    LABELS,
    PARTS,
    Match,
    Part,
    Ranking,
    config,
    read_facts,
    weights,
)

__all__ = [
    "CONFIG",
    "LABELS",
    "PARTS",
    "REVERSE_CANDIDATES",
    "Match",
    "Part",
    "config",
    "rank_concepts",
    "rank_donors",
    "rank_opportunities",
    "weights",
]


def rank_donors(
    concept: Concept,
    limit: int = 20,
    overrides: Mapping[str, float] | None = None,
    today: dt.date | None = None,
    profile_ids: Iterable[int] | None = None,
) -> list[Match]:
    """Published donor profiles ranked for ``concept``, best first, each explained."""
    ranking = Ranking(read_facts(concept, today), matching_index.current())
    w = weights(overrides)
    donors = ranking.index.donors
    if profile_ids is not None:
        wanted = set(profile_ids)
        donors = [d for d in donors if d.pid in wanted]
    top = heapq.nlargest(
        limit, _scored(ranking, donors, w), key=lambda item: (item[0], -item[1].pid)
    )
    profiles = DonorProfile.objects.select_related("organization").in_bulk(
        [entry.pid for _s, entry in top]
    )
    found = [
        ranking.index.first_deadline(entry.org, ranking.f.today, ranking.f.until)
        for _s, entry in top
    ]
    opportunities = Opportunity.objects.in_bulk([f[1] for f in found if f])
    return [
        explain(ranking, entry, profiles[entry.pid], w, round(score, 1), opportunities)
        for score, entry in top
    ]


def _scored(
    ranking: Ranking, donors: Iterable[DonorEntry], w: Mapping[str, float]
) -> Iterator[tuple[float, DonorEntry]]:
    """Each donor's score out of 100: the weighted sum of its parts."""
    wp, wg, wh, wf, we, wt = (100 * w[k] for k in PARTS)
    for entry in donors:
        p, g, h, f, e, t = ranking.parts(entry)
        yield wp * p + wg * g + wh * h + wf * f + we * e + wt * t, entry


def rank_opportunities(
    concept: Concept,
    limit: int = 20,
    overrides: Mapping[str, float] | None = None,
    today: dt.date | None = None,
) -> list[Match]:
    """Open and forecast opportunities closing before the concept ends, best first."""
    ranking = Ranking(read_facts(concept, today), matching_index.current())
    w = weights(overrides)
    candidates = (
        Opportunity.objects.filter(
            status=Status.PUBLISHED,
            stage__in=[Opportunity.Stage.OPEN, Opportunity.Stage.FORECAST],
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=ranking.f.today))
        .select_related("donor")
        .prefetch_related("lever_issues", "sdg_goals", "countries", "eligible_types")
    )
    donors = {
        p.organization_id: p
        for p in DonorProfile.objects.filter(status=Status.PUBLISHED).select_related("organization")
    }
    matches = [explain_opportunity(ranking, o, donors, w) for o in candidates]
    matches.sort(key=lambda m: (-m.score, m.deadline or dt.date.max))
    return matches[:limit]


REVERSE_CANDIDATES = 50  # the most recently updated concepts a donor is matched against


def rank_concepts(
    profile: DonorProfile, concepts: Iterable[Concept], today: dt.date | None = None
) -> list[Match]:
    """The reverse: the concepts that fit one donor best.

    Each concept is read on its own (its countries, regions, issues, proposers), so callers
    pass a bounded list: ``REVERSE_CANDIDATES`` of them, newest first.
    """
    found: list[tuple[Concept, Match]] = []
    for concept in concepts:
        ranked = rank_donors(concept, limit=1, today=today, profile_ids=[profile.pk])
        if ranked:
            found.append((concept, ranked[0]))
    found.sort(key=lambda item: -item[1].score)
    for concept, match in found:
        match.concept = concept
    return [match for _concept, match in found]
