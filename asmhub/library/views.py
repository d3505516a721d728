from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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


# Files a browser may show in the page (read-only formats that run no script of the
# site's origin); every other format is a download.
INLINE_FORMATS = {"pdf", "text"}


def resource_file(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The resource's uploaded file, to whoever may see the resource (a draft's file is
    404 for others, as its page is). Files on disk are streamed by the web process;
    on S3-compatible storage the answer is a redirect to a short-lived signed address."""
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    if not resource.file:
        raise Http404
    name = resource.file_name or Path(resource.file.name).name
    kind = "inline" if resource.format in INLINE_FORMATS else "attachment"
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    storage = resource.file.storage
    if not isinstance(storage, FileSystemStorage):
        disposition = content_disposition_header(kind == "attachment", name)
        url = storage.url(
            resource.file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
        )
        return HttpResponseRedirect(url)
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=kind == "attachment", filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    if not resource.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


def resource_status_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """What htmx polls while an upload is being read."""
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    return render(request, "library/_ingest_status.html", {"object": resource})


def _start_ingest(resource: Any, form: Any) -> None:
    """Store the file the form has already read (``ResourceForm.clean_upload``), with its
    passages, in the transaction that saves the resource: as `asmhub ingest` does, a file
    that cannot be read was refused on the form and nothing was written."""
    upload = form.cleaned_data.get("upload")
    if upload is None:
        return
    services.attach_upload(resource, upload.name, form.upload_data, form.extracted, actor=form.user)


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
    suggestions = list(resource.suggestions.filter(passage=None))
    names = tagging.names_for([s.label for s in suggestions])
    for suggestion in suggestions:
        suggestion.name = names[suggestion.label]  # type: ignore[attr-defined]
        suggestion.percent = round(suggestion.confidence * 100)  # type: ignore[attr-defined]
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


@login_required
@require_POST
def decide_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept or reject the ticked suggestions in one step; each decision goes through
    ``tagging.decide`` and is audited as a single one would be."""
    resource: Resource = get_visible(request, Resource.objects.all(), slug=slug)
    if not permissions.can_change(request.user, resource):
        raise PermissionDenied
    decision = request.POST.get("decision")
    ids = [value for value in request.POST.getlist("suggestion") if value.isdigit()]
    chosen = list(resource.suggestions.filter(passage=None, pk__in=ids))
    if decision not in ("accept", "reject") or not chosen:
        messages.error(request, _("Tick at least one suggestion, then accept or reject."))
    else:
        with transaction.atomic():
            for suggestion in chosen:
                tagging.decide(request.user, suggestion, accept=decision == "accept")
        services.reindex_resource(resource)
        messages.success(
            request,
            ngettext("%(count)d suggestion decided.", "%(count)d suggestions decided.", len(chosen))
            % {"count": len(chosen)},
        )
    if getattr(request, "htmx", False):
        return render(request, "library/_suggestions.html", _suggestions_context(request, resource))
    return redirect(resource)
