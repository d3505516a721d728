"""Search across the library: one interface, two engines.

``search()`` parses the query (asmhub.lib.query), limits it to the resources the
user may see and the chosen facets, asks the engine of the current database for
ranked hits with highlighted snippets, and counts facets over the matching
resources. The engines return the same shape:

- SQLite: an FTS5 table over SearchDocument (external content, kept by triggers),
  ranked by BM25 with title, heading and body weighted 4, 2, 1;
- PostgreSQL: a GIN index on a weighted tsvector of the same columns ('simple'
  configuration, so English and French text are indexed alike), ranked by ts_rank_cd.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.facets import Choice, Facet, FacetResult, apply_facets
from asmhub.directory.models import Organization
from asmhub.lib.query import Query, parse, to_fts5, to_tsquery
from asmhub.library.models import Fact, Resource, ResourceType, SuccessStory
from asmhub.taxonomy.facets import country_facet, lever_issue_facet, mineral_facet
from asmhub.taxonomy.models import SDGGoal

START, STOP = "\x02", "\x03"
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


def highlight(raw: str) -> SafeString:
    """Escape a snippet, then turn the engine's markers into <mark> elements."""
    return mark_safe(html.escape(raw).replace(START, "<mark>").replace(STOP, "</mark>"))


class Engine(Protocol):
    def hits(
        self, query: Query, scope_sql: str, scope_params: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Hit], int]: ...

    def matching_resources_sql(self, query: Query) -> tuple[str, list[Any]]: ...


class SQLiteEngine:
    TABLE = "library_search_fts"

    def __init__(self, any_term: bool = False) -> None:
        self.any_term = any_term

    def hits(
        self, query: Query, scope_sql: str, scope_params: Sequence[Any], limit: int, offset: int
    ) -> tuple[list[Hit], int]:
        match = to_fts5(query, any_term=self.any_term)
        where = f"{self.TABLE} MATCH %s AND ({scope_sql})"
        params = [match, *scope_params]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT d.kind, d.resource_id, d.position, d.page, d.heading, d.title, "  # noqa: S608
                f"snippet({self.TABLE}, 2, char(2), char(3), '…', 28), bm25({self.TABLE}, 4.0, 2.0, 1.0) AS score, "
                "d.fact_id, d.story_id "
                f"FROM {self.TABLE} JOIN library_searchdocument d ON d.id = {self.TABLE}.rowid "
                f"WHERE {where} ORDER BY score LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            rows = cursor.fetchall()
            cursor.execute(
                f"SELECT count(*) FROM {self.TABLE} JOIN library_searchdocument d "  # noqa: S608
                f"ON d.id = {self.TABLE}.rowid WHERE {where}",
                params,
            )
            total = cursor.fetchone()[0]
        return [_hit(row, -row[7]) for row in rows], total

    def matching_resources_sql(self, query: Query) -> tuple[str, list[Any]]:
        return (
            f"SELECT d.resource_id FROM {self.TABLE} JOIN library_searchdocument d "  # noqa: S608
            f"ON d.id = {self.TABLE}.rowid WHERE {self.TABLE} MATCH %s AND d.resource_id IS NOT NULL",
            [to_fts5(query, any_term=self.any_term)],
        )


class PostgresEngine:
    def __init__(self, any_term: bool = False) -> None:
        self.any_term = any_term

    HEADLINE = (
        "StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=15, MaxFragments=1, FragmentDelimiter=…"
    )

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


def _languages() -> list[Choice]:
    codes = Resource.objects.order_by().values_list("language", flat=True).distinct()
    return [Choice(code, code.upper()) for code in sorted(codes)]


def _years() -> list[Choice]:
    years = Resource.objects.exclude(year=None).order_by().values_list("year", flat=True).distinct()
    return [
        Choice(str(y), str(y)) for y in sorted((y for y in years if y is not None), reverse=True)
    ]


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
        lambda: Organization.objects.filter(publications__isnull=False).distinct(),
        label_of=lambda o: o.short_name,
    ),
]


def search(
    user: Any,
    text: str,
    params: Mapping[str, list[str]],
    *,
    limit: int = 20,
    offset: int = 0,
    as_you_type: bool = False,
) -> SearchResult:
    """Ranked hits over resources and passages the user may see, with facet counts.

    Every word must match; when no text has them all, the texts with some of them
    are returned, best first, and the result says so (``partial``).
    """
    query = parse(text, as_you_type=as_you_type)
    result = _search(user, query, text, params, limit, offset, any_term=False)
    if query and result.total == 0 and len(query.terms) > 1:
        result = _search(user, query, text, params, limit, offset, any_term=True)
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
) -> SearchResult:
    resources: QuerySet[Resource] = permissions.visible(user, Resource.objects.all())
    result = SearchResult(query=text)
    chosen = engine(any_term=any_term)
    if query:
        sql, sql_params = chosen.matching_resources_sql(query)
        # The engine's SQL holds no user text: the parsed query travels as a parameter.
        resources = resources.filter(pk__in=RawSQL(sql, sql_params))  # noqa: S611
    scoped, result.facets = apply_facets(resources, RESOURCE_FACETS, params)
    if not query:
        result.total = scoped.count()
        page = list(scoped.order_by("-year", "title")[offset : offset + limit])
        result.hits = [
            Hit("resource", r.pk, None, None, "", r.title, highlight(r.summary[:300]), 0.0, r)
            for r in page
        ]
        return result
    scope_sql, scope_params = _scope(user, scoped, params)
    result.hits, result.total = chosen.hits(query, scope_sql, scope_params, limit, offset)
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
    user: Any, resources: QuerySet[Resource], params: Mapping[str, list[str]]
) -> tuple[str, list[Any]]:
    """The documents a search may return, as an SQL condition on ``d``.

    Passages and resource records of the chosen resources; facts the user may see whose
    source is one of them; and success stories the user may see, filtered by country and
    lever issue (stories have no type, year or language: other filters leave them out).
    """
    resource_sql, resource_params = resources.order_by().values("pk").query.sql_with_params()
    facts = permissions.visible(user, Fact.objects.filter(resource__in=resources))
    fact_sql, fact_params = facts.order_by().values("pk").query.sql_with_params()
    parts = [
        f"(d.kind IN ('resource', 'passage') AND d.resource_id IN ({resource_sql}))",
        f"(d.kind = 'fact' AND d.fact_id IN ({fact_sql}))",
    ]
    values = [*resource_params, *fact_params]
    chosen = {key for key, found in params.items() if any(found)} & {f.key for f in RESOURCE_FACETS}
    if chosen <= STORY_FACET_KEYS:
        stories = permissions.visible(user, SuccessStory.objects.all())
        stories, _counts = apply_facets(
            stories, [f for f in RESOURCE_FACETS if f.key in STORY_FACET_KEYS], params
        )
        story_sql, story_params = stories.order_by().values("pk").query.sql_with_params()
        parts.append(f"(d.kind = 'story' AND d.story_id IN ({story_sql}))")
        values += story_params
    return " OR ".join(parts), values
