"""The convening report: the page, drafting, editing a section in place, publishing, files."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.convenings import access, report, report_render
from asmhub.convenings.report_models import Report
from asmhub.core import permissions


class SectionForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        help_text=gettext_lazy(
            "Paragraphs separated by a blank line; lines starting with “- ” make a list. "
            "Keep the [n] marks: they point to the sources below."
        ),
    )


def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    found = report.visible_report(request, convening)
    organizer = access.is_organizer(request.user, convening)
    language = (get_language() or "en").split("-")[0]
    context = access.page_context(
        request,
        convening,
        doc=report_render.document(found) if found else None,
        outline=[
            {**entry, "title": report.section_title(entry, language)} for entry in report.outline()
        ],
        can_include=found is not None and permissions.is_editor(request.user),
    )
    if found is None and not organizer:
        return render(request, "convenings/report_missing.html", context, status=404)
    return render(request, "convenings/report.html", context)


@login_required
@require_POST
def include(request: HttpRequest, slug: str) -> HttpResponse:
    """An editor adds a record dated after the convening; the report is drafted again."""
    convening = access.convening_for(request, slug)
    found = get_object_or_404(Report, convening=convening)
    address = request.POST.get("address", "")
    try:
        record = report.record_at(address)
        report.IncludeRecord(request.user, found, record).execute()
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        report.DraftReport(request.user, convening).execute()
        messages.success(request, _("Added to the report: %(record)s.") % {"record": record})
    return redirect("convenings:report", convening.slug)


@login_required
@require_POST
def draft(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    saved = report.DraftReport(request.user, convening).execute()
    stale = saved.sections.filter(stale=True).count()
    messages.success(
        request,
        _("Drafted from the records.")
        + (
            " "
            + ngettext(
                "%(n)d edited section has newer material.",
                "%(n)d edited sections have newer material.",
                stale,
            )
            % {"n": stale}
            if stale
            else ""
        ),
    )
    return redirect("convenings:report", slug)


@login_required
def section_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The section's text in a form; htmx swaps it in place and back."""
    convening = access.convening_for(request, slug)
    access.require_organizer(request, convening)
    found = get_object_or_404(Report, convening=convening)
    section = get_object_or_404(found.sections, key=key)
    number = list(found.sections.order_by("position").values_list("key", flat=True)).index(key) + 1
    form = SectionForm(request.POST or None, initial={"body": section.text})
    if request.method == "POST" and form.is_valid():
        report.EditSection(request.user, section, form.cleaned_data["body"]).execute()
        section.refresh_from_db()
        if request.htmx:  # type: ignore[attr-defined]
            view = report_render.section_view(section, number)
            return render(
                request,
                "convenings/_report_section.html",
                access.page_context(request, convening, s=view, editable=True),
            )
        messages.success(request, _("Section saved."))
        return redirect(f"{found.convening.get_absolute_url()}report/#section-{key}")
    template = (
        "convenings/_report_section_form.html"
        if request.htmx  # type: ignore[attr-defined]
        else "convenings/report_section_form.html"
    )
    return render(
        request,
        template,
        access.page_context(request, convening, form=form, section=section, number=number),
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    return _set_state(request, slug, publish=True)


@login_required
@require_POST
def unpublish(request: HttpRequest, slug: str) -> HttpResponse:
    return _set_state(request, slug, publish=False)


def _set_state(request: HttpRequest, slug: str, publish: bool) -> HttpResponse:
    convening = access.convening_for(request, slug)
    found = get_object_or_404(Report, convening=convening)
    try:
        report.SetReportState(request.user, found, publish).execute()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published.") if publish else _("Back to draft."))
    return redirect("convenings:report", slug)


def _file(request: HttpRequest, slug: str) -> Report:
    convening = access.convening_for(request, slug)
    found = report.visible_report(request, convening)
    if found is None or not found.sections.exists():
        raise Http404
    return found


def pdf(request: HttpRequest, slug: str) -> HttpResponse:
    found = _file(request, slug)
    response = HttpResponse(report_render.pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slug}-report.pdf"'
    return response


def docx(request: HttpRequest, slug: str) -> HttpResponse:
    found = _file(request, slug)
    response = HttpResponse(
        report_render.docx(found),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-report.docx"'
    return response
