"""IATI import throughput and memory: activities per second and peak RSS, per file size.

    .venv/bin/python -m bench.iati_import [--sizes 10000,50000,200000] [--no-postgres]

Generated IATI 2.03 files (``asmhub/lib/tests/iati_files.py``: each activity has a
reporting organisation, three participating organisations, four dates, two countries
and a region, three sectors, two budgets and four transactions; one in ten is about
artisanal mining) are imported with ``funding.iati.import_iati``, the service of
``asmhub import-iati``, into a fresh database each time: SQLite (a copy of a database
with the migrations, the taxonomy and the demo directory, whose donors the activities
name), and PostgreSQL when a server answers at ``ASMHUB_BENCH_POSTGRES_URL`` (default
postgres://postgres@127.0.0.1:5432): a scratch database per run, made from a template
built the same way, all dropped at the end. The time includes the Footprint rebuild.

The floor is lxml's ``iterparse`` alone over the same file, clearing each activity as
the importer does. Every run is a process of its own, so that its peak RSS
(``getrusage``) is that run's. Prints a markdown table; the figures go to
bench/results/iati.json, and the generated files and databases are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from bench.common import BIN, RESULTS, ROOT, app_env, asmhub, log, machine, write_json

FILES = RESULTS / "iati"
POSTGRES = os.environ.get("ASMHUB_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
TARGET = 2000  # activities per second, from the issue


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def floor(path: Path) -> dict[str, Any]:
    """lxml alone: every ``iati-activity`` end event, cleared with its preceding siblings."""
    from lxml import etree

    started = time.perf_counter()
    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag="iati-activity"):
        count += 1
        element.clear(keep_tail=True)
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
    return {"activities": count, "seconds": time.perf_counter() - started, "rss_mb": peak_rss_mb()}


def import_file(path: Path) -> dict[str, Any]:
    """The import service on this process's database (run in a subprocess)."""
    import django

    django.setup()
    from asmhub.funding.iati import import_iati
    from asmhub.funding.iati_models import Footprint

    started, cpu = time.perf_counter(), time.process_time()
    report = import_iati(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not report.ok:
        raise RuntimeError(report.errors)
    return {
        "activities": report.added,
        "asm_relevant": report.asm_relevant,
        "footprint_rows": Footprint.objects.count(),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_mb": peak_rss_mb(),
    }


def child(env: dict[str, str], mode: str, path: Path) -> dict[str, Any]:
    output = subprocess.run(  # noqa: S603
        [str(BIN / "python"), "-m", "bench.iati_import", f"--{mode}", str(path)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return result


def prepare(env: dict[str, str]) -> None:
    """Migrations, taxonomy and the demo directory: what a fresh installation holds."""
    asmhub(env, "migrate", "--noinput", "-v0")
    asmhub(env, "load-taxonomy")
    asmhub(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from asmhub.directory.services import load_demo_directory; load_demo_directory()",
    )


def generate(size: int) -> Path:
    """The file of ``size`` activities, written afresh (a second or two for 200,000)."""
    from asmhub.lib.tests.iati_files import write_file

    FILES.mkdir(parents=True, exist_ok=True)
    log(f"iati: writing {size} activities")
    return write_file(FILES / f"activities-{size}.xml", size)


def sqlite_runs(paths: dict[int, Path]) -> Iterator[dict[str, Any]]:
    template = FILES / "template.sqlite3"
    data_dir = FILES / "data"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{template}{suffix}").unlink(missing_ok=True)
    prepare(app_env(template, data_dir))
    for size, path in paths.items():
        database = FILES / f"run-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        with sqlite3.connect(template) as source, sqlite3.connect(database) as copy:
            source.backup(copy)
        log(f"iati: SQLite, {size} activities")
        yield {
            "database": "SQLite",
            "size": size,
            **child(app_env(database, data_dir), "import", path),
        }
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)


@contextmanager
def postgres_admin() -> Iterator[Any]:
    import psycopg

    connection = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
    try:
        yield connection
    finally:
        connection.close()


def postgres_runs(paths: dict[int, Path]) -> Iterator[dict[str, Any]]:
    stamp = f"{os.getpid()}_{secrets.token_hex(3)}"
    template = f"asmhub_bench_iati_{stamp}"
    made = [template]
    data_dir = FILES / "data"
    with postgres_admin() as admin:
        admin.execute(f'CREATE DATABASE "{template}"')
        try:
            prepare(
                app_env(FILES / "unused.sqlite3", data_dir, DATABASE_URL=f"{POSTGRES}/{template}")
            )
            for size, path in paths.items():
                name = f"{template}_{size}"
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                made.append(name)
                env = app_env(FILES / "unused.sqlite3", data_dir, DATABASE_URL=f"{POSTGRES}/{name}")
                log(f"iati: PostgreSQL, {size} activities")
                yield {"database": "PostgreSQL", "size": size, **child(env, "import", path)}
                admin.execute(f'DROP DATABASE "{name}"')
                made.remove(name)
        finally:
            for name in reversed(made):
                with suppress(Exception):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_answers() -> bool:
    try:
        with postgres_admin():
            return True
    except Exception as exc:
        log(f"iati: PostgreSQL skipped ({exc})")
        return False


def table(result: dict[str, Any]) -> str:
    floors = {f["size"]: f for f in result["floor"]}
    lines = [
        "| database | activities | file (MB) | import (s) | activities/s | CPU (s) | peak RSS (MB) "
        "| floor: iterparse (s) | floor activities/s | floor peak RSS (MB) | import / floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        base = floors[run["size"]]
        rate, base_rate = run["activities"] / run["seconds"], base["activities"] / base["seconds"]
        lines.append(
            f"| {run['database']} | {run['activities']:,} | {base['file_mb']:.0f} "
            f"| {run['seconds']:.1f} | {rate:,.0f} | {run['cpu_seconds']:.1f} | {run['rss_mb']:.0f} "
            f"| {base['seconds']:.1f} "
            f"| {base_rate:,.0f} | {base['rss_mb']:.0f} | {run['seconds'] / base['seconds']:.1f}× |"
        )
    return "\n".join(lines)


def run(sizes: list[int], with_postgres: bool) -> dict[str, Any]:
    load_before = os.getloadavg()
    paths = {size: generate(size) for size in sizes}
    floors = []
    for size, path in paths.items():
        log(f"iati: floor, {size} activities")
        measured = child(dict(os.environ), "floor", path)
        floors.append({"size": size, "file_mb": path.stat().st_size / 1e6, **measured})
    runs = list(sqlite_runs(paths))
    if with_postgres and postgres_answers():
        runs += list(postgres_runs(paths))
    result = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "target_activities_per_second": TARGET,
        "floor": floors,
        "runs": runs,
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }
    write_json(RESULTS / "iati.json", result)
    shutil.rmtree(FILES, ignore_errors=True)  # the files and databases: up to 2 GB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000,200000", help="activities per file")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--import", dest="import_", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        print(json.dumps(floor(args.floor)))
        return
    if args.import_:
        print(json.dumps(import_file(args.import_)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    result = run(sizes, not args.no_postgres)
    print(table(result))
    about = result["machine"]
    print(
        f"\n{about['cores']} cores ({about['cpu']}), Python {about['python']}, SQLite "
        f"{about['sqlite']}; load average {result['load_average']['before'][0]:.1f} before, "
        f"{result['load_average']['after'][0]:.1f} after. CPU is this process's, both threads."
    )
    slow = [
        r
        for r in result["runs"]
        if r["activities"] / r["seconds"] < result["target_activities_per_second"]
    ]
    for r in slow:
        print(f"below {TARGET}/s: {r['database']}, {r['size']} activities")


if __name__ == "__main__":
    sys.exit(main())
