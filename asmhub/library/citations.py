"""Citations of the source documents by title, linked to the library where it holds them.

Data files cite the three source documents by number ("001 Section IV", "Seed 000",
"seed document 002"); pages never show those numbers. ``cite_text`` turns any text that
cites them into the documents' titles, linked to their library page, and ``evidence``
gives a quote's citation linked to the very passage it comes from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from asmhub.core.models import Status
from asmhub.library.models import Resource
from asmhub.library.stories import find_passage

DOCUMENTS_FILE = Path(__file__).resolve().parent / "data" / "source_documents.yaml"

# "Seed 001: " before a title that follows anyway; then any other mention of a number.
_PREFIX = re.compile(r"\b[Ss]eeds?(?: documents?)?\s+(00[0-2])\s*:\s*")
_CODE = re.compile(r"\b(?:[Ss]eeds?(?: documents?)?\s+)?(00[0-2])\b(?!\d)")
_PROSE = re.compile(r"\b([Tt])he seeds?\b")


@cache
def documents() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = yaml.safe_load(DOCUMENTS_FILE.read_text(encoding="utf-8"))
    return {str(k): v for k, v in data["documents"].items()}


@dataclass(frozen=True)
class Document:
    title: str
    resource: Any  # the library's Resource, or None when the library does not hold it

    @property
    def url(self) -> str:
        return self.resource.get_absolute_url() if self.resource is not None else ""


def document(code: str) -> Document | None:
    entry = documents().get(code)
    if entry is None:
        return None
    resource = Resource.objects.filter(file_name=entry["file"], status=Status.PUBLISHED).first()
    return Document(entry["title"], resource)


def _link(found: Document, anchor: str = "") -> str:
    if not found.url:
        return str(escape(found.title))
    return str(format_html('<a href="{}{}">{}</a>', found.url, anchor, found.title))


def cite_text(text: str) -> SafeString:
    """``text`` (escaped) with every cited document number turned into its linked title."""
    if not text:
        return mark_safe("")
    escaped = str(escape(text))
    found: dict[str, Document | None] = {}

    def title(match: re.Match[str]) -> str:
        code = match.group(1)
        if code not in found:
            found[code] = document(code)
        doc = found[code]
        return match.group(0) if doc is None else _link(doc)

    escaped = _PREFIX.sub("", escaped)
    escaped = _CODE.sub(title, escaped)
    escaped = _PROSE.sub(lambda m: f"{m.group(1)}he source documents", escaped)
    return mark_safe(escaped)  # built from escaped text and format_html


def evidence(item: dict[str, Any]) -> SafeString:
    """The citation of one evidence quote ``{"quote", "source", "section"}``: the document's
    title, linked to the passage that holds the quote when the library has it."""
    doc = document(str(item.get("source", "")))
    section = str(item.get("section") or "")
    if doc is None:
        return format_html("{}", " · ".join(p for p in (str(item.get("source", "")), section) if p))
    anchor = ""
    if doc.resource is not None and item.get("quote"):
        passage = find_passage(doc.resource, str(item["quote"]))
        if passage is not None:
            anchor = f"#p{passage.position}"
    cited = _link(doc, anchor)
    if section:
        cited += str(format_html(" · {}", section))
    return mark_safe(cited)  # built from format_html pieces
