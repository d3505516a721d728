"""Synthetic mine site visits in the IPIS open-data layout, for the demo and benchmarks.

The sites lie in the six eastern DRC provinces of ``data/demo/drc_areas.yaml``; what
the visits saw follows the shares of ``data/demo/synthetic.yaml``, which are chosen by
hand to look like the sector's public reports and are not figures from them. Rows are
made one site at a time and yielded as they are made, so that a million rows take
seconds and little memory. Every draw comes from ``random.Random`` seeded with the
seed (each site from its own seed and index), so the same seed gives the same rows.

``messy=True`` writes the rows as field files are written: spelling variants, decimal
commas, estimates ("ca. 300"), other date formats, blank cells and a few rows an import
must report or refuse, so that an import's report has something to say.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from bisect import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, pairwise
from operator import itemgetter
from pathlib import Path
from statistics import NormalDist
from typing import IO, Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
AREAS = DATA / "demo" / "drc_areas.yaml"
SHARES = DATA / "demo" / "synthetic.yaml"
LAYOUT = DATA / "ipis.yaml"
SAMPLE = DATA / "samples" / "ipis-sample.csv"
SOURCE = "ASM Hub (données synthétiques)"
THREE_T = ("Cassitérite", "Coltan", "Wolframite")
ROMAN = ("I", "II", "III", "IV", "V")
SYLLABLES: tuple[str, ...] = ("ka", "mi", "tu", "ga", "lu", "nya", "ba", "ki", "mbe", "ru", "shi")
SYLLABLES += ("se", "wa", "zi", "ko", "ngo", "bi", "na", "ma", "le", "sa", "mu", "ta", "ri", "ndi")
SYLLABLES += ("kwa", "bo", "he", "ge", "yo", "ha", "ku", "li")
FLAG_COLUMNS = ("mercury", "presence", "interference", "childunder15", "women")
SPELLINGS = {
    "Or": ("OR", "or", "Or "),
    "Cassitérite": ("cassiterite", "Cassiterite", "CASSITERITE"),
    "Coltan": ("coltan", "Colombo-tantalite", "COLTAN"),
    "Wolframite": ("wolframite", "Wolfram"),
    "Tourmaline": ("tourmaline",),
    "Diamant": ("diamant", "Diamants"),
}
BAD_ROWS: dict[str, dict[str, str]] = {  # what a few rows of a messy file get wrong
    "no pcode": {"pcode": ""},
    "impossible date": {"visit_date": "2018-13-45"},
    "latitude": {"latitude": "250", "geom": ""},
    "unknown mineral": {"mineral1": "Monazite"},
    "repeat": {},  # the previous row again: the same visit twice
    "workers": {"workers_numb": "plusieurs centaines"},
}
SAMPLE_SEED = 7
DEMO_SEED = 2024
DEMO_SITES = 3000
DEMO_VISITS = 10_000


@cache
def _yaml(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def shares() -> dict[str, Any]:
    """The generator's parameters (``data/demo/synthetic.yaml``)."""
    return _yaml(SHARES)


def areas() -> dict[str, Any]:
    """The provinces and territories sites are placed in (``data/demo/drc_areas.yaml``)."""
    return _yaml(AREAS)


def columns() -> tuple[str, ...]:
    """Every heading of the IPIS layout, read and ignored, in the layout's order."""
    return (*_yaml(LAYOUT)["columns"], *_yaml(LAYOUT)["ignore"])


def share_at(value: float | Mapping[int, float], year: int) -> float:
    """A share that is a number, or {year: share} read linearly between its years."""
    if not isinstance(value, Mapping):
        return float(value)
    points = sorted((int(y), float(s)) for y, s in value.items())
    if year <= points[0][0]:
        return points[0][1]
    for (y0, s0), (y1, s1) in pairwise(points):
        if year <= y1:
            return s0 + (s1 - s0) * (year - y0) / (y1 - y0)
    return points[-1][1]


class _Pick:
    """A weighted choice that costs one draw and a bisection."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, weighted: Iterable[tuple[Any, float]]) -> None:
        pairs = [(item, float(w)) for item, w in weighted if float(w) > 0]
        self.items = [item for item, _ in pairs]
        self.cumulative = list(accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1] if pairs else 0.0

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


@dataclass(slots=True)
class _Site:
    province: str
    group: str  # "gold" (gold and diamond sites) or "three_t"
    minerals: list[str]
    selling: tuple[str, str]
    destinations: list[str]
    base: dict[str, str]
    workers: float
    access: int
    qualified: float  # the site is qualified in the years its draw is below the share
    traced: float  # likewise for traceability schemes, one after the other
    mercury: float
    colour: str
    armed: float
    women: float


@dataclass
class _Year:
    """The shares of one year, worked out once; ``None`` where nothing is recorded."""

    presence: float
    interference: float
    non_state: float
    mechanisation: float | None
    mercury: float | None
    women: float | None
    children: float | None
    service_present: float
    services: list[tuple[str, float]]
    traced: dict[str, list[tuple[str, float]]] | None
    qualified: dict[str, float] | None
    groups: dict[str, _Pick]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _flag(value: bool) -> str:
    return "01"[value]


def _active(item: Mapping[str, Any], year: int) -> bool:
    return "years" not in item or item["years"][0] <= year <= item["years"][1]


class _Generator:
    def __init__(self, seed: int, first_year: int, last_year: int) -> None:
        cfg = shares()
        self.cfg, self.seed = cfg, seed
        self.year = _Pick((y, cfg["years"].get(y, 1.0)) for y in range(first_year, last_year + 1))
        provinces = {p["name"]: p for p in areas()["provinces"]}
        self.province = _Pick((provinces[n], w) for n, w in cfg["provinces"].items())
        self.mineral = {n: _Pick(m.items()) for n, m in cfg["minerals"].items()}
        self.territory = {
            (p["name"], group): _Pick((t, t["weight"][group]) for t in p["territories"])
            for p in provinces.values()
            for group in ("gold", "three_t")
        }
        actors = cfg["armed_actors"]
        self.frequency = _Pick(actors["frequency"].items())
        self.actor_columns = [
            (
                f"armed_group{n}",
                f"type_armed_group{n}",
                f"frequency_armed_group{n}",
                [(f"{a}_armed_group{n}", float(s)) for a, s in actors["activities"].items()],
            )
            for n in (1, 2, 3)
        ]
        self.no_activity = [dict.fromkeys((c for c, _ in a[3]), "0") for a in self.actor_columns]
        self.mineral_columns = [
            (f"mineral{n}", f"selling_points_mineral{n}", f"final_destination_mineral{n}")
            for n in (1, 2, 3)
        ]
        self.colour = _Pick(cfg["qualification"]["colours"].items())
        self.location = _Pick(cfg["location_origin"].items())
        self.access = list(cfg["access"])
        self.access_pick = _Pick(enumerate(cfg["access"].values()))
        self.blank = dict.fromkeys(columns(), "")
        self.projects = {y: f"Cartographie synthétique {y}" for y in range(1990, 2100)}
        self.work = {k: list(cfg[k].items()) for k in ("women_work", "children_work")}
        sigma = float(cfg["workers"]["visit_sigma"])  # lognormal, by its quantiles
        normal = NormalDist()
        self.spread = [math.exp(sigma * normal.inv_cdf((i + 0.5) / 256)) for i in range(256)]
        self.years: dict[int, _Year] = {}

    def at(self, year: int) -> _Year:
        found = self.years.get(year)
        if found is None:
            found = self.years[year] = self._year(year)
        return found

    def _year(self, year: int) -> _Year:
        cfg, recorded = self.cfg, self.cfg["recorded_from"]
        actors = cfg["armed_actors"]

        def recorded_share(key: str, value: Any) -> float | None:
            return share_at(value, year) if year >= recorded[key] else None

        traced: dict[str, list[tuple[str, float]]] = {}
        for group in ("three_t", "gold"):
            total, traced[group] = 0.0, []
            for name, curve in (cfg["traceability"].get(group) or {}).items():
                total += share_at(curve, year)
                traced[group].append((str(name), total))
        qualified = {g: share_at(c, year) for g, c in cfg["qualification"]["qualified"].items()}
        return _Year(
            presence=share_at(cfg["armed_presence"], year),
            interference=share_at(cfg["interference_given_presence"], year),
            non_state=share_at(actors["non_state_share"], year),
            mechanisation=recorded_share("mechanisation", cfg["mechanisation"]),
            mercury=recorded_share("mercury", cfg["mercury_at_gold"]),
            women=recorded_share("women", cfg["women"]),
            children=recorded_share("children_under_15", cfg["children_under_15"]),
            service_present=share_at(cfg["state_services"]["present"], year),
            services=[
                (s["name"], float(s["share"]))
                for s in cfg["state_services"]["services"]
                if _active(s, year)
            ],
            traced=traced if year >= recorded["traceability"] else None,
            qualified=qualified if year >= recorded["qualification"] else None,
            groups={
                province: _Pick((g["name"], g["weight"]) for g in groups if _active(g, year))
                for province, groups in actors["non_state"].items()
            },
        )

    def site(self, index: int, width: int) -> tuple[_Site, random.Random]:
        """The site of ``index``, and the random source its visits draw from."""
        rng = random.Random(f"{self.seed}/site/{index}")  # noqa: S311 - not for security
        cfg = self.cfg
        province = self.province(rng)
        main = self.mineral[province["name"]](rng)
        group = "gold" if main in ("Or", "Diamant") else "three_t"
        territory = self.territory[(province["name"], group)](rng)
        minerals = [main]
        for other, chance in (cfg["other_minerals"].get(main) or {}).items():
            if rng.random() < chance and len(minerals) < 3:
                minerals.append(other)
        spread = float(territory["spread"])
        lat = territory["centre"][0] + max(-2.5, min(2.5, rng.gauss(0, 1))) * spread
        lon = territory["centre"][1] + max(-2.5, min(2.5, rng.gauss(0, 1))) * spread
        village = _word(rng, rng.choice((2, 3, 3)))
        roll, name = rng.random(), village
        if 0.6 <= roll < 0.85:
            name = f"{village} {rng.choice(ROMAN)}"
        elif roll >= 0.85:
            name = _word(rng, rng.choice((2, 3)))
        base = self.blank | {
            "source": SOURCE,
            "pcode": f"codmine{index + 1:0{width}d}",
            "name": name,
            "geom": f"POINT ({lon:.5f} {lat:.5f})",
            "longitude": f"{lon:.5f}",
            "latitude": f"{lat:.5f}",
            "location_origin": self.location(rng),
            "province": province["name"],
            "territoire": territory["name"],
            "collectivite": rng.choice(territory["collectivites"]),
            "groupement": f"Groupement {rng.randint(1, 4)}",
            "village": village,
            "province_old": province["old_name"],
            "is_3t_mine": _flag(any(m in THREE_T for m in minerals)),
            "is_gold_mine": _flag("Or" in minerals),
        }
        workers = cfg["workers"]
        site = _Site(
            province=province["name"],
            group=group,
            minerals=minerals,
            selling=("Négociants sur le site", f"{village} centre"),
            destinations=province["destinations"],
            base=base,
            workers=workers["median"][main] * math.exp(rng.gauss(0, workers["sigma"])),
            access=self.access_pick(rng),
            qualified=rng.random(),
            traced=rng.random(),
            mercury=rng.random(),
            colour=self.colour(rng),
            armed=rng.random(),
            women=rng.random(),
        )
        return site, rng

    def dates(self, rng: random.Random, count: int, years: Sequence[int] = ()) -> list[dt.date]:
        found = []
        for _ in range(count):
            year = rng.choice(years) if years else self.year(rng)
            days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
            found.append(dt.date(year, 1, 1) + dt.timedelta(days=int(rng.random() * days)))
        return sorted(found)

    def rows(
        self, site: _Site, rng: random.Random, days: list[dt.date], vid: int
    ) -> Iterator[dict[str, str]]:
        status = self.cfg["status_records"]
        share = status["share"][site.group]
        for position, day in enumerate(days):
            row = site.base.copy()
            row["vid"] = row["id"] = row["fid"] = str(vid + position)
            row["project"] = self.projects.get(day.year) or f"Cartographie synthétique {day.year}"
            row["visit_date"] = day.isoformat()
            if position and day.year >= status["from_year"] and rng.random() < share:
                self._status(row, site, rng, self.at(day.year))
            else:
                self._observed(row, site, rng, self.at(day.year))
            yield row

    def _status(self, row: dict[str, str], site: _Site, rng: random.Random, year: _Year) -> None:
        status = self.cfg["status_records"]
        row["visit_onsite"] = "0"
        if rng.random() < status["update_share"]:
            row["visit_onsite_novisitreason"] = status["update_reason"]
            row["qualification"] = self._qualification(site, year, False)
            row["traceability"] = self._traceability(site, year)
        else:
            row["visit_onsite_novisitreason"] = rng.choice(status["no_visit_reasons"])

    def _observed(self, row: dict[str, str], site: _Site, rng: random.Random, year: _Year) -> None:
        cfg, rnd = self.cfg, rng.random
        blank = cfg["blank_cell"]
        row["visit_onsite"] = "1"
        workers = site.workers * self.spread[int(rnd() * len(self.spread))]
        workers = min(max(1, round(workers)), cfg["workers"]["max"])
        row["workers_numb"] = str(workers if workers < 50 else 5 * round(workers / 5))
        row["access_dry"] = self.access[site.access]
        worse = rnd() < cfg["access_worse_in_wet_season"]
        row["access_wet"] = self.access[min(site.access + worse, len(self.access) - 1)]
        for (name, selling, destination), mineral in zip(
            self.mineral_columns, site.minerals, strict=False
        ):
            row[name] = mineral
            row[selling] = site.selling[rnd() < 0.5]
            row[destination] = site.destinations[int(rnd() * len(site.destinations))]
        persistence = cfg["persistence"]
        if rnd() > persistence["armed"]:
            site.armed = rnd()
        presence = site.armed < year.presence
        interference = presence and rnd() < year.interference
        armed_group = False
        if rnd() >= blank:
            row["presence"], row["interference"] = _flag(presence), _flag(interference)
            if presence:
                armed_group = self._actors(row, site, rng, year, interference)
        if year.mechanisation is not None and rnd() >= blank:
            # IPIS writes the level of mechanisation: Bas, Moyen, Haut
            row["mechanisation"] = (
                "Bas" if rnd() >= year.mechanisation else ("Moyen" if rnd() < 0.7 else "Haut")
            )
        if site.group == "gold" and year.mercury is not None and rnd() >= blank:
            row["mercury"] = _flag(site.mercury < year.mercury)
        if year.women is not None and rnd() >= blank:
            if rnd() > persistence["women"]:
                site.women = rnd()
            women = site.women < year.women
            row["women"] = _flag(women)
            if women:
                row["womenwork"] = self._work(rng, self.work["women_work"])
        if year.children is not None and rnd() >= blank:
            children = rnd() < year.children
            row["childunder15"] = _flag(children)
            if children:
                row["childunder15work"] = self._work(rng, self.work["children_work"])
        if rnd() >= blank:
            self._state_services(row, rng, year)
        row["traceability"] = self._traceability(site, year)
        red = armed_group and rnd() < cfg["qualification"]["red_when_armed_group"]
        row["qualification"] = self._qualification(site, year, red)

    def _actors(
        self, row: dict[str, str], site: _Site, rng: random.Random, year: _Year, interfering: bool
    ) -> bool:
        actors, rnd = self.cfg["armed_actors"], rng.random
        found: list[tuple[str, str]] = []
        group = year.groups.get(site.province)
        if group is not None and group.items and rnd() < year.non_state:
            found.append((group(rng), actors["non_state_type"]))
        for kind in ("army", "police"):
            if rnd() < actors[kind]["share"]:
                found.append((actors[kind]["name"], actors[kind]["type"]))
        if not found:
            found.append((actors["army"]["name"], actors["army"]["type"]))
        for (name, kind, frequency, activities), (actor, actor_kind), zeros in zip(
            self.actor_columns, found, self.no_activity, strict=False
        ):
            row[name], row[kind], row[frequency] = actor, actor_kind, self.frequency(rng)
            row.update(zeros)
            if interfering:
                chosen = [column for column, share in activities if rnd() < share]
                if name == "armed_group1" and not chosen:
                    chosen.append(activities[0][0])
                for column in chosen:
                    row[column] = "1"
        return interfering and found[0][1] == actors["non_state_type"]

    def _work(self, rng: random.Random, chances: list[tuple[str, float]]) -> str:
        rnd = rng.random
        return ", ".join([kind for kind, chance in chances if rnd() < chance] or [chances[0][0]])

    def _state_services(self, row: dict[str, str], rng: random.Random, year: _Year) -> None:
        if rng.random() >= year.service_present:
            row["state_service1"] = self.cfg["state_services"]["none_written"]
            return
        chosen = [name for name, share in year.services if rng.random() < share]
        for n, name in enumerate((chosen or [rng.choice(year.services)[0]])[:4], start=1):
            row[f"state_service{n}"] = name

    def _traceability(self, site: _Site, year: _Year) -> str:
        if year.traced is None:
            return ""
        for name, below in year.traced[site.group]:
            if site.traced < below:
                return name
        return str(self.cfg["traceability"]["none_written"])

    def _qualification(self, site: _Site, year: _Year, red: bool) -> str:
        if year.qualified is None or site.qualified >= year.qualified[site.group]:
            return ""
        return "Rouge" if red else site.colour


def _counts(rng: random.Random, sites: int, visits: int) -> list[int]:
    """Visits per site, 1 to 8 as configured, adjusted to add up to ``visits``."""
    weights = _Pick(enumerate(shares()["visits_per_site"], start=1))
    counts = [weights(rng) for _ in range(sites)]
    most = max(len(shares()["visits_per_site"]), math.ceil(2 * visits / sites))
    diff = visits - sum(counts)
    while diff:
        i, step = rng.randrange(sites), 1 if diff > 0 else -1
        if 1 <= counts[i] + step <= most:
            counts[i] += step
            diff -= step
    return counts


def ipis_rows(
    sites: int,
    visits: int,
    seed: int = 2024,
    first_year: int = 2009,
    last_year: int = 2024,
    messy: bool = False,
) -> Iterator[dict[str, str]]:
    """``visits`` rows of the IPIS layout at ``sites`` sites, each visited at least once."""
    if sites < 1 or visits < sites:
        raise ValueError("ask for at least one site and at least one visit a site")
    if first_year > last_year:
        raise ValueError("the first year comes after the last")
    generator = _Generator(seed, first_year, last_year)
    counts = _counts(random.Random(seed), sites, visits)  # noqa: S311 - not for security
    width = max(5, len(str(sites)))
    rows = _rows(generator, ((i, n, ()) for i, n in enumerate(counts)), width, 1)
    return _messy(rows, seed) if messy else rows


def _rows(
    generator: _Generator,
    plan: Iterable[tuple[int, int, Sequence[int]]],
    width: int,
    vid: int,
    salt: str = "",
) -> Iterator[dict[str, str]]:
    for index, count, years in plan:
        site, rng = generator.site(index, width)
        if salt:  # other visits to the same site
            rng = random.Random(f"{salt}/{index}")  # noqa: S311 - not for security
        days = generator.dates(rng, count, years)
        yield from generator.rows(site, rng, days, vid)
        vid += count


def _messy(rows: Iterable[dict[str, str]], seed: int) -> Iterator[dict[str, str]]:
    """The rows as field files are written, with a few an import must report or refuse."""
    rng = random.Random(f"{seed}/messy")  # noqa: S311 - not for security
    fixes = [_spelling, _flag_words, _decimal_comma, _estimate, _date_format, _blanks]
    fixes.append(_coded_words)
    kinds = list(BAD_ROWS)
    previous: dict[str, str] | None = None
    for i, row in enumerate(rows):
        period = 12 if i < 240 else 1000
        if i % period == period - 1:
            row = _bad(row, kinds[(i // period) % len(kinds)], previous)
        elif rng.random() < 0.3:
            for fix in rng.sample(fixes, rng.randint(1, 3)):
                fix(row, rng)
        previous = row
        yield row


def _spelling(row: dict[str, str], rng: random.Random) -> None:
    for n in (1, 2, 3):
        if row[f"mineral{n}"] in SPELLINGS:
            row[f"mineral{n}"] = rng.choice(SPELLINGS[row[f"mineral{n}"]])


def _flag_words(row: dict[str, str], rng: random.Random) -> None:
    words = rng.choice((("oui", "non"), ("Oui", "Non"), ("1.0", "0.0")))
    for column in FLAG_COLUMNS:
        if row[column] in ("0", "1"):
            row[column] = words[0] if row[column] == "1" else words[1]


def _decimal_comma(row: dict[str, str], rng: random.Random) -> None:
    for column in ("latitude", "longitude"):
        row[column] = row[column].replace(".", ",")


def _estimate(row: dict[str, str], rng: random.Random) -> None:
    if row["workers_numb"]:
        workers = int(row["workers_numb"])
        row["workers_numb"] = (
            f"ca. {workers}"
            if workers < 1000 or rng.random() < 0.5
            else f"{workers:,}".replace(",", " ")
        )


def _date_format(row: dict[str, str], rng: random.Random) -> None:
    day = dt.date.fromisoformat(row["visit_date"])
    row["visit_date"] = f"{day:%d/%m/%Y}" if rng.random() < 0.8 else f"{day:%Y-%m-%d} 00:00:00"


def _blanks(row: dict[str, str], rng: random.Random) -> None:
    for column in rng.sample(("name", "workers_numb", "women", "access_dry", "village"), 2):
        row[column] = ""


def _coded_words(row: dict[str, str], rng: random.Random) -> None:
    if row["qualification"]:
        row["qualification"] = rng.choice(
            (row["qualification"].lower(), f"Qualifié {row['qualification'].lower()}")
        )
    if row["type_armed_group1"] == "Groupe armé":
        row["type_armed_group1"] = "Groupe arme"
    if row["state_service1"] == "Aucun":
        row["state_service1"] = "Aucune"


def _bad(row: dict[str, str], kind: str, previous: dict[str, str] | None) -> dict[str, str]:
    if kind == "repeat" and previous is not None:
        return {**previous, "workers_numb": row["workers_numb"] or previous["workers_numb"]}
    row.update(BAD_ROWS[kind])
    return row


def write_csv(rows: Iterable[Mapping[str, str]], stream: IO[str]) -> int:
    """Write ``rows`` as CSV with the layout's header; returns the number of rows."""
    names = columns()
    get = itemgetter(*names)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(names)
    written = 0
    for row in rows:
        writer.writerow(get(row) if len(row) == len(names) else [row.get(c, "") for c in names])
        written += 1
    return written


def ipis_csv(rows: Iterable[Mapping[str, str]]) -> bytes:
    """The rows as a UTF-8 CSV file, the header in the layout's order."""
    buffer = io.StringIO()
    write_csv(rows, buffer)
    return buffer.getvalue().encode("utf-8")


def sample_rows(
    seed: int = DEMO_SEED, known_sites: int = DEMO_SITES, rows: int = 80
) -> Iterator[dict[str, str]]:
    """A later campaign (2025): new visits at some of the demo's sites, and new sites."""
    rng = random.Random(SAMPLE_SEED)  # noqa: S311 - not for security
    sites = sorted(rng.sample(range(known_sites), rows // 3))
    sites += range(known_sites, known_sites + rows // 4)
    counts = [1] * len(sites)
    for _ in range(rows - len(sites)):
        counts[rng.randrange(len(sites))] += 1
    generator = _Generator(seed, 2009, 2025)
    plan = [(index, n, (2025,)) for index, n in zip(sites, counts, strict=True)]
    width = max(5, len(str(known_sites)))
    return _messy(_rows(generator, plan, width, 1_000_001, f"sample-{SAMPLE_SEED}"), SAMPLE_SEED)


def write_sample(path: Path = SAMPLE) -> int:
    """Write the messy sample import (``data/samples/ipis-sample.csv``); returns its rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_csv(sample_rows(), stream)
