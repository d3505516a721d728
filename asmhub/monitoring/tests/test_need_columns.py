"""The need index on columns (``need.compute``) against the reference, area by area.

The reference (``need.compute_reference``) builds one object per area in plain Python;
the columns must give the same areas, in the same order, with the same counts and the
same floats to the last bit, whatever the snapshot: components no programme measures,
areas of one site, sites never visited, open corrective work, periods, weights of zero,
a programme scope and H3 cells.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import fields
from typing import Any

import pytest

from asmhub.monitoring import need
from asmhub.monitoring.observations import BITS
from asmhub.monitoring.snapshot import SiteEntry, Snapshot

KEYS = [c.key for c in need.components() if c.key != need.OPEN_ACTIONS]


def random_snapshot(seed: int, sites: int = 300) -> Snapshot:
    """Sites in a few provinces and many small territories, several programmes, some of
    which record a component only one way (so do not measure it)."""
    rng = random.Random(seed)
    # Each programme records a few components only one way; the last one, none does both.
    one_way = {p: {*rng.sample(KEYS, rng.randint(0, 3)), KEYS[-1]} for p in range(1, 5)}
    entries = []
    for pk in range(1, sites + 1):
        programme = rng.randint(1, 4)
        province = rng.choice([1, 2, 3, None])
        territory = rng.choice([*range(10, 10 + sites // 4), None])  # many tiny areas
        located = rng.random() > 0.1
        entry = SiteEntry(
            pk,
            programme,
            f"site {pk}",
            f"p{pk}",
            rng.uniform(-5, 2) if located else None,
            rng.uniform(25, 30) if located else None,
            province,
            territory,
            rng.choice([100, 101, 102]),
            None,
            "",
            False,
            open_actions=int(rng.random() < 0.1),
            open_incidents=int(rng.random() < 0.05),
        )
        day = dt.date(2012, 1, 1).toordinal() + rng.randint(0, 300)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 7])):
            known = present = 0
            for key in KEYS:
                if rng.random() < 0.7:  # recorded
                    known |= BITS[key]
                    seen = rng.random() < 0.4
                    if key in one_way[programme]:
                        seen = True  # only ever "yes": not measured
                    if seen:
                        present |= BITS[key]
            entry.dates.append(day)
            entry.known.append(known)
            entry.present.append(present)
            day += rng.choice([0, 1, 30, 400, 900])  # some visits on the same day
        entries.append(entry)
    incidents = frozenset(p for p in range(1, 5) if rng.random() < 0.5)
    return Snapshot(f"t{seed}", entries, {e.pk: e for e in entries}, incident_programmes=incidents)


def same(a: Any, b: Any) -> bool:
    """Equal: None is not 0, and numbers are equal to the bit (the reference's sum of
    points starts from the integer 0, so an index of nothing but zeros is ``0``)."""
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a).hex() == float(b).hex()
    return bool(a == b)


def assert_same(reference: list[need.AreaIndex], table: need.IndexTable) -> None:
    columns = list(table)
    assert len(columns) == len(table) == len(reference)
    assert [a.key for a in columns] == [a.key for a in reference]
    for want, got in zip(reference, columns, strict=True):
        for name in ("key", "sites", "visited", "score", "low", "high"):
            assert same(getattr(got, name), getattr(want, name)), (want.key, name)
        for p, q in zip(want.parts, got.parts, strict=True):
            for f in fields(need.Part):
                assert same(getattr(q, f.name), getattr(p, f.name)), (want.key, f.name)
        assert got.coverage == want.coverage and got.issues() == want.issues()


PERIODS = [
    (None, None),
    (dt.date(2012, 6, 1), None),
    (None, dt.date(2013, 12, 31)),
    (dt.date(2013, 1, 1), dt.date(2014, 12, 31)),
    (dt.date(2030, 1, 1), None),  # no visit at all
]
WEIGHTS = [
    None,
    {c.key: 0.0 for c in need.components()},  # every weight zero: no score anywhere
    {c.key: (i % 3) * 0.7 + 0.1 for i, c in enumerate(need.components())},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("level", "resolution"),
    [("province", 6), ("territory", 6), ("collectivite", 6), ("h3", 5), ("h3", 7)],
)
def test_the_columns_give_the_reference_to_the_bit(seed: int, level: str, resolution: int) -> None:
    snap = random_snapshot(seed)
    for start, end in PERIODS:
        for chosen in WEIGHTS:
            args = (snap, level, start, end, chosen, resolution)
            assert_same(need.compute_reference(*args), need.compute(*args))


@pytest.mark.parametrize("share", [0.0, 0.3, 0.9])
def test_the_columns_follow_the_minimum_known_share(
    share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(need, "min_known_share", lambda: share)
    snap = random_snapshot(7, sites=200)
    for level in ("province", "territory"):
        assert_same(need.compute_reference(snap, level), need.compute(snap, level))


def test_a_programme_scope_is_the_reference_s_include() -> None:
    snap = random_snapshot(11)
    for scope in (frozenset({1}), frozenset({2, 4}), frozenset({99}), frozenset()):
        reference = need.compute_reference(
            snap, "territory", include=lambda s, scope=scope: s.programme in scope
        )
        assert_same(reference, need.compute(snap, "territory", programmes=scope))
        # and the callable, as the reference takes it
        assert_same(
            reference,
            need.compute(snap, "territory", include=lambda s, scope=scope: s.programme in scope),
        )


def test_the_columns_see_components_no_programme_measures() -> None:
    snap = random_snapshot(5)
    table = need.compute(snap, "province")
    unmeasured = {c.key for c in need.unmeasured(snap)}
    for area in table:
        for part in area.parts:
            if part.component.key in unmeasured:
                assert not part.measured and part.points is None
    assert any(not p.measured for a in table for p in a.parts)  # the fixture has some


def test_an_empty_snapshot_and_a_site_without_visits() -> None:
    assert len(need.compute(Snapshot("t"), "territory")) == 0
    lone = SiteEntry(1, 1, "a", "p1", None, None, 1, 2, None, None, "", False)
    snap = Snapshot("t", [lone], {1: lone})
    assert_same(need.compute_reference(snap, "territory"), need.compute(snap, "territory"))
    area = need.compute(snap, "territory")[0]
    assert (area.sites, area.visited, area.score) == (1, 0, None)


def test_the_table_reads_like_a_list() -> None:
    snap = random_snapshot(3)
    table = need.compute(snap, "territory")
    reference = need.compute_reference(snap, "territory")
    assert [a.key for a in table[2:5]] == [a.key for a in reference[2:5]]
    assert table[-1].key == reference[-1].key
    assert table.find(reference[4].key).key == reference[4].key  # type: ignore[union-attr]
    assert table.find("nowhere") is None
    with pytest.raises(IndexError):
        table[len(table)]


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown area level"):
        need.compute(Snapshot("t"), "village")
