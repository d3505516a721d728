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

``compute`` works on columns (numpy arrays over the snapshot: one row per site, one
column per component) and gives an ``IndexTable`` that makes an ``AreaIndex`` only for
the rows read. ``compute_reference`` is the same arithmetic one area at a time, in
plain Python: the tests hold ``compute`` to it, to the last bit of every float.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, overload

import numpy as np
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


def compute_reference(
    snapshot: Snapshot,
    level: str = "territory",
    start: dt.date | None = None,
    end: dt.date | None = None,
    chosen: Mapping[str, float] | None = None,
    resolution: int = 6,
    include: Callable[[SiteEntry], bool] | None = None,
) -> list[AreaIndex]:
    """The index of every area of ``level`` with sites, ranked by the interval's lower
    bound (then the score); areas without a score last. One object per area: the
    reference ``compute`` is held to."""
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


# -- the same, on columns ---------------------------------------------------------------


@dataclass
class IndexTable(Sequence[AreaIndex]):
    """The index of every area as columns, ranked; ``table[i]`` makes the ``AreaIndex``.

    Per area (rows, in rank order): ``keys``, ``sites``, ``visited``, ``score``, ``low``,
    ``high`` (NaN: no score). Per area and component (columns in ``components()``
    order): ``known``, ``present``, ``share``, ``plow``, ``phigh`` (NaN: nothing known),
    ``points`` (NaN: not counted), ``counted``, ``measured``.
    """

    keys: list[Any]
    weights: np.ndarray
    sites: np.ndarray
    visited: np.ndarray
    score: np.ndarray
    low: np.ndarray
    high: np.ndarray
    known: np.ndarray
    present: np.ndarray
    share: np.ndarray
    plow: np.ndarray
    phigh: np.ndarray
    points: np.ndarray
    counted: np.ndarray
    measured: np.ndarray
    _position: dict[Any, int] | None = None

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, i: int) -> AreaIndex: ...

    @overload
    def __getitem__(self, i: slice) -> list[AreaIndex]: ...

    def __getitem__(self, i: int | slice) -> AreaIndex | list[AreaIndex]:
        if isinstance(i, slice):
            return [self._area(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._area(i)

    def __iter__(self) -> Iterator[AreaIndex]:
        return (self._area(i) for i in range(len(self)))

    def find(self, key: Any) -> AreaIndex | None:
        """The area ``key``, or None when it has no site."""
        if self._position is None:
            self._position = {k: i for i, k in enumerate(self.keys)}
        at = self._position.get(key)
        return None if at is None else self._area(at)

    def _area(self, i: int) -> AreaIndex:
        def number(value: Any) -> float | None:
            return None if np.isnan(value) else float(value)

        parts = [
            Part(
                component,
                float(self.weights[k]),
                known=int(self.known[i, k]),
                present=int(self.present[i, k]),
                share=number(self.share[i, k]),
                points=number(self.points[i, k]),
                counted=bool(self.counted[i, k]),
                measured=bool(self.measured[i, k]),
                low=number(self.plow[i, k]),
                high=number(self.phigh[i, k]),
            )
            for k, component in enumerate(components())
        ]
        return AreaIndex(
            self.keys[i],
            sites=int(self.sites[i]),
            visited=int(self.visited[i]),
            score=number(self.score[i]),
            low=number(self.low[i]),
            high=number(self.high[i]),
            parts=parts,
        )


def _wilson(present: np.ndarray, known: np.ndarray, z: float = Z) -> tuple[np.ndarray, np.ndarray]:
    """``wilson`` on columns, operation for operation (so to the same bits); NaN where
    nothing is known."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = present / known
        z2 = z * z
        denominator = 1 + z2 / known
        centre = (p + z2 / (2 * known)) / denominator
        half = z * np.sqrt(p * (1 - p) / known + z2 / (4 * known * known)) / denominator
        low, high = centre - half, centre + half
    # max(0.0, x) and min(1.0, x) as Python has them (0.0 unless x > 0, so never -0.0)
    low = np.where(low > 0.0, low, 0.0)
    high = np.where(high < 1.0, high, 1.0)
    none = known == 0
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def compute(
    snapshot: Snapshot,
    level: str = "territory",
    start: dt.date | None = None,
    end: dt.date | None = None,
    chosen: Mapping[str, float] | None = None,
    resolution: int = 6,
    include: Callable[[SiteEntry], bool] | None = None,
    programmes: frozenset[int] | None = None,
) -> IndexTable:
    """``compute_reference`` on columns: the index of every area of ``level`` with sites,
    ranked. ``programmes`` keeps the sites of those programmes (None: all), as
    ``include`` does site by site."""
    chosen = chosen or weights()
    if level != "h3" and level not in LEVELS:
        raise ValueError(f"unknown area level {level!r}")
    table = snapshot.arrays()
    codes, names = snapshot.areas(level, resolution)
    keep = codes >= 0
    if programmes is not None:
        keep &= np.isin(table.programme, np.fromiter(programmes, dtype=np.int64))
    if include is not None:
        keep &= np.fromiter((include(s) for s in snapshot.sites), dtype=bool, count=len(keep))
    # The areas with a site in scope, renumbered 0 … n - 1 in order of first site.
    used, first_site, area = np.unique(codes[keep], return_index=True, return_inverse=True)
    order = np.argsort(first_site, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    area = renumber[area]
    keys = [names[c] for c in used[order].tolist()]
    n = len(keys)
    sites = np.bincount(area, minlength=n)

    masks = measured(snapshot)
    site_mask = snapshot.memo.get("site-mask")
    if site_mask is None:
        site_mask = snapshot.memo["site-mask"] = np.fromiter(
            (masks.get(p, 0) for p in table.programme.tolist()),
            dtype=np.int64,
            count=len(table.programme),
        )
    at = table.latest(start, end)[keep]
    seen = at >= 0
    at, where = at[seen], area[seen]
    mask = site_mask[keep][seen]
    known = (table.known[at] | OPEN_BIT) & mask
    present = table.present[at] & known
    present |= np.where(table.open[keep][seen], known & OPEN_BIT, 0)
    visited = np.bincount(where, minlength=n)

    parts = components()
    width = len(parts)
    shape = (n, width)
    k_known, k_present = np.zeros(shape, dtype=np.int64), np.zeros(shape, dtype=np.int64)
    k_measured = np.zeros(shape, dtype=bool)
    for k, component in enumerate(parts):
        bit = _bit(component)
        k_known[:, k] = np.bincount(where[(known & bit) != 0], minlength=n)
        k_present[:, k] = np.bincount(where[(present & bit) != 0], minlength=n)
        k_measured[:, k] = np.bincount(where[(mask & bit) != 0], minlength=n) > 0
    w = np.array([float(chosen.get(c.key, c.weight)) for c in parts], dtype=np.float64)

    known_f = k_known.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(k_known > 0, k_present / known_f, np.nan)
    plow, phigh = _wilson(k_present.astype(np.float64), known_f)
    needed = min_known_share() * visited.astype(np.float64)
    counted = (k_known > 0) & (known_f >= needed[:, None])
    # Sums in the reference's order, component after component, so the floats agree.
    total = np.zeros(n)
    for k in range(width):
        total = total + np.where(counted[:, k], w[k], 0.0)
    scored = total != 0
    points = np.full(shape, np.nan)
    score, low, high = np.zeros(n), np.zeros(n), np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(width):
            on = counted[:, k] & scored
            value = 100 * w[k] * share[:, k] / total
            points[:, k] = np.where(on, value, np.nan)
            score = score + np.where(on, value, 0.0)
            low = low + np.where(on, 100 * w[k] * plow[:, k] / total, 0.0)
            high = high + np.where(on, 100 * w[k] * phigh[:, k] / total, 0.0)
    score = np.where(scored, score, np.nan)
    low, high = np.where(scored, low, np.nan), np.where(scored, high, np.nan)

    # rank: no score last, then the lower bound, the score and the key (as text), falling
    rank = np.lexsort(
        (
            snapshot.text_order(level, resolution)[used[order]],
            -np.nan_to_num(score),
            -np.nan_to_num(low),
            ~scored,
        )
    )
    return IndexTable(
        keys=[keys[i] for i in rank.tolist()],
        weights=w,
        sites=sites[rank],
        visited=visited[rank],
        score=score[rank],
        low=low[rank],
        high=high[rank],
        known=k_known[rank],
        present=k_present[rank],
        share=share[rank],
        plow=plow[rank],
        phigh=phigh[rank],
        points=points[rank],
        counted=counted[rank],
        measured=k_measured[rank],
    )
