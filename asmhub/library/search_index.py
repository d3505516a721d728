"""The embedded search index: Tantivy, in the data directory, following every write.

Each SearchDocument row is one Tantivy document, with what a search needs held in the
index itself: the text (title, heading, body, analysed in the language of the document:
English or French stemming, accents folded), who may see it (``vis``), and the values
of the eight facets of its resource (or, for a story, its own countries and issues).

The documents are grouped in *units*: a resource with its passages and facts, a story,
or a fact without a source. A write schedules its unit; when the transaction commits the
unit is read again from the database and replaced in the index. Every document of a
unit carries the unit's *stamp*, a digest of what the database holds for it; ``check()``
compares the stamps of the index with those of the database and resynchronises the
units that differ, which repairs a crash between a write and its index update. It runs
once per process, before the first search, and with ``asmhub reindex --check``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, Max, Q, Sum
from django.db.models.functions import Cast

from asmhub.core.models import Status
from asmhub.library.models import Fact, Resource, SearchDocument, SuccessStory

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "heading", "body")
LANGUAGES = ("en", "fr")
FACET_FIELDS = {
    "type": "f_type",
    "country": "f_country",
    "mineral": "f_mineral",
    "issue": "f_issue",
    "sdg": "f_sdg",
    "year": "f_year",
    "language": "f_language",
    "organization": "f_organization",
}
PUBLIC = "public"
WRITER_HEAP = 64_000_000

_lock = threading.Lock()
_index: tantivy.Index | None = None
_index_path: Path | None = None
_checked: set[Path] = set()
_pending = threading.local()


def enabled() -> bool:
    return bool(settings.ASMHUB_SEARCH_ENGINE == "tantivy")


def _analyzer(language: str) -> tantivy.TextAnalyzer:
    stemmer = {"en": "english", "fr": "french"}[language]
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer(stemmer))
        .build()
    )


def _prefix_analyzer() -> tantivy.TextAnalyzer:
    """Prefixes are folded but not stemmed: a stem may be shorter than what was typed."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


ANALYZERS = {language: _analyzer(language) for language in LANGUAGES}
PREFIX_ANALYZER = _prefix_analyzer()


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for language in LANGUAGES:
        for name in TEXT_FIELDS:
            builder.add_text_field(f"{name}_{language}", stored=True, tokenizer_name=language)
    # Every word of the document, folded but not stemmed, for prefixes: a stem may be
    # shorter than what is typed ("legaliz*" must find "legalization", whose stem is "legal").
    builder.add_text_field("words", tokenizer_name="folded")
    builder.add_unsigned_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    for name in ("resource_id", "fact_id", "story_id"):
        builder.add_unsigned_field(name, stored=True, indexed=True, fast=True)
    builder.add_integer_field("position", stored=True)
    builder.add_integer_field("page", stored=True)
    builder.add_text_field("vis", tokenizer_name="raw")
    builder.add_text_field("unit", stored=True, tokenizer_name="raw", fast=True)
    builder.add_text_field("stamp", tokenizer_name="raw", fast=True)
    for name in FACET_FIELDS.values():
        builder.add_text_field(name, tokenizer_name="raw", fast=True)
    return builder.build()


SCHEMA = _schema()


def index_path() -> Path:
    return Path(settings.ASMHUB_SEARCH_INDEX_DIR)


def get_index() -> tantivy.Index:
    """The index of this process, opened (or created) once."""
    global _index, _index_path
    path = index_path()
    with _lock:
        if _index is None or _index_path != path:
            path.mkdir(parents=True, exist_ok=True)
            try:
                index = tantivy.Index(SCHEMA, path=str(path), reuse=True)
            except ValueError:
                # An index of an older schema: start afresh; the check refills it.
                log.warning("search index at %s has another schema: recreating it", path)
                index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
            for language, analyzer in ANALYZERS.items():
                index.register_tokenizer(language, analyzer)
            index.register_tokenizer("folded", PREFIX_ANALYZER)
            _index, _index_path = index, path
        return _index


def searcher() -> tantivy.Searcher:
    index = get_index()
    if index_path() not in _checked:
        _checked.add(index_path())
        check()
    index.reload()
    return index.searcher()


# -- units and stamps -------------------------------------------------------------------


def unit_of(resource_id: int | None, fact_id: int | None, story_id: int | None) -> str:
    if resource_id:
        return f"r{resource_id}"
    if story_id:
        return f"s{story_id}"
    return f"f{fact_id}"


def _unit_filter(unit: str) -> Q:
    pk = int(unit[1:])
    if unit[0] == "r":
        return Q(resource_id=pk)
    if unit[0] == "s":
        return Q(story_id=pk)
    return Q(fact_id=pk, resource_id=None)


def stamps(units: Iterable[str] | None = None) -> dict[str, str]:
    """What the database holds for each unit (all of them, or ``units``), as a digest."""
    documents = SearchDocument.objects.order_by()
    if units is not None:
        condition = Q(pk__in=[])
        for unit in units:
            condition |= _unit_filter(unit)
        documents = documents.filter(condition)
    rows = documents.values("resource_id", "story_id", "fact_id").annotate(
        n=Count("id"),
        ids=Sum("id"),
        public=Sum(Cast("is_public", IntegerField())),
        changed=Max("resource__updated_at"),
        fact_changed=Max("fact__updated_at"),
        story_changed=Max("story__updated_at"),
    )
    found: dict[str, list[Any]] = {}
    for row in rows:
        unit = unit_of(row["resource_id"], row["fact_id"], row["story_id"])
        parts = found.setdefault(unit, [0, 0, 0, "", ""])
        parts[0] += row["n"]
        parts[1] += row["ids"] or 0
        parts[2] += row["public"] or 0
        changed = row["changed"] or row["story_changed"]
        parts[3] = max(parts[3], changed.isoformat() if changed else "")
        fact = row["fact_changed"]
        parts[4] = max(parts[4], fact.isoformat() if fact else "")
    return {unit: ":".join([unit, *map(str, parts)]) for unit, parts in found.items()}


def indexed_stamps() -> dict[str, str]:
    """The stamps the index holds, by unit."""
    index = get_index()
    index.reload()
    # The term dictionary, counted over live documents (a deleted one's terms linger until
    # its segment is merged); unlike an aggregation, it has no bucket limit.
    found = index.searcher().terms_with_prefix("stamp", "", filter_query=tantivy.Query.all_query())
    return {stamp.split(":", 1)[0]: stamp for stamp, count in found if count}


def check() -> list[str]:
    """Resynchronise the units whose stamp differs between the database and the index."""
    held, wanted = indexed_stamps(), stamps()
    stale = sorted(u for u in {*held, *wanted} if held.get(u) != wanted.get(u))
    if stale:
        log.warning("search index: %d unit(s) out of step, reindexing", len(stale))
        sync(stale)
    return stale


# -- writing ----------------------------------------------------------------------------


def _writer() -> tantivy.IndexWriter:
    """The index's writer; another process may hold it for a moment, so wait for it."""
    index = get_index()
    for attempt in range(50):
        try:
            return index.writer(WRITER_HEAP, 1)
        except ValueError:
            if attempt == 49:
                raise
            time.sleep(0.1)
    raise AssertionError("unreachable")


def _facet_values(resources: Iterable[int]) -> dict[int, dict[str, list[str]]]:
    """The facet values of each resource, as the index holds them."""
    values: dict[int, dict[str, list[str]]] = {}
    ids = list(resources)
    for pk, kind, year, language in Resource.objects.filter(pk__in=ids).values_list(
        "pk", "resource_type", "year", "language"
    ):
        values[pk] = {
            "type": [kind],
            "year": [str(year)] if year is not None else [],
            "language": [language] if language else [],
        }
    for key, name in (
        ("country", "countries"),
        ("mineral", "minerals"),
        ("issue", "lever_issues"),
        ("sdg", "sdg_goals"),
        ("organization", "publishers"),
    ):
        through = getattr(Resource, name).through
        field = getattr(Resource, name).field
        source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        for resource_id, target_id in through.objects.filter(**{f"{source}__in": ids}).values_list(
            source, target
        ):
            values[resource_id].setdefault(key, []).append(str(target_id))
    return values


def _visibility(*pairs: tuple[str, int | None]) -> list[str]:
    """Who may see a document that each of ``pairs`` (status, owner) must let through.

    ``public``, the one organisation that owns every unpublished record, or nobody but
    editors (an empty list)."""
    owners = {owner for status, owner in pairs if status != Status.PUBLISHED}
    if not owners:
        return [PUBLIC]
    if len(owners) == 1 and None not in owners:
        return [f"org:{owners.pop()}"]
    return []


def _documents(units: list[str]) -> Iterable[tantivy.Document]:
    condition = Q(pk__in=[])
    for unit in units:
        condition |= _unit_filter(unit)
    unit_stamps = stamps(units)
    rows = SearchDocument.objects.filter(condition).order_by("id")
    resource_ids = {u for u in rows.values_list("resource_id", flat=True).distinct() if u}
    story_ids = {u for u in rows.values_list("story_id", flat=True).distinct() if u}
    fact_ids = {u for u in rows.values_list("fact_id", flat=True).distinct() if u}
    resources = {
        pk: (status, owner, language)
        for pk, status, owner, language in Resource.objects.filter(pk__in=resource_ids).values_list(
            "pk", "status", "owner_organization_id", "language"
        )
    }
    facts = {
        pk: (status, owner)
        for pk, status, owner in Fact.objects.filter(pk__in=fact_ids).values_list(
            "pk", "status", "owner_organization_id"
        )
    }
    stories = {
        pk: (status, owner)
        for pk, status, owner in SuccessStory.objects.filter(pk__in=story_ids).values_list(
            "pk", "status", "owner_organization_id"
        )
    }
    story_facets: dict[int, dict[str, list[str]]] = {pk: {} for pk in story_ids}
    for key, name in (("country", "countries"), ("issue", "lever_issues")):
        field = getattr(SuccessStory, name).field
        source, target = field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"
        through = getattr(SuccessStory, name).through
        for story_id, target_id in through.objects.filter(
            **{f"{source}__in": story_ids}
        ).values_list(source, target):
            story_facets[story_id].setdefault(key, []).append(str(target_id))
    facet_values = _facet_values(resource_ids)
    for row in rows.values_list(
        "id",
        "kind",
        "resource_id",
        "fact_id",
        "story_id",
        "position",
        "page",
        "title",
        "heading",
        "body",
    ).iterator(chunk_size=2000):
        pk, kind, resource_id, fact_id, story_id, position, page, title, heading, body = row
        pairs: list[tuple[str, int | None]] = []
        language = "en"
        facets: dict[str, list[str]] = {}
        if resource_id:
            status, owner, resource_language = resources[resource_id]
            pairs.append((status, owner))
            language = "fr" if resource_language == "fr" else "en"
            facets = facet_values.get(resource_id, {})
        if fact_id:
            pairs.append(facts[fact_id])
        if story_id:
            pairs.append(stories[story_id])
            facets = story_facets.get(story_id, {})
        unit = unit_of(resource_id, fact_id, story_id)
        document = tantivy.Document()
        document.add_unsigned("doc_id", pk)
        document.add_text("kind", kind)
        document.add_unsigned("resource_id", resource_id or 0)
        document.add_unsigned("fact_id", fact_id or 0)
        document.add_unsigned("story_id", story_id or 0)
        document.add_integer("position", -1 if position is None else position)
        document.add_integer("page", -1 if page is None else page)
        for name, text in zip(TEXT_FIELDS, (title, heading, body), strict=True):
            document.add_text(f"{name}_{language}", text or "")
            document.add_text("words", text or "")
        for who in _visibility(*pairs):
            document.add_text("vis", who)
        document.add_text("unit", unit)
        document.add_text("stamp", unit_stamps.get(unit, unit))
        for key, field_name in FACET_FIELDS.items():
            for value in facets.get(key, []):
                document.add_text(field_name, value)
        yield document


def sync(units: Iterable[str]) -> int:
    """Replace the documents of ``units`` in the index by what the database holds."""
    wanted = sorted(set(units))
    if not wanted:
        return 0
    writer = _writer()
    added = 0
    try:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for unit in chunk:
                writer.delete_documents_by_term("unit", unit)
            for document in _documents(chunk):
                writer.add_document(document)
                added += 1
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        writer.rollback()
        raise
    return added


def rebuild() -> int:
    """Empty the index and add every document again."""
    units = {
        unit_of(*row)
        for row in SearchDocument.objects.order_by()
        .values_list("resource_id", "fact_id", "story_id")
        .distinct()
    }
    writer = _writer()
    writer.delete_all_documents()
    writer.commit()
    writer.wait_merging_threads()
    return sync(units)


# -- following writes -------------------------------------------------------------------


def _run_after_commit(callback: Callable[[], None]) -> None:
    transaction.on_commit(callback, robust=True)


def schedule(unit: str) -> None:
    """Bring ``unit`` in step with the database once the current transaction commits.

    The units of one transaction are gathered and synchronised together; a transaction
    rolled back drops its callback, and with it its units."""
    if not enabled():
        return
    flush: Callable[[], None] | None = getattr(_pending, "flush", None)
    waiting = [entry[1] for entry in transaction.get_connection().run_on_commit]
    if flush is not None and any(f is flush for f in waiting):
        _pending.units.add(unit)
        return
    units = {unit}
    _pending.units = units

    def new_flush() -> None:
        if getattr(_pending, "flush", None) is new_flush:
            _pending.flush = None
        sync(units)

    _pending.flush = new_flush
    _run_after_commit(new_flush)


def schedule_resource(resource_id: int) -> None:
    schedule(unit_of(resource_id, None, None))


def after_delete(sender: type, instance: Any, **kwargs: Any) -> None:
    """Signal receiver: a deleted resource, fact or story leaves the index with its unit."""
    if isinstance(instance, Fact):
        schedule(unit_of(instance.resource_id, instance.pk, None))
    elif isinstance(instance, SuccessStory):
        schedule(unit_of(None, None, instance.pk))
    else:
        schedule_resource(instance.pk)


def after_save(sender: type, instance: Any, **kwargs: Any) -> None:
    """Signal receiver: a saved resource (published, unpublished, edited) is resynchronised."""
    schedule_resource(instance.pk)


def after_relation(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    """Signal receiver: a resource's or story's countries, minerals, ... are facet values."""
    if not action.startswith("post_"):
        return
    reverse = bool(kwargs.get("reverse"))
    owner = kwargs.get("model") if reverse else type(instance)
    pks = (kwargs.get("pk_set") or ()) if reverse else (instance.pk,)
    for pk in pks:
        schedule(unit_of(None, None, pk) if owner is SuccessStory else unit_of(pk, None, None))
