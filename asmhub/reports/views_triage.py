"""Triage pages for the programme's granted roles; everyone else gets a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from asmhub.core.exports import download
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import Incident, Site
from asmhub.reports import services
from asmhub.reports.models import Report
from asmhub.reports.triage import Triage
from asmhub.taxonomy.models import RiskCategory


def _visible(request: HttpRequest) -> object:
    access = access_for(request.user)
    if not access.any_restricted:
        raise Http404
    return Report.objects.filter(programme_id__in=access.restricted)


def triage(request: HttpRequest) -> HttpResponse:
    reports = _visible(request)
    state = request.GET.get("state", "open")
    if state == "open":
        reports = reports.exclude(state__in=Report.FINAL)  # type: ignore[attr-defined]
    elif state in Report.State.values:
        reports = reports.filter(state=state)  # type: ignore[attr-defined]
    rows = reports.select_related("site", "area", "risk_category")[:500]  # type: ignore[attr-defined]
    return render(
        request,
        "reports/triage.html",
        {"reports": rows, "state": state, "states": Report.State.choices},
    )


def _report(request: HttpRequest, pk: int) -> Report:
    report = (
        _visible(request)
        .select_related("site", "area", "risk_category", "duplicate_of", "incident")  # type: ignore[attr-defined]
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "steps": report.steps.select_related("by"),
            "sites": Site.objects.filter(programme_id=report.programme_id).order_by("name"),
            "categories": RiskCategory.objects.order_by("position"),
            "severities": Incident.Severity.choices,
            "duplicates": report.duplicates.all(),
            "open": report.state not in Report.FINAL,
        },
    )


@require_POST
def step(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    verb = request.POST.get("verb", "")
    params: dict[str, object] = {
        "reason": request.POST.get("reason", ""),
        "severity": request.POST.get("severity", ""),
    }
    if request.POST.get("site"):
        params["site"] = Site.objects.filter(
            pk=_int(request.POST["site"]), programme_id=report.programme_id
        ).first()
    if request.POST.get("into"):
        params["into"] = Report.objects.filter(
            reference=request.POST["into"].strip().upper()
        ).first()
    if request.POST.get("risk_category"):
        params["risk_category"] = RiskCategory.objects.filter(
            pk=_int(request.POST["risk_category"])
        ).first()
    try:
        Triage(request.user, report, verb, **params).execute()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(report.get_absolute_url())


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0


def photo(request: HttpRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    if not report.photo:
        raise Http404
    return FileResponse(report.photo.open("rb"), filename=report.photo.name.rsplit("/", 1)[-1])


def figures(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    if not access.any_restricted:
        raise Http404
    return render(request, "reports/figures.html", {"figures": services.figures(access)})


def figures_export(request: HttpRequest, fmt: str) -> HttpResponse:
    access = access_for(request.user)
    if fmt not in ("csv", "xlsx") or not access.any_restricted:
        raise Http404
    found = services.figures(access)
    rows = [[row[c] for c in services.Figures.COLUMNS] for row in found.rows]
    return download(services.Figures.COLUMNS, rows, "report-figures", fmt)
