"""A review as a page, a PDF (WeasyPrint) and a Word document (python-docx), all from one
structure (``document``). Every figure names the record it comes from."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.services import site_url
from asmhub.strategy import services
from asmhub.strategy.models import Progress, Review


def document(user: Any, review: Review) -> dict[str, Any]:
    data = services.review_view(user, review)
    labels = dict(Progress.choices)
    actions = [
        {
            **a,
            "status_label": str(labels.get(a["status"], a["status"])),
            "url": site_url(reverse("strategy:action", args=[a["id"]])),
        }
        for a in data.get("actions", [])
    ]
    indicators = [
        {**i, "url": site_url(reverse("strategy:indicator", args=[i["id"]]))}
        for i in data.get("indicators", [])
    ]
    counts = [
        {"label": str(label), "count": data.get("counts", {}).get(key, 0)}
        for key, label in Progress.choices
    ]
    meeting = None
    convening = review.convening
    if convening is not None and permissions.can_view(user, convening):
        meeting = {
            "title": convening.title,
            "dates": f"{convening.starts_on:%Y-%m-%d}",
            "url": site_url(convening.get_absolute_url()),
        }
    return {
        "review": review,
        "strategy": review.strategy,
        "meeting": meeting,
        "actions": actions,
        "indicators": indicators,
        "counts": counts,
        "overdue": sum(1 for a in actions if a["overdue"]),
        "decisions": [p for p in review.decisions.split("\n") if p.strip()],
        "changes": [p for p in review.changes.split("\n") if p.strip()],
    }


def pdf(user: Any, review: Review) -> bytes:
    from weasyprint import HTML

    html = render_to_string("strategy/review_print.html", document(user, review))
    data: bytes = HTML(string=html, base_url=site_url("/")).write_pdf()
    return data


def docx(user: Any, review: Review) -> bytes:
    from docx import Document

    context = document(user, review)
    doc = Document()
    doc.core_properties.title = review.title
    doc.add_paragraph(review.title, style="Title")
    doc.add_paragraph(f"{review.strategy.title} · {review.held_on:%d %B %Y}")
    if context["meeting"]:
        meeting = context["meeting"]
        doc.add_paragraph(
            _("Review meeting: %(title)s (%(dates)s) — %(url)s")
            % {"title": meeting["title"], "dates": meeting["dates"], "url": meeting["url"]}
        )
    doc.add_heading(_("Actions at a glance"), level=1)
    for row in context["counts"]:
        doc.add_paragraph(f"{row['label']}: {row['count']}", style="List Bullet")
    doc.add_paragraph(_("Overdue: %(n)d") % {"n": context["overdue"]}, style="List Bullet")
    doc.add_heading(_("Actions"), level=1)
    grid = doc.add_table(rows=1, cols=5)
    grid.style = "Table Grid"
    head = [_("Action"), _("Owner"), _("Due"), _("Status"), _("Record")]
    for cell, label in zip(grid.rows[0].cells, head, strict=True):
        cell.text = label
    for a in context["actions"]:
        cells = grid.add_row().cells
        status = a["status_label"] + (f" ({_('overdue')})" if a["overdue"] else "")
        for cell, value in zip(
            cells, [a["title"], a["owner"], a["due_on"] or "", status, a["url"]], strict=True
        ):
            cell.text = str(value)
    doc.add_heading(_("Indicators"), level=1)
    grid = doc.add_table(rows=1, cols=5)
    grid.style = "Table Grid"
    head = [_("Indicator"), _("Baseline"), _("Actual"), _("Target"), _("Source")]
    for cell, label in zip(grid.rows[0].cells, head, strict=True):
        cell.text = label
    for i in context["indicators"]:
        cells = grid.add_row().cells
        values = [
            i["title"],
            f"{i['baseline']} ({i['baseline_on']})",
            f"{i['actual']} ({i['actual_on']})" if i["actual"] is not None else "—",
            f"{i['target']} ({i['target_on']})" if i["target"] is not None else "—",
            f"{i['source']} — {i['url']}",
        ]
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)
    for heading, lines in (
        (_("Decisions"), context["decisions"]),
        (_("Changes"), context["changes"]),
    ):
        if lines:
            doc.add_heading(heading, level=1)
            for line in lines:
                doc.add_paragraph(line.lstrip("- "), style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
