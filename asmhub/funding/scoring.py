"""The parts of a match and how each is scored, shared by the ranking (``matching.py``)
and the words that explain it (``reasons.py``); the parts are described in
``matching.py``'s docstring and weighted by data/matching.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import timezone
from django.utils.translation import gettext_lazy

from asmhub.funding.index import DonorEntry, MatchingIndex
from asmhub.funding.models import Concept, DonorProfile, Opportunity
from asmhub.lib.recurrence import next_after
from asmhub.taxonomy.models import Country, Region

CONFIG = Path(__file__).resolve().parent / "data" / "matching.yaml"
PARTS = ("priorities", "geography", "history", "fit", "eligibility", "timing")
LABELS = {
    "priorities": gettext_lazy("Priority alignment"),
    "geography": gettext_lazy("Geographic focus"),
    "history": gettext_lazy("Past funding there"),
    "fit": gettext_lazy("Instrument and size"),
    "eligibility": gettext_lazy("Eligibility"),
    "timing": gettext_lazy("Timing"),
}


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return data


def weights(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The part weights, with ``overrides`` applied, divided by their sum."""
    chosen = {k: float(v) for k, v in config()["weights"].items()}
    for key, value in (overrides or {}).items():
        if key in chosen and value >= 0:
            chosen[key] = float(value)
    total = sum(chosen.values()) or 1.0
    return {k: v / total for k, v in chosen.items()}


@dataclass
class Part:
    key: str
    value: float
    weight: float
    reason: str = ""

    @property
    def label(self) -> str:
        return str(LABELS[self.key])

    @property
    def points(self) -> float:
        return round(100 * self.value * self.weight, 1)


@dataclass
class Match:
    """One ranked donor (or opportunity) for a concept, with its parts explained."""

    profile: DonorProfile | None
    score: float
    parts: list[Part]
    opportunity: Opportunity | None = None
    concept: Concept | None = None
    deadline: dt.date | None = None
    deadline_what: str = ""

    @property
    def donor(self) -> Any:
        if self.opportunity is not None:
            return self.opportunity.donor
        return self.profile.organization if self.profile else None

    @property
    def summary(self) -> str:
        best = sorted((p for p in self.parts if p.value > 0), key=lambda p: -p.points)[:3]
        return " ".join(p.reason for p in best if p.reason)


@dataclass
class Facts:
    """What the scoring needs to know about one concept, read once."""

    issues: set[int]
    goals: set[int]
    countries: set[str]
    regions: set[int]
    country_regions: dict[str, set[int]]
    types: set[int]
    budget: Decimal | None
    currency: str
    instrument: str
    today: dt.date
    until: dt.date
    names: dict[str, dict[Any, str]] = field(default_factory=dict)


def read_facts(concept: Concept, today: dt.date | None = None) -> Facts:
    today = today or timezone.localdate()
    countries = list(Country.objects.filter(concepts=concept).select_related("subregion"))
    country_regions: dict[str, set[int]] = {}
    for country in countries:
        found: set[int] = set(country.groupings.values_list("pk", flat=True))
        region: Region | None = country.subregion
        while region is not None:
            found.add(region.pk)
            region = region.parent
        country_regions[country.code] = found
    until = concept.ends_on or today + dt.timedelta(days=int(config()["horizon_days"]))
    issues = list(concept.lever_issues.all())
    goals = list(concept.sdg_goals.all())
    return Facts(
        issues={i.pk for i in issues},
        goals={g.pk for g in goals},
        countries={c.code for c in countries},
        regions=set().union(*country_regions.values()) if country_regions else set(),
        country_regions=country_regions,
        types=set(concept.proposers.values_list("stakeholder_type_id", flat=True)),
        budget=concept.budget,
        currency=concept.currency,
        instrument=concept.instrument,
        today=today,
        until=max(until, today),
        names={
            "issue": {i.pk: i.tr("name") for i in issues},
            "goal": {g.pk: f"SDG {g.number}" for g in goals},
            "country": {c.code: c.tr("name") for c in countries},
        },
    )


def money(value: Decimal | float | None, currency: str) -> str:
    if value is None:
        return "?"
    amount = float(value)
    if amount >= 1_000_000:
        return f"{currency} {amount / 1_000_000:.1f} million"
    return f"{currency} {amount:,.0f}"


class Ranking:
    """One concept against the index: each donor's parts, and what the reasons need."""

    def __init__(self, facts: Facts, index: MatchingIndex) -> None:
        self.f = facts
        self.index = index
        cfg = config()
        self.cfg = cfg
        self.unknown = float(cfg["unknown_credit"])
        self.region_credit = float(cfg["region_credit"])
        self.saturation = float(cfg["history_saturation"])
        self.tolerance = float(cfg["size_tolerance"])
        self.cycle_credit = float(cfg["timing_cycle_credit"])
        self.terms = [("issue", i) for i in sorted(facts.issues)] + [
            ("goal", g) for g in sorted(facts.goals)
        ]
        self.budget = float(facts.budget) if facts.budget is not None else None
        self.cycle_hits: dict[tuple[str, dt.date], dt.date | None] = {}
        self.fits: dict[tuple[float | None, float | None, tuple[str, ...]], float] = {}
        # donor organization: [activities on the concept's issues, other activities, budget]
        self.history: dict[int, list[float]] = {}
        for code in facts.countries:
            for org, issue, activities, amount in index.footprint.get(code, ()):
                entry = self.history.setdefault(org, [0.0, 0.0, 0.0])
                entry[0 if issue in facts.issues else 1] += activities
                entry[2] += amount

    def cycle_date(self, entry: DonorEntry) -> tuple[dt.date, str] | None:
        """The donor's first funding-cycle date in the concept's window, with its title."""
        best: tuple[dt.date, str] | None = None
        for rule, first, country, title in entry.cycles:
            if country is not None and country not in self.f.countries:
                continue
            key = (rule, first)
            if key not in self.cycle_hits:  # rules repeat across donors: expand each once
                self.cycle_hits[key] = first_between(rule, first, self.f.today, self.f.until)
            found = self.cycle_hits[key]
            if found and (best is None or found < best[0]):
                best = (found, title)
        return best

    def parts(self, entry: DonorEntry) -> tuple[float, float, float, float, float, float]:
        """The six part values of one donor, in the order of ``PARTS``."""
        f, unknown = self.f, self.unknown
        if self.terms:
            stated, total = entry.priorities, 0.0
            for term in self.terms:
                total += stated.get(term, 0.0)
            priorities = total / len(self.terms)
        else:
            priorities = unknown
        if not f.countries or not (entry.focus or entry.regions):
            geography = unknown
        else:
            credit = 0.0
            for code in f.countries:
                if code in entry.focus:
                    credit += 1.0
                elif f.country_regions[code] & entry.regions:
                    credit += self.region_credit
            geography = credit / len(f.countries)
        funded = self.history.get(entry.org)
        history = min(1.0, (funded[0] + funded[1] / 2) / self.saturation) if funded else 0.0
        key = (entry.size_min, entry.size_max, entry.instruments)
        fit = self.fits.get(key)
        if fit is None:  # donors share size ranges and instruments: work each out once
            fit = self.fits[key] = instrument_fit(
                f.instrument,
                self.budget,
                entry.size_min,
                entry.size_max,
                entry.instruments,
                unknown,
                self.tolerance,
            )
        if not f.types or not entry.types:
            eligibility = unknown
        else:
            eligibility = 1.0 if f.types & entry.types else 0.0
        if self.index.first_deadline(entry.org, f.today, f.until):
            timing = 1.0
        else:
            timing = self.cycle_credit if self.cycle_date(entry) else 0.0
        return priorities, geography, history, fit, eligibility, timing


@lru_cache(maxsize=4096)
def first_between(rule: str, first: dt.date, start: dt.date, end: dt.date) -> dt.date | None:
    """The first date of a cycle between ``start`` and ``end`` (cached: rules repeat)."""
    found = next_after(rule, first, start)
    return found if found and found <= end else None


def instrument_fit(
    instrument_sought: str,
    budget: float | None,
    size_min: Decimal | float | None,
    size_max: Decimal | float | None,
    instruments: Sequence[str],
    unknown: float,
    tolerance: float,
) -> float:
    """Half for the instrument, half for the budget within the size range."""
    if not instrument_sought or not instruments:
        instrument = unknown
    else:
        instrument = 1.0 if instrument_sought in instruments else 0.0
    if budget is None or (size_min is None and size_max is None):
        size = unknown
    else:
        low = float(size_min or 0)
        high = float(size_max) if size_max is not None else float("inf")
        if low <= budget <= high:
            size = 1.0
        elif low / tolerance <= budget <= high * tolerance:
            size = 0.5
        else:
            size = 0.0
    return (instrument + size) / 2


def weighted_score(values: Mapping[str, float], w: Mapping[str, float]) -> float:
    return round(100 * sum(values[k] * w[k] for k in PARTS), 1)
