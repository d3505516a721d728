"""Write the library's figures into docs/benchmarks.md, between its library markers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.common import ROOT

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-library:start -->", "<!-- bench-library:end -->"
P95_TARGET_MS = 50.0
PAGES_TARGET = 30.0


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _row(row: dict[str, Any]) -> str:
    totals = [q["total"] or 0 for q in row["queries"]]
    matches = f"{min(totals):,}–{max(totals):,}"
    cells = [
        f"{_ms(row[system]['p50'])} / {_ms(row[system]['p95'])}"
        for system in ("api", "datasette", "floor")
    ]
    return (
        f"| {row['kind']} | {matches} | "
        + " | ".join(cells)
        + f" | {row['p95_vs_datasette']:.2f} |"
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def search_section(result: dict[str, Any]) -> list[str]:
    corpus, overall = result["corpus"], result["overall"]
    targeted = [row for row in result["kinds"] if not row.get("broad")]
    broad = [row for row in result["kinds"] if row.get("broad")]
    p95_ok = overall["api"]["p95"] <= P95_TARGET_MS
    peer_ok = overall["api"]["p95"] <= overall["datasette"]["p95"]
    kinds_faster = sum(row["api"]["p95"] <= row["datasette"]["p95"] for row in targeted)
    floor_over = sum(row["floor"]["p95"] > P95_TARGET_MS for row in targeted)
    shares = [
        (q["total"] or 0) / corpus["search_documents"] for row in broad for q in row["queries"]
    ]
    share = f"{min(shares, default=0):.0%} to {max(shares, default=0):.0%}"
    lines = [
        "### Search",
        "",
        f"{result['requests_per_kind']} sequential requests per kind of query and system "
        f"({result['requests_per_kind'] // 4} for the broad words), "
        "interleaved, after a warm-up; each kind has five queries, used in turn, and the "
        "filtered kinds give each of them one of five filter sets (country; lever issue; type; "
        "country and issue; country and type). Times in milliseconds, p50 / p95; *matches* is "
        "the `total` the API returns (documents in scope) for the kind's queries.",
        "",
        "| query kind | matches | API p50 / p95 | Datasette p50 / p95 | floor p50 / p95 | API p95 ÷ Datasette p95 |",
        "|---|---|---|---|---|---|",
        *[_row(row) for row in targeted],
        f"| **all of the above** | | **{_ms(overall['api']['p50'])} / {_ms(overall['api']['p95'])}** "
        f"| {_ms(overall['datasette']['p50'])} / {_ms(overall['datasette']['p95'])} "
        f"| {_ms(overall['floor']['p50'])} / {_ms(overall['floor']['p95'])} "
        f"| {overall['p95_vs_datasette']:.2f} |",
        *[_row(row) for row in broad],
        "",
        f"- API p95 at most {P95_TARGET_MS:.0f} ms: {_verdict(p95_ok)} "
        f"({_ms(overall['api']['p95'])} ms over all the kinds above).",
        f"- No slower than Datasette: {_verdict(peer_ok)} (p95 {_ms(overall['api']['p95'])} ms "
        f"against {_ms(overall['datasette']['p95'])} ms; the API's p95 is at or under Datasette's "
        f"in {kinds_faster} of {len(targeted)} kinds).",
        f"- The API returned the floor's hits, in the floor's order and with its scores, for "
        f"{'every query' if result['same_hits_as_floor'] else '**not every query**'}.",
        f"- The floor alone is over {P95_TARGET_MS:.0f} ms at p95 in {floor_over} of "
        f"{len(targeted)} kinds: at this size, ranking every matching document by BM25 is "
        "most of the time of a search that matches thousands of them. Datasette adds "
        f"{_ms(overall['datasette']['p50'] - overall['floor']['p50'])} ms at p50 to the floor "
        "(HTTP and JSON); the API adds "
        f"{_ms(overall['api']['p50'] - overall['datasette']['p50'])} ms to Datasette: the "
        "total, the counts of eight facets over every matching resource, the resources of the "
        "hits, and Django's request on a new SQLite connection (the settings close SQLite "
        "connections after each request, so every search starts with a cold page cache).",
        "",
        "The queries: "
        + "; ".join(
            f"{row['kind']}: " + ", ".join(f"`{q['q']}`" for q in row["queries"])
            for row in result["kinds"]
            if "filters" not in row["kind"]
        )
        + f". The *broad word* row is not in the totals: each of those is in {share} of the "
        "search documents, so every system scores tens of thousands of them, and the API "
        "counts the facets of most resources.",
        "",
        f"The corpus: {corpus['resources']:,} resources ({corpus['published_resources']:,} "
        f"published), {corpus['passages']:,} passages, {corpus['search_documents']:,} search "
        f"documents, {corpus['words'] / 1e6:.0f} million words of passages, "
        f"{corpus['file_bytes'] / 2**30:.1f} GiB of SQLite; {corpus['resource_countries']:,} "
        f"country, {corpus['resource_minerals']:,} mineral, {corpus['resource_lever_issues']:,} "
        f"lever issue, {corpus['resource_sdg_goals']:,} SDG goal and "
        f"{corpus['resource_publishers']:,} publisher links; built in "
        f"{corpus['build_seconds']:.0f} s and cached (`bench/corpus.py` says how).",
    ]
    return lines


def ingest_section(result: dict[str, Any]) -> list[str]:
    platform, floor = result["platform"], result["floor"]
    ok = platform["pages_per_second"] >= PAGES_TARGET
    stages = platform["stages_seconds"]
    lines = [
        "### Ingestion",
        "",
        f"{result['pdfs']['files']} PDFs of {result['pdfs']['pages_each']} pages "
        f"({platform['pages']} pages) through `library.services.ingest_path`, the service of "
        "`asmhub ingest`, into a fresh database: extraction, passages, search documents, tag "
        "suggestions, one transaction per file.",
        "",
        "| | pages/s | seconds |",
        "|---|---|---|",
        f"| ingest service, extraction to index | **{platform['pages_per_second']:.1f}** "
        f"| {platform['seconds']:.2f} |",
        *[f"| — {stage} | | {seconds:.2f} |" for stage, seconds in stages.items()],
        f"| floor: pypdfium2 text alone | {floor['pages_per_second']:.1f} | {floor['seconds']:.2f} |",
        "",
        f"- At least {PAGES_TARGET:.0f} pages/s: {_verdict(ok)}. The tagger is built once per "
        f"process before the first file ({platform['tagger_setup_seconds']:.2f} s, not in the "
        f"figures); the run stored {platform['passages']:,} passages, "
        f"{platform['search_documents']:,} search documents and "
        f"{platform['tag_suggestions']:,} tag suggestions.",
    ]
    return lines


def section(search: dict[str, Any], ingest: dict[str, Any]) -> str:
    m = search["machine"]
    lines = [
        START,
        "## The library: search and ingestion",
        "",
        f"Measured on {search['date']} on {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), "
        f"{m['memory_gb']} GB of memory, {m['system']}, Python {m['python']}, "
        f"SQLite {m['sqlite']}; load average {search['load_average'][0]:.1f} at the end of "
        "the search run. To run it again (about 11 minutes once the corpus is cached; "
        "building it takes about 4 more the first time):",
        "",
        "```sh",
        "make bench-library        # or `make bench` for every benchmark",
        "```",
        "",
        "It writes this section; `.venv/bin/python -m bench.library --small` is a quick check "
        "on a small corpus that leaves this page alone. bench/README.md says what each script "
        "measures.",
        "",
        "Three systems answer the same queries on the same SQLite file: the **API** "
        "(`GET /api/library/search`, gunicorn with 2 sync workers, debug off, a new loopback "
        "connection per request: ranked hits with snippets, the total, and the counts of all "
        "eight facets); **Datasette** 0.65 serving the file immutable, asked through its JSON "
        "SQL endpoint for the API's hits (the same FTS5 MATCH, filters, BM25 weights, snippets "
        "and LIMIT 20, without the total or the facets); and the **floor**, that SQL run by "
        "Python's sqlite3 in the benchmark's process on a warm connection.",
        "",
        *search_section(search),
        "",
        *ingest_section(ingest),
        END,
    ]
    return "\n".join(lines) + "\n"


def write(search: dict[str, Any], ingest: dict[str, Any], doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise RuntimeError(f"{doc} has no {START} … {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(head + section(search, ingest) + tail.lstrip("\n"), encoding="utf-8")
