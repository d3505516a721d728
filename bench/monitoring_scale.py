"""Field monitoring at national scale: the need index on columns, the map by view, the
streamed export.

- **need index**: ``need.compute`` (numpy columns over the snapshot) for every
  administrative level and H3 cells at resolutions 5 and 7, all years and 2015–2020,
  over a snapshot of 50,000 sites and 1,000,000 on-site visits made in memory (seed
  ``SEED``); checked against ``need.compute_reference`` (every area, every float to the
  bit) and against the same index in DuckDB (``bench.monitoring._index_sql``), and
  timed beside both.
- **map**: ``GET /monitoring/sites/clusters.geojson`` through Django's test client
  (middleware, view, gzip; no network), for the tiles a 1280×800 window covers: the
  whole country at zoom 6 and zoomed views at 8, 10, 12 and 14, with 50,000 and
  500,000 sites in the snapshot; the answers' cache is emptied before each request,
  so each is computed. *Cold* is the first request of a filter (it places the sites).
- **export**: ``GET /monitoring/sites.csv`` of 50,000 sites written to the database:
  the time to the first byte and to the first piece of rows, the whole download, and
  the Python heap's peak (tracemalloc) beside the whole-file writer's.

The snapshot is made in memory because loading a million visits through today's
imports takes an hour on this machine (docs/benchmarks.md); the export reads the
database, SQLite or PostgreSQL (``--postgres URL``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import sqlite3
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import RESULTS, log, machine, summary, write_json

SEED = 20261207
SITES, VISITS, BIG = 50_000, 1_000_000, 500_000
PERIOD = (dt.date(2015, 1, 1), dt.date(2020, 12, 31))
LEVELS = (
    ("province", 0),
    ("territory", 0),
    ("collectivite", 0),
    ("groupement", 0),
    ("h3", 5),
    ("h3", 7),
)
RUNS, WARMUP, REFERENCE_RUNS = 30, 3, 3
MAP_RUNS = 20
WINDOW = (1280, 800)
EXPORT_RUNS = 20


def synthetic(sites: int, visits: int, seed: int = SEED) -> Any:
    """A snapshot of ``sites`` sites around 2,000 places in the east of the Congo, with
    ``visits`` on-site visits (2009–2024) of one programme that measures everything."""
    from asmhub.monitoring.observations import BITS
    from asmhub.monitoring.snapshot import SiteEntry, Snapshot

    rng = random.Random(seed)
    places = [(rng.uniform(-8.0, 3.0), rng.uniform(23.0, 30.0)) for _ in range(2_000)]
    bits = [BITS[k] for k in BITS]
    first, last = dt.date(2009, 1, 1).toordinal(), dt.date(2024, 12, 31).toordinal()
    entries = []
    per_site = visits // sites
    for pk in range(1, sites + 1):
        place = rng.randrange(len(places))
        lat, lon = places[place]
        entry = SiteEntry(
            pk,
            1,
            f"Site {pk}",
            f"codmine{pk:06}",
            round(lat + rng.gauss(0, 0.08), 6),
            round(lon + rng.gauss(0, 0.08), 6),
            1 + place % 6,
            100 + place % 38,
            200 + place % 111,
            400 + place % 400,
            rng.choice(("green", "yellow", "red", "")),
            rng.random() < 0.27,
            open_actions=int(rng.random() < 0.02),
        )
        extra = 1 if pk <= visits - per_site * sites else 0
        for day in sorted(rng.randint(first, last) for _ in range(per_site + extra)):
            known = present = 0
            for bit in bits:
                if rng.random() < 0.8:
                    known |= bit
                    if rng.random() < 0.3:
                        present |= bit
            entry.dates.append(day)
            entry.known.append(known)
            entry.present.append(present)
        entries.append(entry)
    return Snapshot(
        f"bench-{sites}", entries, {e.pk: e for e in entries}, incident_programmes=frozenset({1})
    )


def _times(call: Callable[[], Any], runs: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = call()
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        found.append((time.perf_counter() - started) * 1000)
    return found, result


def _duckdb(snap: Any, folder: Path) -> Any:
    """The snapshot's sites and visits in an in-memory DuckDB, as bench.monitoring has them."""
    import csv

    import duckdb
    import h3

    folder.mkdir(parents=True, exist_ok=True)
    visits_csv, sites_csv = folder / "scale-visits.csv", folder / "scale-sites.csv"
    with visits_csv.open("w", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(("id", "site_id", "date", "onsite", "known", "present"))
        n = 0
        for s in snap.sites:
            for d, k, p in zip(s.dates, s.known, s.present, strict=True):
                n += 1
                out.writerow((n, s.pk, dt.date.fromordinal(d).isoformat(), 1, k, p))
    with sites_csv.open("w", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(
            ("id", "province", "territory", "collectivite", "groupement", "h3_5", "h3_7", "open")
        )
        for s in snap.sites:
            cells = [h3.latlng_to_cell(s.latitude, s.longitude, r) for r in (5, 7)]
            out.writerow(
                (
                    s.pk,
                    s.province,
                    s.territory,
                    s.collectivite,
                    s.groupement,
                    *cells,
                    int(bool(s.open_actions or s.open_incidents)),
                )
            )
    duck = duckdb.connect()
    duck.execute(
        f"CREATE TABLE visits AS SELECT * FROM read_csv('{visits_csv}', header = true, "
        "columns = {'id': 'BIGINT', 'site_id': 'BIGINT', 'date': 'DATE', 'onsite': 'BOOLEAN', "
        "'known': 'INTEGER', 'present': 'INTEGER'})"
    )
    duck.execute(
        f"CREATE TABLE sites AS SELECT * FROM read_csv('{sites_csv}', header = true, "
        "columns = {'id': 'BIGINT', 'province': 'BIGINT', 'territory': 'BIGINT', "
        "'collectivite': 'BIGINT', 'groupement': 'BIGINT', 'h3_5': 'VARCHAR', "
        "'h3_7': 'VARCHAR', 'open': 'BOOLEAN'})"
    )
    duck.execute("CREATE VIEW cells AS SELECT id AS site_id, h3_5, h3_7 FROM sites")
    visits_csv.unlink()
    sites_csv.unlink()
    return duck


def _index(snap: Any) -> list[dict[str, Any]]:
    from asmhub.monitoring import need
    from bench.monitoring import (
        _compare,
        _index_sql,
        _platform_rows,
        _same_as_reference,
        _sql_rows,
    )

    chosen = need.weights()
    started = time.perf_counter()
    duck = _duckdb(snap, RESULTS / "scale")
    log(f"duckdb loaded in {time.perf_counter() - started:.1f} s")
    found = []
    for level, resolution in LEVELS:
        for period in (None, PERIOD):
            start, end = period or (None, None)
            args = (snap, level, start, end, chosen, resolution or 6)
            started = time.perf_counter()
            need.compute(*args)
            first = (time.perf_counter() - started) * 1000
            times, table = _times(lambda args=args: need.compute(*args), RUNS, WARMUP)
            ref_times, reference = _times(
                lambda args=args: need.compute_reference(*args), REFERENCE_RUNS, 1
            )
            _same_as_reference(reference, table)
            sql, params = _index_sql("duckdb", level, resolution, period)
            duck_times, rows = _times(
                lambda sql=sql, params=params: duck.execute(sql, params).fetchall(), RUNS, WARMUP
            )
            difference = _compare(_platform_rows(table), _sql_rows(rows))
            row = {
                "level": level,
                "resolution": resolution or None,
                "period": None if period is None else [d.isoformat() for d in period],
                "areas": len(table),
                "first_ms": first,
                "columns": summary(times),
                "reference": summary(ref_times),
                "duckdb": summary(duck_times),
                "duckdb_max_difference": difference,
            }
            found.append(row)
            log(
                f"index {level} {resolution or ''} {'all' if period is None else '2015-2020'}: "
                f"{len(table):,} areas, columns p95 {row['columns']['p95']:.1f} ms, reference "
                f"p95 {row['reference']['p95']:.0f} ms, duckdb p95 {row['duckdb']['p95']:.1f} ms"
            )
    duck.close()
    return found


def _window(latitude: float, longitude: float, zoom: int) -> str:
    """The tiles a 1280×800 window centred on a point covers at ``zoom``."""
    import numpy as np

    from asmhub.monitoring.present import TILE, mercator

    x, y = mercator(np.array([latitude]), np.array([longitude]))
    size = 2**zoom * TILE
    cx, cy = float(x[0]) * size, float(y[0]) * size
    last = 2**zoom - 1

    def tiles(centre: float, half: float) -> str:
        low = max(0, int((centre - half) // TILE))
        high = min(last, int((centre + half - 1) // TILE))
        return f"{low}-{high}"

    return f"z={zoom}&x={tiles(cx, WINDOW[0] / 2)}&y={tiles(cy, WINDOW[1] / 2)}"


def _map(snap: Any, label: str) -> dict[str, Any]:
    from django.test import Client

    from asmhub.monitoring import snapshot, views

    snapshot._versioned._current = snap
    snapshot._versioned.token = lambda: snap.token  # type: ignore[method-assign]
    client = Client()
    url = "/monitoring/sites/clusters.geojson"
    rng = random.Random(SEED)
    views_asked = [("country, zoom 6", _window(-3.0, 26.5, 6))]
    for zoom in (8, 10, 12, 14):
        site = snap.sites[rng.randrange(len(snap.sites))]
        views_asked.append((f"zoom {zoom}", _window(site.latitude, site.longitude, zoom)))
    snap.memo.pop("placed", None)
    views._CLUSTERS.clear()
    started = time.perf_counter()
    client.get(f"{url}?{views_asked[0][1]}", HTTP_ACCEPT_ENCODING="gzip")
    cold = (time.perf_counter() - started) * 1000
    rows = []
    for name, query in views_asked:
        sizes: dict[str, int] = {}

        def get(query: str = query, sizes: dict[str, int] = sizes) -> None:
            views._CLUSTERS.clear()
            response = client.get(f"{url}?{query}", HTTP_ACCEPT_ENCODING="gzip")
            assert response.status_code == 200
            sizes["bytes"] = len(response.content)

        times, _ = _times(get, MAP_RUNS, 2)
        raw = client.get(f"{url}?{query}").json()
        rows.append(
            {
                "view": name,
                "query": query,
                "http": summary(times),
                "gzip_bytes": sizes["bytes"],
                "features": len(raw["features"]),
                "clusters": sum(1 for f in raw["features"] if f["properties"].get("cluster")),
            }
        )
        log(f"map {label} {name}: p95 {rows[-1]['http']['p95']:.1f} ms, {sizes['bytes']:,} B")
    return {"sites": len(snap.sites), "cold_ms": cold, "views": rows}


def _sites_in_database(count: int) -> None:
    from asmhub.monitoring.models import Programme, Site
    from asmhub.taxonomy.models import Country

    if Site.objects.count() >= count:
        return
    country = Country.objects.get(code="CD")
    programme, _ = Programme.objects.get_or_create(
        name="Bench scale (synthetic)", defaults={"country": country, "is_synthetic": True}
    )
    rng = random.Random(SEED)
    batch = [
        Site(
            programme=programme,
            country=country,
            pcode=f"codmine{n:06}",
            name=f"Site {n}",
            latitude=round(rng.uniform(-8, 3), 6),
            longitude=round(rng.uniform(23, 30), 6),
            qualification=rng.choice(("green", "yellow", "red", "")),
            flagged=rng.random() < 0.27,
        )
        for n in range(count)
    ]
    Site.objects.bulk_create(batch, batch_size=2_000)


def _export() -> dict[str, Any]:
    from django.test import Client

    from asmhub.core.exports import to_csv
    from asmhub.monitoring import present, snapshot
    from asmhub.monitoring.access import NOBODY
    from asmhub.monitoring.present import MapFilter

    _sites_in_database(SITES)
    snapshot.bump()
    snapshot.current()
    client = Client()
    client.get("/monitoring/sites.csv").close()  # warm: the snapshot, the first queries
    first, rows = [], []
    for _ in range(EXPORT_RUNS):
        started = time.perf_counter()
        response = client.get("/monitoring/sites.csv")
        pieces = iter(response.streaming_content)
        next(pieces)
        first.append((time.perf_counter() - started) * 1000)
        next(pieces)
        rows.append((time.perf_counter() - started) * 1000)
        response.close()
    started = time.perf_counter()
    size = sum(len(p) for p in client.get("/monitoring/sites.csv").streaming_content)
    whole = [(time.perf_counter() - started) * 1000]
    gc.collect()
    tracemalloc.start()
    response = client.get("/monitoring/sites.csv")
    size = sum(len(p) for p in response.streaming_content)
    _, streamed_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    entries = present.matching_sites(snapshot.current(), MapFilter())
    body = to_csv(present.SITE_COLUMNS, present.site_rows(present.sites_of(entries), NOBODY))
    _, whole_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del body
    found = {
        "sites": SITES,
        "bytes": size,
        "first_byte": summary(first),
        "first_rows": summary(rows),
        "whole": summary(whole),
        "streamed_peak_mb": streamed_peak / 2**20,
        "whole_file_peak_mb": whole_peak / 2**20,
    }
    log(
        f"export: first byte p95 {found['first_byte']['p95']:.0f} ms, first rows "
        f"{found['first_rows']['p95']:.0f} ms, whole {found['whole']['p95']:.0f} ms, heap peak "
        f"{found['streamed_peak_mb']:.1f} MiB streamed vs {found['whole_file_peak_mb']:.1f} MiB"
    )
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="the export on PostgreSQL at URL")
    parser.add_argument("--small", action="store_true", help="a tenth of the sizes")
    args = parser.parse_args(argv)
    engine = "postgresql" if args.postgres else "sqlite"
    scale = 10 if args.small else 1
    os.environ.setdefault("ASMHUB_DATA_DIR", str(RESULTS / "monitoring-data"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "asmhub.settings"
    os.environ["ASMHUB_DEBUG"] = "0"
    os.environ["ASMHUB_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("ASMHUB_SECRET_KEY", "bench-" + "x" * 50)
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    else:
        database = RESULTS / f"monitoring-scale{'-small' if args.small else ''}.sqlite3"
        if not database.exists():
            RESULTS.mkdir(parents=True, exist_ok=True)
            empty = RESULTS / "monitoring-empty.sqlite3"
            if empty.exists():
                source, target = sqlite3.connect(empty), sqlite3.connect(database)
                source.backup(target)
                source.close()
                target.close()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from asmhub.taxonomy.models import Country

    if not Country.objects.filter(code="CD").exists():
        call_command("load-taxonomy")
    load_start = os.getloadavg()
    result: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "database": engine,
        "load_average_start": load_start,
    }
    global SITES
    SITES //= scale
    result["export"] = _export()
    if not args.postgres:  # the index and the map are in memory: the same on both engines
        started = time.perf_counter()
        snap = synthetic(SITES, VISITS // scale)
        result["snapshot_s"] = time.perf_counter() - started
        result["index"] = _index(snap)
        result["map"] = [_map(snap, f"{SITES:,}")]
        del snap
        gc.collect()
        big = synthetic(BIG // scale, BIG // scale)
        result["map"].append(_map(big, f"{BIG // scale:,}"))
    result["load_average_end"] = os.getloadavg()
    name = f"monitoring-scale-{engine}{'-small' if args.small else ''}.json"
    write_json(RESULTS / name, result)
    log(f"wrote {RESULTS / name}")
    shutil.rmtree(RESULTS / "scale", ignore_errors=True)
    if not args.small:
        from bench.monitoring_scale_report import write

        write()


if __name__ == "__main__":
    main()
