"""Library API: the same search as the page, and resources with their passages."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC
from asmhub.core import permissions
from asmhub.core.api_schemas import FacetOut, Ref, answers, facets_out, ref
from asmhub.core.pagination import Pagination
from asmhub.library import search
from asmhub.library.models import Resource

router = Router(tags=["library"], auth=PUBLIC)


class SearchFilters(Schema):
    q: str = Field("", description='Words (all required), "a phrase", or a prefix*')
    type: list[str] = Field(default_factory=list, description="Resource types")
    country: list[str] = Field(default_factory=list, description="ISO alpha-2 codes")
    mineral: list[str] = Field(default_factory=list, description="Mineral slugs")
    issue: list[str] = Field(default_factory=list, description="Lever issue slugs")
    sdg: list[str] = Field(default_factory=list, description="SDG goal numbers")
    year: list[str] = Field(default_factory=list, description="Years")
    language: list[str] = Field(default_factory=list, description="ISO 639-1 codes")
    organization: list[str] = Field(
        default_factory=list, description="Publishing organization slugs"
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class HitOut(Schema):
    kind: str = Field(..., description="resource, passage, fact or story")
    resource: str = Field(
        ..., description="Slug of the resource (the source, for a fact; empty for a story)"
    )
    title: str
    page: int | None
    heading: str
    snippet: str = Field(
        ..., description="HTML: the matching words are in <mark> elements; the rest is escaped"
    )
    url: str
    score: float


class SearchOut(Schema):
    query: str
    total: int
    partial: bool = Field(
        ..., description="True when no text had every word and these hits have some of them"
    )
    approximate: bool = Field(
        False, description="True when the facet counts are estimates (a search matching many texts)"
    )
    hits: list[HitOut]
    facets: list[FacetOut]


class ResourceOut(Schema):
    slug: str
    title: str
    resource_type: str
    authors: list[str]
    publishers: list[Ref]
    year: int | None
    published_on: str | None
    language: str
    summary: str
    countries: list[Ref]
    minerals: list[Ref]
    lever_issues: list[Ref]
    sdg_goals: list[int]
    mdg_goals: list[int]
    licence: str
    source_url: str
    format: str
    page_count: int | None
    word_count: int
    ingest_status: str
    status: str
    url: str


class PassageOut(Schema):
    position: int
    page: int | None
    heading: str
    text: str


def _resource(r: Resource) -> dict[str, Any]:
    return {
        "slug": r.slug,
        "title": r.title,
        "resource_type": r.resource_type,
        "authors": r.author_list(),
        "publishers": [ref(o) for o in r.publishers.all()],
        "year": r.year,
        "published_on": r.published_on.isoformat() if r.published_on else None,
        "language": r.language,
        "summary": r.summary,
        "countries": [ref(c, "code") for c in r.countries.all()],
        "minerals": [ref(m) for m in r.minerals.all()],
        "lever_issues": [ref(i) for i in r.lever_issues.all()],
        "sdg_goals": [g.number for g in r.sdg_goals.all()],
        "mdg_goals": [g.number for g in r.mdg_goals.all()],
        "licence": r.licence,
        "source_url": r.source_url,
        "format": r.format,
        "page_count": r.page_count,
        "word_count": r.word_count,
        "ingest_status": r.ingest_status,
        "status": r.status,
        "url": r.get_absolute_url(),
    }


@router.get(
    "/search",
    response=answers(SearchOut),
    summary="Search resources and passages, with facet counts",
)
def search_library(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    params = {k: v for k, v in filters.dict().items() if isinstance(v, list)}
    result = search.search(
        request.user, filters.q, params, limit=filters.limit, offset=filters.offset
    )
    return {
        "query": result.query,
        "total": result.total,
        "partial": result.partial,
        "approximate": result.approximate,
        "hits": [
            {
                "kind": h.kind,
                "resource": h.resource.slug if h.resource else "",
                "title": h.title,
                "page": h.page,
                "heading": h.heading,
                "snippet": str(h.snippet),
                "url": h.url,
                "score": h.score,
            }
            for h in result.hits
        ],
        "facets": facets_out(result.facets),
    }


def _visible(request: HttpRequest, slug: str) -> Resource:
    resource = Resource.objects.filter(slug=slug).first()
    if resource is None or not permissions.can_view(request.user, resource):
        raise Http404
    return resource


@router.get("/resources/{slug}", response=answers(ResourceOut, 404), summary="One resource")
def get_resource(request: HttpRequest, slug: str) -> Any:
    return _resource(_visible(request, slug))


class PassageFilters(Schema):
    page: int | None = Field(None, ge=0, description="Only passages on this page")


@router.get(
    "/resources/{slug}/passages",
    response=answers(list[PassageOut], 404),
    summary="The passages of a resource, in order, with page and heading",
)
@paginate(Pagination)
def resource_passages(request: HttpRequest, slug: str, filters: Query[PassageFilters]) -> Any:
    passages = _visible(request, slug).passages.all()
    if filters.page is not None:
        passages = passages.filter(page=filters.page)
    return passages
