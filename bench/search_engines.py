"""Search engines side by side: the embedded index against the database engine and Datasette.

    .venv/bin/python -m bench.search_engines [--size full|tenth|small] [--requests N]
    make bench-search            (BENCH_SEARCH_SIZE=tenth for the 100,000-passage corpus)

On the corpus of bench/corpus.py, the queries of bench/search.py go, interleaved and in
turn, to:

- ``tantivy``: the API (``GET /api/library/search``, gunicorn, 2 workers) with
  ASMHUB_SEARCH_ENGINE=tantivy, on an index built first with ``asmhub reindex``;
- ``database``: the same API with ASMHUB_SEARCH_ENGINE=database (SQLite FTS5, as today);
- ``datasette``: Datasette on the same SQLite file, with the FTS5 query of the hits only.

Both APIs answer in full: hits with snippets, the total and the eight facets. For each
query the top 20 of the two APIs are compared (the share of the database engine's hits
that the index also returns: top-20 overlap). The load average is read before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from typing import Any

from bench.common import BIN, RESULTS, app_env, free_port, log, machine, server, summary, write_json
from bench.corpus import SIZES, ensure, paths
from bench.search import BROAD_EVERY, KINDS, LIMIT, WARMUP_ROUNDS, Request, fetch, requests_of

SYSTEMS = ("tantivy", "database", "datasette")


def _gunicorn(port: int) -> list[str]:
    return [
        str(BIN / "gunicorn"),
        "asmhub.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
    ]


def _urls(body: bytes) -> tuple[list[str], int, bool]:
    data = json.loads(body)
    return [hit["url"] for hit in data["hits"]], data["total"], bool(data.get("approximate"))


def run(size_name: str, rounds: int) -> dict[str, Any]:
    size = SIZES[size_name]
    corpus = ensure(size)
    database, _ = paths(size)
    data_dir = RESULTS / f"data-{size.label}"
    ports = {name: free_port() for name in SYSTEMS}
    indexed = app_env(database, data_dir, ASMHUB_SEARCH_ENGINE="tantivy")
    plain = app_env(database, data_dir, ASMHUB_SEARCH_ENGINE="database")
    started = time.monotonic()
    subprocess.run([str(BIN / "asmhub"), "reindex"], env=indexed, check=True)  # noqa: S603
    index_seconds = time.monotonic() - started
    log(f"index built in {index_seconds:.0f} s")
    datasette = [
        str(BIN / "datasette"),
        "serve",
        "-i",
        str(database),
        "--host",
        "127.0.0.1",
        "--port",
        str(ports["datasette"]),
        "--setting",
        "sql_time_limit_ms",
        "20000",
        "--setting",
        "max_returned_rows",
        "1000",
    ]
    plan = {kind.name: requests_of(kind) for kind in KINDS}
    times: dict[str, dict[str, list[float]]] = {s: {k: [] for k in plan} for s in SYSTEMS}
    answers: dict[tuple[str, Request], tuple[list[str], int, bool]] = {}

    def call(system: str, request: Request) -> float:
        path = (
            request.datasette_path(database.stem) if system == "datasette" else request.api_path()
        )
        elapsed, body = fetch(ports[system], path)
        if system != "datasette" and (system, request) not in answers:
            answers[(system, request)] = _urls(body)
        return elapsed

    load_before = os.getloadavg()
    with (
        server(
            "gunicorn-tantivy",
            _gunicorn(ports["tantivy"]),
            indexed,
            f"http://127.0.0.1:{ports['tantivy']}/healthz",
            RESULTS / "gunicorn-tantivy.log",
        ),
        server(
            "gunicorn-database",
            _gunicorn(ports["database"]),
            plain,
            f"http://127.0.0.1:{ports['database']}/healthz",
            RESULTS / "gunicorn-database.log",
        ),
        server(
            "datasette",
            datasette,
            plain,
            f"http://127.0.0.1:{ports['datasette']}/-/versions.json",
            RESULTS / "datasette.log",
        ),
    ):
        for requests in plan.values():
            for request in requests:
                for _ in range(WARMUP_ROUNDS):
                    for system in SYSTEMS:
                        call(system, request)
        broad = {kind.name for kind in KINDS if kind.broad}
        for number in range(rounds):
            for kind, requests in plan.items():
                if kind in broad and number % BROAD_EVERY:
                    continue
                request = requests[(number // BROAD_EVERY if kind in broad else number) % 5]
                for system in SYSTEMS:
                    times[system][kind].append(call(system, request))
            if number % 25 == 24:
                log(f"  round {number + 1}/{rounds}, load {os.getloadavg()[0]:.1f}")
    load_after = os.getloadavg()
    kinds = []
    for kind in KINDS:
        overlaps, queries = [], []
        for request in plan[kind.name]:
            ours, our_total, approximate = answers[("tantivy", request)]
            theirs, their_total, _ = answers[("database", request)]
            overlap = len(set(ours) & set(theirs)) / len(theirs) if theirs else 1.0
            overlaps.append(overlap)
            queries.append(
                {
                    "q": request.text,
                    "filters": request.filters,
                    "total_tantivy": our_total,
                    "total_database": their_total,
                    "approximate_facets": approximate,
                    "top20_overlap": round(overlap, 3),
                }
            )
        row: dict[str, Any] = {"kind": kind.name, "broad": kind.broad, "queries": queries}
        for system in SYSTEMS:
            row[system] = summary(times[system][kind.name])
        row["top20_overlap"] = sum(overlaps) / len(overlaps)
        kinds.append(row)
    targeted = [kind.name for kind in KINDS if not kind.broad]
    overall = {
        system: summary([t for kind in targeted for t in times[system][kind]]) for system in SYSTEMS
    }
    result = {
        "corpus": corpus,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "limit": LIMIT,
        "requests_per_kind": rounds,
        "index_seconds": round(index_seconds, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "kinds": kinds,
        "overall": overall,
    }
    write_json(RESULTS / f"search-engines-{size.label}.json", result)
    return result


def print_table(result: dict[str, Any]) -> None:
    print(f"{'kind':24} " + " ".join(f"{s + ' p50/p95':>20}" for s in SYSTEMS) + "  overlap")
    for row in result["kinds"]:
        cells = " ".join(f"{row[s]['p50']:9.1f}/{row[s]['p95']:<9.1f}" for s in SYSTEMS)
        print(f"{row['kind']:24} {cells}  {row['top20_overlap']:.2f}")
    overall = result["overall"]
    cells = " ".join(f"{overall[s]['p50']:9.1f}/{overall[s]['p95']:<9.1f}" for s in SYSTEMS)
    print(f"{'all (not broad)':24} {cells}")
    print(
        f"index built in {result['index_seconds']} s; load average "
        f"{result['load_average_before']} before, {result['load_average_after']} after"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--requests", type=int, default=100, help="requests per query kind")
    args = parser.parse_args()
    print_table(run(args.size, max(1, args.requests)))


if __name__ == "__main__":
    main()
