"""Targeting a concept: which donors to approach, through which door, by when, with what.

Seed 000 asks for the strategy "which donors should be targeted; how they should be
targeted"; seed 001 for "strong proposals" brought through the right entry point
(ministries and the Poverty Reduction Strategy, country offices, trust funds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.funding.matching import Match, rank_donors
from asmhub.funding.models import Concept, EntryPoint
from asmhub.library.models import Fact, SuccessStory


@dataclass
class Target:
    match: Match
    entry_point: str
    entry_reason: str
    evidence: list[Any] = field(default_factory=list)


def entry_point_for(match: Match, concept_countries: set[str]) -> tuple[str, str]:
    """The door to knock on, and why, from the donor's profile and the match's deadline."""
    profile = match.profile
    points = list(profile.entry_points) if profile else []
    focus = set(profile.focus_countries.values_list("code", flat=True)) if profile else set()
    if match.opportunity is not None:
        return str(EntryPoint.OPEN_CALL.label), _("Apply to “%(t)s”.") % {
            "t": match.opportunity.title
        }
    if EntryPoint.COUNTRY_OFFICE in points and concept_countries & focus:
        return str(EntryPoint.COUNTRY_OFFICE.label), _(
            "The concept's country is a focus country with an office that designs programmes."
        )
    if EntryPoint.MINISTRY in points:
        return str(EntryPoint.MINISTRY.label), _(
            "Funds follow the government's own Poverty Reduction Strategy: the ministry must ask for it."
        )
    if EntryPoint.TRUST_FUND in points:
        return str(EntryPoint.TRUST_FUND.label), _("Through the trust fund it contributes to.")
    if points:
        return str(EntryPoint(points[0]).label), ""
    return str(EntryPoint.HEADQUARTERS.label), _("The profile names no entry point.")


def evidence_for(user: Any, concept: Concept, limit: int = 6) -> list[Any]:
    """The concept's own evidence, then published facts and stories on its lever issues."""
    issues = list(concept.lever_issues.all())
    found: list[Any] = list(permissions.visible(user, concept.evidence_stories.all()))
    found += list(permissions.visible(user, concept.evidence_resources.all()))
    stories = (
        permissions.visible(user, SuccessStory.objects.filter(lever_issues__in=issues))
        .exclude(pk__in=[s.pk for s in found if isinstance(s, SuccessStory)])
        .distinct()
    )
    found += list(stories[:2])
    facts = (
        permissions.visible(user, Fact.objects.filter(lever_issues__in=issues))
        .select_related("resource")
        .distinct()
    )
    found += list(facts[: max(limit - len(found), 2)])
    return found[: limit + 2]


def targets(user: Any, concept: Concept, limit: int = 5) -> list[Target]:
    countries = set(concept.countries.values_list("code", flat=True))
    evidence = evidence_for(user, concept)
    result = []
    for match in rank_donors(concept, limit=limit):
        door, why = entry_point_for(match, countries)
        result.append(Target(match, door, why, evidence))
    return result
