"""Search across the library: one interface, three engines.

``search()`` parses the query (asmhub.lib.query), limits it to the resources the
user may see and the chosen facets, asks the engine of the current database for
ranked hits with highlighted snippets, and counts facets over the matching
resources. The engines return the same shape:

- SQLite: an FTS5 table over SearchDocument (external content, kept by triggers),
  ranked by BM25 with title, heading and body weighted 4, 2, 1;
- PostgreSQL: a GIN index on a weighted tsvector of the same columns ('simple'
  configuration, so English and French text are indexed alike), ranked by ts_rank_cd;
- with ASMHUB_SEARCH_ENGINE=tantivy (the default), the embedded index of
  ``search_index``: BM25 with block-max WAND top-k, visibility and facet values held in
  the index, English and French stemming, accents folded (``_search_indexed``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol, cast

from django.db import connection
from django.db.models import Exists, ManyToManyField, Model, OuterRef, Q, QuerySet
from django.db.models import Field as DjangoField
from django.db.models.expressions import RawSQL
from django.db.models.options import Options
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.facets import Choice, Facet, FacetOption, FacetResult, apply_facets
from asmhub.core.search import SearchGroup, SearchItem, with_query
from asmhub.directory.models import Organization
from asmhub.lib.query import Query, parse, to_fts5, to_tsquery
from asmhub.library import search_index
from asmhub.library.models import Fact, Resource, ResourceType, SuccessStory
from asmhub.taxonomy.facets import country_facet, lever_issue_facet, mineral_facet
from asmhub.taxonomy.models import SDGGoal

START, STOP = "\x02", "\x03"
KINDS = frozenset({"resource", "passage", "fact", "story"})
PG_VECTOR = (
    "setweight(to_tsvector('simple', coalesce(d.title, '')), 'A') || "
    "setweight(to_tsvector('simple', coalesce(d.heading, '')), 'B') || "
    "setweight(to_tsvector('simple', coalesce(d.body, '')), 'C')"
)


@dataclass
class Hit:
    kind: str  # resource, passage, fact or story
    resource_id: int | None
    position: int | None
    page: int | None
    heading: str
    title: str
    snippet: SafeString
    score: float
    resource: Resource | None = None
    fact_id: int | None = None
    story_id: int | None = None
    story: SuccessStory | None = None

    @property
    def url(self) -> str:
        if self.kind == "fact" and self.fact_id:
            return reverse("library:fact", args=[self.fact_id])
        if self.story is not None:
            return self.story.get_absolute_url()
        if self.resource is None:
            return ""
        base = self.resource.get_absolute_url()
        return f"{base}#p{self.position}" if self.position is not None else base


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: list[FacetResult] = field(default_factory=list)
    partial: bool = False  # no text had every word; these have some of them
    approximate: bool = False  # the facet counts are estimates (a broad search)


def highlight(raw: str) -> SafeString:
    """Escape a snippet, then turn the engine's markers into <mark> elements."""
    return mark_safe(html.escape(raw).replace(START, "<mark>").replace(STOP, "</mark>"))


class Engine(Protocol):
    def prepare(self, query: Query) -> None: ...

    def release(self) -> None: ...

    def hits(
        self, query: Query, scope_sql: str, scope_params: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Hit], int]: ...

    def matching_resources_sql(self, query: Query) -> tuple[str, list[Any]]: ...

    def facets(
        self, resources: QuerySet[Resource], params: Mapping[str, list[str]]
    ) -> tuple[tuple[str, list[Any]], list[FacetResult]]:
        """Count the facets over ``resources``, the matching ones the user may see.

        Returns the SQL (and its parameters) of the ids of those that pass every chosen
        filter, and the facet counts, as ``core.facets.apply_facets`` counts them.
        """
        ...


def _counted_by_queries(
    resources: QuerySet[Resource], params: Mapping[str, list[str]]
) -> tuple[tuple[str, list[Any]], list[FacetResult]]:
    scoped, facets = apply_facets(resources, RESOURCE_FACETS, params)
    sql, sql_params = scoped.order_by().values("pk").query.sql_with_params()
    return (sql, list(sql_params)), facets


class SQLiteEngine:
    """FTS5, read once per search.

    ``prepare`` runs the MATCH a single time and keeps every matching document, with its
    BM25 score, in a temporary table of the connection; the hits, the total and the
    matching resources that the facets count are then read from that table, and
    snippets are made for the page of hits only. The join to the documents goes through
    a covering index (migration 0003), which is a fraction of the documents' size.

    ``facets`` keeps the matching resources the user may see in a second temporary table,
    with their type, year and language, and counts each facet there and in the
    many-to-many tables, instead of joining the resources anew for every facet (CROSS JOIN
    keeps SQLite reading from the matching resources, not from the whole relation).
    """

    TABLE = "library_search_fts"
    MATCHES = "temp.library_search_match"
    RESOURCES = "temp.library_search_resource"

    def __init__(self, any_term: bool = False) -> None:
        self.any_term = any_term

    def prepare(self, query: Query) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS library_search_match (id INTEGER PRIMARY KEY, "
                "kind TEXT, resource_id INTEGER, fact_id INTEGER, story_id INTEGER, score REAL)"
            )
            cursor.execute(f"DELETE FROM {self.MATCHES}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {self.MATCHES} SELECT d.id, d.kind, d.resource_id, d.fact_id, "  # noqa: S608
                f"d.story_id, bm25({self.TABLE}, 4.0, 2.0, 1.0) FROM {self.TABLE} "
                "JOIN library_searchdocument d INDEXED BY library_searchdocument_match "
                f"ON d.id = {self.TABLE}.rowid WHERE {self.TABLE} MATCH %s",
                [to_fts5(query, any_term=self.any_term)],
            )

    def release(self) -> None:
        """Empty the temporary tables: the connection may serve other requests."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_temp_master WHERE type = 'table' "
                "AND name IN ('library_search_match', 'library_search_resource')"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DELETE FROM temp.{name}")  # noqa: S608

    def facets(
        self, resources: QuerySet[Resource], params: Mapping[str, list[str]]
    ) -> tuple[tuple[str, list[Any]], list[FacetResult]]:
        columns = [facet.lookup for facet in _COLUMN_FACETS]
        sql, sql_params = resources.order_by().values_list("pk", *columns).query.sql_with_params()
        selected = _selected(params)
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS library_search_resource (id INTEGER PRIMARY KEY, "
                + ", ".join(columns)
                + ")"
            )
            cursor.execute(f"DELETE FROM {self.RESOURCES}")  # noqa: S608
            cursor.execute(f"INSERT INTO {self.RESOURCES} {sql}", sql_params)
            conditions = {
                facet.key: _condition(facet, selected[facet.key])
                for facet in RESOURCE_FACETS
                if selected[facet.key]
            }
            results = []
            for facet in RESOURCE_FACETS:
                where, where_params = _all_of(v for k, v in conditions.items() if k != facet.key)
                if facet in _COLUMN_FACETS:
                    count_sql = (
                        f"SELECT r.{facet.lookup}, count(*) FROM {self.RESOURCES} r "  # noqa: S608
                        f"WHERE {where} GROUP BY r.{facet.lookup}"
                    )
                else:
                    m2m = _many_to_many(facet.lookup)
                    count_sql = (
                        f"SELECT t.{m2m.target_column}, count(*) FROM {self.RESOURCES} r "  # noqa: S608
                        f"CROSS JOIN {m2m.through} t ON t.{m2m.resource_column} = r.id "
                        f"WHERE {where} GROUP BY t.{m2m.target_column}"
                    )
                cursor.execute(count_sql, where_params)
                counts = {v: n for v, n in cursor.fetchall() if v is not None}
                results.append(_facet_result(facet, counts, selected[facet.key]))
        where, where_params = _all_of(conditions.values())
        return (f"SELECT r.id FROM {self.RESOURCES} r WHERE {where}", where_params), results  # noqa: S608

    def hits(
        self, query: Query, scope_sql: str, scope_params: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.id, d.score, count(*) OVER () FROM {self.MATCHES} d "  # noqa: S608
                f"WHERE {scope_sql} ORDER BY d.score, d.id LIMIT %s OFFSET %s",
                [*scope_params, limit, offset],
            )
            ranked = cursor.fetchall()
            if not ranked:  # none in scope, or an offset past the last one
                cursor.execute(
                    f"SELECT count(*) FROM {self.MATCHES} d WHERE {scope_sql}",  # noqa: S608
                    list(scope_params),
                )
                return [], cursor.fetchone()[0]
            total = ranked[0][2]
            ids = [row[0] for row in ranked]
            cursor.execute(
                f"SELECT d.id, d.kind, d.resource_id, d.position, d.page, d.heading, d.title, "  # noqa: S608
                f"snippet({self.TABLE}, 2, char(2), char(3), '…', 28), d.fact_id, d.story_id "
                f"FROM {self.TABLE} JOIN library_searchdocument d ON d.id = {self.TABLE}.rowid "
                f"WHERE {self.TABLE} MATCH %s AND {self.TABLE}.rowid IN ({', '.join(['%s'] * len(ids))})",
                [to_fts5(query, any_term=self.any_term), *ids],
            )
            rows = {row[0]: row[1:] for row in cursor.fetchall()}
        hits = [
            _hit((*rows[i][:7], None, *rows[i][7:]), -score) for i, score, _ in ranked if i in rows
        ]
        return hits, total

    def matching_resources_sql(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT resource_id FROM {self.MATCHES} WHERE resource_id IS NOT NULL",  # noqa: S608
            [],
        )


class PostgresEngine:
    def __init__(self, any_term: bool = False) -> None:
        self.any_term = any_term

    HEADLINE = (
        "StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=15, MaxFragments=1, FragmentDelimiter=…"
    )

    def prepare(self, query: Query) -> None:
        pass  # each query below runs its own match, on the GIN index

    def release(self) -> None:
        pass

    def facets(
        self, resources: QuerySet[Resource], params: Mapping[str, list[str]]
    ) -> tuple[tuple[str, list[Any]], list[FacetResult]]:
        return _counted_by_queries(resources, params)

    def hits(
        self, query: Query, scope_sql: str, scope_params: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        tsquery = to_tsquery(query, any_term=self.any_term)
        where = f"({PG_VECTOR}) @@ to_tsquery('simple', %s) AND ({scope_sql})"
        params = [tsquery, *scope_params]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.kind, r.resource_id, r.position, r.page, r.heading, r.title, "  # noqa: S608
                "ts_headline('simple', r.body, to_tsquery('simple', %s), %s), r.score, r.fact_id, r.story_id FROM ("
                f"SELECT d.kind, d.resource_id, d.position, d.page, d.heading, d.title, d.body, d.fact_id, d.story_id, "
                f"ts_rank_cd({PG_VECTOR}, to_tsquery('simple', %s)) AS score "
                f"FROM library_searchdocument d WHERE {where} ORDER BY score DESC, d.id LIMIT %s OFFSET %s) r "
                "ORDER BY r.score DESC",
                [tsquery, self.HEADLINE, tsquery, *params, limit, offset],
            )
            rows = cursor.fetchall()
            cursor.execute(f"SELECT count(*) FROM library_searchdocument d WHERE {where}", params)  # noqa: S608
            total = cursor.fetchone()[0]
        return [_hit(row, float(row[7])) for row in rows], total

    def matching_resources_sql(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT d.resource_id FROM library_searchdocument d "  # noqa: S608
            f"WHERE ({PG_VECTOR}) @@ to_tsquery('simple', %s) AND d.resource_id IS NOT NULL",
            [to_tsquery(query, any_term=self.any_term)],
        )


def _hit(row: Sequence[Any], score: float) -> Hit:
    kind, resource_id, position, page, heading, title, snippet = row[:7]
    hit = Hit(kind, resource_id, position, page, heading, title, highlight(snippet or ""), score)
    hit.fact_id, hit.story_id = row[8], row[9]
    return hit


def engine(*, any_term: bool = False) -> Engine:
    """The engine of the default database: the seam where a backend is swapped."""
    if connection.vendor == "postgresql":
        return PostgresEngine(any_term)
    return SQLiteEngine(any_term)


def _language_choice(code: str) -> Choice:
    return Choice(code, code.upper())


def _year_choice(year: int) -> Choice:
    return Choice(str(year), str(year))


def _languages() -> list[Choice]:
    codes = Resource.objects.order_by().values_list("language", flat=True).distinct()
    return [_language_choice(code) for code in sorted(codes)]


def _years() -> list[Choice]:
    years = Resource.objects.exclude(year=None).order_by().values_list("year", flat=True).distinct()
    return [_year_choice(y) for y in sorted((y for y in years if y is not None), reverse=True)]


RESOURCE_FACETS = [
    Facet(
        "type",
        _("Type"),
        "resource_type",
        lambda: [Choice(v, str(label)) for v, label in ResourceType.choices],
    ),
    country_facet("countries__code"),
    mineral_facet("minerals__slug"),
    lever_issue_facet("lever_issues__slug"),
    Facet(
        "sdg",
        _("SDG goal"),
        "sdg_goals__number",
        SDGGoal.objects.all,
        value_field="number",
        coerce=int,
        label_of=lambda g: f"{g.number}. {g.tr('short')}",
    ),
    Facet("year", _("Year"), "year", _years, coerce=int),
    Facet("language", _("Language"), "language", _languages),
    Facet(
        "organization",
        _("Organization"),
        "publishers__slug",
        lambda: Organization.objects.filter(
            Exists(Resource.publishers.through.objects.filter(organization_id=OuterRef("pk")))
        ),
        label_of=lambda o: o.short_name,
    ),
]


# Facet counting over the temporary tables of SQLiteEngine: the same counts, options and
# order as core.facets.apply_facets, read from the matching resources only.

_COLUMN_FACETS = [facet for facet in RESOURCE_FACETS if "__" not in facet.lookup]
# Facets whose values are those of a column: their options are the values counted (and the
# chosen ones that some resource has), rather than every distinct value in the library.
_CHOICE_OF_VALUE: dict[str, Callable[[Any], Choice]] = {
    "year": _year_choice,
    "language": _language_choice,
}


@dataclass(frozen=True)
class _ManyToMany:
    through: str
    resource_column: str
    target_column: str
    target: str
    target_pk: str
    value_column: str


@cache
def _many_to_many(lookup: str) -> _ManyToMany:
    """The tables and columns behind a facet lookup such as ``countries__code``."""
    name, attribute = lookup.split("__")
    field = Resource._meta.get_field(name)
    assert isinstance(field, ManyToManyField)
    through = cast(type[Model], field.remote_field.through)._meta
    target = cast(type[Model], field.related_model)._meta

    def column(meta: Options[Any], name: str) -> str:
        found = meta.get_field(name)
        assert isinstance(found, DjangoField)
        return str(found.column)

    return _ManyToMany(
        through=through.db_table,
        resource_column=column(through, field.m2m_field_name()),
        target_column=column(through, field.m2m_reverse_field_name()),
        target=target.db_table,
        target_pk=str(target.pk.column),
        value_column=column(target, attribute),
    )


def _selected(params: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The chosen values of each facet, as apply_facets reads them (unconvertible ones dropped)."""
    chosen: dict[str, list[str]] = {}
    for facet in RESOURCE_FACETS:
        values = []
        for value in params.get(facet.key, []):
            if not value:
                continue
            try:
                values.append(str(facet.coerce(value)))
            except (TypeError, ValueError):
                continue
        chosen[facet.key] = values
    return chosen


def _condition(facet: Facet, values: list[str]) -> tuple[str, list[Any]]:
    """SQL on ``r`` (a row of SQLiteEngine.RESOURCES): the resource has one of ``values``."""
    marks = ", ".join(["%s"] * len(values))
    coerced = [facet.coerce(value) for value in values]
    if facet in _COLUMN_FACETS:
        return f"r.{facet.lookup} IN ({marks})", coerced
    m2m = _many_to_many(facet.lookup)
    return (
        f"r.id IN (SELECT t.{m2m.resource_column} FROM {m2m.through} t "  # noqa: S608
        f"JOIN {m2m.target} x ON x.{m2m.target_pk} = t.{m2m.target_column} "
        f"WHERE x.{m2m.value_column} IN ({marks}))",
        coerced,
    )


def _all_of(conditions: Iterable[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    parts, values = ["1 = 1"], []
    for sql, params in conditions:
        parts.append(sql)
        values += params
    return " AND ".join(parts), values


def _facet_result(facet: Facet, counts: dict[Any, int], selected: list[str]) -> FacetResult:
    """The facet's options as apply_facets lists them, from ``counts``: by value for a column
    facet, by the primary key of the related record for a many-to-many one."""
    if facet.key in _CHOICE_OF_VALUE or facet in _COLUMN_FACETS:
        counts = {str(value): n for value, n in counts.items()}
    if facet.key in _CHOICE_OF_VALUE:
        present = [
            value
            for value in selected
            if value not in counts
            and Resource.objects.filter(**{facet.lookup: facet.coerce(value)}).exists()
        ]
        make = _CHOICE_OF_VALUE[facet.key]
        options: Iterable[Any] = [make(facet.coerce(value)) for value in {*counts, *present}]
    else:
        options = facet.options()
        if isinstance(options, QuerySet):
            options = options.filter(
                Q(pk__in=list(counts)) | Q(**{f"{facet.value_field}__in": selected})
            )
            counts = {str(getattr(o, facet.value_field)): counts.get(o.pk, 0) for o in options}
    result = FacetResult(facet)
    for option in options:
        value = str(getattr(option, facet.value_field))
        count = counts.get(value, 0)
        is_selected = value in selected
        if count or is_selected:
            result.options.append(FacetOption(value, facet.label_of(option), count, is_selected))
    result.options.sort(key=lambda o: (-o.count, o.label))
    return result


def search(
    user: Any,
    text: str,
    params: Mapping[str, list[str]],
    *,
    limit: int = 20,
    offset: int = 0,
    as_you_type: bool = False,
    kinds: Collection[str] = KINDS,
) -> SearchResult:
    """Ranked hits over resources and passages the user may see, with facet counts.

    Every word must match; when no text has them all, the texts with some of them
    are returned, best first, and the result says so (``partial``). ``kinds`` limits the
    hits to some of resource, passage, fact and story (the site-wide search asks for
    each separately).
    """
    query = parse(text, as_you_type=as_you_type)
    # The site-wide search asks for some kinds only: the database's engine serves it.
    if query and search_index.enabled() and set(kinds) >= set(KINDS):
        result = _search_indexed(user, query, text, params, limit, offset, any_term=False)
        if result.total == 0 and len(query.terms) > 1:
            result = _search_indexed(user, query, text, params, limit, offset, any_term=True)
            result.partial = True
        return result
    result = _search(user, query, text, params, limit, offset, any_term=False, kinds=kinds)
    if query and result.total == 0 and len(query.terms) > 1:
        result = _search(user, query, text, params, limit, offset, any_term=True, kinds=kinds)
        result.partial = True
    return result


def _search(
    user: Any,
    query: Query,
    text: str,
    params: Mapping[str, list[str]],
    limit: int,
    offset: int,
    *,
    any_term: bool,
    kinds: Collection[str] = KINDS,
) -> SearchResult:
    resources: QuerySet[Resource] = permissions.visible(user, Resource.objects.all())
    result = SearchResult(query=text)
    if not query:
        scoped, result.facets = apply_facets(resources, RESOURCE_FACETS, params)
        if "resource" not in kinds:
            return result
        result.total = scoped.count()
        page = list(scoped.order_by("-year", "title")[offset : offset + limit])
        result.hits = [
            Hit("resource", r.pk, None, None, "", r.title, highlight(r.summary[:300]), 0.0, r)
            for r in page
        ]
        return result
    chosen = engine(any_term=any_term)
    chosen.prepare(query)
    try:
        sql, sql_params = chosen.matching_resources_sql(query)
        # The engine's SQL holds no user text: the parsed query travels as a parameter.
        resources = resources.filter(pk__in=RawSQL(sql, sql_params))  # noqa: S611
        matching, result.facets = chosen.facets(resources, params)
        scope_sql, scope_params = _scope(user, matching, params, kinds)
        result.hits, result.total = chosen.hits(query, scope_sql, scope_params, limit, offset)
    finally:
        chosen.release()
    resources_by_id = Resource.objects.in_bulk(
        {h.resource_id for h in result.hits if h.resource_id}
    )
    stories_by_id = SuccessStory.objects.in_bulk({h.story_id for h in result.hits if h.story_id})
    for hit in result.hits:
        hit.resource = resources_by_id.get(hit.resource_id) if hit.resource_id else None
        hit.story = stories_by_id.get(hit.story_id) if hit.story_id else None
    return result


STORY_FACET_KEYS = {"country", "issue"}


def _scope(
    user: Any,
    resources: tuple[str, list[Any]],
    params: Mapping[str, list[str]],
    kinds: Collection[str] = KINDS,
) -> tuple[str, list[Any]]:
    """The documents a search may return, as an SQL condition on ``d``.

    Passages and resource records of the chosen resources (``resources``: the SQL of their
    ids); facts the user may see whose source is one of them; and success stories the user
    may see, filtered by country and lever issue (stories have no type, year or language:
    other filters leave them out).
    """
    resource_sql, resource_params = resources
    facts = permissions.visible(
        user,
        Fact.objects.filter(resource_id__in=RawSQL(resource_sql, resource_params)),  # noqa: S611
    )
    fact_sql, fact_params = facts.order_by().values("pk").query.sql_with_params()
    parts = ["1 = 0"]  # no kind asked for: nothing
    values: list[Any] = []
    documents = [k for k in ("resource", "passage") if k in kinds]
    if documents:
        # The kinds are this module's own constants, never the user's text.
        names = ", ".join(f"'{k}'" for k in documents)
        parts.append(f"(d.kind IN ({names}) AND d.resource_id IN ({resource_sql}))")
        values += resource_params
    if "fact" in kinds:
        parts.append(f"(d.kind = 'fact' AND d.fact_id IN ({fact_sql}))")
        values += fact_params
    chosen = {key for key, found in params.items() if any(found)} & {f.key for f in RESOURCE_FACETS}
    if "story" in kinds and chosen <= STORY_FACET_KEYS:
        stories = permissions.visible(user, SuccessStory.objects.all())
        selected = _selected(params)
        for facet in RESOURCE_FACETS:
            if facet.key in STORY_FACET_KEYS and selected[facet.key]:
                stories = stories.filter(**{f"{facet.lookup}__in": selected[facet.key]}).distinct()
        story_sql, story_params = stories.order_by().values("pk").query.sql_with_params()
        parts.append(f"(d.kind = 'story' AND d.story_id IN ({story_sql}))")
        values += story_params
    return " OR ".join(parts), values


LIBRARY_GROUPS = (
    ("resources", _("Resources and passages"), frozenset({"resource", "passage"}), 30),
    ("facts", _("Facts"), frozenset({"fact"}), 34),
    ("stories", _("Success stories"), frozenset({"story"}), 36),
)


def _detail(hit: Hit) -> str:
    if hit.kind == "passage":
        page = _("p. %(page)s") % {"page": hit.page} if hit.page else ""
        return " · ".join(part for part in (hit.heading, page) if part)
    if hit.kind == "fact" and hit.resource is not None:
        return hit.resource.title
    if hit.kind == "resource" and hit.resource is not None:
        kind = str(hit.resource.get_resource_type_display())
        return f"{kind} · {hit.resource.year}" if hit.resource.year else kind
    return hit.heading


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    """Resources and passages, facts and success stories matching ``text`` that ``user``
    may see, ranked by this module's engine: the library's part of the site-wide search
    (``core/search.py``)."""
    more = with_query(reverse("library:search"), text)
    groups = []
    for key, label, kinds, order in LIBRARY_GROUPS:
        result = search(user, text, {}, limit=limit, kinds=kinds)
        items = [SearchItem(h.title, h.url, _detail(h), h.snippet) for h in result.hits]
        groups.append(SearchGroup(key, label, items, result.total, more, order=order))
    return groups


# -- the embedded index (search_index) --------------------------------------------------

FIELD_WEIGHTS = {"title": 4.0, "heading": 2.0, "body": 1.0}
EXACT_FACETS_UP_TO = 1000  # matching resources counted exactly in the database
SNIPPET_CHARS = 220


PREFIX_EXPANSIONS = 64  # the most frequent words a prefix stands for, each scored by BM25


def _word_query(term: Any, language: str, field_name: str) -> Any:
    """One word or phrase (no prefix) on one field of one language."""
    import tantivy

    analyzer = search_index.ANALYZERS[language]
    tokens: list[str | tuple[int, str]] = [
        token for word in term.words for token in analyzer.analyze(word)
    ]
    if not tokens:
        return tantivy.Query.empty_query()
    if len(tokens) == 1:
        return tantivy.Query.term_query(search_index.SCHEMA, field_name, str(tokens[0]))
    return tantivy.Query.phrase_query(search_index.SCHEMA, field_name, tokens)


def _prefix_query(term: Any, searcher: Any) -> Any:
    """A prefix (or a phrase ending with one) on the unstemmed words of every document.

    A bare prefix stands for the most frequent words that start with it, each scored by
    BM25 (a pattern query would give every match the same score)."""
    import tantivy

    folded: list[str | tuple[int, str]] = [
        t for word in term.words for t in search_index.PREFIX_ANALYZER.analyze(word)
    ]
    if not folded:
        return tantivy.Query.empty_query()
    if len(folded) > 1:
        return tantivy.Query.phrase_prefix_query(search_index.SCHEMA, "words", folded)
    words = [
        w for w, _ in searcher.terms_with_prefix("words", str(folded[0]), limit=PREFIX_EXPANSIONS)
    ]
    if not words:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Should, tantivy.Query.term_query(search_index.SCHEMA, "words", w))
            for w in words
        ]
    )


def _term_query(term: Any, searcher: Any) -> Any:
    """A term anywhere in a document, title first, in either language, or an alternative."""
    import tantivy

    should = []
    for one in (term, *term.alternatives):
        if one.prefix:
            should.append((tantivy.Occur.Should, _prefix_query(one, searcher)))
            continue
        should += [
            (
                tantivy.Occur.Should,
                tantivy.Query.boost_query(
                    _word_query(one, language, f"{name}_{language}"), FIELD_WEIGHTS[name]
                ),
            )
            for language in search_index.LANGUAGES
            for name in search_index.TEXT_FIELDS
        ]
    return tantivy.Query.boolean_query(should)


def _text_query(query: Query, any_term: bool, searcher: Any) -> Any:
    import tantivy

    occur = tantivy.Occur.Should if any_term else tantivy.Occur.Must
    parts = [(occur, _term_query(term, searcher)) for term in query.terms]
    parts += [(tantivy.Occur.MustNot, _term_query(term, searcher)) for term in query.excluded]
    return tantivy.Query.boolean_query(parts)


def _visibility_query(user: Any) -> Any | None:
    """The documents ``user`` may see, as permissions.visible says, held in the index."""
    import tantivy

    if permissions.is_editor(user):
        return None
    allowed = [search_index.PUBLIC]
    org_id = getattr(user, "organization_id", None) if user.is_authenticated else None
    if org_id and permissions.can_contribute(user):
        allowed.append(f"org:{org_id}")
    return tantivy.Query.term_set_query(search_index.SCHEMA, "vis", allowed)


def _indexed_values(facet: Facet, values: list[str]) -> list[str]:
    """The chosen values of ``facet`` as the index holds them (related records by id)."""
    if facet in _COLUMN_FACETS:
        return values
    name, attribute = facet.lookup.split("__")
    field = Resource._meta.get_field(name)
    related = cast(type[Model], field.related_model)
    found = related._default_manager.filter(**{f"{attribute}__in": values})
    return [str(pk) for pk in found.values_list("pk", flat=True)]


def _pk(facet: Facet, value: str) -> Any:
    """The primary key of the related record of a many-to-many facet, from the index."""
    field = Resource._meta.get_field(facet.lookup.split("__")[0])
    return cast(type[Model], field.related_model)._meta.pk.to_python(value)


def _facet_filters(params: Mapping[str, list[str]]) -> dict[str, Any]:
    import tantivy

    selected = _selected(params)
    filters = {}
    for facet in RESOURCE_FACETS:
        if selected[facet.key]:
            values = _indexed_values(facet, selected[facet.key])
            filters[facet.key] = tantivy.Query.term_set_query(
                search_index.SCHEMA, search_index.FACET_FIELDS[facet.key], values
            )
    return filters


def _all(*queries: Any) -> Any:
    import tantivy

    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries if q is not None])


def _engine_facets(
    searcher: Any, base: Any, filters: dict[str, Any], params: Mapping[str, list[str]]
) -> list[FacetResult]:
    """Facet counts from the index's aggregations: the distinct resources per value,
    estimated (HyperLogLog) — what a broad search shows, instead of counting every match."""
    import tantivy

    selected = _selected(params)
    resources_only = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, base),
            (
                tantivy.Occur.MustNot,
                tantivy.Query.term_query(search_index.SCHEMA, "kind", "story"),
            ),
        ]
    )
    groups: dict[str | None, list[Facet]] = {}
    for facet in RESOURCE_FACETS:
        groups.setdefault(facet.key if facet.key in filters else None, []).append(facet)
    results: dict[str, FacetResult] = {}
    for own, facets in groups.items():
        scope = _all(resources_only, *(q for key, q in filters.items() if key != own))
        aggregations = {
            facet.key: {
                "terms": {"field": search_index.FACET_FIELDS[facet.key], "size": 500},
                "aggs": {"resources": {"cardinality": {"field": "resource_id"}}},
            }
            for facet in facets
        }
        found = searcher.aggregate(scope, aggregations)
        for facet in facets:
            counts: dict[Any, int] = {}
            for bucket in found[facet.key]["buckets"]:
                key = bucket["key"] if facet in _COLUMN_FACETS else _pk(facet, bucket["key"])
                counts[key] = round(bucket["resources"]["value"])
            results[facet.key] = _facet_result(facet, counts, selected[facet.key])
    return [results[facet.key] for facet in RESOURCE_FACETS]


def _snippet(generators: dict[str, Any], document: Any, language: str, body: str) -> str:
    """The best fragment of the body, with the engine's markers around each match."""
    snippet = generators[language].snippet_from_doc(document)
    fragment = snippet.fragment()
    if not fragment:
        return body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    raw = fragment.encode()
    parts, at = [], 0
    for span in snippet.highlighted():
        parts += [raw[at : span.start], START.encode(), raw[span.start : span.end], STOP.encode()]
        at = span.end
    parts.append(raw[at:])
    marked = b"".join(parts).decode(errors="replace")
    prefix = "" if body.startswith(fragment) else "…"
    suffix = "" if body.endswith(fragment) else "…"
    return prefix + marked + suffix


def _search_indexed(
    user: Any,
    query: Query,
    text: str,
    params: Mapping[str, list[str]],
    limit: int,
    offset: int,
    *,
    any_term: bool,
) -> SearchResult:
    """The search with ASMHUB_SEARCH_ENGINE=tantivy: visibility and facets in the index.

    The facet counts are exact (counted in the database, as the other engines count
    them) when the matching resources are few; for a broad search they come from the
    index's aggregations, and the result says they are approximate."""
    import tantivy

    searcher = search_index.searcher()
    result = SearchResult(query=text)
    text_query = _text_query(query, any_term, searcher)
    base = _all(text_query, _visibility_query(user))
    filters = _facet_filters(params)
    # An estimate first: listing the ids of a broad match would pass the index's bucket limit.
    estimate = searcher.aggregate(base, {"n": {"cardinality": {"field": "resource_id"}}})
    resource_ids: list[int] = []
    if estimate["n"]["value"] <= EXACT_FACETS_UP_TO * 1.2:
        found = searcher.aggregate(
            base, {"r": {"terms": {"field": "resource_id", "size": EXACT_FACETS_UP_TO * 2}}}
        )
        resource_ids = [b["key"] for b in found["r"]["buckets"] if b["key"]]
    if estimate["n"]["value"] <= EXACT_FACETS_UP_TO * 1.2 and (
        len(resource_ids) <= EXACT_FACETS_UP_TO
    ):
        resources = permissions.visible(user, Resource.objects.filter(pk__in=resource_ids))
        _, result.facets = apply_facets(resources, RESOURCE_FACETS, params)
    else:
        result.facets = _engine_facets(searcher, base, filters, params)
        result.approximate = True
    found_hits = searcher.search(_all(base, *filters.values()), limit, count=True, offset=offset)
    result.total = getattr(found_hits, "count", None) or 0  # counted along (count=True)
    generators = {}
    for language in search_index.LANGUAGES:
        generator = tantivy.SnippetGenerator.create(
            searcher, text_query, search_index.SCHEMA, f"body_{language}"
        )
        generator.set_max_num_chars(SNIPPET_CHARS)
        generators[language] = generator
    for score, address in found_hits.hits:
        document = searcher.doc(address)
        language = "fr" if document.get_first("body_fr") is not None else "en"

        def first(name: str, document: Any = document) -> Any:
            return document.get_first(name)

        position, page = first("position"), first("page")
        body = first(f"body_{language}") or ""
        hit = Hit(
            first("kind"),
            first("resource_id") or None,
            None if position is None or position < 0 else position,
            None if page is None or page < 0 else page,
            first(f"heading_{language}") or "",
            first(f"title_{language}") or "",
            highlight(_snippet(generators, document, language, body)),
            float(score),
        )
        hit.fact_id, hit.story_id = first("fact_id") or None, first("story_id") or None
        result.hits.append(hit)
    resources_by_id = Resource.objects.in_bulk(
        {h.resource_id for h in result.hits if h.resource_id}
    )
    stories_by_id = SuccessStory.objects.in_bulk({h.story_id for h in result.hits if h.story_id})
    for hit in result.hits:
        hit.resource = resources_by_id.get(hit.resource_id) if hit.resource_id else None
        hit.story = stories_by_id.get(hit.story_id) if hit.story_id else None
    return result
