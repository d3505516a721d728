"""A brief or a country profile as a page, a PDF (WeasyPrint) and a Word document
(python-docx), all from one structure: a title, a line under it, and sections with their
text (``[n]`` marks), items and tables, each with its numbered sources linked to the
records. Text blocks are split as the convening report splits them (``blocks``)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from asmhub.convenings.report_render import DEFAULT_COLOUR, blocks
from asmhub.core.services import site_url


def document(
    title: str, subtitle: str, sections: list[dict[str, Any]], state: str = ""
) -> dict[str, Any]:

    return {
        "title": title,
        "subtitle": subtitle,
        "state": state,
        "colour": DEFAULT_COLOUR,
        "site_url": site_url(),
        "sections": [
            {**s, "number": n, "blocks": blocks(s["text"])} for n, s in enumerate(sections, 1)
        ],
    }


def pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("briefs/print.html", doc)
    data: bytes = HTML(string=html, base_url=site_url("/")).write_pdf()
    return data


def _link(paragraph: Any, text: str, url: str) -> None:
    """A hyperlink run in a Word paragraph (python-docx has no call for it)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def docx(doc: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.shared import Pt, RGBColor

    rgb = RGBColor.from_string(doc["colour"].lstrip("#").upper())
    word = Document()
    word.core_properties.title = doc["title"]
    for name in ("Title", "Heading 1", "Heading 2"):
        word.styles[name].font.color.rgb = rgb
    word.styles["Normal"].font.size = Pt(10)
    word.add_paragraph(doc["title"], style="Title")
    if doc["subtitle"]:
        word.add_paragraph(doc["subtitle"])
    if doc["state"]:
        word.add_paragraph(doc["state"]).runs[0].bold = True
    for section in doc["sections"]:
        word.add_heading(f"{section['number']}. {section['title']}", level=1)
        for block in section["blocks"]:
            if block.kind == "ul":
                for line in block.lines:
                    word.add_paragraph(line, style="List Bullet")
            else:
                word.add_paragraph(block.lines[0])
        for item in section.get("items") or []:
            paragraph = word.add_paragraph(style="List Bullet")
            paragraph.add_run(item["title"]).bold = True
            if item["meta"]:
                paragraph.add_run(f" ({item['meta']})").italic = True
            if item["text"]:
                paragraph.add_run(f": {item['text']}")
            if item["cites"]:
                paragraph.add_run(" " + "".join(f"[{n}]" for n in item["cites"]))
        table = section.get("table")
        if table and table["rows"]:
            grid = word.add_table(rows=1, cols=len(table["head"]))
            grid.style = "Table Grid"
            for cell, label in zip(grid.rows[0].cells, table["head"], strict=True):
                cell.text = str(label)
                cell.paragraphs[0].runs[0].bold = True
            for row in table["rows"]:
                for cell, value in zip(grid.add_row().cells, row, strict=True):
                    cell.text = str(value)
        if section["citations"]:
            word.add_heading(_("Sources"), level=2)
            for citation in section["citations"]:
                paragraph = word.add_paragraph()
                paragraph.add_run(f"[{citation['n']}] {citation['type']}: ")
                if citation["url"]:
                    _link(paragraph, citation["label"], site_url(citation["url"]))
                else:
                    paragraph.add_run(citation["label"])
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
