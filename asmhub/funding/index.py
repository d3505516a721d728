"""The matching index: what the ranking reads of every published donor, held in memory.

Ranking ten thousand donors reads the same tables for every concept; reading them once
and keeping them in each process turns a ranking into a loop over memory. The one row of
``IndexVersion`` tells each process when its copy is stale: every change that matters
(profiles, priorities, focus, eligible types, cycles, opportunities, the IATI footprint)
stores a new random token there, in the same transaction as the change, through the
signals connected in ``connect_signals`` or, for bulk writes, by calling ``bump``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from asmhub.core.models import Status
from asmhub.core.versioned import Versioned
from asmhub.funding.models import (
    DonorProfile,
    Footprint,
    FundingCycle,
    IndexVersion,
    Opportunity,
    Priority,
)


@dataclass(frozen=True)
class DonorEntry:
    pid: int
    org: int
    priorities: dict[tuple[str, int], float]
    focus: frozenset[str]
    regions: frozenset[int]
    types: frozenset[int]
    instruments: tuple[str, ...]
    size_min: float | None
    size_max: float | None
    currency: str
    cycles: tuple[tuple[str, dt.date, str | None, str], ...]  # rule, first, country, title


@dataclass
class MatchingIndex:
    token: str
    donors: list[DonorEntry] = field(default_factory=list)
    # country: (donor organization, lever issue, ASM activities, budget)
    footprint: dict[str, list[tuple[int, int | None, float, float]]] = field(default_factory=dict)
    # donor organization: (closes on, opportunity id) of its open or forecast calls, by date
    deadlines: dict[int, list[tuple[dt.date, int]]] = field(default_factory=dict)

    def first_deadline(self, org: int, start: dt.date, end: dt.date) -> tuple[dt.date, int] | None:
        calls = self.deadlines.get(org)
        if not calls:
            return None
        at = bisect_left(calls, (start, 0))
        return calls[at] if at < len(calls) and calls[at][0] <= end else None


def bump() -> None:
    """Mark the index stale for every process (call after writes that send no signal)."""
    _versioned.bump()


def _bump_on_signal(**kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    bump()


def _build(token: str) -> MatchingIndex:
    profiles = DonorProfile.objects.filter(status=Status.PUBLISHED)
    ids = set(profiles.values_list("pk", flat=True))
    priorities: dict[int, dict[tuple[str, int], float]] = defaultdict(dict)
    for pid, issue, goal, weight in Priority.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "lever_issue_id", "sdg_goal_id", "weight"
    ):
        priorities[pid][("issue", issue) if issue else ("goal", goal)] = weight

    def links(through: Any, column: str) -> dict[int, set[Any]]:
        found: dict[int, set[Any]] = defaultdict(set)
        for pid, value in through.objects.values_list("donorprofile_id", column):
            found[pid].add(value)
        return found

    focus = links(DonorProfile.focus_countries.through, "country_id")
    regions = links(DonorProfile.focus_regions.through, "region_id")
    types = links(DonorProfile.eligible_types.through, "stakeholdertype_id")
    cycles: dict[int, list[tuple[str, dt.date, str | None, str]]] = defaultdict(list)
    for pid, rule, first, country, title in FundingCycle.objects.values_list(
        "profile_id", "rule", "starts_on", "country_id", "title"
    ):
        cycles[pid].append((rule, first, country, title))
    index = MatchingIndex(token)
    for pid, org, instruments, low, high, currency in profiles.order_by("pk").values_list(
        "pk", "organization_id", "instruments", "size_min", "size_max", "currency"
    ):
        index.donors.append(
            DonorEntry(
                pid=pid,
                org=org,
                priorities=priorities.get(pid, {}),
                focus=frozenset(focus.get(pid, ())),
                regions=frozenset(regions.get(pid, ())),
                types=frozenset(types.get(pid, ())),
                instruments=tuple(instruments or ()),
                size_min=float(low) if low is not None else None,
                size_max=float(high) if high is not None else None,
                currency=currency,
                cycles=tuple(cycles.get(pid, ())),
            )
        )
    footprint: dict[str, list[tuple[int, int | None, float, float]]] = defaultdict(list)
    for org, country, issue, activities, amount in Footprint.objects.filter(
        country__isnull=False
    ).values_list("donor_id", "country_id", "lever_issue_id", "activities", "amount"):
        footprint[country].append((org, issue, float(activities), float(amount)))
    index.footprint = dict(footprint)
    deadlines: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for org, closes, pk in (
        Opportunity.objects.filter(
            status=Status.PUBLISHED,
            stage__in=[Opportunity.Stage.OPEN, Opportunity.Stage.FORECAST],
            closes_on__isnull=False,
        )
        .order_by("closes_on", "pk")
        .values_list("donor_id", "closes_on", "pk")
    ):
        if closes is not None:  # filtered above; the type checker cannot know
            deadlines[org].append((closes, pk))
    index.deadlines = dict(deadlines)
    return index


_versioned: Versioned[MatchingIndex] = Versioned(IndexVersion, _build)


def current() -> MatchingIndex:
    """This process's index, rebuilt first when the data changed since it was built."""
    return _versioned.current()


def connect_signals() -> None:
    """Bump the token on every write the ranking reads."""
    # Footprint rows are written in bulk by iati.rebuild_footprint, which bumps once itself.
    for model in (DonorProfile, Priority, FundingCycle, Opportunity):
        uid = f"funding-index-{model.__name__}"
        post_save.connect(_bump_on_signal, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_bump_on_signal, sender=model, dispatch_uid=f"{uid}-delete")
    for relation in ("focus_countries", "focus_regions", "eligible_types"):
        m2m_changed.connect(
            _bump_on_signal,
            sender=getattr(DonorProfile, relation).through,
            dispatch_uid=f"funding-index-{relation}",
        )
