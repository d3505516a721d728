"""Write the donor matching's figures into docs/benchmarks.md, between its markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, read_json

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-matching:start -->", "<!-- bench-matching:end -->"
P95_TARGET_MS = 100.0
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _cell(figures: dict[str, float]) -> str:
    return f"{_ms(figures['p50'])} / {_ms(figures['p95'])}"


def section(results: dict[str, dict[str, Any]]) -> str:
    first = next(iter(results.values()))
    m, size = first["machine"], first["size"]
    lines = [
        START,
        "## Donor matching",
        "",
        f"Measured on {first['date']} on {m['cores']} cores ({m['cpu']}), Python "
        f"{m['python']}, SQLite {m['sqlite']}, with {size['donors']:,} published donor "
        f"profiles, {size['opportunities']:,} funding opportunities and "
        f"{size['activities']:,} IATI activities (their footprint rebuilt by "
        "`rebuild_footprint`). To run it again:",
        "",
        "```sh",
        "make bench-matching      # SQLite, then PostgreSQL when it answers; or `make bench`",
        "```",
        "",
        f"{first['concepts']} generated concepts (one to four lever issues, up to three SDG "
        f"goals, one or two countries, a budget, an instrument and a proposer), each ranked "
        f"{first['repeats']} times after a warm-up; times in milliseconds, p50 / p95. The "
        "**platform** is `funding.matching.rank_donors(concept, limit=20)`: all six parts for "
        "every donor from the in-memory matching index, the 20 best, and their reasons. The "
        "**floor** is one SQL statement ranking on three of the six parts (priorities, "
        "geography, IATI history) with no reasons; the **peer** ranks on all six parts inside "
        "the database in one SQL statement (`bench/matching_sql.py`), with no reasons.",
        "",
        "| database | platform | floor (3 parts, SQL) | peer (6 parts, SQL) | index build |",
        "|---|---|---|---|---|",
    ]
    for engine, result in results.items():
        lines.append(
            f"| {ENGINES[engine]} | **{_cell(result['platform'])}** | {_cell(result['floor'])} "
            f"| {_cell(result['peer'])} | {result['index_build_ms']:,} ms |"
        )
    lines.append("")
    for engine, result in results.items():
        p95 = result["platform"]["p95"]
        verdict = "**met**" if p95 <= P95_TARGET_MS else "**missed**"
        lines.append(
            f"- {ENGINES[engine]}: ranking all donors at most {P95_TARGET_MS:.0f} ms p95: "
            f"{verdict} ({_ms(p95)} ms)."
        )
    lines += [
        "- The index is built once per process and again only after a change (its token in "
        "`IndexVersion`); the build time above is what the first ranking after a change pays.",
        "- The ranking in SQL costs more than the whole platform: each part's aggregate has to "
        "be sorted and indexed for the join on every call, where the index keeps them ready.",
        "",
        END,
    ]
    return "\n".join(lines)


def write(doc: Path = DOC) -> None:
    results = {
        engine: read_json(RESULTS / f"matching-{engine}.json")
        for engine in ENGINES
        if (RESULTS / f"matching-{engine}.json").exists()
    }
    if not results:
        return
    text = doc.read_text(encoding="utf-8")
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
