"""Field monitoring at scale: imports, the need index and the map of 50,000 sites.

    python -m bench.monitoring [--small] [--rebuild] [--postgres URL]

Generates (once, cached under bench/results/) 1,000,000 visits to 50,000 sites in the
IPIS open-data layout with ``monitoring.synthetic.ipis_rows`` (``--small``: 100,000 and
5,000), as ten CSV files of a tenth of the rows each, and imports them one after the
other through the product's own path (``importers.upload``, the dry run, then
``importers.commit``) into a cached SQLite file, or a PostgreSQL database with
``--postgres``. Then it measures, each part in its own process:

- imports: ``upload`` and ``commit`` of one of those files (and of a tenth of it) into a
  fresh database, rows per second and peak memory, against the floor of a bare
  ``executemany`` INSERT of the same visit rows into the same table;
- the need index: ``need.compute(snapshot.current(), level, ...)`` for every province,
  territory and collectivité and for H3 cells at resolutions 5 and 7, over all years and
  over 2015-2020, against the floor of the same computation in DuckDB over the same
  visits, and the peer of one SQL statement (a window function) in the database; both
  must give every area the platform's counts and score (to 1e-9). The cold build of the
  in-memory snapshot (``snapshot.build``) is timed apart;
- the map: ``present.geojson`` for every site, public and granted, and the whole request
  ``GET /monitoring/sites.geojson`` through Django's test client and through gunicorn.

Writes bench/results/monitoring-<database>.json and, for the full size, the section of
docs/benchmarks.md (bench/monitoring_report.py).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import gc
import gzip
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.common import (
    BIN,
    RESULTS,
    ROOT,
    app_env,
    asmhub,
    free_port,
    log,
    machine,
    read_json,
    server,
    summary,
    write_json,
)

FULL = {"sites": 50_000, "visits": 1_000_000}
SMALL = {"sites": 5_000, "visits": 100_000}
FILES = 10  # the visits are imported as this many files, one after the other
SEED = 20261202
YEARS = (2009, 2024)
PERIOD = (dt.date(2015, 1, 1), dt.date(2020, 12, 31))
LEVELS = (
    ("territory", 0),
    ("collectivite", 0),
    ("groupement", 0),
    ("province", 0),
    ("h3", 5),
    ("h3", 7),
)
REFERENCE_RUNS = 3  # need.compute_reference (one object per area), after one warm-up
RUNS, WARMUP = 30, 3  # the platform and DuckDB, per level and period
SQL_RUNS = 5  # the peer in the database, per level and period, after one warm-up
GEO_RUNS = 20  # each GeoJSON measure, after two warm-ups
BUILDS = 3  # cold snapshot builds
TOLERANCE = 1e-9
PROGRAMME = "Bench monitoring (synthetic)"
PG_DATABASE = "asmhub_bench_monitoring"
VISIT_COLUMNS = ("id", "site_id", "date", "onsite", "known", "present")
# Sites with an open incident, or an incident of a plan with an open corrective action.
OPEN_SITES = (
    "SELECT site_id FROM monitoring_incident WHERE state IN ('open', 'under-action') "
    "UNION SELECT i.site_id FROM monitoring_correctiveaction a "
    "JOIN monitoring_correctiveplan_incidents pi ON pi.correctiveplan_id = a.plan_id "
    "JOIN monitoring_incident i ON i.id = pi.incident_id "
    "WHERE a.state IN ('planned', 'in-progress', 'done')"
)


def _label(size: dict[str, int]) -> str:
    return f"{size['sites']}-{size['visits']}"


def _rss_mb() -> float:
    """This process's resident memory now, in MiB."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# -- the files -------------------------------------------------------------------------


def _files(size: dict[str, int], rebuild: bool) -> list[Path]:
    """The generated IPIS files, made once: ``FILES`` files of a tenth of the visits each."""
    from asmhub.monitoring import synthetic

    folder = RESULTS / f"monitoring-{_label(size)}"
    manifest = folder / "files.json"
    wanted = {"size": size, "seed": SEED, "years": list(YEARS), "files": FILES}
    if not rebuild and manifest.exists():
        found = read_json(manifest)
        if {k: found.get(k) for k in wanted} == wanted:
            return [folder / f["name"] for f in found["written"]]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log(f"generating {size['visits']:,} visits to {size['sites']:,} sites")
    started = time.perf_counter()
    rows = synthetic.ipis_rows(size["sites"], size["visits"], SEED, *YEARS)
    per_file = size["visits"] // FILES
    written = []
    for n in range(FILES):
        count = per_file if n < FILES - 1 else size["visits"] - per_file * (FILES - 1)
        chunk = [next(rows) for _ in range(count)]
        content = synthetic.ipis_csv(chunk)
        path = folder / f"visits-{n + 1:02d}.csv"
        path.write_bytes(content)
        written.append(
            {
                "name": path.name,
                "rows": count,
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
            }
        )
    # The first rows of the first file: the smaller import measured beside the full file.
    head = folder / "visits-01-head.csv"
    with (folder / written[0]["name"]).open(encoding="utf-8") as source:
        lines = [source.readline() for _ in range(per_file // 10 + 1)]
    head.write_text("".join(lines), encoding="utf-8")
    write_json(manifest, {**wanted, "written": written, "seconds": time.perf_counter() - started})
    log(f"{FILES} files in {time.perf_counter() - started:.0f} s")
    return [folder / f["name"] for f in written]


# -- databases -------------------------------------------------------------------------


class Databases:
    """The empty template, the data set and the scratch import database of one engine."""

    def __init__(self, size: dict[str, int], postgres: str | None, small: bool) -> None:
        self.size, self.postgres = size, postgres
        self.engine = "postgresql" if postgres else "sqlite"
        self.data_dir = RESULTS / "monitoring-data"
        suffix = "_small" if small else ""
        # The databases are named after the URL's own database unless it is the default.
        named = (postgres or "").rsplit("/", 1)[-1]
        base = PG_DATABASE if named in ("", "asmhub") else named
        self.names = {
            "empty": f"{base}_empty",
            "data": f"{base}{suffix}",
            "import": f"{base}_import",
        }
        self.files = {
            "empty": RESULTS / "monitoring-empty.sqlite3",
            "data": RESULTS / f"monitoring-{_label(size)}.sqlite3",
            "import": RESULTS / "monitoring-import.sqlite3",
        }

    def env(self, which: str) -> dict[str, str]:
        env = app_env(self.files[which], self.data_dir)
        if self.postgres:
            env["DATABASE_URL"] = f"{self.postgres.rsplit('/', 1)[0]}/{self.names[which]}"
        return env

    def _admin(self) -> Any:
        import psycopg

        assert self.postgres
        return psycopg.connect(self.postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True)

    def exists(self, which: str) -> bool:
        if not self.postgres:
            return self.files[which].exists()
        with self._admin() as conn:
            query = "SELECT 1 FROM pg_database WHERE datname = %s"
            return conn.execute(query, [self.names[which]]).fetchone() is not None

    def drop(self, which: str) -> None:
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.names[which]}" WITH (FORCE)')
            return
        for extra in ("", "-wal", "-shm"):
            Path(f"{self.files[which]}{extra}").unlink(missing_ok=True)

    def template(self, rebuild: bool) -> None:
        """The migrated database with the taxonomy loaded, copied for each data set."""
        if rebuild:
            self.drop("empty")
        if not self.exists("empty"):
            log(f"{self.engine}: migrating the empty database and loading the taxonomy")
            if self.postgres:
                with self._admin() as conn:
                    conn.execute(f'CREATE DATABASE "{self.names["empty"]}"')
            RESULTS.mkdir(parents=True, exist_ok=True)
            asmhub(self.env("empty"), "migrate", "-v0")
            asmhub(self.env("empty"), "load-taxonomy")
        else:
            asmhub(self.env("empty"), "migrate", "-v0")  # migrations added since

    def copy(self, which: str) -> None:
        """A fresh ``which`` database, a copy of the template."""
        self.drop(which)
        if self.postgres:
            with self._admin() as conn:
                conn.execute(
                    f'CREATE DATABASE "{self.names[which]}" TEMPLATE "{self.names["empty"]}"'
                )
            return
        source = sqlite3.connect(self.files["empty"])
        target = sqlite3.connect(self.files[which])
        with source, target:
            source.backup(target)
        source.close()
        target.close()


def _child(phase: str, env: dict[str, str], out: Path, *args: str) -> dict[str, Any]:
    """Run one phase of the benchmark in its own process; returns what it wrote."""
    out.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "bench.monitoring", "--phase", phase, "--out", str(out), *args]
    subprocess.run(argv, env=env, cwd=ROOT, check=True)  # noqa: S603
    result: dict[str, Any] = read_json(out)
    return result


def _dataset(dbs: Databases, files: list[Path], rebuild: bool) -> dict[str, Any]:
    """The data set loaded through the imports, built when missing or asked to."""
    manifest = RESULTS / f"monitoring-{_label(dbs.size)}-{dbs.engine}-load.json"
    progress = manifest.with_suffix(".partial.json")
    wanted = {"size": dbs.size, "seed": SEED, "files": [f.name for f in files]}
    if not rebuild and manifest.exists() and dbs.exists("data"):
        found = read_json(manifest)
        if {k: found.get(k) for k in wanted} == wanted:
            asmhub(dbs.env("data"), "migrate", "-v0")
            return found
    if rebuild or not progress.exists() or not dbs.exists("data"):
        progress.unlink(missing_ok=True)
        dbs.copy("data")
    else:  # an interrupted load goes on where it stopped
        asmhub(dbs.env("data"), "migrate", "-v0")
    log(f"{dbs.engine}: importing {len(files)} files into the data set")
    out = RESULTS / "monitoring-load.json"
    result = {**wanted, **_child("load", dbs.env("data"), out, str(progress), *map(str, files))}
    write_json(manifest, result)
    progress.unlink(missing_ok=True)
    return result


# -- phase: the load -------------------------------------------------------------------


def _programme() -> Any:
    from asmhub.monitoring.models import Programme
    from asmhub.taxonomy.models import Country

    programme, _ = Programme.objects.get_or_create(
        name=PROGRAMME,
        defaults={"country": Country.objects.get(code="CD"), "is_synthetic": True},
    )
    return programme


def _import(programme: Any, path: Path) -> dict[str, Any]:
    """Check, then commit one file as a user would; the times and memory of each step."""
    from asmhub.monitoring import importers

    content = path.read_bytes()
    gc.collect()
    before = _rss_mb()
    started = time.perf_counter()
    batch = importers.upload(None, programme, "ipis", path.name, content)
    upload_s = time.perf_counter() - started
    after_upload, peak_upload = _rss_mb(), _peak_mb()
    started = time.perf_counter()
    counts = importers.commit(None, batch)
    commit_s = time.perf_counter() - started
    report = batch.report
    return {
        "file": path.name,
        "bytes": len(content),
        "rows": report["rows"],
        "visits": report["visits"],
        "problems": report["problem_count"],
        "upload_s": upload_s,
        "commit_s": commit_s,
        **counts,
        "rss_before_mb": before,
        "rss_after_upload_mb": after_upload,
        "peak_after_upload_mb": peak_upload,
        "rss_after_commit_mb": _rss_mb(),
        "peak_after_commit_mb": _peak_mb(),
    }


def _phase_load(out: Path, progress: Path, files: list[Path]) -> None:
    from django.db import connection

    from asmhub.monitoring.models import ImportBatch

    programme = _programme()
    done = read_json(progress)["files"] if progress.exists() else []
    committed = set(
        ImportBatch.objects.filter(programme=programme, committed_at__isnull=False).values_list(
            "filename", flat=True
        )
    )
    done = [f for f in done if f["file"] in committed]
    started = time.perf_counter()
    for path in files:
        if path.name in {f["file"] for f in done}:
            continue
        figures = _import(programme, path)
        done.append(figures)
        write_json(progress, {"files": done})
        log(
            f"{path.name}: {figures['rows']:,} rows, upload {figures['upload_s']:.0f} s, "
            f"commit {figures['commit_s']:.0f} s, peak {figures['peak_after_commit_mb']:.0f} MiB"
        )
    analyze_s = 0.0
    if connection.vendor == "postgresql":
        analyzed = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics for the planner
        analyze_s = time.perf_counter() - analyzed
    rows = sum(f["rows"] for f in done)
    seconds = sum(f["upload_s"] + f["commit_s"] for f in done)
    write_json(
        out,
        {
            "imported": done,
            "rows": rows,
            "upload_s": sum(f["upload_s"] for f in done),
            "commit_s": sum(f["commit_s"] for f in done),
            "seconds": seconds,
            "rows_per_s": rows / seconds if seconds else 0.0,
            "analyze_s": analyze_s,
            "wall_s_this_run": time.perf_counter() - started,
            "peak_mb": _peak_mb(),
            "load_average": os.getloadavg(),
        },
    )


# -- phase: one import into a fresh database -------------------------------------------


# What the report shows of a profiled import: (file, function, label), cumulative time.
PROFILED = (
    ("asmhub/monitoring/importers.py", "read", "importers.read (every row to a record)"),
    ("asmhub/lib/tabular.py", "read_table", "tabular.read_table (CSV to cells)"),
    ("asmhub/monitoring/records.py", "build", "records.build (cells to a record)"),
    ("asmhub/monitoring/values.py", "fold", "values.fold"),
    ("asmhub/monitoring/values.py", "is_none_word", "values.is_none_word"),
    ("asmhub/monitoring/values.py", "flag", "values.flag"),
    ("asmhub/monitoring/writer.py", "plan", "writer.plan"),
    ("asmhub/monitoring/writer.py", "write", "writer.write"),
    ("asmhub/monitoring/writer.py", "_write_sites", "writer._write_sites"),
    ("asmhub/monitoring/writer.py", "_write_children", "writer._write_children"),
    ("asmhub/monitoring/writer.py", "_summarise", "writer._summarise"),
    ("django/db/models/query.py", "bulk_create", "QuerySet.bulk_create"),
    ("django/db/models/query.py", "bulk_update", "QuerySet.bulk_update"),
    ("django/db/backends/utils.py", "_execute", "the database driver's execute"),
    ("django/db/backends/utils.py", "_executemany", "the database driver's executemany"),
)


def _profiled(run: Callable[[], Any]) -> dict[str, Any]:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.runcall(run)
    total = time.perf_counter() - started
    stats: Any = pstats.Stats(profile).stats
    functions = []
    for filename, name, label in PROFILED:
        seconds = sum(
            entry[3]
            for (file, _, function), entry in stats.items()
            if function == name and file.endswith(filename)
        )
        if seconds:
            functions.append({"name": label, "seconds": seconds})
    return {"total_s": total, "functions": functions}


def _profile(path: Path) -> dict[str, Any]:
    """Where the time of an import goes: check and commit of ``path`` under cProfile."""
    from asmhub.monitoring import importers
    from asmhub.monitoring.models import Programme
    from asmhub.taxonomy.models import Country

    programme = Programme.objects.create(
        name=f"{PROGRAMME} profiled", country=Country.objects.get(code="CD"), is_synthetic=True
    )
    content = path.read_bytes()
    batches: list[Any] = []
    upload = _profiled(
        lambda: batches.append(importers.upload(None, programme, "ipis", path.name, content))
    )
    commit = _profiled(lambda: importers.commit(None, batches[0]))
    return {"upload": upload, "commit": commit}


def _phase_import(out: Path, path: Path, profile: bool) -> None:
    from django.db import connection, transaction

    from asmhub.monitoring import importers, writer
    from asmhub.monitoring.models import Site, Visit

    programme = _programme()
    load = os.getloadavg()
    figures = _import(programme, path)
    # The floor: the same visit rows, as bulk_create would send them, in one executemany.
    batch = programme.imports.get(filename=path.name)
    found, _ = importers.read(batch)
    sites = dict(Site.objects.filter(programme=programme).values_list("pcode", "pk"))
    fields = [f for f in Visit._meta.concrete_fields if f.name != "id"]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for record in found:
        values = {k: v for k, v in record.visit.items() if k in writer.VISIT_FIELDS}
        visit = Visit(site_id=sites[record.pcode], key=f"floor:{record.key}", **values)
        visit.updated_at = now
        rows.append(
            tuple(f.get_db_prep_save(getattr(visit, f.attname), connection) for f in fields)
        )
    table = connection.ops.quote_name(Visit._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    gc.collect()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    floor_s = time.perf_counter() - started
    copy_s = None
    if connection.vendor == "postgresql":  # PostgreSQL's own bulk path: COPY, the same rows
        at = [f.name for f in fields].index("key")
        copied = [(*r[:at], f"copy:{r[at][6:]}", *r[at + 1 :]) for r in rows]
        gc.collect()
        started = time.perf_counter()
        sql = f"COPY {table} ({names}) FROM STDIN"
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in copied:
                copy.write_row(row)
        copy_s = time.perf_counter() - started
    from asmhub.monitoring.models import ArmedActor, VisitMineral

    write_json(
        out,
        {
            **figures,
            "floor_s": floor_s,
            "floor_rows": len(rows),
            "copy_s": copy_s,
            "visit_minerals": VisitMineral.objects.count(),
            "armed_actors": ArmedActor.objects.count(),
            "load_average_before": load,
            "load_average_after": os.getloadavg(),
            "profile": _profile(path) if profile else None,
        },
    )


# -- phase: the index, the map ---------------------------------------------------------


def _index_sql(
    dialect: str, level: str, resolution: int, period: tuple[dt.date, dt.date] | None
) -> tuple[str, list[Any]]:
    """The need index of every area of ``level`` in one statement, with the platform's
    weights and components: each site's latest on-site visit in the period, its bits
    expanded per component, the known and present sites per area, and the score."""
    from asmhub.monitoring import need
    from asmhub.monitoring.observations import BITS

    weights = need.weights()
    duck = dialect == "duckdb"
    visits, sites = ("visits", "sites") if duck else ("monitoring_visit", "monitoring_site")
    where, params = "onsite", []
    if period:
        where += " AND date >= %s AND date <= %s"
        params = list(period)
    if duck:
        where = where.replace("%s", "?")
        latest = (
            f"SELECT site_id, arg_max(known, (date, id)) AS known, "
            f"arg_max(present, (date, id)) AS present FROM {visits} WHERE {where} "
            "GROUP BY site_id"
        )
        opened = "s.open"
    else:
        latest = (
            "SELECT site_id, known, present FROM (SELECT site_id, known, present, "
            "ROW_NUMBER() OVER (PARTITION BY site_id ORDER BY date DESC, id DESC) AS rn "
            f"FROM {visits} WHERE {where}) ranked WHERE rn = 1"
        )
        opened = "s.id IN (SELECT site_id FROM open_sites)"
    area = f"c.h3_{resolution}" if level == "h3" else f"s.{level}" + ("" if duck else "_id")
    join = " LEFT JOIN cells c ON c.site_id = s.id" if level == "h3" else ""
    counts, shares = [], []
    for n, component in enumerate(need.components()):
        if component.key == need.OPEN_ACTIONS:
            known = "l.site_id IS NOT NULL"
            present = f"l.site_id IS NOT NULL AND {opened}"
        else:
            bit = BITS[component.key]
            known, present = f"(l.known & {bit}) <> 0", f"(l.known & l.present & {bit}) <> 0"
        counts += [
            f"SUM(CASE WHEN {known} THEN 1 ELSE 0 END) AS k{n}",
            f"SUM(CASE WHEN {present} THEN 1 ELSE 0 END) AS p{n}",
        ]
        shares.append((n, repr(float(weights[component.key]))))
    # A component counts where it was recorded at a share of the area's visited sites.
    least = repr(float(getattr(need, "min_known_share", lambda: 0.0)()))
    counted = {
        n: f"k{n} > 0 AND k{n} >= CAST({least} AS DOUBLE PRECISION) * visited" for n, _ in shares
    }
    total = " + ".join(f"CASE WHEN {counted[n]} THEN {w} ELSE 0 END" for n, w in shares)
    points = " + ".join(
        f"CASE WHEN {counted[n]} THEN 100 * {w} * (CAST(p{n} AS DOUBLE PRECISION) / k{n}) "
        "/ t.total ELSE 0 END"
        for n, w in shares
    )
    parts = ", ".join(f"k{n}, p{n}" for n, _ in shares)
    prelude = "" if duck else f", open_sites AS ({OPEN_SITES})"
    sql = (
        f"WITH latest AS ({latest}){prelude}, per_area AS (SELECT {area} AS area, "
        f"COUNT(*) AS sites, COUNT(l.site_id) AS visited, {', '.join(counts)} "
        f"FROM {sites} s LEFT JOIN latest l ON l.site_id = s.id{join} "
        f"WHERE {area} IS NOT NULL GROUP BY {area}) "
        f"SELECT area, sites, visited, {parts}, CASE WHEN t.total > 0 THEN {points} END "
        f"FROM (SELECT per_area.*, {total} AS total FROM per_area) t"
    )
    return sql, params


def _platform_rows(areas: Sequence[Any]) -> dict[Any, tuple[Any, ...]]:
    return {
        a.key: (a.sites, a.visited, tuple((p.known, p.present) for p in a.parts), a.score)
        for a in areas
    }


def _sql_rows(rows: Sequence[Sequence[Any]]) -> dict[Any, tuple[Any, ...]]:
    found = {}
    for row in rows:
        pairs = row[3:-1]
        found[row[0]] = (
            int(row[1]),
            int(row[2]),
            tuple((int(pairs[i]), int(pairs[i + 1])) for i in range(0, len(pairs), 2)),
            None if row[-1] is None else float(row[-1]),
        )
    return found


def _compare(platform: dict[Any, tuple[Any, ...]], other: dict[Any, tuple[Any, ...]]) -> float:
    """The largest score difference; fails unless areas, counts and scores agree."""
    assert set(platform) == set(other), (
        f"areas differ: {len(set(platform) ^ set(other))} of {len(platform)}"
    )
    worst = 0.0
    for key, mine in platform.items():
        theirs = other[key]
        assert mine[:3] == theirs[:3], f"area {key}: {mine[:3]} != {theirs[:3]}"
        if mine[3] is None or theirs[3] is None:
            assert mine[3] is None and theirs[3] is None, f"area {key}: {mine[3]} != {theirs[3]}"
            continue
        worst = max(worst, abs(mine[3] - theirs[3]))
    assert worst <= TOLERANCE, f"scores differ by {worst}"
    return worst


def _same_as_reference(reference: Sequence[Any], columns: Sequence[Any]) -> None:
    """Fails unless the columns give the reference's areas, in its order, every count and
    every float equal to the bit (``need.compute_reference`` is the oracle)."""

    def bits(value: Any) -> Any:
        return float(value).hex() if isinstance(value, int | float) else value

    def row(area: Any) -> tuple[Any, ...]:
        parts = tuple(
            (
                p.known,
                p.present,
                p.counted,
                p.measured,
                *map(bits, (p.share, p.points, p.low, p.high)),
            )
            for p in area.parts
        )
        return (
            area.key,
            area.sites,
            area.visited,
            *map(bits, (area.score, area.low, area.high)),
            parts,
        )

    assert len(reference) == len(columns), f"{len(reference)} areas != {len(columns)}"
    for want, got in zip(reference, columns, strict=True):
        assert row(want) == row(got), f"area {want.key}: {row(want)} != {row(got)}"


def _times(call: Callable[[], Any], runs: int, warmup: int) -> tuple[list[float], Any]:
    result = None
    for _ in range(warmup):
        result = call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        times.append(_ms(started))
    return times, result


def _cells() -> list[tuple[int, str | None, str | None]]:
    """Each site's H3 cells at 5 and 7, computed from the database's coordinates."""
    import h3

    from asmhub.monitoring.models import Site

    return [
        (
            pk,
            None if lat is None or lon is None else h3.latlng_to_cell(lat, lon, 5),
            None if lat is None or lon is None else h3.latlng_to_cell(lat, lon, 7),
        )
        for pk, lat, lon in Site.objects.values_list("pk", "latitude", "longitude")
    ]


def _open_sites() -> set[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(OPEN_SITES)
        return {row[0] for row in cursor.fetchall()}


def _duckdb(folder: Path) -> tuple[Any, dict[str, float]]:
    """An in-memory DuckDB holding the visits and sites of the benchmark database."""
    import duckdb
    from django.db import connection

    from asmhub.monitoring.models import Site

    timings = {}
    started = time.perf_counter()
    visits_csv, sites_csv = folder / "duckdb-visits.csv", folder / "duckdb-sites.csv"
    with visits_csv.open("w", newline="") as stream, connection.cursor() as cursor:
        out = csv.writer(stream)
        out.writerow(VISIT_COLUMNS)
        cursor.execute(f"SELECT {', '.join(VISIT_COLUMNS)} FROM monitoring_visit")
        while batch := cursor.fetchmany(50_000):
            out.writerows((i, s, d, int(bool(o)), k, p) for i, s, d, o, k, p in batch)
    opened = _open_sites()
    cells = {pk: (c5, c7) for pk, c5, c7 in _cells()}
    with sites_csv.open("w", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(
            ("id", "province", "territory", "collectivite", "groupement", "h3_5", "h3_7", "open")
        )
        for row in Site.objects.values_list(
            "pk", "province_id", "territory_id", "collectivite_id", "groupement_id"
        ):
            out.writerow((*row, *cells[row[0]], int(row[0] in opened)))
    timings["export_s"] = time.perf_counter() - started
    started = time.perf_counter()
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
    timings["load_s"] = time.perf_counter() - started
    visits_csv.unlink()
    sites_csv.unlink()
    return duck, timings


def _sql_cells() -> None:
    """The H3 cells of each site in a temporary table, for the peer's H3 levels."""
    from django.db import connection

    key = "bigint" if connection.vendor == "postgresql" else "integer"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS cells")
        cursor.execute(f"CREATE TEMP TABLE cells (site_id {key} PRIMARY KEY, h3_5 text, h3_7 text)")
        cursor.executemany("INSERT INTO cells VALUES (%s, %s, %s)", _cells())
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE cells")


def _index(folder: Path) -> dict[str, Any]:
    from django.db import connection

    from asmhub.monitoring import need, snapshot

    chosen = need.weights()
    duck, duck_timings = _duckdb(folder)
    _sql_cells()
    results = []
    calls: dict[str, Callable[[], Any]] = {}
    for level, resolution in LEVELS:
        for period in (None, PERIOD):
            start, end = period or (None, None)
            when = "all years" if period is None else "2015-2020"
            name = f"{level} r{resolution} {when}" if resolution else f"{level} {when}"

            def compute(
                level: str = level,
                start: dt.date | None = start,
                end: dt.date | None = end,
                resolution: int = resolution or 6,
            ) -> Any:
                return need.compute(snapshot.current(), level, start, end, chosen, resolution)

            started = time.perf_counter()
            compute()
            first = _ms(started)  # for H3, the first call places the sites in their cells
            times, areas = _times(compute, RUNS, WARMUP)
            reference_times, reference = _times(
                lambda level=level, start=start, end=end, resolution=resolution or 6: (
                    need.compute_reference(
                        snapshot.current(), level, start, end, chosen, resolution
                    )
                ),
                REFERENCE_RUNS,
                1,
            )
            _same_as_reference(reference, areas)
            platform = _platform_rows(areas)
            sql, params = _index_sql("duckdb", level, resolution, period)
            duck_times, duck_rows = _times(
                lambda sql=sql, params=params: duck.execute(sql, params).fetchall(), RUNS, WARMUP
            )
            duck_diff = _compare(platform, _sql_rows(duck_rows))
            sql, params = _index_sql("sql", level, resolution, period)

            def peer(sql: str = sql, params: list[Any] = params) -> Any:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()

            peer_times, peer_rows = _times(peer, SQL_RUNS, 1)
            peer_diff = _compare(platform, _sql_rows(peer_rows))
            row = {
                "name": name,
                "level": level,
                "resolution": resolution or None,
                "period": None if period is None else [d.isoformat() for d in period],
                "areas": len(areas),
                "scored": sum(1 for a in areas if a.score is not None),
                "first_ms": first,
                "platform": summary(times),
                "reference": summary(reference_times),
                "duckdb": summary(duck_times),
                "sql": summary(peer_times),
                "duckdb_max_difference": duck_diff,
                "sql_max_difference": peer_diff,
            }
            results.append(row)
            calls[name] = compute
            log(
                f"index {name:28} {len(areas):6,} areas  platform p50 "
                f"{row['platform']['p50']:7.1f} p95 {row['platform']['p95']:7.1f} ms  duckdb p50 "
                f"{row['duckdb']['p50']:6.1f} ms  sql p50 {row['sql']['p50']:7.0f} ms"
            )
    duck.close()
    worst = max(results, key=lambda r: r["platform"]["p95"])
    profile = _hot(lambda: [calls[worst["name"]]() for _ in range(5)])
    return {
        "levels": results,
        "duckdb": duck_timings,
        "profile": {"name": worst["name"], **profile},
    }


def _hot(run: Callable[[], Any], top: int = 8) -> dict[str, Any]:
    """The functions ``run`` spends its own time in (cProfile, without their callees)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(run)
    stats: Any = pstats.Stats(profile)
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]

    def short(file: str) -> str:  # the repository's files from its root, others by package
        if file.startswith(str(ROOT) + "/") and "site-packages" not in file:
            return file[len(str(ROOT)) + 1 :]
        return "/".join(Path(file).parts[-2:]) if "/" in file else file

    return {
        "total_s": stats.total_tt,
        "functions": [
            {
                "name": f"{short(file)}:{line} {function}",
                "calls": entry[1],
                "seconds": entry[2],
            }
            for (file, line, function), entry in rows
        ],
    }


def _geojson(every: Any) -> dict[str, Any]:
    from asmhub.monitoring import present, snapshot
    from asmhub.monitoring.access import NOBODY
    from asmhub.monitoring.present import MapFilter

    found = {}
    for name, access in (("public", NOBODY), ("granted", every)):
        times, body = _times(
            lambda access=access: present.geojson(snapshot.current(), access, MapFilter()),
            GEO_RUNS,
            2,
        )
        data = body.encode("utf-8")
        features = json.loads(data)["features"]
        found[name] = {
            **summary(times),
            "bytes": len(data),
            "gzip_bytes": len(gzip.compress(data, 6)),
            "features": len(features),
            "approximate": sum(1 for f in features if f["properties"].get("approximate")),
        }
        log(f"geojson {name:8} p50 {found[name]['p50']:6.0f} ms, {len(data):,} bytes")
    found["profile"] = _hot(
        lambda: [present.geojson(snapshot.current(), NOBODY, MapFilter()) for _ in range(3)]
    )
    return found


def _bench_user(every: frozenset[int]) -> Any:
    from asmhub.accounts.models import User
    from asmhub.monitoring.models import ProgrammeGrant

    user, _ = User.objects.get_or_create(username="bench-granted")
    for programme_id in every:
        ProgrammeGrant.objects.get_or_create(
            programme_id=programme_id,
            user=user,
            defaults={"level": ProgrammeGrant.Level.RESTRICTED},
        )
    return user


def _client(user: Any) -> tuple[dict[str, Any], str]:
    """``GET /monitoring/sites.geojson`` through Django's test client, public and granted."""
    from django.test import Client
    from django.urls import reverse

    url = reverse("monitoring:sites-geojson")
    found = {}
    session = ""
    for name in ("public", "granted"):
        client = Client(HTTP_HOST="127.0.0.1")
        if name == "granted":
            client.force_login(user)
            session = client.cookies["sessionid"].value

        def get(client: Any = client) -> bytes:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return bytes(response.content)

        times, body = _times(get, GEO_RUNS, 2)
        found[name] = {**summary(times), "bytes": len(body)}
        log(f"test client {name:8} p50 {found[name]['p50']:6.0f} ms")
    return found, session


def _gunicorn(env: dict[str, str], session: str, folder: Path) -> dict[str, Any]:
    """The same request through gunicorn (2 sync workers, debug off), over loopback."""
    port = free_port()
    argv = [str(BIN / "gunicorn"), "asmhub.wsgi", "--workers", "2", "--bind"]
    argv += [f"127.0.0.1:{port}", "--timeout", "600"]
    url = f"http://127.0.0.1:{port}/monitoring/sites.geojson"
    found = {}
    with server("gunicorn", argv, env, f"http://127.0.0.1:{port}/healthz", folder / "gunicorn.log"):
        for name in ("public", "granted"):
            headers = {"Cookie": f"sessionid={session}"} if name == "granted" else {}

            def get(headers: dict[str, str] = headers) -> bytes:
                request = urllib.request.Request(url, headers=headers)
                with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310
                    assert response.status == 200
                    return bytes(response.read())

            # Each worker builds its snapshot on its first request: ten warm-ups reach both.
            times, body = _times(get, GEO_RUNS, 10)
            found[name] = {**summary(times), "bytes": len(body)}
            log(f"gunicorn {name:8} p50 {found[name]['p50']:6.0f} ms")
    return found


def _phase_measure(out: Path) -> None:
    from django.db import connection

    from asmhub.monitoring import snapshot
    from asmhub.monitoring.access import Access
    from asmhub.monitoring.models import ArmedActor, Programme, Site, Visit, VisitMineral

    folder = RESULTS / "monitoring-data"
    folder.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    counts = {
        "sites": Site.objects.count(),
        "visits": Visit.objects.count(),
        "onsite_visits": Visit.objects.filter(onsite=True).count(),
        "visit_minerals": VisitMineral.objects.count(),
        "armed_actors": ArmedActor.objects.count(),
    }
    log(f"{connection.vendor}: {counts}")
    snapshot.bump()  # nothing this process could have cached, but say so
    gc.collect()
    before = _rss_mb()
    started = time.perf_counter()
    snap = snapshot.current()
    builds = [_ms(started)]
    snapshot_mb = _rss_mb() - before
    for _ in range(BUILDS - 1):
        gc.collect()
        started = time.perf_counter()
        snapshot.build(snap.token)
        builds.append(_ms(started))
    log(f"snapshot built in {', '.join(f'{b / 1000:.1f}' for b in builds)} s")
    index = _index(folder)
    every = frozenset(Programme.objects.values_list("pk", flat=True))
    geojson = _geojson(Access(every, frozenset()))
    user = _bench_user(every)
    client, session = _client(user)
    http = _gunicorn(dict(os.environ), session, folder)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = str(cursor.fetchone()[0])
    write_json(
        out,
        {
            "server": version,
            "counts": counts,
            "snapshot": {
                "builds_ms": builds,
                "sites": len(snap.sites),
                "visits": sum(len(s.dates) for s in snap.sites),
                "rss_mb": snapshot_mb,
            },
            "index": index,
            "geojson": geojson,
            "client": client,
            "gunicorn": http,
            "peak_mb": _peak_mb(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
    )


# -- the run ---------------------------------------------------------------------------


def _run(size: dict[str, int], small: bool, rebuild: bool, postgres: str | None) -> Path:
    code = _code()
    files = _files(size, rebuild)
    dbs = Databases(size, postgres, small)
    dbs.template(rebuild)
    load_average = os.getloadavg()
    load = _dataset(dbs, files, rebuild)
    imports = []
    for path in (files[0].with_name("visits-01-head.csv"), files[0]):
        dbs.copy("import")
        log(f"{dbs.engine}: importing {path.name} into a fresh database")
        extra = ["--profile"] if path.name.endswith("-head.csv") else []
        try:
            imports.append(
                _child(
                    "import",
                    dbs.env("import"),
                    RESULTS / "monitoring-import.json",
                    str(path),
                    *extra,
                )
            )
        finally:
            dbs.drop("import")
        found = imports[-1]
        log(
            f"{found['rows']:,} rows: upload {found['rows'] / found['upload_s']:,.0f} rows/s, "
            f"commit {found['rows'] / found['commit_s']:,.0f} rows/s, floor "
            f"{found['floor_rows'] / found['floor_s']:,.0f} rows/s"
        )
    env = dbs.env("data")
    measured = _child("measure", env, RESULTS / "monitoring-measure.json")
    result = {
        "date": dt.date.today().isoformat(),
        "code": code,
        "machine": machine(),
        "database": dbs.engine,
        "size": size,
        "seed": SEED,
        "years": list(YEARS),
        "files": FILES,
        "runs": {"index": RUNS, "warmup": WARMUP, "sql": SQL_RUNS, "geojson": GEO_RUNS},
        "load_average_start": load_average,
        "load_average_end": os.getloadavg(),
        "load": load,
        "imports": imports,
        **measured,
        "upload_limit_bytes": _upload_limit(),
        "all_files_bytes": sum(f.stat().st_size for f in files),
    }
    path = RESULTS / f"monitoring-{dbs.engine}{'-small' if small else ''}.json"
    write_json(path, result)
    return path


def _code() -> dict[str, Any]:
    """The commit measured, and whether the monitoring code differed from it."""

    def git(*args: str) -> str:
        found = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607
        return found.stdout.strip()

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "changed": bool(git("status", "--porcelain", "asmhub/monitoring")),
    }


def _upload_limit() -> int:
    """The largest survey file the import page takes (the setting's default)."""
    text = (ROOT / "asmhub" / "settings.py").read_text(encoding="utf-8")
    tail = text.split('"ASMHUB_MONITORING_MAX_UPLOAD_BYTES",', 1)[1]
    return int(tail.split(",", 1)[0].strip().replace("_", ""))


def _child_main(args: argparse.Namespace) -> None:
    import django

    django.setup()
    out = Path(args.out)
    if args.phase == "load":
        _phase_load(out, Path(args.paths[0]), [Path(p) for p in args.paths[1:]])
    elif args.phase == "import":
        _phase_import(out, Path(args.paths[0]), args.profile)
    else:
        _phase_measure(out)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", action="store_true", help="5,000 sites and 100,000 visits")
    parser.add_argument("--rebuild", action="store_true", help="generate and import again")
    parser.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL at URL")
    parser.add_argument("--phase", choices=("load", "import", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _child_main(args)
        return
    size = SMALL if args.small else FULL
    path = _run(size, args.small, args.rebuild, args.postgres)
    _print(read_json(path))
    if not args.small:
        from bench.monitoring_report import write

        write()


def _print(result: dict[str, Any]) -> None:
    for row in result["index"]["levels"]:
        log(
            f"{row['name']:28} platform p95 {row['platform']['p95']:7.1f} ms, duckdb p95 "
            f"{row['duckdb']['p95']:6.1f} ms, sql p95 {row['sql']['p95']:7.0f} ms"
        )
    for name in ("public", "granted"):
        log(
            f"geojson {name}: p95 {result['geojson'][name]['p95']:.0f} ms, through gunicorn "
            f"{result['gunicorn'][name]['p95']:.0f} ms"
        )
    for found in result["imports"]:
        seconds = found["upload_s"] + found["commit_s"]
        log(f"import {found['rows']:,} rows: {found['rows'] / seconds:,.0f} rows/s end to end")


if __name__ == "__main__":
    main()
