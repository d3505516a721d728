"""Taxonomy API: read-only, public, in the language of Accept-Language (en or fr)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import Ref, answers, ref
from asmhub.core.facets import text_filter
from asmhub.core.pagination import Pagination
from asmhub.taxonomy import models as tx

router = Router(tags=["taxonomy"], auth=PUBLIC)

SDG_LANGUAGES = {"en", "fr", "es", "sw"}


class Translations(Schema):
    lang: str = Field(
        "",
        description="Language code for the texts: en, fr, es or sw; default from Accept-Language",
    )


def _t(obj: Any, field: str, lang: str) -> str:
    return str(obj.tr(field, lang or None))


class TextFilters(Translations):
    q: str = Field("", description="Words that must appear in the English text")


class SDGGoalOut(Schema):
    number: int
    short: str
    title: str
    url: str


class SDGTargetOut(Schema):
    code: str
    goal: int
    title: str
    lever_issues: list[str]


class SDGIndicatorOut(Schema):
    code: str
    target: str
    title: str


class MDGGoalOut(Schema):
    number: int
    short: str
    title: str
    targets: list[Ref]
    sdg_goals: list[int]
    crosswalk_rationale: str
    url: str


class LeverIssueOut(Schema):
    slug: str
    name: str
    definition: str
    mdg_goals: list[int]
    sdg_targets: list[str]
    sdg_goals: list[int]
    url: str


class MineralOut(Schema):
    slug: str
    name: str
    ore: str
    group: Ref
    aliases: list[str]


class CountryOut(Schema):
    code: str
    alpha3: str
    name: str
    subregion: Ref | None
    region: Ref | None


class TermOut(Schema):
    slug: str
    name: str
    description: str


class StakeholderTypeOut(TermOut):
    is_donor: bool


class RiskCategoryOut(TermOut):
    code: str
    annex_paragraphs: str
    forms: list[dict[str, str]]


class RegionOut(Schema):
    slug: str
    name: str
    kind: str
    parent: str | None
    countries: list[str]


class CodeListOut(Schema):
    name: str
    title: str
    source_url: str


class CodeOut(Schema):
    code: str
    name: str
    description: str
    category: str
    active: bool


def _goal(goal: tx.SDGGoal, lang: str) -> dict[str, Any]:
    return {
        "number": goal.number,
        "short": _t(goal, "short", lang),
        "title": _t(goal, "title", lang),
        "url": goal.get_absolute_url(),
    }


@router.get(
    "/sdg/goals", response=answers(list[SDGGoalOut]), summary="The 17 Sustainable Development Goals"
)
@paginate(Pagination)
def sdg_goals(request: HttpRequest, filters: Query[TextFilters]) -> Any:
    goals = tx.SDGGoal.objects.all()
    if filters.q:
        goals = text_filter(goals, filters.q, ("short", "title"))
    return [_goal(g, filters.lang) for g in goals]


@router.get("/sdg/goals/{number}", response=answers(SDGGoalOut, 404), summary="One SDG goal")
def sdg_goal(request: HttpRequest, number: int, t: Query[Translations]) -> Any:
    return _goal(get_object_or_404(tx.SDGGoal, number=number), t.lang)


class TargetFilters(Translations):
    goal: int | None = Field(None, description="SDG goal number")


@router.get("/sdg/targets", response=answers(list[SDGTargetOut]), summary="SDG targets (169)")
@paginate(Pagination)
def sdg_targets(request: HttpRequest, filters: Query[TargetFilters]) -> Any:
    targets = tx.SDGTarget.objects.select_related("goal").prefetch_related("lever_issues")
    if filters.goal is not None:
        targets = targets.filter(goal__number=filters.goal)
    return [
        {
            "code": t.code,
            "goal": t.goal.number,
            "title": _t(t, "title", filters.lang),
            "lever_issues": [i.slug for i in t.lever_issues.all()],
        }
        for t in targets
    ]


class IndicatorFilters(Translations):
    goal: int | None = Field(None, description="SDG goal number")
    target: str = Field("", description="SDG target code, e.g. 8.7")


@router.get("/sdg/indicators", response=answers(list[SDGIndicatorOut]), summary="SDG indicators")
@paginate(Pagination)
def sdg_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> Any:
    indicators = tx.SDGIndicator.objects.select_related("target__goal")
    if filters.goal is not None:
        indicators = indicators.filter(target__goal__number=filters.goal)
    if filters.target:
        indicators = indicators.filter(target__code=filters.target)
    return [
        {"code": i.code, "target": i.target.code, "title": _t(i, "title", filters.lang)}
        for i in indicators
    ]


class MDGFilters(Translations):
    sdg: int | None = Field(None, description="Only MDGs that this SDG goal carries on")


def _mdg(goal: tx.MDGGoal, lang: str) -> dict[str, Any]:
    return {
        "number": goal.number,
        "short": _t(goal, "short", lang),
        "title": _t(goal, "title", lang),
        "targets": [{"id": t.code, "name": _t(t, "text", lang)} for t in goal.targets.all()],
        "sdg_goals": [g.number for g in goal.sdg_goals.all()],
        "crosswalk_rationale": _t(goal, "crosswalk_rationale", lang),
        "url": goal.get_absolute_url(),
    }


@router.get(
    "/mdg/goals",
    response=answers(list[MDGGoalOut]),
    summary="The 8 Millennium Development Goals, with the SDG crosswalk",
)
@paginate(Pagination)
def mdg_goals(request: HttpRequest, filters: Query[MDGFilters]) -> Any:
    goals = tx.MDGGoal.objects.prefetch_related("targets", "sdg_goals")
    if filters.sdg is not None:
        goals = goals.filter(sdg_goals__number=filters.sdg)
    return [_mdg(g, filters.lang) for g in goals]


@router.get("/mdg/goals/{number}", response=answers(MDGGoalOut, 404), summary="One MDG goal")
def mdg_goal(request: HttpRequest, number: int, t: Query[Translations]) -> Any:
    return _mdg(get_object_or_404(tx.MDGGoal, number=number), t.lang)


class IssueFilters(Translations):
    sdg: int | None = Field(None, description="Only issues that carry targets of this SDG goal")
    mdg: int | None = Field(None, description="Only issues linked to this MDG goal")


def _issue(issue: tx.LeverIssue, lang: str) -> dict[str, Any]:
    targets = list(issue.sdg_targets.all())
    return {
        "slug": issue.slug,
        "name": _t(issue, "name", lang),
        "definition": _t(issue, "definition", lang),
        "mdg_goals": [g.number for g in issue.mdg_goals.all()],
        "sdg_targets": [t.code for t in targets],
        "sdg_goals": sorted({int(t.code.split(".")[0]) for t in targets}),
        "url": issue.get_absolute_url(),
    }


@router.get(
    "/lever-issues",
    response=answers(list[LeverIssueOut]),
    summary="ASM lever issues with their MDG and SDG links",
)
@paginate(Pagination)
def lever_issues(request: HttpRequest, filters: Query[IssueFilters]) -> Any:
    issues = tx.LeverIssue.objects.prefetch_related("sdg_targets", "mdg_goals")
    if filters.sdg is not None:
        issues = issues.filter(sdg_targets__goal__number=filters.sdg).distinct()
    if filters.mdg is not None:
        issues = issues.filter(mdg_goals__number=filters.mdg)
    return [_issue(i, filters.lang) for i in issues]


@router.get("/lever-issues/{slug}", response=answers(LeverIssueOut, 404), summary="One lever issue")
def lever_issue(request: HttpRequest, slug: str, t: Query[Translations]) -> Any:
    return _issue(get_object_or_404(tx.LeverIssue, slug=slug), t.lang)


class MineralFilters(Translations):
    group: str = Field("", description="Mineral group slug")
    q: str = Field("", description="Name, ore or alias (French and local names included)")


@router.get(
    "/minerals",
    response=answers(list[MineralOut]),
    summary="Minerals with groups and field aliases",
)
@paginate(Pagination)
def minerals(request: HttpRequest, filters: Query[MineralFilters]) -> Any:
    found = tx.Mineral.objects.select_related("group")
    if filters.group:
        found = found.filter(group__slug=filters.group)
    result = []
    for m in found:
        haystack = " ".join([m.name, m.ore, m.tr("name", "fr"), *m.aliases]).lower()
        if filters.q and filters.q.lower() not in haystack:
            continue
        result.append(
            {
                "slug": m.slug,
                "name": _t(m, "name", filters.lang),
                "ore": _t(m, "ore", filters.lang),
                "group": {"id": m.group.slug, "name": _t(m.group, "name", filters.lang)},
                "aliases": m.aliases,
            }
        )
    return result


class CountryFilters(Translations):
    region: str = Field("", description="Region, sub-region or grouping slug")
    q: str = Field("", description="Part of the name")


@router.get(
    "/countries",
    response=answers(list[CountryOut]),
    summary="Countries (ISO 3166-1) with their UN M49 regions",
)
@paginate(Pagination)
def countries(request: HttpRequest, filters: Query[CountryFilters]) -> Any:
    found = tx.Country.objects.select_related("subregion__parent")
    if filters.region:
        found = (
            found.filter(subregion__slug=filters.region)
            | found.filter(subregion__parent__slug=filters.region)
            | found.filter(groupings__slug=filters.region)
        )
    if filters.q:
        found = text_filter(found, filters.q, ("name", "official_name", "code", "alpha3"))
    return [
        {
            "code": c.code,
            "alpha3": c.alpha3,
            "name": _t(c, "name", filters.lang),
            "subregion": ref(c.subregion) if c.subregion else None,
            "region": ref(c.subregion.parent) if c.subregion and c.subregion.parent else None,
        }
        for c in found.distinct()
    ]


class RegionFilters(Translations):
    kind: str = Field("", description="region, subregion or grouping")
    parent: str = Field("", description="Slug of the region a sub-region belongs to")


@router.get(
    "/regions",
    response=answers(list[RegionOut]),
    summary="UN M49 regions and sub-regions, and groupings",
)
@paginate(Pagination)
def regions(request: HttpRequest, filters: Query[RegionFilters]) -> Any:
    t = filters
    found = tx.Region.objects.select_related("parent").prefetch_related(
        "countries", "member_countries"
    )
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.parent:
        found = found.filter(parent__slug=filters.parent)
    return [
        {
            "slug": r.slug,
            "name": _t(r, "name", t.lang),
            "kind": r.kind,
            "parent": r.parent.slug if r.parent else None,
            "countries": sorted(
                c.code
                for c in (r.member_countries.all() if r.kind == "grouping" else r.countries.all())
            ),
        }
        for r in found
    ]


def _terms(queryset: Any, lang: str, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "slug": o.slug,
            "name": _t(o, "name", lang),
            "description": _t(o, "description", lang),
            **{k: f(o) for k, f in extra.items()},
        }
        for o in queryset
    ]


class StakeholderFilters(Translations):
    donor: bool | None = Field(None, description="Only donor types (true) or only others (false)")


@router.get(
    "/stakeholder-types", response=answers(list[StakeholderTypeOut]), summary="Stakeholder types"
)
@paginate(Pagination)
def stakeholder_types(request: HttpRequest, filters: Query[StakeholderFilters]) -> Any:
    types = tx.StakeholderType.objects.all()
    if filters.donor is not None:
        types = types.filter(is_donor=filters.donor)
    return _terms(types, filters.lang, is_donor=lambda o: o.is_donor)


@router.get(
    "/miner-profiles",
    response=answers(list[TermOut]),
    summary="Miner profiles by behaviour (2005 report)",
)
@paginate(Pagination)
def miner_profiles(request: HttpRequest, filters: Query[TextFilters]) -> Any:
    profiles = tx.MinerProfile.objects.all()
    if filters.q:
        profiles = text_filter(profiles, filters.q, ("name", "description"))
    return _terms(profiles, filters.lang)


@router.get(
    "/risk-categories",
    response=answers(list[RiskCategoryOut]),
    summary="OECD Due Diligence Guidance Annex II risks",
)
@paginate(Pagination)
def risk_categories(request: HttpRequest, filters: Query[TextFilters]) -> Any:
    risks = tx.RiskCategory.objects.all()
    if filters.q:
        risks = text_filter(risks, filters.q, ("name", "description"))
    return _terms(
        risks,
        filters.lang,
        code=lambda o: o.code,
        annex_paragraphs=lambda o: o.annex_paragraphs,
        forms=lambda o: o.forms,
    )


@router.get(
    "/codelists",
    response=answers(list[CodeListOut]),
    summary="IATI code lists held by the platform",
)
@paginate(Pagination)
def codelists(request: HttpRequest, filters: Query[TextFilters]) -> Any:
    found = tx.CodeList.objects.all()
    if filters.q:
        found = text_filter(found, filters.q, ("name", "title"))
    return found


class CodeFilters(Translations):
    q: str = Field("", description="Words in the code, name or description")
    category: str = Field(
        "", description="Category code, e.g. 322 for mineral resources and mining"
    )


@router.get(
    "/codelists/{name}/codes",
    response=answers(list[CodeOut], 404),
    summary="The codes of one IATI code list",
)
@paginate(Pagination)
def codes(request: HttpRequest, name: str, filters: Query[CodeFilters]) -> Any:
    codelist = get_object_or_404(tx.CodeList, name=name)
    found = tx.Code.objects.filter(codelist=codelist)
    if filters.q:
        found = text_filter(found, filters.q, ("code", "name", "description"))
    if filters.category:
        found = found.filter(category=filters.category)
    return [
        {
            "code": c.code,
            "name": _t(c, "name", filters.lang),
            "description": _t(c, "description", filters.lang),
            "category": c.category,
            "active": c.active,
        }
        for c in found
    ]
