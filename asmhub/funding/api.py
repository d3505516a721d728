"""Funding API: donors, cycles, opportunities, concepts, projects, IATI and matching.

No schema here carries a person's contact detail: champions are named by slug and name.
"""

from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC, SIGNED_IN
from asmhub.core import permissions
from asmhub.core.api_schemas import FacetOut, answers, contribute, facets_out, filter_params
from asmhub.core.pagination import Pagination
from asmhub.funding import commonground, matching, search, targeting
from asmhub.funding.models import Activity, Concept, DonorProfile, Opportunity, Project
from asmhub.funding.schemas import (
    ActivityFilters,
    ActivityOut,
    CommonGroundOut,
    ConceptFilters,
    ConceptIn,
    ConceptOut,
    CycleOut,
    DonorFilters,
    DonorOut,
    MatchOut,
    MatchQuery,
    OpportunityFilters,
    OpportunityOut,
    ProjectFilters,
    ProjectOut,
    TargetOut,
)
from asmhub.taxonomy.lookup import Lookup, all_found

router = Router(tags=["funding"], auth=PUBLIC)


def _visible(request: HttpRequest, queryset: Any, **lookup: Any) -> Any:
    obj = queryset.filter(**lookup).first()
    if obj is None or not permissions.can_view(request.user, obj):
        raise Http404
    return obj


def _match_out(match: matching.Match) -> dict[str, Any]:
    return {
        "donor": match.donor.slug,
        "donor_name": match.donor.name,
        "opportunity": match.opportunity.slug if match.opportunity else None,
        "score": match.score,
        "summary": match.summary,
        "deadline": match.deadline,
        "deadline_what": match.deadline_what,
        "parts": [
            {
                "key": p.key,
                "label": p.label,
                "value": round(p.value, 3),
                "weight": round(p.weight, 3),
                "points": p.points,
                "reason": p.reason,
            }
            for p in match.parts
        ],
    }


@router.get("/donors", response=answers(list[DonorOut]), summary="List donor profiles")
@paginate(Pagination)
def list_donors(request: HttpRequest, filters: Query[DonorFilters]) -> Any:
    return search.donors_for(request.user, filter_params(filters))[0].prefetch_related(
        "focus_regions", "eligible_types", "champions", "priorities__sdg_goal"
    )


@router.get("/donors/facets", response=answers(list[FacetOut]), summary="Donor facet counts")
def donor_facets(request: HttpRequest, filters: Query[DonorFilters]) -> Any:
    return facets_out(search.donors_for(request.user, filter_params(filters))[1])


@router.get("/donors/{slug}", response=answers(DonorOut, 404), summary="One donor profile")
def get_donor(request: HttpRequest, slug: str) -> Any:
    return _visible(request, DonorProfile.objects.all(), organization__slug=slug)


@router.get(
    "/donors/{slug}/cycles",
    response=answers(list[CycleOut], 404),
    summary="A donor's funding cycles, with each one's next date",
)
def donor_cycles(request: HttpRequest, slug: str) -> Any:
    profile = _visible(request, DonorProfile.objects.all(), organization__slug=slug)
    today = timezone.localdate()
    return [
        {
            "kind": c.kind,
            "title": c.title,
            "rule": c.rule,
            "starts_on": c.starts_on,
            "country": c.country_id,
            "next": c.next_occurrence(today),
        }
        for c in profile.cycles.all()
    ]


@router.get(
    "/donors/{slug}/concepts",
    response=answers(list[MatchOut], 404),
    summary="The concepts that fit a donor best",
)
def donor_concepts(request: HttpRequest, slug: str) -> Any:
    profile = _visible(request, DonorProfile.objects.all(), organization__slug=slug)
    concepts = permissions.visible(request.user, Concept.objects.all())
    matches = matching.rank_concepts(
        profile, concepts.order_by("-updated_at")[: matching.REVERSE_CANDIDATES]
    )
    return [
        {**_match_out(m), "summary": f"{m.concept.title if m.concept else ''}: {m.summary}"}
        for m in matches[:20]
    ]


@router.get("/opportunities", response=answers(list[OpportunityOut]), summary="List opportunities")
@paginate(Pagination)
def list_opportunities(request: HttpRequest, filters: Query[OpportunityFilters]) -> Any:
    found = search.opportunities_for(request.user, filter_params(filters))[0]
    return found.prefetch_related("eligible_types", "sdg_goals")


@router.get(
    "/opportunities/{slug}", response=answers(OpportunityOut, 404), summary="One opportunity"
)
def get_opportunity(request: HttpRequest, slug: str) -> Any:
    return _visible(request, Opportunity.objects.select_related("donor"), slug=slug)


@router.get("/concepts", response=answers(list[ConceptOut]), summary="List project concepts")
@paginate(Pagination)
def list_concepts(request: HttpRequest, filters: Query[ConceptFilters]) -> Any:
    return search.concepts_for(request.user, filter_params(filters))[0].prefetch_related(
        "minerals", "sdg_goals"
    )


@router.get("/concepts/{slug}", response=answers(ConceptOut, 404), summary="One concept")
def get_concept(request: HttpRequest, slug: str) -> Any:
    return _visible(request, Concept.objects.all(), slug=slug)


def _resolve_concept(user: Any, payload: ConceptIn) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    lookup = Lookup()
    data = payload.dict()
    relations: dict[str, list[Any]] = {}
    finders = {
        # A proposer the user may not see (another organization's draft) is unknown.
        "proposers": lambda v: permissions.if_visible(user, lookup.organization(v)),
        "countries": lookup.country,
        "minerals": lookup.mineral,
        "lever_issues": lookup.issue,
        "sdg_goals": lambda v: lookup.sdg_goal(str(v)),
    }
    for key, find in finders.items():
        relations[key] = all_found(key, data.pop(key), find)
    return data, relations


@router.post(
    "/concepts",
    auth=SIGNED_IN,
    response=answers(ConceptOut, 400, 403),
    summary="Describe a need as a concept (a draft until an editor publishes it)",
)
def create_concept(request: HttpRequest, payload: ConceptIn) -> Any:
    return contribute(request.user, Concept(), lambda: _resolve_concept(request.user, payload))


@router.get(
    "/concepts/{slug}/donors",
    response=answers(list[MatchOut], 404),
    summary="Donors ranked for a concept, each part of the score explained",
)
def concept_donors(request: HttpRequest, slug: str, options: Query[MatchQuery]) -> Any:
    concept = _visible(request, Concept.objects.all(), slug=slug)
    ranked = matching.rank_donors(concept, limit=options.limit, overrides=options.overrides())
    return [_match_out(m) for m in ranked]


@router.get(
    "/concepts/{slug}/opportunities",
    response=answers(list[MatchOut], 404),
    summary="Open and forecast opportunities ranked for a concept",
)
def concept_opportunities(request: HttpRequest, slug: str, options: Query[MatchQuery]) -> Any:
    concept = _visible(request, Concept.objects.all(), slug=slug)
    ranked = matching.rank_opportunities(
        concept, limit=options.limit, overrides=options.overrides()
    )
    return [_match_out(m) for m in ranked]


@router.get(
    "/concepts/{slug}/targets",
    response=answers(list[TargetOut], 404),
    summary="Whom to approach for a concept, through which entry point, by when, with what",
)
def concept_targets(request: HttpRequest, slug: str) -> Any:
    concept = _visible(request, Concept.objects.all(), slug=slug)
    return [
        {
            "donor": t.match.donor.slug,
            "donor_name": t.match.donor.name,
            "score": t.match.score,
            "entry_point": t.entry_point,
            "entry_reason": t.entry_reason,
            "by": t.match.deadline,
            "by_what": t.match.deadline_what,
            "evidence": [e.get_absolute_url() for e in t.evidence],
        }
        for t in targeting.targets(request.user, concept)
    ]


@router.get("/projects", response=answers(list[ProjectOut]), summary="List projects")
@paginate(Pagination)
def list_projects(request: HttpRequest, filters: Query[ProjectFilters]) -> Any:
    found = search.projects_for(request.user, filter_params(filters))[0]
    return found.select_related("activity").prefetch_related("implementers")


@router.get("/projects/{slug}", response=answers(ProjectOut, 404), summary="One project")
def get_project(request: HttpRequest, slug: str) -> Any:
    return _visible(request, Project.objects.select_related("activity"), slug=slug)


@router.get("/activities", response=answers(list[ActivityOut]), summary="List IATI activities")
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]) -> Any:
    found = search.activities_for(request.user, filter_params(filters))[0]
    return found.prefetch_related("countries", "sectors", "sdg_goals")


@router.get(
    "/activities/{path:identifier}",
    response=answers(ActivityOut, 404),
    summary="One IATI activity",
)
def get_activity(request: HttpRequest, identifier: str) -> Any:
    activity = Activity.objects.filter(iati_identifier=identifier).first()
    if activity is None:
        raise Http404
    return activity


@router.get(
    "/common-ground",
    response=answers(CommonGroundOut),
    summary="Common priorities and the goals × donors × stakeholder groups matrix",
)
def common_ground(request: HttpRequest, goals: Literal["sdg", "mdg"] = "sdg") -> Any:
    ground = commonground.compute(request.user, goals=goals)

    def issue_rows(rows: list[commonground.IssueRow]) -> list[dict[str, Any]]:
        return [
            {
                "issue": r.issue.slug,
                "name": r.issue.tr("name"),
                "stakeholder": round(r.stakeholder, 3),
                "donor": round(r.donor, 3),
                "groups": r.groups,
            }
            for r in rows
        ]

    columns, rows = commonground.matrix_rows(ground)
    return {
        "columns": columns[1:],
        "among_stakeholders": issue_rows(ground.among_stakeholders),
        "stakeholders_and_donors": issue_rows(ground.stakeholders_and_donors),
        "matrix": [{"goal": r[0], "values": r[1:]} for r in rows],
    }
