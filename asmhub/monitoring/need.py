"""The need index per area: a weighted share of the sites where each risk was seen.

For every site the index reads its latest on-site visit within the period. For each
component (``data/need_index.yaml``) an area has ``known`` sites (the visit recorded
it) and ``present`` sites (the visit saw it); its share is present / known. The
index is 100 × Σ weight × share / Σ weight, over the components the area has data
for, so that a blank column lowers the coverage, never the score. Each component's
points (100 × weight × share / Σ weight) add up to the index: that is the breakdown.
A component recorded at fewer than ``min_known_share`` of the area's visited sites is
shown but not counted, so one report among hundreds of blanks cannot move the index.

Unmeasured is not zero: a component counts for a site only if the site's programme
*measures* it, that is if both of its values occur among the programme's on-site
visits (a survey that lists the state services it saw but never writes that none was
there cannot show "no state service"); open corrective actions are measured in a
programme that has recorded at least one incident. An area without any measured
observation has no score, and sorts last.

Small samples: every share has a Wilson score interval (95 %), and the index's
interval is the weighted mean of its components' bounds. Areas are ranked by the
interval's lower bound, so three sites that all saw a risk cannot outrank a hundred
that mostly did.
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
OPEN_BIT = 1 << 31  # the bit of open corrective actions, beside the observations' bits
Z = 1.959964  # the normal quantile of a 95 % interval
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
    measured: bool = False  # some programme of the area's sites measures it
    low: float | None = None  # the share's 95 % interval (Wilson)
    high: float | None = None


@dataclass
class AreaIndex:
    key: Any
    sites: int = 0
    visited: int = 0
    score: float | None = None
    low: float | None = None  # the score's 95 % interval
    high: float | None = None
    parts: list[Part] = field(default_factory=list)

    @property
    def unmeasured(self) -> list[Part]:
        """The components no programme of the area's sites measures."""
        return [p for p in self.parts if not p.measured]

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


def wilson(present: int, known: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of the share present / known (``known`` > 0)."""
    p = present / known
    z2 = z * z
    denominator = 1 + z2 / known
    centre = (p + z2 / (2 * known)) / denominator
    half = z * math.sqrt(p * (1 - p) / known + z2 / (4 * known * known)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def measured(snapshot: Snapshot) -> dict[int, int]:
    """Per programme, the bits of what it measures: both values occur in its visits.

    ``OPEN_BIT`` is set for a programme that has recorded an incident. Computed once
    per snapshot.
    """
    found = snapshot.memo.get("measured")
    if found is not None:
        return found
    seen: dict[int, int] = {}
    absent: dict[int, int] = {}
    for site in snapshot.sites:
        yes, no = seen.get(site.programme, 0), absent.get(site.programme, 0)
        for known, present in zip(site.known, site.present, strict=True):
            yes |= known & present
            no |= known & ~present
        seen[site.programme], absent[site.programme] = yes, no
    found = {p: seen[p] & absent[p] for p in seen}
    for programme in snapshot.incident_programmes:
        found[programme] = found.get(programme, 0) | OPEN_BIT
    snapshot.memo["measured"] = found
    return found


def _bit(component: Component) -> int:
    return OPEN_BIT if component.key == OPEN_ACTIONS else BITS[component.key]


def unmeasured(snapshot: Snapshot, programmes: frozenset[int] | None = None) -> list[Component]:
    """The components that no programme in scope (None: all) measures."""
    masks = measured(snapshot)
    have = 0
    for programme, mask in masks.items():
        if programmes is None or programme in programmes:
            have |= mask
    return [c for c in components() if not have & _bit(c)]


def compute(
    snapshot: Snapshot,
    level: str = "territory",
    start: dt.date | None = None,
    end: dt.date | None = None,
    chosen: Mapping[str, float] | None = None,
    resolution: int = 6,
    include: Callable[[SiteEntry], bool] | None = None,
) -> list[AreaIndex]:
    """The index of every area of ``level`` with sites, ranked by the interval's lower
    bound (then the score); areas without a score last."""
    chosen = chosen or weights()
    area_of = _area_of(level, snapshot, resolution)
    masks = measured(snapshot)
    # Sites with the same area, bits and measures count the same: tally them, then
    # expand the bits.
    tally: Counter[tuple[Any, int, int, int]] = Counter()
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
            mask = masks.get(site.programme, 0)
            known = (site.known[at] | OPEN_BIT) & mask
            present = site.present[at] & known
            if site.open_actions or site.open_incidents:
                present |= known & OPEN_BIT
            tally[(area, mask, known, present)] += 1
    areas: dict[Any, AreaIndex] = {
        key: AreaIndex(
            key, sites=n, parts=[Part(c, chosen.get(c.key, c.weight)) for c in components()]
        )
        for key, n in counted.items()
    }
    bits = [_bit(c) for c in components()]
    for (area, mask, known, present), n in tally.items():
        entry = areas[area]
        entry.visited += n
        for part, bit in zip(entry.parts, bits, strict=True):
            if mask & bit:
                part.measured = True
            if known & bit:
                part.known += n
                if present & bit:
                    part.present += n
    for entry in areas.values():
        _score(entry)
    return sorted(areas.values(), key=rank)


def rank(area: AreaIndex) -> tuple[bool, float, float, str]:
    """Areas of most need first: by the lower bound of the score's interval, then the
    score; areas without a score last."""
    return (area.score is None, -(area.low or 0), -(area.score or 0), str(area.key))


def _score(entry: AreaIndex) -> None:
    needed = min_known_share() * entry.visited
    for part in entry.parts:
        part.share = part.present / part.known if part.known else None
        if part.known:
            part.low, part.high = wilson(part.present, part.known)
        part.counted = part.share is not None and part.known >= needed
    total = sum(p.weight for p in entry.parts if p.counted)
    if not total:
        return
    low = high = 0.0
    for part in entry.parts:
        if part.counted and part.share is not None:
            part.points = 100 * part.weight * part.share / total
            low += 100 * part.weight * (part.low or 0.0) / total
            high += 100 * part.weight * (part.high or 0.0) / total
    entry.score = sum(p.points or 0 for p in entry.parts)
    entry.low, entry.high = low, high
