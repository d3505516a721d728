"""The peer of the donor matching: the same six parts ranked inside the database.

One SQL statement with a derived table per part (GROUP BY, which SQLite indexes for the
join), the weighted sum computed and sorted by the database. It is what a ranking looks
like without the in-memory matching index; bench/matching.py times it beside the platform.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection

from asmhub.core.models import Status
from asmhub.funding.models import DonorProfile, Footprint, FundingCycle, Opportunity, Priority


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count) if count else "NULL"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def rank_in_database(
    facts: Any, weights: Mapping[str, float], config: Mapping[str, Any], hits: Iterable[str]
) -> list[tuple[int, float]]:
    """The 20 best ``(profile id, score)``; ``hits`` are ``rule|first`` keys of cycles in the window."""
    unknown = float(config["unknown_credit"])
    issues, goals = sorted(facts.issues), sorted(facts.goals)
    countries, types, keys = sorted(facts.countries), sorted(facts.types), sorted(hits)
    focus = _table(DonorProfile.focus_countries.through)
    regions = _table(DonorProfile.focus_regions.through)
    eligible = _table(DonorProfile.eligible_types.through)
    terms: list[str] = []
    term_params: list[Any] = []
    joins: list[str] = []
    join_params: list[Any] = []

    def join(alias: str, key: str, sql: str, params: list[Any], on: str = "p.id") -> None:
        joins.append(f"LEFT JOIN ({sql}) {alias} ON {alias}.{key} = {on}")
        join_params.extend(params)

    count = max(1, len(issues) + len(goals))
    join(
        "pr",
        "profile_id",
        f"SELECT profile_id, SUM(weight) AS total FROM {_table(Priority)} "
        f"WHERE lever_issue_id IN ({_marks(len(issues))}) OR sdg_goal_id IN ({_marks(len(goals))}) "
        "GROUP BY profile_id",
        [*issues, *goals],
    )
    terms.append(f"%s * COALESCE(pr.total, 0) / {count}")
    term_params.append(weights["priorities"])
    join(
        "hf",
        "pid",
        f"SELECT donorprofile_id AS pid FROM {focus} UNION SELECT donorprofile_id FROM {regions}",
        [],
    )
    join(
        "fc",
        "pid",
        f"SELECT donorprofile_id AS pid, COUNT(*) AS n FROM {focus} "
        f"WHERE country_id IN ({_marks(len(countries))}) GROUP BY donorprofile_id",
        countries,
    )
    parts, params = [], []
    for code in countries:
        ids = sorted(facts.country_regions[code])
        parts.append(
            f"SELECT donorprofile_id AS pid, CAST(%s AS VARCHAR(2)) AS code FROM {regions} "
            f"WHERE region_id IN ({_marks(len(ids))})"
        )
        params += [code, *ids]
    join(
        "rg",
        "pid",
        f"SELECT x.pid, COUNT(DISTINCT x.code) AS n FROM ({' UNION '.join(parts) or 'SELECT 0 AS pid, 0 AS code'}) x "
        f"WHERE NOT EXISTS (SELECT 1 FROM {focus} f WHERE f.donorprofile_id = x.pid "
        "AND f.country_id = x.code) GROUP BY x.pid",
        params,
    )
    terms.append(
        "%s * CASE WHEN hf.pid IS NULL THEN %s "
        f"ELSE (COALESCE(fc.n, 0) + %s * COALESCE(rg.n, 0)) / {float(max(1, len(countries)))} END"
    )
    term_params += [weights["geography"], unknown, float(config["region_credit"])]
    join(
        "h",
        "donor_id",
        f"SELECT donor_id, SUM(CASE WHEN lever_issue_id IN ({_marks(len(issues))}) "
        "THEN activities ELSE activities / 2.0 END) AS n "
        f"FROM {_table(Footprint)} WHERE country_id IN ({_marks(len(countries))}) GROUP BY donor_id",
        [*issues, *countries],
        on="p.organization_id",
    )
    saturation = float(config["history_saturation"])
    terms.append("%s * CASE WHEN COALESCE(h.n, 0) > %s THEN 1.0 ELSE COALESCE(h.n, 0) / %s END")
    term_params += [weights["history"], saturation, saturation]
    budget, tolerance = float(facts.budget or 0), float(config["size_tolerance"])
    terms.append(
        "%s * ((CASE WHEN CAST(p.instruments AS TEXT) = '[]' THEN %s "
        "WHEN CAST(p.instruments AS TEXT) LIKE %s THEN 1.0 ELSE 0.0 END) + "
        "(CASE WHEN p.size_min IS NULL AND p.size_max IS NULL THEN %s "
        "WHEN (p.size_min IS NULL OR p.size_min <= %s) AND (p.size_max IS NULL OR p.size_max >= %s) "
        "THEN 1.0 WHEN (p.size_min IS NULL OR p.size_min <= %s) "
        "AND (p.size_max IS NULL OR p.size_max >= %s) THEN 0.5 ELSE 0.0 END)) / 2"
    )
    term_params += [
        weights["fit"], unknown, f'%"{facts.instrument}"%', unknown,
        budget, budget, budget * tolerance, budget / tolerance,
    ]  # fmt: skip
    join("ht", "pid", f"SELECT donorprofile_id AS pid FROM {eligible} GROUP BY donorprofile_id", [])
    join(
        "el",
        "pid",
        f"SELECT donorprofile_id AS pid FROM {eligible} "
        f"WHERE stakeholdertype_id IN ({_marks(len(types))}) GROUP BY donorprofile_id",
        types,
    )
    terms.append(
        "%s * CASE WHEN ht.pid IS NULL THEN %s WHEN el.pid IS NOT NULL THEN 1.0 ELSE 0.0 END"
    )
    term_params += [weights["eligibility"], unknown]
    join(
        "dl",
        "donor_id",
        f"SELECT donor_id FROM {_table(Opportunity)} WHERE status = %s AND stage IN (%s, %s) "
        "AND closes_on >= %s AND closes_on <= %s GROUP BY donor_id",
        [Status.PUBLISHED, "open", "forecast", facts.today, facts.until],
        on="p.organization_id",
    )
    join(
        "cy",
        "profile_id",
        f"SELECT profile_id FROM {_table(FundingCycle)} "
        f"WHERE (country_id IS NULL OR country_id IN ({_marks(len(countries))})) "
        f"AND rule || '|' || CAST(starts_on AS VARCHAR(10)) IN ({_marks(len(keys))}) "
        "GROUP BY profile_id",
        [*countries, *keys],
    )
    terms.append(
        "%s * CASE WHEN dl.donor_id IS NOT NULL THEN 1.0 "
        "WHEN cy.profile_id IS NOT NULL THEN %s ELSE 0.0 END"
    )
    term_params += [weights["timing"], float(config["timing_cycle_credit"])]
    sql = (
        f"SELECT p.id, 100 * ({' + '.join(terms)}) AS score FROM {_table(DonorProfile)} p "
        f"{' '.join(joins)} WHERE p.status = %s ORDER BY score DESC, p.id LIMIT 20"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*term_params, *join_params, Status.PUBLISHED])
        return [(int(pid), float(score)) for pid, score in cursor.fetchall()]
