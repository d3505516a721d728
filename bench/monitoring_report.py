"""Write the field monitoring's figures into docs/benchmarks.md, between its markers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, read_json

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-monitoring:start -->", "<!-- bench-monitoring:end -->"
INTRO_OLD = "The monitoring index will get its benchmark with its\ntarget."
INTRO_NEW = (
    "The field monitoring's\nimports, need index and map have theirs, with targets, in the "
    "last section."
)
INDEX_MS, GEOJSON_MS, IMPORT_ROWS_S = 500.0, 1000.0, 5000.0
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LEVEL_NAMES = {
    "territory": "territories",
    "collectivite": "collectivités",
    "province": "provinces",
    "h3": "H3 cells",
}


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _cell(figures: dict[str, float]) -> str:
    return f"{_ms(figures['p50'])} / {_ms(figures['p95'])}"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _rate(rows: float, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else "–"


def _end_to_end(found: dict[str, Any]) -> float:
    return float(found["rows"]) / (found["upload_s"] + found["commit_s"])


def _level(row: dict[str, Any]) -> str:
    name = LEVEL_NAMES[row["level"]]
    if row["resolution"]:
        name += f" at resolution {row['resolution']}"
    return f"{name}, {'all years' if row['period'] is None else '2015–2020'}"


def _worst_index(result: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = max(result["index"]["levels"], key=lambda r: r["platform"]["p95"])
    return row


def _geo_p95(result: dict[str, Any]) -> float:
    return max(result["gunicorn"][name]["p95"] for name in ("public", "granted"))


def _load_line(engine: str, result: dict[str, Any]) -> str:
    load = result["load"]
    imported = load["imported"]
    first, last = imported[0], imported[-1]
    return (
        f"| {ENGINES[engine]} | {load['rows']:,} in {len(imported)} files | "
        f"{load['upload_s'] / 60:.0f} + {load['commit_s'] / 60:.0f} min | "
        f"{load['rows_per_s']:,.0f} | {_end_to_end(first):,.0f} → {_end_to_end(last):,.0f} | "
        f"{load['peak_mb']:,.0f} MiB |"
    )


def _profile(result: dict[str, Any]) -> list[str]:
    profile = result["imports"][0].get("profile")
    if not profile:
        return []
    lines = [
        "",
        f"Where an import's time goes ({ENGINES[result['database']]}, "
        f"{result['imports'][0]['rows']:,} rows under cProfile, which slows everything "
        "alike; cumulative seconds, a function's callees included):",
        "",
        "| step | function | seconds | share |",
        "|---|---|---:|---:|",
    ]
    for step in ("upload", "commit"):
        total = profile[step]["total_s"]
        lines.append(f"| {step} | `importers.{step}` | {total:.2f} | 100% |")
        for item in profile[step]["functions"]:
            if item["seconds"] >= 0.02 * total:
                lines.append(
                    f"| | `{item['name']}` | {item['seconds']:.2f} | "
                    f"{item['seconds'] / total:.0%} |"
                )
    return lines


def _profiled_level(result: dict[str, Any]) -> str:
    name = result["index"]["profile"]["name"]
    return next(_level(r) for r in result["index"]["levels"] if r["name"] == name)


def _hot(title: str, profile: dict[str, Any]) -> list[str]:
    """A profile's functions by their own time (callees apart)."""
    total = profile["total_s"]
    lines = [
        "",
        f"{title}: the functions by their own time, callees apart, of {total:.2f} s in all:",
        "",
        "| function | calls | seconds | share |",
        "|---|---:|---:|---:|",
    ]
    for item in profile["functions"]:
        lines.append(
            f"| `{item['name']}` | {item['calls']:,} | {item['seconds']:.3f} | "
            f"{item['seconds'] / total:.0%} |"
        )
    return [*lines, ""]


def _first_missed(results: dict[str, dict[str, Any]], missed: Any) -> str | None:
    return next((engine for engine, result in results.items() if missed(result)), None)


def _index_verdict(result: dict[str, Any]) -> str:
    """Met or missed, level by level (the worst p95 of its two periods)."""
    worst: dict[str, dict[str, Any]] = {}
    for row in result["index"]["levels"]:
        name = _level(row).split(",")[0]
        if name not in worst or row["platform"]["p95"] > worst[name]["platform"]["p95"]:
            worst[name] = row
    missed = {n: r for n, r in worst.items() if r["platform"]["p95"] > INDEX_MS}
    met = {n: r for n, r in worst.items() if n not in missed}
    parts = []
    if missed:
        parts.append(
            "**missed** for "
            + ", ".join(f"{n} ({_ms(r['platform']['p95'])} ms p95)" for n, r in missed.items())
        )
    if met:
        top = max(met, key=lambda n: met[n]["platform"]["p95"])
        parts.append(
            ("**met** for the other levels" if missed else "**met** for every level")
            + f" (at most {_ms(met[top]['platform']['p95'])} ms p95, {top})"
        )
    return "; ".join(parts)


def _index_notes(result: dict[str, Any]) -> list[str]:
    rows = {
        (r["level"], r["resolution"], r["period"] is None): r for r in result["index"]["levels"]
    }
    few, many = rows.get(("province", None, True)), rows.get(("h3", 7, True))
    if not few or not many:
        return [""]
    per_area = (many["platform"]["p50"] - few["platform"]["p50"]) / (many["areas"] - few["areas"])
    return [
        "",
        f"Every level pays the loop over the {result['counts']['sites']:,} sites (the latest "
        f"visit of each by bisection): {_ms(few['platform']['p50'])} ms p50 for the "
        f"{few['areas']} provinces. The rest grows with the number of areas, about "
        f"{per_area * 1000:,.0f} µs an area: seven `Part` objects and an `AreaIndex` each, "
        f"scored one by one, {_ms(many['platform']['p50'])} ms p50 for {many['areas']:,} H3 "
        f"cells, where DuckDB takes {_ms(many['duckdb']['p50'])} ms.",
        "",
    ]


def _map_notes(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [""]
    for engine, result in results.items():
        function, http = result["geojson"]["public"]["p50"], result["gunicorn"]["public"]["p50"]
        lines.append(
            f"- {ENGINES[engine]}: `present.geojson` is {function / http:.0%} of the public "
            f"request (p50); the view sends the {result['geojson']['public']['bytes'] / 1e6:.1f} "
            "MB uncompressed."
        )
    return [*lines, ""]


def _import_notes(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = [""]
    for engine, result in results.items():
        found = result["imports"][-1]
        floor = found["floor_rows"] / found["floor_s"]
        lines.append(
            f"- {ENGINES[engine]}: the commit takes {found['commit_s'] / found['upload_s']:.1f} "
            f"times as long as the check; the floor inserts the visit rows "
            f"{floor / (found['rows'] / found['commit_s']):,.0f} times as fast as the commit "
            "takes them (reading included)"
            + (
                f", COPY {found['floor_rows'] / found['copy_s'] / (found['rows'] / found['commit_s']):,.0f} times"
                if found.get("copy_s")
                else ""
            )
            + "."
        )
    profile = next(iter(results.values()))["imports"][0].get("profile")
    if profile:
        commit = profile["commit"]
        share = {f["name"]: f["seconds"] / commit["total_s"] for f in commit["functions"]}
        read = share.get("importers.read (every row to a record)", 0)
        bulk = share.get("QuerySet.bulk_create", 0)
        execute = share.get("the database driver's execute", 0)
        execute += share.get("the database driver's executemany", 0)
        lines.append(
            f"- Under cProfile, the commit spends {read:.0%} reading the file again, as the "
            f"check did, and {bulk:.0%} in `bulk_create`, most of it building each row's SQL in "
            f"Python: the database driver's execute is {execute:.0%}."
        )
    return lines


def section(results: dict[str, dict[str, Any]]) -> str:
    first = next(iter(results.values()))
    m, size = first["machine"], first["size"]
    per_file = first["imports"][-1]["rows"]
    loads = "; ".join(
        f"{r['load_average_start'][0]:.1f} at the start and {r['load_average_end'][0]:.1f} at "
        f"the end of the {ENGINES[e]} run"
        for e, r in results.items()
    )
    lines = [
        START,
        "## Field monitoring: imports, the need index and the map",
        "",
        f"Measured on {first['date']} on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB "
        f"of memory, {m['system']}, Python {m['python']}, SQLite {m['sqlite']}"
        + (f", PostgreSQL {results['postgresql']['server']}" if "postgresql" in results else "")
        + f"; load average {loads} (the benchmark itself is 1). {size['visits']:,} visits to "
        f"{size['sites']:,} sites in the IPIS open-data layout, generated by "
        f"`monitoring.synthetic.ipis_rows` (seed {first['seed']}, {first['years'][0]}–"
        f"{first['years'][1]}, clean cells) as {first['files']} CSV files of {per_file:,} "
        "rows, imported one after the other through `importers.upload` (the check) and "
        "`importers.commit`, as a programme's manager would. To run it again:",
        "",
        "```sh",
        "make bench-monitoring    # SQLite, then PostgreSQL; or `make bench`",
        "```",
        "",
        "It writes this section; `.venv/bin/python -m bench.monitoring --small` is a quick "
        "check on 5,000 sites and 100,000 visits that leaves this page alone. The files and "
        "the loaded databases are cached under `bench/results/`; `--rebuild` makes them "
        "again.",
        "",
        "### Targets",
        "",
        "| target | " + " | ".join(ENGINES[e] for e in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    cells = [_index_verdict(result) for result in results.values()]
    lines.append(
        f"| need index of every area at most {INDEX_MS:.0f} ms | " + " | ".join(cells) + " |"
    )
    cells = []
    for result in results.values():
        p95 = _geo_p95(result)
        cells.append(f"{_verdict(p95 <= GEOJSON_MS)}: {_ms(p95)} ms p95 over HTTP")
    lines.append(
        f"| the map's GeoJSON of every site at most {GEOJSON_MS / 1000:.0f} s | "
        + " | ".join(cells)
        + " |"
    )
    cells = []
    for result in results.values():
        rate = _end_to_end(result["imports"][-1])
        cells.append(f"{_verdict(rate >= IMPORT_ROWS_S)}: {rate:,.0f} rows/s")
    lines.append(
        f"| imports at least {IMPORT_ROWS_S:,.0f} rows per second "
        f"(check and commit of {per_file:,} rows) | " + " | ".join(cells) + " |"
    )
    lines += [
        "",
        "### The need index",
        "",
        f"`need.compute(snapshot.current(), level, start, end, weights(), resolution)` with "
        f"the default weights, every area of the level, {first['runs']['index']} runs after "
        f"{first['runs']['warmup']} warm-ups; times in milliseconds, p50 / p95. The **floor** "
        "is the same computation in DuckDB (in memory, over the visits and sites exported from "
        "the same database, H3 cells computed from the sites' coordinates by the same h3 "
        "library): each site's latest on-site visit in the period by `arg_max`, its bits "
        "expanded per component, the known and present sites per area and the weighted "
        "score, in one query. The **peer** is that query in the database itself, the latest "
        "visit picked by `ROW_NUMBER()` over each site's visits (H3 cells from a temporary "
        f"table), {first['runs']['sql']} runs after a warm-up. *First call* is the "
        "platform's first computation of the level after the snapshot was built: for H3, it "
        "places every site in its cell, which the snapshot then keeps.",
        "",
    ]
    for engine, result in results.items():
        snap = result["snapshot"]
        builds = ", ".join(f"{b / 1000:.1f}" for b in snap["builds_ms"])
        lines += [
            f"**{ENGINES[engine]}**: {result['counts']['visits']:,} visits "
            f"({result['counts']['onsite_visits']:,} on site) at {result['counts']['sites']:,} "
            f"sites; the snapshot (`snapshot.build`, cold, {len(snap['builds_ms'])} times) "
            f"took {builds} s and holds {snap['visits']:,} visits in "
            f"{snap['rss_mb']:,.0f} MiB. DuckDB: export {result['index']['duckdb']['export_s']:.1f} s, "
            f"load {result['index']['duckdb']['load_s']:.1f} s (not in the floor's times).",
            "",
            "| areas | how many | platform | floor (DuckDB) | peer (SQL) | first call |",
            "|---|---:|---|---|---|---:|",
        ]
        for row in result["index"]["levels"]:
            lines.append(
                f"| {_level(row)} | {row['areas']:,} | **{_cell(row['platform'])}** | "
                f"{_cell(row['duckdb'])} | {_cell(row['sql'])} | {_ms(row['first_ms'])} |"
            )
        lines += _index_notes(result)
        if engine == _first_missed(
            results, lambda r: _worst_index(r)["platform"]["p95"] > INDEX_MS
        ):
            lines += _hot(
                f"Where the time of `need.compute` goes ({_profiled_level(result)}, "
                "5 runs under cProfile)",
                result["index"]["profile"],
            )
        worst_duck = max(r["duckdb_max_difference"] for r in result["index"]["levels"])
        worst_sql = max(r["sql_max_difference"] for r in result["index"]["levels"])
        lines += [
            f"Every area had the same sites, visited sites and known and present counts per "
            f"component in all three, and the same score to {worst_duck:.1e} (DuckDB) and "
            f"{worst_sql:.1e} (SQL); the benchmark fails beyond 1e-9.",
            "",
        ]
    lines += [
        "### The map",
        "",
        f"Every site on the map, unfiltered, {first['runs']['geojson']} runs after warm-ups; "
        "milliseconds, p50 / p95. **Function** is `present.geojson(snapshot.current(), "
        "access, MapFilter())`; **test client** is `GET /monitoring/sites.geojson` through "
        "Django's test client (middleware, view, no network); **HTTP** is that request "
        "through gunicorn (2 sync workers, debug off) over loopback, the body read whole. "
        "*Public* is an anonymous visitor (flagged sites' coordinates rounded); *granted* "
        "reads every programme's restricted fields.",
        "",
        "| database | who | function | test client | HTTP | features (approximate) | bytes "
        "(gzip) |",
        "|---|---|---|---|---|---|---|",
    ]
    for engine, result in results.items():
        for who in ("public", "granted"):
            g = result["geojson"][who]
            lines.append(
                f"| {ENGINES[engine]} | {who} | {_cell(g)} | {_cell(result['client'][who])} | "
                f"**{_cell(result['gunicorn'][who])}** | {g['features']:,} ({g['approximate']:,})"
                f" | {g['bytes'] / 1e6:.1f} MB ({g['gzip_bytes'] / 1e6:.1f} MB) |"
            )
    lines += _map_notes(results)
    for engine, result in results.items():
        if engine == _first_missed(results, lambda r: _geo_p95(r) > GEOJSON_MS):
            lines += _hot(
                f"Where the time of `present.geojson` goes ({ENGINES[engine]}, public, "
                "3 runs under cProfile)",
                result["geojson"]["profile"],
            )
    lines += [
        "### Imports",
        "",
        "One generated file into a fresh database: `importers.upload` (reads every row, "
        "reports, plans, stores the file: the dry run) and `importers.commit` (reads the "
        "file again and writes sites, visits, minerals and armed actors in one transaction), "
        "in rows per second. The **floor** is one `executemany` INSERT of the same visit rows "
        "(prepared beforehand as `bulk_create` prepares them) into the same table, in one "
        "transaction: what the database takes with no reading and no other table; on "
        "PostgreSQL, *COPY* is the same rows through `COPY … FROM STDIN`, its bulk path. "
        "*End to end* "
        "is check and commit together, what a user waits for.",
        "",
        "| database | rows | upload | commit | end to end | floor (executemany) | COPY | "
        "peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, result in results.items():
        for found in result["imports"]:
            lines.append(
                f"| {ENGINES[engine]} | {found['rows']:,} | "
                f"{_rate(found['rows'], found['upload_s'])} | "
                f"{_rate(found['rows'], found['commit_s'])} | "
                f"**{_end_to_end(found):,.0f}** | {_rate(found['floor_rows'], found['floor_s'])} | "
                f"{_rate(found['floor_rows'], found.get('copy_s') or 0)} | "
                f"{found['peak_after_commit_mb']:,.0f} MiB |"
            )
    small, large = first["imports"][0], first["imports"][-1]
    slope = (large["peak_after_commit_mb"] - small["peak_after_commit_mb"]) / (
        large["rows"] - small["rows"]
    )
    whole = large["peak_after_commit_mb"] + slope * (size["visits"] - large["rows"])
    lines += [
        "",
        "Memory grows with the file: the whole file is held as cells and then as records, "
        f"about {slope * 1024:,.1f} KiB a row here, so one file of all {size['visits']:,} "
        f"rows ({first['all_files_bytes'] / 1e6:,.0f} MB"
        + (
            f", over the {first['upload_limit_bytes'] / 1e6:,.0f} MB the import page takes"
            if first["all_files_bytes"] > first["upload_limit_bytes"]
            else ""
        )
        + f") would need about {whole / 1024:,.1f} GiB. The data set was imported as "
        f"{first['files']} files instead, as a user would:",
        "",
        "| database | visits | check + commit | rows/s overall | rows/s, first → last file "
        "| peak memory |",
        "|---|---|---:|---:|---:|---:|",
    ]
    lines += [_load_line(engine, result) for engine, result in results.items()]
    lines += _import_notes(results)
    lines += _profile(first)
    lines += ["", END]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def write(doc: Path = DOC) -> None:
    results = {
        engine: read_json(RESULTS / f"monitoring-{engine}.json")
        for engine in ENGINES
        if (RESULTS / f"monitoring-{engine}.json").exists()
    }
    if not results:
        return
    text = doc.read_text(encoding="utf-8")
    text = text.replace(INTRO_OLD, INTRO_NEW)
    new = section(results)
    if START in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + new + after
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    doc.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
