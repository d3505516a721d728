from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from asmhub.core.crud import paginate
from asmhub.core.facets import text_filter
from asmhub.taxonomy import services
from asmhub.taxonomy.models import (
    Code,
    CodeList,
    Country,
    LeverIssue,
    MDGGoal,
    Mineral,
    MineralGroup,
    MinerProfile,
    Region,
    RiskCategory,
    SDGGoal,
    SDGTarget,
    StakeholderType,
)
from asmhub.taxonomy.registry import tagged_with


def index(request: HttpRequest) -> HttpResponse:
    goals, matrix = services.compatibility_matrix()
    context = {
        "sdg_goals": goals,
        "matrix": matrix,
        "mdg_goals": MDGGoal.objects.prefetch_related("sdg_goals"),
        "lever_issues": LeverIssue.objects.all(),
        "mineral_groups": MineralGroup.objects.prefetch_related("minerals"),
        "stakeholder_types": StakeholderType.objects.all(),
        "miner_profiles": MinerProfile.objects.all(),
        "risk_categories": RiskCategory.objects.all(),
        "codelists": CodeList.objects.all(),
    }
    return render(request, "taxonomy/index.html", context)


def sdg_goal(request: HttpRequest, number: int) -> HttpResponse:
    goal = get_object_or_404(SDGGoal, number=number)
    targets = goal.targets.prefetch_related("indicators", "lever_issues")
    context = {
        "goal": goal,
        "targets": targets,
        "lever_issues": services.lever_issues_for_sdg(goal),
        "mdg_goals": goal.mdg_goals.all(),
        "tagged": tagged_with(request.user, goal),
    }
    return render(request, "taxonomy/sdg_goal.html", context)


def mdg_goal(request: HttpRequest, number: int) -> HttpResponse:
    goal = get_object_or_404(MDGGoal, number=number)
    context = {
        "goal": goal,
        "targets": goal.targets.all(),
        "sdg_goals": goal.sdg_goals.all(),
        "lever_issues": services.lever_issues_for_mdg(goal),
        "tagged": tagged_with(request.user, goal),
    }
    return render(request, "taxonomy/mdg_goal.html", context)


def lever_issue(request: HttpRequest, slug: str) -> HttpResponse:
    issue = get_object_or_404(LeverIssue, slug=slug)
    context = {
        "issue": issue,
        "targets": services.targets_by_issue(issue),
        "mdg_goals": issue.mdg_goals.all(),
        "tagged": tagged_with(request.user, issue),
    }
    return render(request, "taxonomy/lever_issue.html", context)


def mineral(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Mineral.objects.select_related("group"), slug=slug)
    return render(
        request,
        "taxonomy/mineral.html",
        {"mineral": found, "tagged": tagged_with(request.user, found)},
    )


def country_list(request: HttpRequest) -> HttpResponse:
    regions = Region.objects.filter(kind=Region.Kind.REGION).prefetch_related(
        Prefetch("children", queryset=Region.objects.prefetch_related("countries"))
    )
    groupings = Region.objects.filter(kind=Region.Kind.GROUPING).prefetch_related(
        "member_countries"
    )
    return render(
        request, "taxonomy/country_list.html", {"regions": regions, "groupings": groupings}
    )


def country(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(
        Country.objects.select_related("subregion__parent"), code=code.upper()
    )
    context = {
        "country": found,
        "groupings": found.groupings.all(),
        "tagged": tagged_with(request.user, found),
    }
    return render(request, "taxonomy/country.html", context)


def codelist(request: HttpRequest, name: str) -> HttpResponse:
    found = get_object_or_404(CodeList, name=name)
    codes = Code.objects.filter(codelist=found)
    query = request.GET.get("q", "")
    if query:
        codes = text_filter(codes, query, ("code", "name", "description"))
    context = {"codelist": found, "page": paginate(request, codes, 100), "query": query}
    return render(request, "taxonomy/codelist.html", context)


def sdg_target_list(request: HttpRequest) -> HttpResponse:
    targets = SDGTarget.objects.select_related("goal").prefetch_related("lever_issues")
    return render(request, "taxonomy/sdg_targets.html", {"targets": targets})
