"""Search latency: the library's HTTP API against raw FTS5 (the floor) and Datasette (a peer).

    .venv/bin/python -m bench.search [--small] [--requests N]

On the corpus of bench/corpus.py, in one run and side by side, the same queries go to:

- the API, ``GET /api/library/search`` served by gunicorn (2 sync workers, debug off):
  ranked hits with snippets, the total, and the counts of all eight facets;
- Datasette serving the same SQLite file read-only (immutable), through its JSON SQL
  endpoint, with the FTS5 query the API runs for its hits: same MATCH, same filters, same
  BM25 weights, snippets, LIMIT 20;
- the same SQL with Python's sqlite3 in this process, on a warm connection: the floor.

Requests are sequential, each on a new loopback connection, interleaved between the three
systems so that they see the same machine; each query kind has five variants, used in turn.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    BIN,
    RESULTS,
    app_env,
    free_port,
    log,
    machine,
    server,
    summary,
    write_json,
)
from bench.corpus import SIZES, ensure, paths

LIMIT = 20
WARMUP_ROUNDS = 3
BROAD_EVERY = 4
SYSTEMS = ("api", "datasette", "floor")
Filters = dict[str, list[str]]


@dataclass(frozen=True)
class Kind:
    name: str
    queries: tuple[str, ...]
    filters: tuple[Filters, ...] = ({},)
    broad: bool = False  # outside the overall figures


FILTERS: tuple[Filters, ...] = (
    {"country": ["GH"]},
    {"issue": ["mercury-chemicals"]},
    {"type": ["report"]},
    {"country": ["PE"], "issue": ["health"]},
    {"country": ["TZ"], "type": ["study"]},
)
WORDS = ("cyanide", "tuberculosis", "remittances", "royalties", "microcredit")
PAIRS = ("cyanide gold", "peru mercury", "ghana gold", "women credit", "tanzania diamonds")
PHRASES = (
    '"alternative livelihoods"',
    '"success stories"',
    '"health and safety"',
    '"fair trade"',
    '"conflict diamonds"',
)
PREFIXES = ("amalgam*", "microcred*", "legaliz*", "licens*", "smuggl*")
# Words that most of the library contains: reported on their own, outside the target.
BROAD = ("mercury", "women", '"small-scale mining"', "gold", "miners")
KINDS = (
    Kind("one word", WORDS),
    Kind("one word + filters", WORDS, FILTERS),
    Kind("two words (AND)", PAIRS),
    Kind("two words + filters", PAIRS, FILTERS),
    Kind("phrase", PHRASES),
    Kind("phrase + filters", PHRASES, FILTERS),
    Kind("prefix", PREFIXES),
    Kind("prefix + filters", PREFIXES, FILTERS),
    Kind("broad word", BROAD, broad=True),
)

FTS_SQL = (
    "SELECT d.id, d.kind, d.resource_id, d.page, d.heading, d.title, "
    "snippet(library_search_fts, 2, '<mark>', '</mark>', '…', 28) AS snippet, "
    "bm25(library_search_fts, 4.0, 2.0, 1.0) AS score "
    "FROM library_search_fts JOIN library_searchdocument d ON d.id = library_search_fts.rowid "
    "WHERE library_search_fts MATCH :q AND d.is_public = 1{filters} "
    "ORDER BY score LIMIT {limit}"
)
# The API's filters: resources (and the facts drawn from them) by country, lever issue and
# type; success stories by country and lever issue, and left out when the type is chosen.
RESOURCE_FILTERS = {
    "country": "d.resource_id IN (SELECT resource_id FROM library_resource_countries "
    "WHERE country_id = :country)",
    "type": "d.resource_id IN (SELECT id FROM library_resource WHERE resource_type = :type)",
    "issue": "d.resource_id IN (SELECT ri.resource_id FROM library_resource_lever_issues ri "
    "JOIN taxonomy_leverissue i ON i.id = ri.leverissue_id WHERE i.slug = :issue)",
}
STORY_FILTERS = {
    "country": "d.story_id IN (SELECT successstory_id FROM library_successstory_countries "
    "WHERE country_id = :country)",
    "issue": "d.story_id IN (SELECT si.successstory_id FROM library_successstory_lever_issues si "
    "JOIN taxonomy_leverissue i ON i.id = si.leverissue_id WHERE i.slug = :issue)",
}


def filters_sql(keys: list[str]) -> str:
    if not keys:
        return ""
    resources = " AND ".join(RESOURCE_FILTERS[key] for key in keys)
    if not all(key in STORY_FILTERS for key in keys):
        return f" AND {resources}"
    stories = " AND ".join(STORY_FILTERS[key] for key in keys)
    return f" AND (({resources}) OR ({stories}))"


@dataclass(frozen=True)
class Request:
    kind: str
    text: str
    chosen: tuple[tuple[str, str], ...]  # (facet key, value), one value per facet

    @property
    def filters(self) -> Filters:
        return {key: [value] for key, value in self.chosen}

    def match(self) -> str:
        from asmhub.lib.query import parse, to_fts5

        return to_fts5(parse(self.text))

    def sql(self) -> str:
        return FTS_SQL.format(filters=filters_sql(sorted(self.filters)), limit=LIMIT)

    def sql_params(self) -> dict[str, str]:
        return {"q": self.match(), **{key: values[0] for key, values in self.filters.items()}}

    def api_path(self) -> str:
        query = [("q", self.text), ("limit", str(LIMIT))]
        query += [(key, value) for key, values in self.filters.items() for value in values]
        return "/api/library/search?" + urllib.parse.urlencode(query)

    def datasette_path(self, database: str) -> str:
        query = {"sql": self.sql(), "_shape": "array", **self.sql_params()}
        return f"/{database}.json?" + urllib.parse.urlencode(query)


def requests_of(kind: Kind) -> list[Request]:
    """Five variants of a kind: each query, with the filter set of the same rank."""
    return [
        Request(
            kind.name,
            text,
            tuple(
                (key, values[0]) for key, values in kind.filters[index % len(kind.filters)].items()
            ),
        )
        for index, text in enumerate(kind.queries)
    ]


def fetch(port: int, path: str) -> tuple[float, bytes]:
    """GET on a new loopback connection; the time until the whole body is read, in ms."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path[:120]} answered {response.status}: {body[:300]!r}")
    return elapsed, body


@dataclass
class Systems:
    api_port: int
    datasette_port: int
    database_name: str
    floor: sqlite3.Connection
    api_total: dict[Request, int] = field(default_factory=dict)
    partial: dict[Request, bool] = field(default_factory=dict)
    agreement: dict[Request, bool] = field(default_factory=dict)

    def api(self, request: Request) -> float:
        elapsed, body = fetch(self.api_port, request.api_path())
        if request not in self.api_total:
            data = json.loads(body)
            self.api_total[request] = data["total"]
            self.partial[request] = data["partial"]
            self.agreement[request] = self._same_hits(request, data["hits"])
        return elapsed

    def datasette(self, request: Request) -> float:
        elapsed, body = fetch(self.datasette_port, request.datasette_path(self.database_name))
        if len(json.loads(body)) > LIMIT:
            raise RuntimeError("Datasette returned more rows than the limit")
        return elapsed

    def run_floor(self, request: Request) -> float:
        started = time.perf_counter()
        self.floor.execute(request.sql(), request.sql_params()).fetchall()
        return (time.perf_counter() - started) * 1000

    def _same_hits(self, request: Request, hits: list[dict[str, Any]]) -> bool:
        """Whether the API's hits carry the floor's scores, in the same order."""
        rows = self.floor.execute(request.sql(), request.sql_params()).fetchall()
        ours = [round(hit["score"], 6) for hit in hits]
        floor = [round(-row[7], 6) for row in rows]
        return ours == floor


def measure(systems: Systems, rounds: int) -> dict[str, dict[str, list[float]]]:
    """``rounds`` requests per kind and system, interleaved; warm-up rounds first."""
    plan = {kind.name: requests_of(kind) for kind in KINDS}
    runners: dict[str, Callable[[Request], float]] = {
        "api": systems.api,
        "datasette": systems.datasette,
        "floor": systems.run_floor,
    }
    for kind_requests in plan.values():
        for request in kind_requests:
            for _ in range(WARMUP_ROUNDS):
                for run in runners.values():
                    run(request)
    times: dict[str, dict[str, list[float]]] = {
        name: {kind: [] for kind in plan} for name in SYSTEMS
    }
    started = time.monotonic()
    broad = {kind.name for kind in KINDS if kind.broad}
    for number in range(rounds):
        for kind, kind_requests in plan.items():
            if kind in broad and number % BROAD_EVERY:
                continue  # the slowest kind, outside the targets: a quarter of the requests
            request = kind_requests[(number // BROAD_EVERY if kind in broad else number) % 5]
            for name, run in runners.items():
                times[name][kind].append(run(request))
        if number % 50 == 49:
            log(f"  round {number + 1}/{rounds}, {time.monotonic() - started:.0f} s")
    return times


def report(
    times: dict[str, dict[str, list[float]]], systems: Systems, corpus: dict[str, Any]
) -> dict[str, Any]:
    kinds: list[dict[str, Any]] = []
    for kind in KINDS:
        requests = requests_of(kind)
        row: dict[str, Any] = {
            "kind": kind.name,
            "broad": kind.broad,
            "queries": [
                {
                    "q": r.text,
                    "filters": r.filters,
                    "total": systems.api_total.get(r),
                    "partial": systems.partial.get(r),
                    "same_hits_as_floor": systems.agreement.get(r),
                }
                for r in requests
            ],
        }
        for name in SYSTEMS:
            row[name] = summary(times[name][kind.name])
        row["p95_vs_datasette"] = row["api"]["p95"] / row["datasette"]["p95"]
        kinds.append(row)
    targeted = [kind.name for kind in KINDS if not kind.broad]
    overall = {
        name: summary([t for kind in targeted for t in times[name][kind]]) for name in SYSTEMS
    }
    overall["p95_vs_datasette"] = overall["api"]["p95"] / overall["datasette"]["p95"]
    overall["p50_vs_datasette"] = overall["api"]["p50"] / overall["datasette"]["p50"]
    return {
        "corpus": corpus,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "limit": LIMIT,
        "requests_per_kind": len(times["api"][KINDS[0].name]),
        "load_average": os.getloadavg(),
        "kinds": kinds,
        "overall": overall,
        "same_hits_as_floor": all(systems.agreement.values()),
        "any_partial": any(systems.partial.values()),
    }


def run(small: bool, rounds: int) -> dict[str, Any]:
    size = SIZES["small" if small else "full"]
    corpus = ensure(size)
    database, _ = paths(size)
    data_dir = RESULTS / f"data-{size.label}"
    api_port, datasette_port = free_port(), free_port()
    env = app_env(database, data_dir)
    gunicorn = [
        str(BIN / "gunicorn"),
        "asmhub.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{api_port}",
        "--timeout",
        "120",
    ]
    datasette = [
        str(BIN / "datasette"),
        "serve",
        "-i",
        str(database),
        "--host",
        "127.0.0.1",
        "--port",
        str(datasette_port),
        "--setting",
        "sql_time_limit_ms",
        "20000",
        "--setting",
        "max_returned_rows",
        "1000",
    ]
    floor = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        with (
            server(
                "gunicorn",
                gunicorn,
                env,
                f"http://127.0.0.1:{api_port}/healthz",
                RESULTS / "gunicorn.log",
            ),
            server(
                "datasette",
                datasette,
                env,
                f"http://127.0.0.1:{datasette_port}/-/versions.json",
                RESULTS / "datasette.log",
            ),
        ):
            systems = Systems(api_port, datasette_port, database.stem, floor)
            log(f"search: {rounds} requests per kind and system, {len(KINDS)} kinds")
            times = measure(systems, rounds)
    finally:
        floor.close()
    result = report(times, systems, corpus)
    write_json(result_path(small), result)
    return result


def result_path(small: bool) -> Path:
    return RESULTS / f"search-{'small' if small else 'full'}.json"


def print_table(result: dict[str, Any]) -> None:
    print(f"{'kind':24} {'matches':>8} " + " ".join(f"{s + ' p50/p95':>20}" for s in SYSTEMS))
    for row in result["kinds"]:
        totals = [q["total"] or 0 for q in row["queries"]]
        cells = " ".join(f"{row[s]['p50']:9.1f}/{row[s]['p95']:<9.1f}" for s in SYSTEMS)
        print(f"{row['kind']:24} {sum(totals) // len(totals):8} {cells}")
    overall = result["overall"]
    cells = " ".join(f"{overall[s]['p50']:9.1f}/{overall[s]['p95']:<9.1f}" for s in SYSTEMS)
    print(f"{'all':24} {'':8} {cells}")
    print(f"same hits as the floor: {result['same_hits_as_floor']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="the small corpus, a quick check")
    parser.add_argument("--requests", type=int, default=200, help="requests per query kind")
    args = parser.parse_args()
    print_table(run(args.small, max(1, args.requests)))


if __name__ == "__main__":
    main()
