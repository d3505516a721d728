"""The need index's arithmetic, on snapshots made by hand (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from asmhub.monitoring import need
from asmhub.monitoring.observations import BITS, flags_of
from asmhub.monitoring.snapshot import SiteEntry, Snapshot

ARMED, MERCURY, CHILD = BITS["armed_interference"], BITS["mercury"], BITS["child_labour"]
WEIGHTS = {c.key: 0.0 for c in need.components()} | {"armed_interference": 3.0, "mercury": 1.0}


def site(
    pk: int,
    territory: int,
    visits: list[tuple[str, int, int]],
    programme: int = 1,
    **extra: object,
) -> SiteEntry:
    entry = SiteEntry(
        pk, programme, f"site {pk}", f"p{pk}", -1.0, 28.0, 10, territory, None, None, "", False
    )
    for day, known, present in visits:
        entry.dates.append(dt.date.fromisoformat(day).toordinal())
        entry.known.append(known)
        entry.present.append(present)
    for key, value in extra.items():
        setattr(entry, key, value)
    return entry


def snapshot_of(*sites: SiteEntry) -> Snapshot:
    return Snapshot("t", list(sites), {s.pk: s for s in sites})


def by_key(areas: list[need.AreaIndex]) -> dict[object, need.AreaIndex]:
    return {a.key: a for a in areas}


def part(area: need.AreaIndex, key: str) -> need.Part:
    return next(p for p in area.parts if p.component.key == key)


def test_weighted_shares_over_the_components_with_data() -> None:
    both = ARMED | MERCURY
    snap = snapshot_of(
        site(1, 7, [("2020-05-01", both, ARMED)]),  # armed, no mercury
        site(2, 7, [("2020-05-01", both, both)]),  # armed and mercury
        site(3, 7, [("2020-05-01", both, 0)]),  # neither
        site(4, 7, [("2020-05-01", ARMED, 0)]),  # mercury not recorded
    )
    area = need.compute(snap, "territory", chosen=WEIGHTS)[0]
    # armed: 2 of 4 sites; mercury: 1 of the 3 sites that recorded it
    assert (part(area, "armed_interference").known, part(area, "armed_interference").present) == (
        4,
        2,
    )
    assert (part(area, "mercury").known, part(area, "mercury").present) == (3, 1)
    # 100 × (3 × 1/2 + 1 × 1/3) / (3 + 1)
    assert area.score == pytest.approx(100 * (1.5 + 1 / 3) / 4)
    assert sum(p.points or 0 for p in area.parts) == pytest.approx(area.score)
    assert part(area, "armed_interference").points == pytest.approx(100 * 1.5 / 4)


def test_a_component_without_data_leaves_the_score_and_lowers_the_coverage() -> None:
    snap = snapshot_of(site(1, 7, [("2019-01-01", ARMED, 0), ("2020-05-01", ARMED, ARMED)]))
    area = need.compute(snap, "territory", chosen=WEIGHTS)[0]
    assert part(area, "mercury").share is None and part(area, "mercury").points is None
    assert area.score == pytest.approx(100.0)  # only armed interference counts
    assert area.coverage == pytest.approx(3 / 4)


def test_only_the_latest_visit_in_the_period_counts() -> None:
    snap = snapshot_of(
        site(
            1,
            7,
            [("2012-01-10", ARMED, ARMED), ("2015-03-01", ARMED, 0), ("2021-06-01", ARMED, ARMED)],
        )
    )

    def armed(start: str | None, end: str | None) -> need.Part:
        found = need.compute(
            snap,
            "territory",
            dt.date.fromisoformat(start) if start else None,
            dt.date.fromisoformat(end) if end else None,
            WEIGHTS,
        )[0]
        return part(found, "armed_interference")

    assert armed(None, None).present == 1  # 2021
    assert armed("2013-01-01", "2020-12-31").present == 0  # 2015
    assert armed(None, "2014-12-31").present == 1  # 2012
    assert armed("2022-01-01", None).known == 0  # no visit: the site is not counted
    area = need.compute(snap, "territory", dt.date(2022, 1, 1), None, WEIGHTS)[0]
    assert (area.sites, area.visited, area.score) == (1, 0, None)


def test_areas_are_ranked_and_separate() -> None:
    snap = snapshot_of(
        site(1, 7, [("2020-01-01", ARMED, ARMED)]),
        site(2, 8, [("2020-01-01", ARMED, 0)]),
        site(3, 8, [("2020-01-01", ARMED, ARMED)]),
    )
    areas = need.compute(snap, "territory", chosen=WEIGHTS)
    assert [a.key for a in areas] == [7, 8]
    assert by_key(areas)[8].score == pytest.approx(50.0)


def test_open_corrective_actions_count_every_visited_site() -> None:
    weights = {k: 0.0 for k in WEIGHTS} | {"open_corrective_actions": 1.0}
    snap = snapshot_of(
        site(1, 7, [("2020-01-01", 0, 0)], open_actions=2),
        site(2, 7, [("2020-01-01", 0, 0)], open_incidents=1),
        site(3, 7, [("2020-01-01", 0, 0)]),
        site(4, 7, []),  # never visited: not counted
    )
    snap.incident_programmes = frozenset({1})  # the programme records incidents
    area = need.compute(snap, "territory", chosen=weights)[0]
    found = part(area, "open_corrective_actions")
    assert (found.known, found.present) == (3, 2)
    assert area.score == pytest.approx(100 * 2 / 3)


def test_hexagons_group_sites_by_cell() -> None:
    near = site(1, 7, [("2020-01-01", ARMED, ARMED)])
    also_near = site(2, 8, [("2020-01-01", ARMED, 0)])
    far = site(3, 8, [("2020-01-01", ARMED, ARMED)])
    also_near.latitude, also_near.longitude = -1.0005, 28.0005
    far.latitude, far.longitude = 1.5, 30.0
    areas = need.compute(snapshot_of(near, also_near, far), "h3", chosen=WEIGHTS, resolution=5)
    assert sorted(a.visited for a in areas) == [1, 2]
    assert all(isinstance(a.key, str) and len(a.key) == 15 for a in areas)


def test_weights_from_parameters_are_clamped_and_unreadable_ones_ignored() -> None:
    chosen = need.weights({"w_mercury": ["25"], "w_accidents": ["-3"], "w_child_labour": ["lots"]})
    defaults = need.weights()
    assert chosen["mercury"] == need.MAX_WEIGHT
    assert chosen["accidents"] == 0.0
    assert chosen["child_labour"] == defaults["child_labour"]


def test_issues_are_the_lever_issues_of_strong_components() -> None:
    snap = snapshot_of(
        site(1, 7, [("2020-01-01", ARMED | MERCURY, ARMED)]),
        site(2, 7, [("2020-01-01", ARMED | MERCURY, ARMED)]),
        site(3, 7, [("2020-01-01", ARMED | MERCURY, MERCURY)]),
        site(4, 7, [("2020-01-01", ARMED | MERCURY, 0)]),
        site(5, 7, [("2020-01-01", ARMED | MERCURY, 0)]),
    )
    area = need.compute(snap, "territory", chosen=WEIGHTS)[0]
    assert area.issues() == ["conflict-security"]  # mercury at 1 of 5 sites is below a quarter


def test_a_blank_is_no_data_and_a_zero_is_no() -> None:
    blank = flags_of({"mercury": None, "armed_presence": None})
    zero = flags_of({"mercury": False, "armed_presence": False})
    assert blank == (0, 0)
    assert zero[0] & MERCURY and not zero[1] & MERCURY
    assert zero[0] & ARMED and not zero[1] & ARMED  # no armed presence: no interference
    taxed = flags_of({"armed_actors": [{"activities": ["entry-taxation"]}]})
    assert taxed[1] & BITS["illegal_taxation"] and taxed[1] & ARMED
    assert flags_of({"children_15_18": True})[1] & CHILD


def test_a_component_recorded_at_too_few_sites_is_shown_but_not_counted() -> None:
    accidents = BITS["accidents"]
    weights = {k: 0.0 for k in WEIGHTS} | {"armed_interference": 1.0, "accidents": 1.0}
    sites = [site(i, 7, [("2020-01-01", ARMED, 0)]) for i in range(1, 10)]
    # earlier visits show that the programme records both values of both components
    sites[0].dates.insert(0, dt.date(2019, 1, 1).toordinal())
    sites[0].known.insert(0, ARMED | accidents)
    sites[0].present.insert(0, ARMED)
    sites.append(site(10, 7, [("2020-01-01", ARMED | accidents, accidents)]))
    area = need.compute(snapshot_of(*sites), "territory", chosen=weights)[0]
    found = part(area, "accidents")
    assert (found.known, found.present, found.share) == (1, 1, 1.0)
    assert not found.counted and found.points is None  # 1 of 10 sites: below a fifth
    assert area.score == 0.0 and area.coverage == pytest.approx(0.5)
    assert area.issues() == []


NO_SERVICE = BITS["no_state_service"]


def test_an_area_with_no_observation_has_no_score_and_sorts_last() -> None:
    snap = snapshot_of(
        site(1, 7, [("2020-01-01", ARMED, ARMED)]),
        site(2, 7, [("2020-01-01", ARMED, 0)]),
        site(3, 8, [("2020-01-01", 0, 0)]),  # visited, nothing recorded
        site(4, 8, [("2020-01-01", 0, 0)], open_actions=0),
    )
    areas = need.compute(snap, "territory")  # default weights: open actions weigh too
    empty = by_key(areas)[8]
    assert (empty.visited, empty.score, empty.low, empty.high) == (2, None, None, None)
    assert part(empty, "open_corrective_actions").known == 0  # no incident recorded anywhere
    assert [a.key for a in areas] == [7, 8]


def test_a_component_recorded_only_one_way_is_not_measured() -> None:
    # Programme 1 lists the state services it saw, never that none was there: "no state
    # service" is always known and never seen. Programme 2 records both.
    one_way = [site(i, 7, [("2020-01-01", ARMED | NO_SERVICE, ARMED)]) for i in (1, 2)]
    one_way.append(site(3, 7, [("2020-01-01", ARMED | NO_SERVICE, 0)]))
    both = [
        site(4, 8, [("2020-01-01", ARMED | NO_SERVICE, NO_SERVICE)], programme=2),
        site(5, 8, [("2020-01-01", ARMED | NO_SERVICE, ARMED)], programme=2),
    ]
    snap = snapshot_of(*one_way, *both)
    weights = WEIGHTS | {"no_state_service": 1.0}
    areas = by_key(need.compute(snap, "territory", chosen=weights))
    unused = part(areas[7], "no_state_service")
    assert (unused.measured, unused.known, unused.share, unused.points) == (False, 0, None, None)
    assert areas[7].score == pytest.approx(100 * 2 / 3)  # armed only, not pulled down
    assert part(areas[8], "no_state_service").measured
    assert part(areas[8], "no_state_service").share == pytest.approx(0.5)
    assert "no_state_service" in [c.key for c in need.unmeasured(snap, frozenset({1}))]
    assert "armed_interference" not in [c.key for c in need.unmeasured(snap, frozenset({1}))]
    assert "no_state_service" not in [c.key for c in need.unmeasured(snap)]


def test_every_score_has_an_interval_and_small_samples_do_not_rank_first() -> None:
    few = [site(i, 7, [("2020-01-01", ARMED, ARMED)]) for i in range(1, 4)]  # 3 of 3
    many = [
        site(i, 8, [("2020-01-01", ARMED, ARMED if i % 10 < 8 else 0)]) for i in range(10, 110)
    ]  # 80 of 100
    areas = need.compute(snapshot_of(*few, *many), "territory", chosen=WEIGHTS)
    small, large = by_key(areas)[7], by_key(areas)[8]
    assert small.score == pytest.approx(100.0) and large.score == pytest.approx(80.0)
    assert small.low is not None and large.low is not None
    assert small.low < small.score <= small.high  # type: ignore[operator]
    assert large.low < large.score < large.high  # type: ignore[operator]
    assert small.high - small.low > large.high - large.low  # type: ignore[operator]
    assert [a.key for a in areas] == [8, 7]  # ranked by the lower bound
    # Wilson's interval of 3 of 3 at 95 %: 0.438 to 1
    assert need.wilson(3, 3) == (pytest.approx(0.4385, abs=1e-3), pytest.approx(1.0))
    low, high = need.wilson(80, 100)
    assert (low, high) == (pytest.approx(0.7112, abs=1e-3), pytest.approx(0.8666, abs=1e-3))


def test_the_interval_is_the_weighted_mean_of_the_components_bounds() -> None:
    both = ARMED | MERCURY
    snap = snapshot_of(
        site(1, 7, [("2020-01-01", both, ARMED)]),
        site(2, 7, [("2020-01-01", both, MERCURY)]),
        site(3, 7, [("2020-01-01", both, 0)]),
    )
    area = need.compute(snap, "territory", chosen=WEIGHTS)[0]
    armed, mercury = need.wilson(1, 3), need.wilson(1, 3)
    assert area.low == pytest.approx(100 * (3 * armed[0] + mercury[0]) / 4)
    assert area.high == pytest.approx(100 * (3 * armed[1] + mercury[1]) / 4)
