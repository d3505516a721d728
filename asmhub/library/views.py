from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.core import permissions
from asmhub.core.actions import SaveContribution
from asmhub.core.crud import change_status, edit_contribution, get_visible, query_params
from asmhub.core.models import AuditEntry
from asmhub.library import search, services, tagging
from asmhub.library.forms import ResourceForm
from asmhub.library.models import IngestStatus, Resource
from asmhub.library.tasks import ingest_upload

PAGE_SIZE = 20


def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    result = search.search(
        request.user,
        text,
        query_params(request),
        limit=PAGE_SIZE,
        offset=(number - 1) * PAGE_SIZE,
        as_you_type=bool(getattr(request, "htmx", False)),
    )
    page = Paginator(range(result.total), PAGE_SIZE).get_page(number)
    context = {"result": result, "facets": result.facets, "query": text, "page": page}
    template = "library/_results.html" if getattr(request, "htmx", False) else "library/search.html"
    return render(request, template, context)


def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    can_change = permissions.can_change(request.user, resource)
    context: dict[str, Any] = {
        "object": resource,
        "passages": resource.passages.all(),
        "can_change": can_change,
        "can_publish": permissions.can_publish(request.user, resource),
        "history": list(AuditEntry.for_object(resource)[:50]) if can_change else [],
        **_suggestions_context(request, resource),
        "facts": permissions.visible(request.user, resource.facts.all()),
    }
    return render(request, "library/resource_detail.html", context)


def resource_status_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """What htmx polls while an upload is being read."""
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    return render(request, "library/_ingest_status.html", {"object": resource})


def _start_ingest(resource: Any, form: Any) -> None:
    upload = form.cleaned_data.get("upload")
    if upload is None:
        return
    data = upload.read()
    digest = services.content_hash(data)
    duplicate = Resource.objects.filter(content_hash=digest).exclude(pk=resource.pk).first()
    if duplicate is not None:
        resource.ingest_status = IngestStatus.FAILED
        resource.ingest_error = _("This file is already in the library as “%s”.") % duplicate.title
        resource.save(update_fields=["ingest_status", "ingest_error"])
        return
    resource.file.save(upload.name, upload, save=False)
    resource.file_name = upload.name
    resource.content_hash = digest
    resource.ingest_status = IngestStatus.PENDING
    resource.save()
    transaction.on_commit(lambda: ingest_upload.enqueue(resource.pk))


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(
        request, Resource(), ResourceForm, "library/resource_form.html", after_save=_start_ingest
    )


@login_required
def resource_edit(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_visible(request, Resource.objects.all(), slug=slug)
    return edit_contribution(
        request, resource, ResourceForm, "library/resource_form.html", after_save=_after_edit
    )


def _after_edit(resource: Any, form: Any) -> None:
    _start_ingest(resource, form)
    services.reindex_resource(resource)


@login_required
@require_POST
def resource_status(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_visible(request, Resource.objects.all(), slug=slug)
    response = change_status(request, resource)
    services.reindex_resource(resource)
    return response


@login_required
@require_POST
def resource_reprocess(request: HttpRequest, slug: str) -> HttpResponse:
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    if not permissions.can_change(request.user, resource):
        raise PermissionDenied
    if resource.file:
        SaveContribution(request.user, resource, {"ingest_status": IngestStatus.PENDING}).execute()
        ingest_upload.enqueue(resource.pk)
        messages.success(request, _("The file is being read again."))
    return redirect(resource)


def _suggestions_context(request: HttpRequest, resource: Resource) -> dict[str, Any]:
    suggestions = resource.suggestions.filter(passage=None)
    return {
        "object": resource,
        "suggestions": suggestions,
        "can_curate": permissions.can_change(request.user, resource),
    }


def suggestions_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    return render(request, "library/_suggestions.html", _suggestions_context(request, resource))


@login_required
@require_POST
def decide_suggestion(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    if not permissions.can_change(request.user, resource):
        raise PermissionDenied
    suggestion = resource.suggestions.filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    tagging.decide(request.user, suggestion, accept=request.POST.get("decision") == "accept")
    services.reindex_resource(resource)
    if getattr(request, "htmx", False):
        return render(request, "library/_suggestions.html", _suggestions_context(request, resource))
    return redirect(resource)
