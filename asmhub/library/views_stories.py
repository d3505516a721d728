"""Pages of facts and success stories."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.core import permissions
from asmhub.core.crud import change_status, get_visible, paginate
from asmhub.core.facets import apply_facets
from asmhub.core.models import AuditEntry
from asmhub.library import stories
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.taxonomy.facets import country_facet, lever_issue_facet

FACT_FACETS = [country_facet("countries__code"), lever_issue_facet("lever_issues__slug")]
STORY_FACETS = [country_facet("countries__code"), lever_issue_facet("lever_issues__slug")]


def fact_list(request: HttpRequest) -> HttpResponse:
    facts = permissions.visible(
        request.user, Fact.objects.select_related("resource", "passage__resource")
    )
    found, facets = apply_facets(
        facts, FACT_FACETS, {k: request.GET.getlist(k) for k in request.GET}
    )
    return render(
        request, "library/fact_list.html", {"page": paginate(request, found), "facets": facets}
    )


def fact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fact: Fact = get_visible(
        request, Fact.objects.select_related("resource", "passage__resource"), pk=pk
    )
    can_change = permissions.can_change(request.user, fact)
    return render(
        request,
        "library/fact_detail.html",
        {
            "object": fact,
            "can_change": can_change,
            "can_publish": permissions.can_publish(request.user, fact),
            "history": list(AuditEntry.for_object(fact)[:20]) if can_change else [],
        },
    )


@login_required
@require_POST
def fact_status(request: HttpRequest, pk: int) -> HttpResponse:
    return change_status(request, get_visible(request, Fact.objects.all(), pk=pk))


@login_required
@require_POST
def propose_facts(request: HttpRequest, slug: str) -> HttpResponse:
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    if not permissions.can_change(request.user, resource):
        raise PermissionDenied
    count = stories.propose_facts(resource, request.user)
    messages.success(
        request, _("%(n)d candidate facts proposed, as drafts to check.") % {"n": count}
    )
    return redirect(f"{resource.get_absolute_url()}#facts")


def story_list(request: HttpRequest) -> HttpResponse:
    found = permissions.visible(
        request.user, SuccessStory.objects.prefetch_related("countries", "organizations")
    )
    stage = request.GET.get("stage", "")
    if stage:
        found = found.filter(stage=stage)
    found, facets = apply_facets(
        found, STORY_FACETS, {k: request.GET.getlist(k) for k in request.GET}
    )
    context = {
        "page": paginate(request, found),
        "facets": facets,
        "stages": SuccessStory.Stage.choices,
        "stage": stage,
    }
    return render(request, "library/story_list.html", context)


def story_detail(request: HttpRequest, slug: str) -> HttpResponse:
    story: SuccessStory = get_visible(request, SuccessStory.objects.all(), slug=slug)
    can_change = permissions.can_change(request.user, story)
    return render(
        request,
        "library/story_detail.html",
        {
            "object": story,
            "can_change": can_change,
            "can_publish": permissions.can_publish(request.user, story),
            "history": list(AuditEntry.for_object(story)[:20]) if can_change else [],
            "stages": SuccessStory.Stage.choices,
        },
    )


@login_required
@require_POST
def story_stage(request: HttpRequest, slug: str) -> HttpResponse:
    story: SuccessStory = get_visible(request, SuccessStory.objects.all(), slug=slug)
    try:
        stories.change_stage(
            request.user,
            story,
            request.POST.get("stage", ""),
            verified_by=request.POST.get("verified_by", ""),
            evidence=request.POST.get("evidence", ""),
        )
        messages.success(request, _("Stage changed to “%s”.") % story.get_stage_display())
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(story)


@login_required
@require_POST
def story_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, SuccessStory.objects.all(), slug=slug))
