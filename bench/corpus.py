"""Build (or reuse) the library corpus the search benchmark runs on.

    .venv/bin/python -m bench.corpus [--small] [--rebuild]

The corpus is its own SQLite file under bench/results/. It is set up the way a deployment
is: ``asmhub migrate``, ``asmhub load-taxonomy``, and the demo data of the directory and the
library (the directory gives the publishers, the library its facts and success stories). Then
resources, their facet relations and their passages are bulk-inserted, with their search
documents written as ``library.services.reindex_resource`` writes them. The FTS5 insert
trigger is dropped during the load and put back after it, and the index is built with FTS5's
'rebuild' command, which reads the same rows the trigger would have indexed one by one.

A corpus whose manifest matches the requested size, seed and generator is reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import random
import re
import sqlite3
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.common import RESULTS, app_env, asmhub, log, read_json, write_json
from bench.textgen import Writer, load_seed, pseudo_names

GENERATOR = 6  # bump when the generated data changes, so that cached corpora are rebuilt
RANDOM_SEED = 2005
BATCH = 2000  # resources per transaction chunk
DEMO = (  # the demo data of the directory and the library only
    "from asmhub.directory.services import load_demo_directory; "
    "from asmhub.library.services import load_demo_library; "
    "print(load_demo_directory(), load_demo_library())"
)

# Countries where artisanal and small-scale mining is widespread: tagged far more often.
ASM_COUNTRIES = frozenset(
    {
        "GH",
        "PE",
        "TZ",
        "CD",
        "BO",
        "EC",
        "CO",
        "ML",
        "BF",
        "ZW",
        "ZM",
        "MN",
        "ID",
        "PH",
        "MG",
        "SL",
        "GN",
        "NE",
        "SD",
        "KE",
        "UG",
        "RW",
        "BR",
        "VE",
        "GY",
        "SR",
        "LA",
        "MM",
        "CI",
        "NG",
        "ET",
        "MZ",
        "CM",
        "CF",
        "TD",
        "PG",
        "NI",
        "HN",
        "MX",
        "IN",
        "LK",
        "CN",
    }
)
TYPES = {
    "report": 30,
    "study": 20,
    "brief": 12,
    "toolkit": 6,
    "dataset": 4,
    "policy": 8,
    "meeting-summary": 8,
    "video": 3,
    "photos": 2,
    "press": 7,
}
LANGUAGES = {"en": 80, "fr": 13, "es": 5, "sw": 2}
LICENCES = ["CC BY 4.0", "CC BY-NC 4.0", "All rights reserved", ""]


@dataclass(frozen=True)
class Size:
    label: str
    resources: int
    passages: int


SIZES = {
    "full": Size("full", 100_000, 1_000_000),
    "small": Size("small", 5_000, 50_000),
    # A tenth of the full corpus, for runs on a loaded machine (bench.search_engines).
    "tenth": Size("tenth", 10_000, 100_000),
}


def paths(size: Size) -> tuple[Path, Path]:
    return RESULTS / f"library-{size.label}.sqlite3", RESULTS / f"library-{size.label}.json"


def manifest_matches(manifest_path: Path, database: Path, size: Size) -> bool:
    if not (manifest_path.exists() and database.exists()):
        return False
    manifest = read_json(manifest_path)
    return bool(
        manifest.get("generator") == GENERATOR
        and manifest.get("random_seed") == RANDOM_SEED
        and manifest.get("requested") == asdict(size)
    )


def ensure(size: Size, rebuild: bool = False) -> dict[str, Any]:
    """The corpus of ``size``: its manifest, after building it if needed."""
    database, manifest_path = paths(size)
    if not rebuild and manifest_matches(manifest_path, database, size):
        log(f"reusing the {size.label} corpus at {database}")
        manifest: dict[str, Any] = read_json(manifest_path)
        return manifest
    manifest = build(size, database)
    write_json(manifest_path, manifest)
    return manifest


def build(size: Size, database: Path) -> dict[str, Any]:
    started = time.monotonic()
    RESULTS.mkdir(parents=True, exist_ok=True)
    manifest_path = paths(size)[1]
    manifest_path.unlink(missing_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    data_dir = RESULTS / f"data-{size.label}"
    env = app_env(database, data_dir)
    log(f"building the {size.label} corpus at {database}: migrate, taxonomy, demo data")
    asmhub(env, "migrate", "--noinput", "-v0")
    asmhub(env, "load-taxonomy")
    asmhub(env, "shell", "--no-imports", "-c", DEMO)
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        counts = _load(connection, size)
    finally:
        connection.close()
    seconds = time.monotonic() - started
    log(f"corpus built in {seconds:.0f} s: {counts}")
    return {
        "requested": asdict(size),
        "generator": GENERATOR,
        "random_seed": RANDOM_SEED,
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(seconds, 1),
        "file_bytes": database.stat().st_size,
        **counts,
    }


def _search_index_sql() -> list[str]:
    migration = importlib.import_module("asmhub.library.migrations.0002_search_index")
    statements: list[str] = migration.SQLITE_FORWARD
    return statements


def _load(db: sqlite3.Connection, size: Size) -> dict[str, int]:
    rng = random.Random(RANDOM_SEED)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-400000")
    vocabulary = _vocabulary(db)
    seed = load_seed(list(vocabulary.country_names.values()), [m[2] for m in vocabulary.minerals])
    writer = Writer(seed, rng, pseudo_names(rng, 30_000), pseudo_names(rng, 12_000))
    passage_counts = _passage_counts(rng, size)
    (trigger,) = [s for s in _search_index_sql() if "library_search_ai" in s]
    db.execute("DROP TRIGGER library_search_ai")
    ids = _next_ids(db)
    started = time.monotonic()
    db.execute("BEGIN")
    for first in range(0, size.resources, BATCH):
        chunk = passage_counts[first : first + BATCH]
        rows = _Rows()
        for count in chunk:
            _resource(rng, writer, vocabulary, ids, count, rows)
        rows.insert(db)
        if (first // BATCH) % 10 == 0:
            done = first + len(chunk)
            log(f"  {done} resources, {time.monotonic() - started:.0f} s")
    db.execute("COMMIT")
    log("rebuilding the FTS5 index")
    db.execute(trigger)
    db.execute("INSERT INTO library_search_fts(library_search_fts) VALUES ('rebuild')")
    if size.label == "small":
        db.execute(
            "INSERT INTO library_search_fts(library_search_fts, rank) VALUES ('integrity-check', 1)"
        )
    db.execute("PRAGMA journal_mode=WAL")
    counts = {
        "resources": _count(db, "library_resource"),
        "published_resources": _count(db, "library_resource WHERE status = 'published'"),
        "passages": _count(db, "library_passage"),
        "search_documents": _count(db, "library_searchdocument"),
        "facts": _count(db, "library_fact"),
        "success_stories": _count(db, "library_successstory"),
        "publishers": _count(db, "directory_organization"),
        "words": ids.words,
    }
    for table in ("countries", "minerals", "lever_issues", "sdg_goals", "publishers"):
        counts[f"resource_{table}"] = _count(db, f"library_resource_{table}")
    return counts


def _count(db: sqlite3.Connection, table: str) -> int:
    value: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return value


@dataclass
class _Vocabulary:
    country_codes: list[str]
    country_weights: list[float]
    country_names: dict[str, str]
    minerals: list[tuple[int, str, str]]  # id, slug, name
    mineral_weights: list[float]
    issues: list[tuple[int, str, str]]  # id, slug, name
    issue_goals: dict[int, list[int]]  # lever issue id -> SDG goal ids
    publishers: list[int]


def _vocabulary(db: sqlite3.Connection) -> _Vocabulary:
    countries = db.execute("SELECT code, name FROM taxonomy_country ORDER BY code").fetchall()
    minerals = db.execute("SELECT id, slug, name FROM taxonomy_mineral ORDER BY id").fetchall()
    issues = db.execute("SELECT id, slug, name FROM taxonomy_leverissue ORDER BY id").fetchall()
    goals: dict[int, list[int]] = {}
    for issue_id, goal_id in db.execute(
        "SELECT DISTINCT l.leverissue_id, t.goal_id FROM taxonomy_leverissue_sdg_targets l "
        "JOIN taxonomy_sdgtarget t ON t.id = l.sdgtarget_id ORDER BY 1, 2"
    ):
        goals.setdefault(issue_id, []).append(goal_id)
    major = {"gold": 40.0, "diamonds": 8.0, "tin": 6.0, "tantalum": 6.0, "cobalt": 5.0}
    return _Vocabulary(
        country_codes=[c for c, _ in countries],
        country_weights=[30.0 if c in ASM_COUNTRIES else 0.3 for c, _ in countries],
        country_names={c: n.split(",")[0] for c, n in countries},
        minerals=minerals,
        mineral_weights=[major.get(slug, 1.0) for _, slug, _ in minerals],
        issues=issues,
        issue_goals=goals,
        publishers=[r[0] for r in db.execute("SELECT id FROM directory_organization ORDER BY id")],
    )


def _passage_counts(rng: random.Random, size: Size) -> list[int]:
    """Passages per resource: skewed (many short briefs, a few long reports), summing exactly."""
    weights = [rng.lognormvariate(0, 0.9) for _ in range(size.resources)]
    scale = (size.passages - size.resources) / sum(weights)
    counts = [1 + int(w * scale) for w in weights]
    missing = size.passages - sum(counts)
    for index in rng.sample(range(size.resources), missing):
        counts[index] += 1
    return counts


@dataclass
class _Ids:
    resource: int
    passage: int
    document: int
    words: int = 0


def _next_ids(db: sqlite3.Connection) -> _Ids:
    def after(table: str) -> int:
        value: int = db.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]
        return value

    return _Ids(
        after("library_resource"), after("library_passage"), after("library_searchdocument")
    )


class _Rows:
    """One chunk of rows for every table the corpus fills."""

    def __init__(self) -> None:
        self.resources: list[tuple[Any, ...]] = []
        self.passages: list[tuple[Any, ...]] = []
        self.documents: list[tuple[Any, ...]] = []
        self.relations: dict[str, list[tuple[int, Any]]] = {
            "countries": [],
            "minerals": [],
            "lever_issues": [],
            "sdg_goals": [],
            "publishers": [],
        }

    def insert(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO library_resource (id, status, created_at, updated_at, slug, title, "
            "resource_type, authors, published_on, year, language, place, summary, licence, "
            "source_url, file, file_name, content_hash, format, page_count, word_count, "
            "ingest_status, ingest_error, created_by_id, owner_organization_id) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, NULL, 'pdf', ?, ?, 'ready', '', "
            "NULL, NULL)",
            self.resources,
        )
        db.executemany(
            "INSERT INTO library_passage (id, resource_id, position, page, heading, text) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            self.passages,
        )
        db.executemany(
            "INSERT INTO library_searchdocument (id, kind, resource_id, passage_id, page, "
            "position, title, heading, body, is_public, fact_id, story_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            self.documents,
        )
        columns = {
            "countries": "country_id",
            "minerals": "mineral_id",
            "lever_issues": "leverissue_id",
            "sdg_goals": "sdggoal_id",
            "publishers": "organization_id",
        }
        for name, rows in self.relations.items():
            db.executemany(
                f"INSERT INTO library_resource_{name} (resource_id, {columns[name]}) VALUES (?, ?)",
                rows,
            )


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", ascii_text.lower())).strip("-_")


def _some(rng: random.Random, population: list[Any], weights: list[float], k: int) -> list[Any]:
    chosen: list[Any] = []
    while len(chosen) < k:
        (item,) = rng.choices(population, weights)
        if item not in chosen:
            chosen.append(item)
    return chosen


def _resource(
    rng: random.Random, writer: Writer, v: _Vocabulary, ids: _Ids, passages: int, rows: _Rows
) -> None:
    rid = ids.resource
    ids.resource += 1
    countries = _some(rng, v.country_codes, v.country_weights, rng.choices([1, 2, 3], [6, 3, 1])[0])
    minerals = _some(rng, v.minerals, v.mineral_weights, rng.choices([1, 2], [7, 3])[0])
    issues = rng.sample(v.issues, rng.choices([1, 2, 3], [4, 4, 2])[0])
    goals = sorted({g for issue in issues for g in v.issue_goals.get(issue[0], [])})
    goals = rng.sample(goals, min(len(goals), rng.randint(1, 3)))
    publishers = rng.sample(v.publishers, rng.choices([0, 1, 2], [3, 6, 1])[0])
    published = rng.random() < 0.97
    names = [v.country_names[c] for c in countries]
    mineral_names = [m[2] for m in minerals]
    topics = [i[1] for i in issues]
    language = rng.choices(list(LANGUAGES), list(LANGUAGES.values()))[0]
    title = writer.title(issues[0][2].split(":")[0], names[0], mineral_names[0], language)
    year = min(2025, int(1990 + 36 * rng.random() ** 0.6))
    day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.4 else None
    created = dt.datetime(2024, 1, 1) + dt.timedelta(seconds=rng.randint(0, 60_000_000))
    stamp = created.strftime("%Y-%m-%d %H:%M:%S.%f")
    slug = f"{_slugify(title)[:90].strip('-')}-{rid}"
    authors = writer.authors()
    summary = writer.summary(topics, names, mineral_names, language)
    public = 1 if published else 0
    rows.documents.append(
        (ids.document, "resource", rid, None, None, None, title, authors, summary, public)
    )
    ids.document += 1
    per_page = rng.randint(2, 3)
    heading = writer.heading(language)
    words = 0
    for position in range(passages):
        if position and rng.random() < 0.2:
            heading = writer.heading(language)
        text = writer.passage(topics, names, mineral_names, rng.randint(60, 150), language)
        words += len(text.split())
        page = position // per_page + 1
        rows.passages.append((ids.passage, rid, position, page, heading, text))
        rows.documents.append(
            (
                ids.document,
                "passage",
                rid,
                ids.passage,
                page,
                position,
                title,
                heading,
                text,
                public,
            )
        )
        ids.passage += 1
        ids.document += 1
    ids.words += words
    rows.resources.append(
        (
            rid,
            "published" if published else "draft",
            stamp,
            stamp,
            slug,
            title,
            rng.choices(list(TYPES), list(TYPES.values()))[0],
            authors,
            day.isoformat() if day else None,
            year,
            language,
            writer._zipf(writer.places),
            summary,
            rng.choice(LICENCES),
            f"https://library.example.org/{slug}" if rng.random() < 0.5 else "",
            f"{slug[:80]}.pdf",
            (passages - 1) // per_page + 1,
            words,
        )
    )
    rows.relations["countries"] += [(rid, c) for c in countries]
    rows.relations["minerals"] += [(rid, m[0]) for m in minerals]
    rows.relations["lever_issues"] += [(rid, i[0]) for i in issues]
    rows.relations["sdg_goals"] += [(rid, g) for g in goals]
    rows.relations["publishers"] += [(rid, p) for p in publishers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="5,000 resources, 50,000 passages")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if cached")
    args = parser.parse_args()
    manifest = ensure(SIZES["small" if args.small else "full"], rebuild=args.rebuild)
    print(manifest)


if __name__ == "__main__":
    main()
