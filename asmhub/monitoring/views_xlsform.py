"""The site-visit XLSForm as a download, for KoboToolbox and ODK Central."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from asmhub.monitoring import xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_safe
def site_visit_form(request: HttpRequest) -> HttpResponse:
    """The form's workbook: public, since the form holds no data."""
    response = HttpResponse(xlsform.workbook(), content_type=XLSX)
    filename = f"asmhub-site-visit-{xlsform.version()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
