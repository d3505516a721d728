"""The need index per area: a weighted share of the sites where each risk was seen.

For every site the index reads its latest on-site visit within the period. For each
component (``data/need_index.yaml``) an area has ``known`` sites (the visit recorded
it) and ``present`` sites (the visit saw it); its share is present / known. The
index is 100 × Σ weight × share / Σ weight, over the components the area has data
for, so that a blank column lowers the coverage, never the score. Each component's
points (100 × weight × share / Σ weight) add up to the index: that is the breakdown.
A component recorded at fewer than ``min_known_share`` of the area's visited sites is
shown but not counted, so one report among hundreds of blanks cannot move the index.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

from asmhub.monitoring.observations import BITS
from asmhub.monitoring.snapshot import SiteEntry, Snapshot

CONFIG = Path(__file__).resolve().parent / "data" / "need_index.yaml"
OPEN_ACTIONS = "open_corrective_actions"
LEVELS = ("province", "territory", "collectivite", "groupement")
MAX_WEIGHT = 10.0


@dataclass(frozen=True)
class Component:
    key: str
    weight: float
    lever_issue: str
    labels: Mapping[str, str]
    descriptions: Mapping[str, str]

    @property
    def label(self) -> str:
        return self.labels.get((get_language() or "en")[:2], self.labels["en"])

    @property
    def description(self) -> str:
        return self.descriptions.get((get_language() or "en")[:2], self.descriptions["en"])


@cache
def min_known_share() -> float:
    """The share of visited sites a component needs data for to count in an area."""
    return float(yaml.safe_load(CONFIG.read_text(encoding="utf-8")).get("min_known_share", 0))


@cache
def components() -> tuple[Component, ...]:
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    found = []
    for item in data["components"]:
        if item["key"] != OPEN_ACTIONS and item["key"] not in BITS:
            raise ValueError(f"{CONFIG.name}: component {item['key']!r} is not an observation")
        found.append(
            Component(
                item["key"],
                float(item["weight"]),
                item["lever_issue"],
                item["label"],
                item["description"],
            )
        )
    return tuple(found)


def weights(params: Mapping[str, list[str]] | None = None) -> dict[str, float]:
    """The default weights, overridden by ``w_<component>`` parameters (0 to 10)."""
    chosen = {c.key: c.weight for c in components()}
    for key in chosen:
        values = (params or {}).get(f"w_{key}")
        if values:
            try:
                value = float(values[-1])
            except ValueError:
                continue  # an unreadable weight keeps the default
            if math.isfinite(value):
                chosen[key] = min(max(value, 0.0), MAX_WEIGHT)
    return chosen


@dataclass
class Part:
    component: Component
    weight: float
    known: int = 0
    present: int = 0
    share: float | None = None
    points: float | None = None
    counted: bool = False  # recorded at enough of the area's sites to count


@dataclass
class AreaIndex:
    key: Any
    sites: int = 0
    visited: int = 0
    score: float | None = None
    parts: list[Part] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """The share of the total weight the area has data for."""
        total = sum(p.weight for p in self.parts)
        have = sum(p.weight for p in self.parts if p.counted)
        return have / total if total else 0.0

    def issues(self, threshold: float = 0.25) -> list[str]:
        """The lever issues of the components seen at ``threshold`` of sites or more."""
        return [
            p.component.lever_issue
            for p in sorted(self.parts, key=lambda p: -(p.points or 0))
            if p.counted and p.share is not None and p.share >= threshold and p.weight > 0
        ]


def _area_of(level: str, snapshot: Snapshot, resolution: int) -> Callable[[int], Any]:
    if level == "h3":
        cells = snapshot.cells(resolution)
        return lambda i: cells[i]
    if level not in LEVELS:
        raise ValueError(f"unknown area level {level!r}")
    attribute = level
    sites = snapshot.sites
    return lambda i: getattr(sites[i], attribute)


def compute(
    snapshot: Snapshot,
    level: str = "territory",
    start: dt.date | None = None,
    end: dt.date | None = None,
    chosen: Mapping[str, float] | None = None,
    resolution: int = 6,
    include: Callable[[SiteEntry], bool] | None = None,
) -> list[AreaIndex]:
    """The index of every area of ``level`` with sites, highest first."""
    chosen = chosen or weights()
    area_of = _area_of(level, snapshot, resolution)
    # Sites with the same area and bits count the same: tally them, then expand the bits.
    tally: Counter[tuple[Any, int, int, bool]] = Counter()
    counted: Counter[Any] = Counter()
    for i, site in enumerate(snapshot.sites):
        if include is not None and not include(site):
            continue
        area = area_of(i)
        if area is None:
            continue
        counted[area] += 1
        at = site.latest(start, end)
        if at is not None:
            open_cap = bool(site.open_actions or site.open_incidents)
            tally[(area, site.known[at], site.present[at], open_cap)] += 1
    areas: dict[Any, AreaIndex] = {
        key: AreaIndex(
            key, sites=n, parts=[Part(c, chosen.get(c.key, c.weight)) for c in components()]
        )
        for key, n in counted.items()
    }
    for (area, known, present, open_cap), n in tally.items():
        entry = areas[area]
        entry.visited += n
        for part in entry.parts:
            if part.component.key == OPEN_ACTIONS:
                part.known += n
                part.present += n if open_cap else 0
                continue
            bit = BITS[part.component.key]
            if known & bit:
                part.known += n
                if present & bit:
                    part.present += n
    for entry in areas.values():
        _score(entry)
    return sorted(areas.values(), key=lambda a: (a.score is None, -(a.score or 0), str(a.key)))


def _score(entry: AreaIndex) -> None:
    needed = min_known_share() * entry.visited
    for part in entry.parts:
        part.share = part.present / part.known if part.known else None
        part.counted = part.share is not None and part.known >= needed
    total = sum(p.weight for p in entry.parts if p.counted)
    if not total:
        return
    for part in entry.parts:
        if part.counted and part.share is not None:
            part.points = 100 * part.weight * part.share / total
    entry.score = sum(p.points or 0 for p in entry.parts)
