"""The report as a page, a PDF (WeasyPrint) and a Word document (python-docx).

All three read one structure (``document``), so they say the same thing: the title page
with the convening's branding, a table of contents, then each section's text, its items
or table, and its numbered sources.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from asmhub.convenings.report_models import Report, ReportSection
from asmhub.core.services import site_url

DEFAULT_COLOUR = "#1f5f4a"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Block:
    kind: str  # "p" or "ul"
    lines: list[str]


def blocks(text: str) -> list[Block]:
    """Paragraphs separated by blank lines; lines starting with "- " make a list."""
    found: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "• ")) for line in lines):
            found.append(Block("ul", [line[2:].strip() for line in lines]))
        else:
            found.append(Block("p", [" ".join(lines)]))
    return found


def colour(report: Report) -> str:
    value = report.convening.brand_colour or ""
    return value if _HEX.match(value) else DEFAULT_COLOUR


def section_view(section: ReportSection, number: int) -> dict[str, Any]:
    """One section as the page and the files show it, in the active language: the drafted
    parts come in each language of the interface; a person's text stays as written."""
    language = (get_language() or "en").split("-")[0]
    local = (section.translations or {}).get(language) or {}
    content = local.get("content", section.content) or {}
    text = section.body if section.edited_at else local.get("draft", section.draft)
    return {
        "section": section,
        "key": section.key,
        "number": number,
        "title": local.get("title", section.title),
        "blocks": blocks(text),
        "items": content.get("items") or [],
        "table": content.get("table"),
        "citations": local.get("citations", section.citations) or [],
        "edited": section.edited_at is not None,
        "stale": section.stale,
    }


def document(report: Report) -> dict[str, Any]:
    convening = report.convening
    sections = [
        section_view(s, n)
        for n, s in enumerate(report.sections.select_related("edited_by").order_by("position"), 1)
    ]
    return {
        "report": report,
        "convening": convening,
        "brand_name": convening.brand_name or str(convening.owner_organization or ""),
        "colour": colour(report),
        "sections": sections,
        "organizers": ", ".join(o.name for o in convening.organizers.all()),
        "draft": not report.is_published,
        "generated": timezone.localtime(report.generated_at) if report.generated_at else None,
        "site_url": site_url(),
    }


def pdf(report: Report) -> bytes:
    """The report as a PDF: branded title page, contents with page numbers, sections."""
    from weasyprint import HTML

    html = render_to_string("convenings/report_print.html", document(report))
    data: bytes = HTML(string=html, base_url=site_url("/")).write_pdf()
    return data


def _toc_field(paragraph: Any) -> None:
    """A Word table-of-contents field; Word fills in the page numbers when it opens."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = _("Right-click and choose Update Field to show page numbers.")
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def docx(report: Report) -> bytes:
    """The report as a Word document, with the same parts as the PDF."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt, RGBColor

    context = document(report)
    rgb = RGBColor.from_string(context["colour"].lstrip("#").upper())
    doc = Document()
    doc.core_properties.title = report.title
    doc.core_properties.author = context["brand_name"]
    for name in ("Title", "Heading 1", "Heading 2"):
        doc.styles[name].font.color.rgb = rgb
    brand = doc.add_paragraph()
    brand_run = brand.add_run(context["brand_name"])
    brand_run.bold = True
    brand_run.font.size = Pt(14)
    brand_run.font.color.rgb = rgb
    doc.add_paragraph(report.title, style="Title")
    convening = context["convening"]
    when = f"{convening.starts_on:%d %B %Y} – {convening.ends_on:%d %B %Y}"
    doc.add_paragraph(" · ".join(p for p in (when, convening.place, context["organizers"]) if p))
    if context["draft"]:
        doc.add_paragraph(_("Draft, not yet published."))
    else:
        doc.add_paragraph(_("Edition %(n)d") % {"n": report.edition})
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_paragraph(_("Contents"), style="Heading 1")
    _toc_field(doc.add_paragraph())
    for view in context["sections"]:
        doc.add_paragraph(f"{view['number']}. {view['title']}", style="List Number")
    for view in context["sections"]:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(f"{view['number']}. {view['title']}", level=1)
        for block in view["blocks"]:
            if block.kind == "ul":
                for line in block.lines:
                    doc.add_paragraph(line, style="List Bullet")
            else:
                doc.add_paragraph(block.lines[0])
        for item in view["items"]:
            paragraph = doc.add_paragraph(style="List Bullet")
            paragraph.add_run(item["title"]).bold = True
            if item["meta"]:
                paragraph.add_run(f" ({item['meta']})").italic = True
            if item["text"]:
                paragraph.add_run(f": {item['text']}")
            if item["cites"]:
                paragraph.add_run(" " + "".join(f"[{n}]" for n in item["cites"]))
        table = view["table"]
        if table and table["rows"]:
            grid = doc.add_table(rows=1, cols=len(table["head"]))
            grid.style = "Table Grid"
            for cell, label in zip(grid.rows[0].cells, table["head"], strict=True):
                cell.text = str(label)
                cell.paragraphs[0].runs[0].bold = True
            for row in table["rows"]:
                cells = grid.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = str(value)
        if view["citations"]:
            doc.add_heading(_("Sources"), level=2)
            for citation in view["citations"]:
                line = f"[{citation['n']}] {citation['type']}: {citation['label']}"
                if citation["url"]:
                    line += f" — {site_url(citation['url'])}"
                doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
