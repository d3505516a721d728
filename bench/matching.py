"""Donor matching at scale: rank 10,000 donors for one concept.

    python -m bench.matching [--small] [--rebuild] [--postgres URL]

Builds (once, cached under bench/results/) a SQLite database with 10,000 donor profiles,
their priorities, focus countries and regions, eligible types and funding cycles, 50,000
funding opportunities and 1,000,000 IATI activities, rebuilds the IATI footprint with the
product's own ``rebuild_footprint``, then measures ``rank_donors`` for 40 concepts:

- the platform: ``funding.matching.rank_donors(concept, limit=20)``: the six parts of every
  donor from the in-memory matching index, then the reasons of the 20 returned (the index
  is built once beforehand; its build time is reported apart);
- the floor: a bare SQL ranking on three of the six parts (priorities, geography, IATI
  history) with no reasons;
- the peer: the same six parts ranked inside the database in one SQL statement
  (bench/matching_sql.py), with no reasons: the ranking without the index.

Writes bench/results/matching-<database>.json and, for the full size, the section of
docs/benchmarks.md (bench/matching_report.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.common import RESULTS, app_env, asmhub, log, machine, setup_django, summary, write_json

FULL = {"donors": 10_000, "opportunities": 50_000, "activities": 1_000_000}
SMALL = {"donors": 1_000, "opportunities": 5_000, "activities": 50_000}
CONCEPTS = 40
REPEATS = 5
SEED = 20261201


def _database(size: dict[str, int]) -> Path:
    return RESULTS / f"matching-{size['donors']}-{size['activities']}.sqlite3"


def _insert(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    from django.db import connection

    if not rows:
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            rows,
        )


def build(size: dict[str, int]) -> None:
    """Fill the database with generated donors, opportunities and activities."""
    from django.db import transaction

    from asmhub.core.models import Status
    from asmhub.directory.models import Organization
    from asmhub.funding.iati import rebuild_footprint
    from asmhub.funding.models import (
        Activity,
        ActivityCountry,
        DonorProfile,
        FundingCycle,
        Opportunity,
        Priority,
    )
    from asmhub.taxonomy.models import Country, LeverIssue, Region, SDGGoal, StakeholderType

    rng = random.Random(SEED)
    countries = list(Country.objects.values_list("code", flat=True))
    hot = countries[:60]  # where ASM money goes: a smaller set, drawn more often
    issues = list(LeverIssue.objects.values_list("pk", flat=True))
    goals = list(SDGGoal.objects.values_list("pk", flat=True))
    regions = list(Region.objects.values_list("pk", flat=True))
    donor_types = list(StakeholderType.objects.filter(is_donor=True).values_list("pk", flat=True))
    applicant_types = list(
        StakeholderType.objects.filter(is_donor=False).values_list("pk", flat=True)
    )
    now = dt.datetime.now(dt.UTC)
    today = dt.date(2026, 12, 1)
    rules = [f"FREQ=YEARLY;BYMONTH={m};BYMONTHDAY={d}" for m in range(1, 13) for d in (1, 15, 28)]
    rules += [
        f"FREQ=YEARLY;INTERVAL={n};BYMONTH={m};BYMONTHDAY=1"
        for n in (3, 4, 5)
        for m in range(1, 13)
    ]
    firsts = [dt.date(y, 1, 1) for y in (2005, 2010, 2015, 2020, 2025)]
    with transaction.atomic():
        log(f"{size['donors']:,} donors")
        orgs = Organization.objects.bulk_create(
            Organization(
                name=f"Donor {n}",
                slug=f"donor-{n}",
                stakeholder_type_id=rng.choice(donor_types),
                status=Status.PUBLISHED,
            )
            for n in range(size["donors"])
        )
        profiles = DonorProfile.objects.bulk_create(
            DonorProfile(
                organization=org,
                status=Status.PUBLISHED,
                instruments=rng.sample(["grant", "loan", "trust-fund", "technical-assistance"], 2),
                size_min=Decimal(rng.choice([50_000, 100_000, 500_000, 1_000_000])),
                size_max=Decimal(rng.choice([2_000_000, 5_000_000, 20_000_000])),
            )
            for org in orgs
        )
        Priority.objects.bulk_create(
            [
                Priority(profile=p, lever_issue_id=i, weight=round(rng.random(), 2))
                for p in profiles
                for i in rng.sample(issues, rng.randint(2, 7))
            ]
            + [
                Priority(profile=p, sdg_goal_id=g, weight=round(rng.random(), 2))
                for p in profiles
                for g in rng.sample(goals, rng.randint(0, 4))
            ],
            batch_size=5000,
        )
        DonorProfile.focus_countries.through.objects.bulk_create(
            [
                DonorProfile.focus_countries.through(donorprofile_id=p.pk, country_id=c)
                for p in profiles
                for c in rng.sample(hot, rng.randint(0, 8))
            ],
            batch_size=5000,
        )
        DonorProfile.focus_regions.through.objects.bulk_create(
            [
                DonorProfile.focus_regions.through(donorprofile_id=p.pk, region_id=r)
                for p in profiles
                for r in rng.sample(regions, rng.randint(0, 2))
            ],
            batch_size=5000,
        )
        DonorProfile.eligible_types.through.objects.bulk_create(
            [
                DonorProfile.eligible_types.through(donorprofile_id=p.pk, stakeholdertype_id=t)
                for p in profiles
                for t in rng.sample(applicant_types, rng.randint(0, 4))
            ],
            batch_size=5000,
        )
        FundingCycle.objects.bulk_create(
            [
                FundingCycle(
                    profile=p,
                    kind="call-closes",
                    title="Annual call closes",
                    rule=rng.choice(rules),
                    starts_on=rng.choice(firsts),
                )
                for p in profiles
                for _ in range(rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        log(f"{size['opportunities']:,} opportunities")
        opportunities = Opportunity.objects.bulk_create(
            (
                Opportunity(
                    title=f"Call {n}",
                    slug=f"call-{n}",
                    donor=rng.choice(orgs),
                    status=Status.PUBLISHED,
                    stage=rng.choice(["forecast", "open", "closed", "awarded"]),
                    closes_on=today + dt.timedelta(days=rng.randint(-700, 900)),
                )
                for n in range(size["opportunities"])
            ),
            batch_size=5000,
        )
        Opportunity.countries.through.objects.bulk_create(
            [
                Opportunity.countries.through(opportunity_id=o.pk, country_id=c)
                for o in opportunities
                for c in rng.sample(hot, rng.randint(1, 3))
            ],
            batch_size=5000,
        )
        log(f"{size['activities']:,} IATI activities")
        activity_table = Activity._meta.db_table
        columns = [
            "iati_identifier", "reporting_org_ref", "reporting_org_name", "reporting_org_type",
            "reporting_org_id", "title", "description", "status", "planned_start",
            "default_currency", "last_updated", "recipient_regions", "is_asm", "asm_reasons",
            "total_budget", "source_file", "imported_at",
        ]  # fmt: skip
        chunk = 20_000
        for start in range(0, size["activities"], chunk):
            rows = []
            for n in range(start, min(start + chunk, size["activities"])):
                org = orgs[int(rng.paretovariate(1.2)) % len(orgs)]
                rows.append(
                    (
                        f"XM-BENCH-{n}",
                        f"XM-{org.pk}",
                        org.name,
                        "10",
                        org.pk,
                        f"Activity {n}",
                        "",
                        "2",
                        dt.date(rng.randint(2000, 2026), 1, 1),
                        "USD",
                        "",
                        "[]",
                        rng.random() < 0.3,
                        "[]",
                        Decimal(rng.randint(10_000, 5_000_000)),
                        "bench",
                        now,
                    )
                )
            _insert(activity_table, columns, rows)
        first = Activity.objects.order_by("pk").values_list("pk", flat=True).first() or 0
        rows_c, rows_i = [], []
        for pk in range(first, first + size["activities"]):
            rows_c.append((pk, rng.choice(hot), Decimal(100)))
            rows_i.append((pk, rng.choice(issues)))
            if len(rows_c) >= chunk:
                _insert(
                    ActivityCountry._meta.db_table,
                    ["activity_id", "country_id", "percentage"],
                    rows_c,
                )
                _insert(
                    Activity.lever_issues.through._meta.db_table,
                    ["activity_id", "leverissue_id"],
                    rows_i,
                )
                rows_c, rows_i = [], []
        _insert(ActivityCountry._meta.db_table, ["activity_id", "country_id", "percentage"], rows_c)
        _insert(
            Activity.lever_issues.through._meta.db_table, ["activity_id", "leverissue_id"], rows_i
        )
        log("rebuilding the IATI footprint")
        started = time.perf_counter()
        footprint_rows = rebuild_footprint([o.pk for o in orgs])
        log(f"{footprint_rows:,} footprint rows in {time.perf_counter() - started:.1f} s")
    from asmhub.funding.index import bump

    bump()  # the rows above were written in bulk, without signals


def _concepts() -> list[Any]:
    from asmhub.core.models import Status
    from asmhub.directory.models import Organization
    from asmhub.funding.models import Concept
    from asmhub.taxonomy.models import Country, LeverIssue, SDGGoal, StakeholderType

    rng = random.Random(SEED + 1)
    Concept.objects.filter(title__startswith="Bench concept").delete()
    proposer, _ = Organization.objects.get_or_create(
        slug="bench-proposer",
        defaults={
            "name": "Bench proposer",
            "stakeholder_type": StakeholderType.objects.get(slug="national-ngo"),
            "status": Status.PUBLISHED,
        },
    )
    hot = list(Country.objects.values_list("code", flat=True))[:60]
    made = []
    for n in range(CONCEPTS):
        concept = Concept.objects.create(
            title=f"Bench concept {n}",
            slug=f"bench-concept-{n}",
            status=Status.PUBLISHED,
            budget=Decimal(rng.choice([200_000, 900_000, 3_000_000])),
            instrument="grant",
            starts_on=dt.date(2027, 6, 1),
            ends_on=dt.date(2029, 6, 1),
        )
        concept.lever_issues.set(LeverIssue.objects.order_by("?")[: rng.randint(1, 4)])
        concept.sdg_goals.set(SDGGoal.objects.order_by("?")[: rng.randint(0, 3)])
        concept.countries.set(Country.objects.filter(code__in=rng.sample(hot, rng.randint(1, 2))))
        concept.proposers.set([proposer])
        made.append(concept)
    return made


FLOOR_SQL = """
SELECT p.id,
  0.35 * COALESCE(pr.s, 0) / {terms}
  + 0.20 * CASE WHEN hf.pid IS NULL THEN 0.5 ELSE COALESCE(fc.n, 0) * 1.0 / {ncountries} END
  + 0.15 * CASE WHEN (COALESCE(fp.on_issue, 0) + COALESCE(fp.other, 0) / 2.0) > 5 THEN 1.0
                ELSE (COALESCE(fp.on_issue, 0) + COALESCE(fp.other, 0) / 2.0) / 5.0 END AS score
FROM funding_donorprofile p
LEFT JOIN (SELECT profile_id, SUM(weight) AS s FROM funding_priority
           WHERE lever_issue_id IN ({issues}) OR sdg_goal_id IN ({goals})
           GROUP BY profile_id) pr ON pr.profile_id = p.id
LEFT JOIN (SELECT donorprofile_id AS pid, COUNT(*) AS n FROM funding_donorprofile_focus_countries
           WHERE country_id IN ({countries}) GROUP BY donorprofile_id) fc ON fc.pid = p.id
LEFT JOIN (SELECT DISTINCT donorprofile_id AS pid FROM funding_donorprofile_focus_countries) hf
           ON hf.pid = p.id
LEFT JOIN (SELECT donor_id,
                  SUM(CASE WHEN lever_issue_id IN ({issues}) THEN activities ELSE 0 END) AS on_issue,
                  SUM(CASE WHEN lever_issue_id IN ({issues}) THEN 0 ELSE activities END) AS other
           FROM funding_footprint WHERE country_id IN ({countries}) GROUP BY donor_id) fp
           ON fp.donor_id = p.organization_id
WHERE p.status = 'published'
ORDER BY score DESC, p.id LIMIT 20
"""


def _floor(concept: Any) -> float:
    from django.db import connection

    issues = ",".join(str(i) for i in concept.lever_issues.values_list("pk", flat=True)) or "0"
    goals = ",".join(str(g) for g in concept.sdg_goals.values_list("pk", flat=True)) or "0"
    codes = list(concept.countries.values_list("code", flat=True))
    sql = FLOOR_SQL.format(
        terms=max(1, concept.lever_issues.count() + concept.sdg_goals.count()),
        ncountries=max(1, len(codes)),
        issues=issues,
        goals=goals,
        countries=",".join(f"'{c}'" for c in codes),
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        rows = cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
    assert len(rows) == 20
    return elapsed


def measure() -> dict[str, Any]:
    from asmhub.funding import index, matching, scoring
    from asmhub.funding.models import FundingCycle
    from bench.matching_sql import rank_in_database

    concepts = _concepts()
    today = dt.date(2026, 12, 1)
    index.bump()
    started = time.perf_counter()
    index.current()
    build_ms = (time.perf_counter() - started) * 1000
    platform, floor, peer = [], [], []
    for concept in concepts:
        matching.rank_donors(concept, today=today)  # warm the caches of this concept's rules
        facts = scoring.read_facts(concept, today)
        hits = {
            f"{c.rule}|{c.starts_on.isoformat()}"
            for c in FundingCycle.objects.all().only("rule", "starts_on")
            if scoring.first_between(c.rule, c.starts_on, facts.today, facts.until)
        }
        for _ in range(REPEATS):
            started = time.perf_counter()
            ranked = matching.rank_donors(concept, limit=20, today=today)
            platform.append((time.perf_counter() - started) * 1000)
            assert len(ranked) == 20 and all(m.parts[0].reason for m in ranked)
            floor.append(_floor(concept))
            started = time.perf_counter()
            assert len(rank_in_database(facts, matching.weights(), matching.config(), hits)) == 20
            peer.append((time.perf_counter() - started) * 1000)
    return {
        "platform": summary(platform),
        "floor": summary(floor),
        "peer": summary(peer),
        "index_build_ms": round(build_ms),
    }


PG_DATABASE = "asmhub_bench_matching"


def _postgres(url: str, fresh: bool) -> tuple[str, bool]:
    """The scratch PostgreSQL database's URL, created when missing (or asked to rebuild)."""
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{PG_DATABASE}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')
    return url.rsplit("/", 1)[0] + f"/{PG_DATABASE}", not exists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="1,000 donors and 50,000 activities")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL at URL")
    args = parser.parse_args()
    size = SMALL if args.small else FULL
    db = _database(size)
    env = app_env(db, RESULTS / "matching-data")
    if args.postgres:
        url, fresh = _postgres(args.postgres, args.rebuild)
        env["DATABASE_URL"] = url
    else:
        if args.rebuild and db.exists():
            db.unlink()
        fresh = not db.exists()
    if fresh:
        RESULTS.mkdir(parents=True, exist_ok=True)
        asmhub(env, "migrate", "-v0")
        asmhub(env, "load-taxonomy")
    setup_django(env)
    if fresh:
        started = time.perf_counter()
        build(size)
        if args.postgres:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics for the planner
        log(f"built in {time.perf_counter() - started:.0f} s")
    figures = measure()
    engine = "postgresql" if args.postgres else "sqlite"
    result = {
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "database": engine,
        "size": size,
        "concepts": CONCEPTS,
        "repeats": REPEATS,
        **figures,
    }
    name = f"matching-{engine}{'-small' if args.small else ''}.json"
    write_json(RESULTS / name, result)
    for part in ("platform", "floor", "peer"):
        s = figures[part]
        log(f"{part:9} p50 {s['p50']:7.1f} ms  p95 {s['p95']:7.1f} ms  (n={s['n']})")
    log(f"matching index built in {figures['index_build_ms']} ms")
    if not args.small:
        from bench.matching_report import write

        write()


if __name__ == "__main__":
    main()
