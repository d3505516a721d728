"""The web tier under load: pages, signed-in pages and API lists through gunicorn.

``make bench-web`` (``python -m bench.web``) serves a scaled-up demo database (the demo
data plus 1,000 organizations, 10,000 resources and 50,000 mining sites in all, added by
bulk inserts; the built database is kept in bench/results/web-data/ and reused) with
gunicorn as the README runs it (``gunicorn asmhub.wsgi --workers 4``, debug off), and
loads it with ``hey`` (Debian's package, installed with apt-get when missing):

- the floor, measured in the same run: a static file through the same gunicorn, and
  ``/healthz`` (one query);
- anonymous public pages at 32 and at 4 concurrent clients, with the page cache on and
  then off (``ASMHUB_PAGE_CACHE=false``, another gunicorn);
- signed-in pages (a member, an editor) at 8 concurrent clients;
- API lists with four tokens at 16 concurrent clients (the per-token throttle raised for
  the run).

Each is reported as requests per second, p50 and p99 in milliseconds, and errors (any
answer but 200, and requests that got no answer). ``--postgres URL`` runs the same on
PostgreSQL (the Makefile passes a database of its own).

``make bench-soak`` (``python -m bench.web --soak``) sends mixed traffic for 10 minutes
(``--minutes`` for another length) at 32 concurrent clients: reads, searches, signed-in
pages and API lists, a write (an organization changed through the API) every 20
seconds and a calendar import every minute. It reports errors, p99 per minute, and
the resident memory of the web processes after one minute of warm-up and at the end.

Results: bench/results/web-<database>.json (and web-soak-<database>.json).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
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
    percentile,
    server,
    write_json,
)

DATA = RESULTS / "web-data"
SCALE = {"organizations": 1_000, "resources": 10_000, "sites": 50_000}
WORKERS = 4
PUBLIC = [
    "/",
    "/directory/organizations/",
    "/library/?q=mercury",
    "/calendar/",
    "/monitoring/",
    "/taxonomy/",
]
FLOOR = ["/static/core/css/asmhub.css", "/healthz"]
SIGNED_IN = [
    ("member", "/"),
    ("member", "/directory/organizations/"),
    ("editor", "/library/?q=mercury"),
    ("editor", "/calendar/"),
]
API = ["/api/directory/organizations", "/api/calendar/events"]
CSRF = "b" * 32  # the soak's CSRF cookie and header (any 32 letters pair up)
ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//ASM Hub bench//EN
BEGIN:VEVENT
UID:bench-soak-import@asmhub.localhost
DTSTAMP:20260101T000000Z
DTSTART:20270315T090000Z
DTEND:20270315T170000Z
SUMMARY:Soak import: regional ASM workshop
LOCATION:Kinshasa
END:VEVENT
END:VCALENDAR
"""


# -- hey -------------------------------------------------------------------------------


def ensure_hey() -> str:
    found = shutil.which("hey")
    if found:
        return found
    log("hey is missing: installing Debian's package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "hey"], check=True, env=env)  # noqa: S607
    found = shutil.which("hey")
    if not found:
        raise SystemExit("hey could not be installed (apt-get install hey)")
    return found


def hey_argv(
    url: str,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str = "",
    content_type: str = "",
    rate: float = 0,
) -> list[str]:
    argv = [ensure_hey(), "-z", f"{seconds}s", "-c", str(clients), "-o", "csv", "-t", "30"]
    argv += ["-disable-redirects", "-m", method]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    if rate:
        argv += ["-q", str(rate)]
    if body:
        argv += ["-d", body, "-T", content_type]
    return [*argv, url]


def parse(output: str) -> list[tuple[float, int, float]]:
    """hey's CSV as (seconds taken, status, seconds since the start) per answered request."""
    rows = []
    for row in csv.DictReader(io.StringIO(output)):
        with contextlib.suppress(KeyError, ValueError):
            rows.append(
                (float(row["response-time"]), int(row["status-code"]), float(row["offset"]))
            )
    return rows


def figures(
    rows: list[tuple[float, int, float]], seconds: float, ok: tuple[int, ...]
) -> dict[str, Any]:
    if not rows:
        return {"requests": 0, "rps": 0.0, "p50": None, "p99": None, "errors": None}
    ms = [r[0] * 1000 for r in rows]
    return {
        "requests": len(rows),
        "rps": round(len(rows) / seconds, 1),
        "p50": round(percentile(ms, 50), 1),
        "p99": round(percentile(ms, 99), 1),
        "errors": sum(1 for r in rows if r[1] not in ok),
    }


def load(
    url: str, clients: int, seconds: float, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    argv = hey_argv(url, clients, seconds, headers)
    done = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    rows = parse(done.stdout)
    found = figures(rows, seconds, (200,))
    # Requests that got no answer (refused, timed out) are not in the CSV; hey's exit
    # status says something went wrong.
    found["hey_failed"] = done.returncode != 0
    return found


# -- the database ----------------------------------------------------------------------


def _scale() -> dict[str, int]:
    """Add organizations, resources and sites by bulk inserts, copying the demo's rows
    (with their links to countries and issues) under new names."""
    import copy

    from django.db import transaction

    from asmhub.core.models import Status
    from asmhub.directory.models import Organization
    from asmhub.library.models import Resource, SearchDocument
    from asmhub.monitoring.models import Site

    def clone(base: Any, number: int, **fields: Any) -> Any:
        made = copy.copy(base)
        made.pk = None
        made.id = None
        made._state = copy.copy(base._state)
        made._state.adding = True
        for name, value in fields.items():
            setattr(made, name, value)
        return made

    def m2m(model: Any, made: list[Any], bases: list[Any]) -> None:
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            source = field.m2m_field_name()
            target = field.m2m_reverse_field_name()
            links = {}
            for row in through.objects.filter(**{f"{source}__in": bases}).values(
                f"{source}_id", f"{target}_id"
            ):
                links.setdefault(row[f"{source}_id"], []).append(row[f"{target}_id"])
            rows = [
                through(**{f"{source}_id": m.pk, f"{target}_id": t})
                for m, b in zip(made, bases, strict=True)
                for t in links.get(b.pk, [])
            ]
            through.objects.bulk_create(rows, batch_size=2000)

    counts = {}
    with transaction.atomic():
        bases = list(Organization.objects.filter(status=Status.PUBLISHED))
        need = SCALE["organizations"] - Organization.objects.count()
        chosen = [bases[i % len(bases)] for i in range(max(0, need))]
        made = [
            clone(
                b,
                i,
                name=f"{b.name} (branch {i + 1})",
                slug=f"{b.slug[:40]}-branch-{i + 1}",
                parent=None,
            )
            for i, b in enumerate(chosen)
        ]
        made = Organization.objects.bulk_create(made, batch_size=500)
        m2m(Organization, made, chosen)
        counts["organizations"] = Organization.objects.count()

        bases = list(Resource.objects.filter(status=Status.PUBLISHED))
        need = SCALE["resources"] - Resource.objects.count()
        chosen = [bases[i % len(bases)] for i in range(max(0, need))]
        made = [
            clone(
                b,
                i,
                title=f"{b.title} ({i + 1})",
                slug=f"{b.slug[:40]}-bench-{i + 1}",
                content_hash=None,
            )
            for i, b in enumerate(chosen)
        ]
        made = Resource.objects.bulk_create(made, batch_size=500)
        m2m(Resource, made, chosen)
        documents = {
            d.resource_id: d
            for d in SearchDocument.objects.filter(
                kind=SearchDocument.Kind.RESOURCE, resource__in=bases
            )
        }
        SearchDocument.objects.bulk_create(
            [
                clone(documents[b.pk], 0, resource_id=m.pk, title=m.title)
                for m, b in zip(made, chosen, strict=True)
                if b.pk in documents
            ],
            batch_size=1000,
        )
        counts["resources"] = Resource.objects.count()

        bases = list(Site.objects.all()[:5000])
        need = SCALE["sites"] - Site.objects.count()
        made = [
            clone(bases[i % len(bases)], i, pcode=f"{bases[i % len(bases)].pcode}-b{i + 1}")
            for i in range(max(0, need))
        ]
        Site.objects.bulk_create(made, batch_size=2000)
        counts["sites"] = Site.objects.count()
    return counts


def _people() -> dict[str, Any]:
    """The member and the editor with a session each, and four API tokens."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from asmhub.accounts.models import ApiToken, User
    from asmhub.accounts.services import assign_role
    from asmhub.directory.models import Organization

    found: dict[str, Any] = {"sessions": {}, "tokens": []}
    organization = Organization.objects.filter(status="published").order_by("pk").first()
    for name, role in (("bench-member", "member"), ("bench-editor", "editor")):
        user, _created = User.objects.get_or_create(
            username=name, defaults={"organization": organization}
        )
        user.set_password("a-long-bench-pass-phrase-91")
        user.save()
        assign_role(user, role)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        found["sessions"][role] = session.session_key
        if role == "editor":
            ApiToken.objects.filter(user=user).delete()
            found["tokens"] = [ApiToken.issue(user, f"bench {i}")[1] for i in range(4)]
            found["organization"] = organization.slug if organization else ""
    return found


def _child(phase: str, env: dict[str, str]) -> Any:
    out = DATA / f"{phase}.json"
    argv = [sys.executable, "-m", "bench.web", "--child", phase, "--out", str(out)]
    subprocess.run(argv, env=env, check=True, cwd=ROOT)  # noqa: S603
    return json.loads(out.read_text())


def _child_main(phase: str, out: Path) -> None:
    import django

    django.setup()
    result = _scale() if phase == "scale" else _people()
    out.write_text(json.dumps(result))


def prepare(postgres: str | None, rebuild: bool) -> dict[str, str]:
    """The environment of a database holding the scaled demo, built once and reused."""
    DATA.mkdir(parents=True, exist_ok=True)
    data_dir = DATA / ("data-postgres" if postgres else "data-sqlite")
    database = DATA / "web.sqlite3"
    env = app_env(database, data_dir)
    env["ASMHUB_SECRET_KEY"] = "bench-web-" + "k" * 50  # sessions survive between runs
    env["ASMHUB_API_THROTTLE_AUTHENTICATED"] = "1000000/m"
    if postgres:
        env["DATABASE_URL"] = postgres
        _create_postgres(postgres, rebuild)
    elif rebuild and database.exists():
        database.unlink()
        (DATA / "demo-sqlite.done").unlink(missing_ok=True)
    marker = DATA / ("built-postgres.json" if postgres else "built-sqlite.json")
    if rebuild or not marker.exists() or (not postgres and not database.exists()):
        started = time.monotonic()
        log("building the demo database (once; kept for later runs)")
        asmhub(env, "migrate", "--verbosity", "0")
        asmhub(env, "load-taxonomy")
        if not (DATA / f"demo-{'postgres' if postgres else 'sqlite'}.done").exists():
            asmhub(env, "load-demo")
            (DATA / f"demo-{'postgres' if postgres else 'sqlite'}.done").touch()
        counts = _child("scale", env)
        write_json(marker, {**counts, "seconds": round(time.monotonic() - started)})
        log(f"built: {counts}")
    else:
        asmhub(env, "migrate", "--verbosity", "0")
    return env


def _create_postgres(url: str, rebuild: bool) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and rebuild:
            connection.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            (DATA / "built-postgres.json").unlink(missing_ok=True)
            (DATA / "demo-postgres.done").unlink(missing_ok=True)


# -- the servers -----------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(env: dict[str, str], label: str, **extra: str) -> Iterator[tuple[str, Any]]:
    port = free_port()
    argv = [str(BIN / "gunicorn"), "asmhub.wsgi", "--workers", str(WORKERS)]
    argv += ["--bind", f"127.0.0.1:{port}", "--timeout", "120"]
    base = f"http://127.0.0.1:{port}"
    with server(
        f"gunicorn ({label})",
        argv,
        {**env, **extra},
        f"{base}/healthz",
        DATA / f"gunicorn-{label}.log",
    ) as process:
        yield base, process


def rss_mb(master: int) -> float:
    """The resident memory of gunicorn's master and workers, in MB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            status = (entry / "status").read_text()
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(entry.name) == master or int(fields.get("PPid", "0").strip()) == master:
                total += int(fields["VmRSS"].split()[0])
    return round(total / 1024, 1)


def warm(base: str, paths: list[str], headers: dict[str, str] | None = None) -> None:
    import urllib.request

    for path in paths:
        for _ in range(WORKERS * 2):
            request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(request, timeout=120) as answer,  # noqa: S310
            ):
                answer.read()


# -- the runs --------------------------------------------------------------------------


def run_pages(env: dict[str, str], seconds: float, label: str) -> dict[str, Any]:
    people = _child("people", env)
    result: dict[str, Any] = {"load_before": os.getloadavg()}
    with gunicorn(env, f"{label}-cached") as (base, _process):
        warm(base, FLOOR + PUBLIC)
        result["floor"] = {p: load(base + p, 32, seconds) for p in FLOOR}
        result["public_32"] = {p: load(base + p, 32, seconds) for p in PUBLIC}
        result["public_4"] = {p: load(base + p, 4, seconds / 2) for p in PUBLIC}
        for role, path in SIGNED_IN:
            cookie = {"Cookie": f"sessionid={people['sessions'][role]}"}
            warm(base, [path], cookie)
            result.setdefault("signed_in_8", {})[f"{role} {path}"] = load(
                base + path, 8, seconds, cookie
            )
        result["api_16"] = {}
        for path in API:
            share = []
            # 16 clients over four tokens: four hey processes at once, four clients each.
            procs = [
                subprocess.Popen(  # noqa: S603
                    hey_argv(base + path, 4, seconds, {"Authorization": f"Bearer {token}"}),
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for token in people["tokens"]
            ]
            for proc in procs:
                share.extend(parse(proc.communicate()[0]))
            result["api_16"][path] = figures(share, seconds, (200,))
        result["floor_after"] = {p: load(base + p, 32, seconds / 2) for p in FLOOR}
    with gunicorn(env, f"{label}-uncached", ASMHUB_PAGE_CACHE="false") as (base, _process):
        warm(base, PUBLIC)
        result["public_32_uncached"] = {p: load(base + p, 32, seconds) for p in PUBLIC}
        result["public_4_uncached"] = {p: load(base + p, 4, seconds / 2) for p in PUBLIC}
    # Persistent connections against a new connection per request (the same pages).
    with gunicorn(
        env, f"{label}-new-connections", ASMHUB_PAGE_CACHE="false", ASMHUB_DB_CONN_MAX_AGE="0"
    ) as (base, _process):
        warm(base, ["/healthz", *PUBLIC[:2]])
        result["conn_max_age_0"] = {
            p: load(base + p, 32, seconds) for p in ["/healthz", *PUBLIC[:2]]
        }
    result["load_after"] = os.getloadavg()
    return result


def run_soak(env: dict[str, str], minutes: float, label: str) -> dict[str, Any]:
    """Mixed traffic at 32 clients: hey processes side by side, each its own mix share."""
    people = _child("people", env)
    member = {"Cookie": f"sessionid={people['sessions']['member']}"}
    editor_cookie = f"sessionid={people['sessions']['editor']}; csrftoken={CSRF}"
    token = {"Authorization": f"Bearer {people['tokens'][0]}"}
    seconds = minutes * 60
    load_before = os.getloadavg()
    # (name, path, clients, headers, method, body, content type, rate per client)
    mix: list[tuple[str, str, int, dict[str, str], str, str, str, float]] = [
        ("home", "/", 5, {}, "GET", "", "", 0),
        ("organizations", "/directory/organizations/", 4, {}, "GET", "", "", 0),
        ("calendar", "/calendar/", 3, {}, "GET", "", "", 0),
        ("monitoring", "/monitoring/", 3, {}, "GET", "", "", 0),
        ("search mercury", "/library/?q=mercury", 3, {}, "GET", "", "", 0),
        ("search gold", "/search/?q=gold", 3, {}, "GET", "", "", 0),
        ("library search", "/library/?q=child+labour", 2, {}, "GET", "", "", 0),
        ("member home", "/", 3, member, "GET", "", "", 0),
        ("api organizations", "/api/directory/organizations", 4, token, "GET", "", "", 0),
        (
            "write: organization",
            f"/api/directory/organizations/{people['organization']}",
            1,
            token,
            "PATCH",
            json.dumps({"acronym": "SOAK"}),
            "application/json",
            1 / 20,
        ),
        (
            "import: calendar",
            "/calendar/import/",
            1,
            {"Cookie": editor_cookie, "X-CSRFToken": CSRF, "Referer": "http://127.0.0.1/"},
            "POST",
            "commit=1&source=soak&default_kind=conference&default_timezone=UTC&content="
            + __import__("urllib.parse").parse.quote(ICS),
            "application/x-www-form-urlencoded",
            1 / 60,
        ),
    ]
    assert sum(m[2] for m in mix) == 32
    with gunicorn(env, f"{label}-soak") as (base, process):
        warm(base, ["/", "/directory/organizations/", "/calendar/", "/monitoring/"])
        procs = []
        for name, path, clients, headers, method, body, kind, rate in mix:
            argv = hey_argv(base + path, clients, seconds, headers, method, body, kind, rate)
            procs.append((name, subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)))  # noqa: S603
        time.sleep(min(60, seconds / 2))
        memory_warm = rss_mb(process.pid)
        outputs = [(name, proc.communicate()[0]) for name, proc in procs]
        memory_end = rss_mb(process.pid)
    per_kind = {}
    every: list[tuple[float, int, float]] = []
    for name, output in outputs:
        rows = parse(output)
        ok = (200, 201, 302) if name.startswith(("write", "import")) else (200,)
        per_kind[name] = figures(rows, seconds, ok)
        every.extend((r[0], 200 if r[1] in ok else r[1], r[2]) for r in rows)
    by_minute: dict[int, list[float]] = {}
    for taken, _status, offset in every:
        by_minute.setdefault(int(offset // 60), []).append(taken * 1000)
    return {
        "minutes": minutes,
        "clients": 32,
        "load_before": load_before,
        "load_end": os.getloadavg(),
        "total": figures(every, seconds, (200,)),
        "per_kind": per_kind,
        "p99_by_minute": {m: round(percentile(v, 99), 1) for m, v in sorted(by_minute.items())},
        "memory_mb_after_warmup": memory_warm,
        "memory_mb_end": memory_end,
        "memory_growth_pct": round((memory_end - memory_warm) / memory_warm * 100, 1),
    }


def _print(result: dict[str, Any]) -> None:
    for group, rows in result.items():
        if not isinstance(rows, dict) or group in ("machine", "built"):
            continue
        print(f"\n{group}")
        for page, f in rows.items():
            if isinstance(f, dict) and "rps" in f:
                print(
                    f"  {page:45} {f['rps']:8} req/s  p50 {f['p50']} ms  p99 {f['p99']} ms  errors {f['errors']}"
                )


def _n(value: Any) -> str:
    return "—" if value is None else f"{value:,.0f}"


def report() -> str:
    """The figures of the last runs as markdown tables, for docs/benchmarks.md."""
    lines = []
    for label in ("sqlite", "postgres"):
        path = RESULTS / f"web-{label}.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text())
        before = ", ".join(f"{x:.1f}" for x in result["load_before"])
        after = ", ".join(f"{x:.1f}" for x in result["load_after"])
        lines += [
            "",
            f"**{label}** (load average before {before}, after {after}):",
            "",
            "| load | page | req/s | p50 ms | p99 ms | errors |",
            "|---|---|---:|---:|---:|---:|",
        ]
        names = {
            "floor": "floor, 32",
            "public_32": "anonymous, 32",
            "public_32_uncached": "anonymous, 32, cache off",
            "public_4": "anonymous, 4",
            "public_4_uncached": "anonymous, 4, cache off",
            "signed_in_8": "signed in, 8",
            "api_16": "API, 4 tokens, 16",
            "conn_max_age_0": "new connection per request, cache off, 32",
            "floor_after": "floor again, 32",
        }
        for group, name in names.items():
            for page, f in result.get(group, {}).items():
                errors = "no answer" if f["errors"] is None else f["errors"]
                lines.append(
                    f"| {name} | `{page}` | {_n(f['rps'])} | {_n(f['p50'])} | {_n(f['p99'])} | {errors} |"
                )
    soak = RESULTS / "web-soak-sqlite.json"
    if soak.exists():
        result = json.loads(soak.read_text())
        total = result["total"]
        lines += [
            "",
            f"**Soak** ({result['minutes']:g} min, 32 clients, SQLite; load average at the end "
            + ", ".join(f"{x:.1f}" for x in result.get("load_end", result["load_before"]))
            + f"): {total['requests']:,} requests, {total['rps']:,.0f} req/s, p50 {total['p50']:,.0f} ms,"
            f" p99 {total['p99']:,.0f} ms, errors {total['errors']}; memory of the web processes"
            f" {result['memory_mb_after_warmup']:,.0f} MB after the warm-up, {result['memory_mb_end']:,.0f} MB"
            f" at the end ({result['memory_growth_pct']:+.1f} %). p99 per minute (ms): "
            + ", ".join(f"{v:,.0f}" for v in result["p99_by_minute"].values())
            + ".",
            "",
            "| traffic | requests | req/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, f in result["per_kind"].items():
            lines.append(
                f"| {name} | {f['requests']:,} | {f['rps']:,.1f} | {f['p50']:,.0f} | {f['p99']:,.0f} | {f['errors']} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", help="a PostgreSQL URL of a database for the benchmark")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per page (10)")
    parser.add_argument("--soak", action="store_true", help="the mixed-traffic soak instead")
    parser.add_argument("--minutes", type=float, default=10, help="length of the soak (10)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--report", action="store_true", help="print the last figures as markdown")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child_main(args.child, args.out)
        return
    if args.report:
        print(report())
        return
    ensure_hey()
    label = "postgres" if args.postgres else "sqlite"
    env = prepare(args.postgres, args.rebuild)
    started = time.monotonic()
    if args.soak:
        result = run_soak(env, args.minutes, label)
        name = f"web-soak-{label}.json"
    else:
        result = run_pages(env, args.seconds, label)
        name = f"web-{label}.json"
    result["machine"] = machine()
    result["built"] = json.loads((DATA / f"built-{label}.json").read_text())
    result["seconds"] = round(time.monotonic() - started)
    write_json(RESULTS / name, result)
    _print(result)
    print(
        json.dumps({k: v for k, v in result.items() if k not in ("machine",)}, indent=1)[:3000]
        if args.soak
        else ""
    )
    log(f"wrote {RESULTS / name}")


if __name__ == "__main__":
    main()
