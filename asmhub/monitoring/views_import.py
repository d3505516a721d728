"""Import pages: upload a survey file, read its dry-run report, commit it; column mappings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.accounts.models import User
from asmhub.core.actions import audit
from asmhub.core.filelimits import sheet_limits, zip_limits
from asmhub.lib.tabular import TabularError, read_table
from asmhub.monitoring import importers
from asmhub.monitoring.access import access_for
from asmhub.monitoring.forms import ImportForm, MappingForm
from asmhub.monitoring.models import ColumnMapping, ImportBatch, Programme

PROBLEMS_PER_PAGE = 100


def _managed(request: HttpRequest) -> Any:
    manages = access_for(request.user).manages
    if not manages:
        raise PermissionDenied(_("Imports are for the managers of a monitoring programme."))
    return Programme.objects.filter(pk__in=manages)


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    programmes = _managed(request)
    form = ImportForm(request.POST or None, request.FILES or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = importers.upload(
                request.user,
                form.cleaned_data["programme"],
                form.cleaned_data["format"],
                upload.name,
                upload.read(),
                form.cleaned_data["mapping"],
            )
        except importers.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    recent = ImportBatch.objects.filter(programme__in=programmes).select_related(
        "programme", "created_by"
    )[:20]
    return render(request, "monitoring/imports.html", {"form": form, "recent": recent})


@login_required
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        ImportBatch.objects.select_related("programme", "mapping"),
        pk=pk,
        programme__in=_managed(request),
    )
    groups = found.report.get("problem_values")
    if groups is None:  # a report written before problems were grouped
        groups = [{**p, "count": 1, "rows": [p["row"]]} for p in found.report.get("problems", [])]
    problems = Paginator(groups, PROBLEMS_PER_PAGE)
    return render(
        request,
        "monitoring/import.html",
        {
            "batch": found,
            "report": found.report,
            "problems": problems.get_page(request.GET.get("page")),
        },
    )


@login_required
def problems_csv(request: HttpRequest, pk: int) -> FileResponse:
    """Every problem of an import, streamed from the file storage."""
    found = get_object_or_404(ImportBatch, pk=pk, programme__in=_managed(request))
    if not found.problems_file:
        raise Http404(_("This import has no list of problems."))
    name = f"{found.filename.rsplit('.', 1)[0]}-problems.csv"
    return FileResponse(
        found.problems_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ImportBatch, pk=pk, programme__in=_managed(request))
    try:
        counts = importers.commit(request.user, found)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Imported: %(new)d visits added, %(updated)d updated, %(sites)d new sites.")
            % {
                "new": counts["visits_new"],
                "updated": counts["visits_updated"],
                "sites": counts["sites_new"],
            },
        )
    return redirect(found)


@login_required
def mapping_create(request: HttpRequest) -> HttpResponse:
    """Make a column mapping from a sample file's headings."""
    _managed(request)
    headings: list[str] = request.POST.getlist("heading")
    sample_error = ""
    sample = request.FILES.get("sample")
    if sample is not None:
        try:
            headings = read_table(
                sample.name or "sample.csv",
                sample.read(),
                lenient=True,
                zip_limits=zip_limits(),
                sheet_limits=sheet_limits(),
            ).headers
        except TabularError as exc:
            sample_error = str(exc)
        form = MappingForm(headings=headings)
    else:
        form = MappingForm(request.POST or None, headings=headings)
        if request.method == "POST" and headings and form.is_valid():
            with transaction.atomic():
                mapping = ColumnMapping.objects.create(
                    name=form.cleaned_data["name"],
                    columns=form.columns(),
                    created_by=request.user if isinstance(request.user, User) else None,
                )
                audit(request.user, "create", mapping, {"columns": mapping.columns})
            messages.success(request, _("Mapping “%s” saved: choose it to import.") % mapping.name)
            return redirect("monitoring:imports")
    return render(
        request,
        "monitoring/mapping_form.html",
        {"form": form, "headings": headings, "sample_error": sample_error},
    )
