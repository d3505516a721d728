from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from asmhub.core import permissions, revisions
from asmhub.core.crud import change_status, edit_contribution, get_visible, list_page, query_params
from asmhub.core.exports import download
from asmhub.funding import commonground, engagement, exports, matching, search, services, targeting
from asmhub.funding.forms import ApplicationForm, ConceptForm, DonorProfileForm, OpportunityForm
from asmhub.funding.models import Activity, Application, Concept, DonorProfile, Opportunity, Project


def donor_list(request: HttpRequest) -> HttpResponse:
    found, facets = search.donors_for(request.user, query_params(request))
    return list_page(
        request, found, facets, "funding/donor_list.html", "funding/_donor_results.html"
    )


def donor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    profile: DonorProfile = get_visible(
        request,
        DonorProfile.objects.select_related("organization__stakeholder_type"),
        organization__slug=slug,
    )
    user = request.user
    today = timezone.localdate()
    cycles = list(profile.cycles.select_related("country"))
    concepts = permissions.visible(user, Concept.objects.all())
    context: dict[str, Any] = {
        "object": profile,
        "org": profile.organization,
        "priorities": profile.priorities.select_related("lever_issue", "sdg_goal"),
        "cycle_dates": services.cycle_dates(cycles, today, today + dt.timedelta(days=400)),
        "cycles": cycles,
        "opportunities": permissions.visible(
            user, Opportunity.objects.filter(donor=profile.organization)
        ),
        "projects": permissions.visible(user, Project.objects.filter(funders=profile.organization)),
        "footprint": services.footprint_of(profile.organization),
        "fits": matching.rank_concepts(
            profile, concepts.order_by("-updated_at")[: matching.REVERSE_CANDIDATES], today=today
        )[:5],
        "can_change": permissions.can_change(user, profile),
        "pending": revisions.pending_for(user, profile),
        "can_publish": permissions.can_publish(user, profile),
        "history": services.history(profile) if permissions.can_change(user, profile) else [],
    }
    return render(request, "funding/donor_detail.html", context)


@login_required
def donor_edit(request: HttpRequest, slug: str) -> HttpResponse:
    profile = get_visible(request, DonorProfile.objects.all(), organization__slug=slug)
    return edit_contribution(
        request, profile, DonorProfileForm, "funding/form.html", {"what": profile.organization}
    )


@login_required
@require_POST
def donor_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(
        request, get_visible(request, DonorProfile.objects.all(), organization__slug=slug)
    )


def opportunity_list(request: HttpRequest) -> HttpResponse:
    found, facets = search.opportunities_for(request.user, query_params(request))
    return list_page(
        request,
        found,
        facets,
        "funding/opportunity_list.html",
        "funding/_opportunity_results.html",
    )


def opportunity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    opportunity: Opportunity = get_visible(
        request, Opportunity.objects.select_related("donor"), slug=slug
    )
    user = request.user
    context = {
        "object": opportunity,
        "applications": permissions.visible(
            user, opportunity.applications.select_related("applicant", "concept")
        ),
        "can_change": permissions.can_change(user, opportunity),
        "can_publish": permissions.can_publish(user, opportunity),
        "history": services.history(opportunity)
        if permissions.can_change(user, opportunity)
        else [],
    }
    return render(request, "funding/opportunity_detail.html", context)


@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(request, Opportunity(), OpportunityForm, "funding/form.html")


@login_required
def opportunity_edit(request: HttpRequest, slug: str) -> HttpResponse:
    opportunity = get_visible(request, Opportunity.objects.all(), slug=slug)
    return edit_contribution(request, opportunity, OpportunityForm, "funding/form.html")


@login_required
@require_POST
def opportunity_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, Opportunity.objects.all(), slug=slug))


def concept_list(request: HttpRequest) -> HttpResponse:
    found, facets = search.concepts_for(request.user, query_params(request))
    return list_page(
        request, found, facets, "funding/concept_list.html", "funding/_concept_results.html"
    )


def _overrides(request: HttpRequest) -> dict[str, float]:
    found = {}
    for part in matching.PARTS:
        raw = request.GET.get(f"w_{part}")
        if raw:
            try:
                found[part] = max(0.0, float(raw))
            except ValueError:
                continue
    return found


def concept_detail(request: HttpRequest, slug: str) -> HttpResponse:
    concept: Concept = get_visible(request, Concept.objects.all(), slug=slug)
    user = request.user
    context = {
        "object": concept,
        "can_change": permissions.can_change(user, concept),
        "can_publish": permissions.can_publish(user, concept),
        "history": services.history(concept) if permissions.can_change(user, concept) else [],
        **engagement.donor_context(user, concept),
        **_match_context(request, concept),
    }
    return render(request, "funding/concept_detail.html", context)


def _match_context(request: HttpRequest, concept: Concept) -> dict[str, Any]:
    overrides = _overrides(request)
    return {
        "concept": concept,
        "donor_matches": matching.rank_donors(concept, limit=10, overrides=overrides),
        "opportunity_matches": matching.rank_opportunities(concept, limit=5, overrides=overrides),
        "targets": targeting.targets(request.user, concept),
        "weights": matching.weights(overrides),
        "weight_inputs": [
            (
                part,
                str(matching.LABELS[part]),
                overrides.get(part, matching.config()["weights"][part]),
            )
            for part in matching.PARTS
        ],
    }


def concept_match(request: HttpRequest, slug: str) -> HttpResponse:
    """The match fragment alone for htmx, for new weights; the whole page otherwise (a
    link opened directly, or the form sent without scripts)."""
    if not getattr(request, "htmx", False):
        return concept_detail(request, slug)
    concept: Concept = get_visible(request, Concept.objects.all(), slug=slug)
    return render(request, "funding/_match.html", _match_context(request, concept))


@login_required
def concept_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(request, Concept(), ConceptForm, "funding/form.html")


@login_required
def concept_edit(request: HttpRequest, slug: str) -> HttpResponse:
    concept = get_visible(request, Concept.objects.all(), slug=slug)
    return edit_contribution(request, concept, ConceptForm, "funding/form.html")


@login_required
@require_POST
def concept_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, Concept.objects.all(), slug=slug))


def project_list(request: HttpRequest) -> HttpResponse:
    found, facets = search.projects_for(request.user, query_params(request))
    return list_page(
        request, found, facets, "funding/project_list.html", "funding/_project_results.html"
    )


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project: Project = get_visible(request, Project.objects.select_related("activity"), slug=slug)
    return render(request, "funding/project_detail.html", {"object": project})


def activity_list(request: HttpRequest) -> HttpResponse:
    found, facets = search.activities_for(request.user, query_params(request))
    return list_page(
        request, found, facets, "funding/activity_list.html", "funding/_activity_results.html"
    )


def activity_detail(request: HttpRequest, identifier: str) -> HttpResponse:
    activity = Activity.objects.filter(iati_identifier=identifier).first()
    if activity is None:
        raise Http404
    return render(request, "funding/activity_detail.html", {"object": activity})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = permissions.visible(
        request.user,
        Application.objects.select_related("opportunity__donor", "applicant", "concept"),
    )
    if not permissions.is_editor(request.user):
        applications = applications.filter(
            owner_organization_id=getattr(request.user, "organization_id", None)
        )
    return render(
        request,
        "funding/application_list.html",
        {"applications": applications, "totals": services.pipeline_totals(applications)},
    )


def _own_application(request: HttpRequest, pk: int) -> Application:
    application: Application = get_visible(
        request, Application.objects.select_related("opportunity", "applicant"), pk=pk
    )
    if not permissions.can_change(request.user, application):
        raise Http404  # the pipeline is private to its organization and the editors
    return application


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    return render(
        request,
        "funding/application_detail.html",
        {"object": application, "history": services.history(application)},
    )


@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(request, Application(), ApplicationForm, "funding/form.html")


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return edit_contribution(
        request, _own_application(request, pk), ApplicationForm, "funding/form.html"
    )


def common_ground(request: HttpRequest) -> HttpResponse:
    goals = "mdg" if request.GET.get("goals") == "mdg" else "sdg"
    ground = commonground.compute(request.user, goals=goals)
    return render(request, "funding/common_ground.html", {"ground": ground, "goals": goals})


def common_ground_export(request: HttpRequest, fmt: str) -> HttpResponse:
    goals = "mdg" if request.GET.get("goals") == "mdg" else "sdg"
    ground = commonground.compute(request.user, goals=goals)
    columns, rows = commonground.matrix_rows(ground)
    return download(columns, rows, f"compatibility-{goals}", fmt)


def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    params = query_params(request)
    builders = {
        "donors": (search.donors_for, exports.donor_rows),
        "opportunities": (search.opportunities_for, exports.opportunity_rows),
        "concepts": (search.concepts_for, exports.concept_rows),
        "projects": (search.projects_for, exports.project_rows),
        "activities": (search.activities_for, exports.activity_rows),
    }
    if kind not in builders:
        raise Http404
    find, rows_of = builders[kind]
    found, _facets = find(request.user, params)
    columns, rows = rows_of(found)
    return download(columns, rows, kind, fmt)
