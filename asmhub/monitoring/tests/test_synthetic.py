"""The synthetic IPIS rows: deterministic, in the layout, in the configured shares, messy on demand."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from asmhub.monitoring import synthetic
from asmhub.monitoring.synthetic import THREE_T, columns, ipis_csv, ipis_rows, share_at, shares

LAYOUT = yaml.safe_load(synthetic.LAYOUT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(ipis_rows(1500, 5000, seed=3))


def test_the_same_seed_gives_the_same_rows() -> None:
    assert list(ipis_rows(120, 400, seed=11)) == list(ipis_rows(120, 400, seed=11))
    assert list(ipis_rows(120, 400, seed=11)) != list(ipis_rows(120, 400, seed=12))
    assert list(ipis_rows(120, 400, seed=11, messy=True)) == list(
        ipis_rows(120, 400, seed=11, messy=True)
    )


def test_every_layout_column_is_in_every_row(rows: list[dict[str, str]]) -> None:
    wanted = [*LAYOUT["columns"], *LAYOUT["ignore"]]
    assert list(columns()) == wanted
    assert all(list(row) == wanted for row in rows)
    header = next(csv.reader(io.StringIO(ipis_csv(rows[:3]).decode("utf-8"))))
    assert header == wanted


def test_sizes_codes_and_visit_ids(rows: list[dict[str, str]]) -> None:
    visits = Counter(r["pcode"] for r in rows)
    assert len(rows) == 5000
    assert len(visits) == 1500
    assert min(visits.values()) >= 1 and max(visits.values()) <= 8
    assert all(re.fullmatch(r"codmine\d{5}", p) for p in visits)
    assert len({r["vid"] for r in rows}) == len(rows)
    years = {int(r["visit_date"][:4]) for r in rows}
    assert min(years) == 2009 and max(years) == 2024


def test_the_demo_sizes_without_importing() -> None:
    pcodes: set[str] = set()
    count = 0
    for row in ipis_rows(synthetic.DEMO_SITES, synthetic.DEMO_VISITS):
        pcodes.add(row["pcode"])
        count += 1
    assert (len(pcodes), count) == (3000, 10_000)


def test_a_benchmark_size_asks_for_more_visits_a_site() -> None:
    found = Counter(r["pcode"] for r in ipis_rows(50, 1000, seed=1))
    assert len(found) == 50 and sum(found.values()) == 1000


def test_values_are_written_as_ipis_writes_them(rows: list[dict[str, str]]) -> None:
    minerals = {r[f"mineral{n}"] for r in rows for n in (1, 2, 3)} - {""}
    assert minerals <= {"Or", "Cassitérite", "Coltan", "Wolframite", "Tourmaline", "Diamant"}
    flags = {r[c] for r in rows for c in ("presence", "women", "mercury", "childunder15")}
    assert flags == {"0", "1", ""}
    assert {r["type_armed_group1"] for r in rows} == {"", "FARDC", "Police", "Groupe armé"}
    assert {"FARDC", "PNC", "Raia Mutomboki", "CODECO"} <= {r["armed_group1"] for r in rows}
    assert {r["qualification"] for r in rows} == {"", "Vert", "Jaune", "Rouge", "Bleu"}
    assert {r["traceability"] for r in rows} == {"", "Aucun", "ITSCI", "Better Mining"}
    services = {r[f"state_service{n}"] for r in rows for n in range(1, 5)}
    assert {"SAEMAPE", "SAESSCAM", "Division des Mines", "PMH", "ANR", "Aucun"} <= services
    assert any(", " in r["womenwork"] for r in rows)
    assert {r["province"] for r in rows} == set(shares()["provinces"])


def test_status_records_carry_only_status(rows: list[dict[str, str]]) -> None:
    status = [r for r in rows if r["visit_onsite"] == "0"]
    assert 0.01 < len(status) / len(rows) < 0.15
    assert all(r["visit_onsite_novisitreason"] for r in status)
    assert all(not r[c] for r in status for c in ("presence", "women", "mineral1", "workers_numb"))
    assert any(r["qualification"] or r["traceability"] for r in status)


def _share(found: list[bool]) -> float:
    return sum(found) / len(found)


def _expected(rows: list[dict[str, str]], value: Any) -> float:
    return sum(share_at(value, int(r["visit_date"][:4])) for r in rows) / len(rows)


def test_proportions_are_the_configured_ones(rows: list[dict[str, str]]) -> None:
    cfg = shares()
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        first.setdefault(row["pcode"], row)  # a first visit is never a status record
    sites = first.values()
    for province, share in cfg["provinces"].items():
        assert _share([s["province"] == province for s in sites]) == pytest.approx(share, abs=0.04)
    for mineral in ("Or", "Cassitérite", "Coltan"):
        expected = sum(
            cfg["provinces"][p] * cfg["minerals"][p].get(mineral, 0) for p in cfg["provinces"]
        )
        assert _share([s["mineral1"] == mineral for s in sites]) == pytest.approx(
            expected, abs=0.04
        )
    assert _share([s["mineral1"] == "Or" for s in sites]) > 0.6

    onsite = [r for r in rows if r["visit_onsite"] == "1"]
    armed = [r for r in onsite if r["presence"]]
    assert _share([r["presence"] == "1" for r in armed]) == pytest.approx(
        _expected(armed, cfg["armed_presence"]), abs=0.05
    )
    assert all(r["presence"] == "1" for r in onsite if r["interference"] == "1")
    women = [r for r in onsite if r["women"]]
    assert _share([r["women"] == "1" for r in women]) == pytest.approx(cfg["women"], abs=0.05)
    children = [r for r in onsite if r["childunder15"]]
    assert _share([r["childunder15"] == "1" for r in children]) == pytest.approx(
        _expected(children, cfg["children_under_15"]), abs=0.04
    )
    gold = [r for r in onsite if r["mercury"]]
    assert all(r["mineral1"] in ("Or", "Diamant") for r in gold)
    assert _share([r["mercury"] == "1" for r in gold]) == pytest.approx(
        _expected(gold, cfg["mercury_at_gold"]), abs=0.06
    )


def test_armed_presence_declines(rows: list[dict[str, str]]) -> None:
    def presence(first: int, last: int) -> float:
        found = [r for r in rows if r["presence"] and first <= int(r["visit_date"][:4]) <= last]
        return _share([r["presence"] == "1" for r in found])

    assert presence(2009, 2012) > presence(2020, 2024) + 0.1


def test_traceability_and_qualification_are_mostly_at_3t_sites(
    rows: list[dict[str, str]],
) -> None:
    def three_t(row: dict[str, str]) -> bool:
        return any(row[f"mineral{n}"] in THREE_T for n in (1, 2, 3)) or row["is_3t_mine"] == "1"

    schemes = [r for r in rows if r["traceability"] not in ("", "Aucun")]
    colours = [r for r in rows if r["qualification"]]
    assert schemes and colours
    assert _share([three_t(r) for r in schemes]) > 0.9
    assert _share([three_t(r) for r in colours]) > 0.7
    assert Counter(r["qualification"] for r in colours).most_common(1)[0][0] == "Vert"


def test_workers_per_site(rows: list[dict[str, str]]) -> None:
    workers = sorted(int(r["workers_numb"]) for r in rows if r["workers_numb"])
    median = workers[len(workers) // 2]
    assert 40 <= median <= 250
    assert workers[0] >= 1 and workers[-1] <= shares()["workers"]["max"]


def test_messy_rows_have_what_field_files_have() -> None:
    rows = list(ipis_rows(300, 1000, seed=5, messy=True))
    cells = [v for r in rows for v in r.values()]
    assert any(re.fullmatch(r"-?\d+,\d+", r["latitude"]) for r in rows)
    assert any(r["workers_numb"].startswith("ca. ") for r in rows)
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4}", r["visit_date"]) for r in rows)
    assert {"oui", "non"} & set(cells) or {"Oui", "Non"} & set(cells)
    assert {"cassiterite", "OR", "or", "Cassiterite"} & {r["mineral1"] for r in rows}
    assert any(not r["pcode"] for r in rows)
    assert "2018-13-45" in cells and "Monazite" in cells
    assert any(r["latitude"] == "250" for r in rows)
    assert len({r["vid"] for r in rows}) < len(rows)  # a repeated visit
    clean = list(ipis_rows(300, 1000, seed=5))
    assert len(clean) == len(rows)
    assert sum(a != b for a, b in zip(clean, rows, strict=True)) > len(rows) // 5


def test_the_committed_sample_is_what_write_sample_writes(tmp_path: Path) -> None:
    written = synthetic.write_sample(tmp_path / "sample.csv")
    assert written == 80
    assert (tmp_path / "sample.csv").read_bytes() == synthetic.SAMPLE.read_bytes()


def test_the_sample_updates_some_demo_sites_and_adds_others() -> None:
    demo = {r["pcode"]: r for r in ipis_rows(synthetic.DEMO_SITES, synthetic.DEMO_VISITS)}
    sample = [r for r in synthetic.sample_rows() if r["pcode"]]
    known = [r for r in sample if r["pcode"] in demo]
    assert known and len(known) < len(sample)
    for row in known:
        assert (row["province"], row["territoire"]) == (
            demo[row["pcode"]]["province"],
            demo[row["pcode"]]["territoire"],
        )
    dates = [r["visit_date"] for r in known if r["visit_date"] != "2018-13-45"]
    assert all(d.startswith("2025") or d.endswith("/2025") for d in dates)


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        next(ipis_rows(10, 5))
    with pytest.raises(ValueError):
        next(ipis_rows(10, 20, first_year=2020, last_year=2010))
