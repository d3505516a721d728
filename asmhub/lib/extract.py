"""Turn an uploaded document into paragraphs of plain text with page numbers and headings.

Nothing here touches Django: ``extract`` takes a file name and its bytes and returns an
:class:`Extracted`, or raises :class:`ExtractionError` whose message names the file and says
in plain words why it cannot be read, so that it can be shown to whoever uploaded it.

A block is one paragraph, list item or table cell as a single line of NFC text. A heading is
not a block of its own: every block carries the nearest heading above it, so that passages
cut from the blocks later keep their context. Headings come from the markup where the format
has it (DOCX styles, HTML h1-h6, Markdown) and are guessed from the shape of a line where it
does not (PDF and plain text, see :func:`looks_like_heading`). In PDFs, page numbers and the
running headers and footers repeated at the edges of most pages are dropped.

pdfium crashes the process if two threads call it at once, so PDFs are read under a
process-wide lock: extraction is safe from threads, but PDFs are read one at a time.

Text formats (.txt, .md, .html) are read as UTF-8, with or without a byte-order mark, or as
UTF-16 when a byte-order mark says so. Anything else is read as Windows-1252, the encoding
older Windows programs save in (it covers Latin-1), because reports exported from office
software on such machines are common and readable that way. Bytes that fit neither, or that
contain NUL bytes (binary data), are refused rather than turned into gibberish.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import threading
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from asmhub.lib.archive import ArchiveError, ZipLimits, check_zip
from asmhub.lib.text import decode_legacy

SUPPORTED = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
HEADING_MAX_CHARS = 90
LONE_LINE_MAX_CHARS = 80
TITLE_MAX_CHARS = 150

_CLEANUP = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
    | dict.fromkeys("\u00ad\u200b\u2060\ufeff\ufffe\x02", "")
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_MINOR_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "de",
        "del",
        "des",
        "du",
        "en",
        "et",
        "for",
        "from",
        "in",
        "into",
        "la",
        "le",
        "les",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "via",
        "vs",
        "with",
        "y",
    }
)
_NUMBERING = re.compile(
    r"(?:\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}[.)]|[IVXLC]{1,6}[.)]|[A-Z][.)]"
    r"|(?i:chapter|section|part|theme|annex|appendix|article|module)\s+[\dIVXLCA-Z]{1,4}[.:)]?)"
    r"\s+"
)
_CLAUSE_ENDINGS = (".", ",", ";", ":")
_ENDS_SENTENCE = re.compile(r"[.!?:][\"'”’)\]]*$")
_BULLET = re.compile(r"[•▪◦●‣∙·*–-]\s+|o\s+")


class ExtractionError(ValueError):
    """The file cannot be read; str(error) is '<file name>: <reason>' in plain words."""


@dataclass(frozen=True)
class Block:
    page: int | None  # 1-based where the format has pages (PDF, DOCX breaks, form feeds)
    heading: str  # the nearest heading above this block, '' if none
    text: str  # one paragraph, whitespace normalised, Unicode NFC


@dataclass
class Extracted:
    format: str  # pdf, docx, html, markdown or text
    title: str  # the title the document gives itself, '' if none
    page_count: int | None
    blocks: list[Block]

    @property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


def extract(
    name: str,
    data: bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    zip_limits: ZipLimits | None = None,
) -> Extracted:
    """Read ``data``, the content of the file called ``name``, into blocks of text.

    The extension of ``name`` picks the reader, so a file is read as what its name says it
    is; only the last component of ``name`` appears in error messages. A Word document is
    a zip archive: it is refused before it is unpacked if it would unpack beyond
    ``zip_limits`` (see :mod:`asmhub.lib.archive`).
    """
    label = PurePath(name).name or name
    kind = _format_of(label)
    if not data:
        raise ExtractionError(f"{label}: the file is empty")
    if len(data) > max_bytes:
        raise ExtractionError(
            f"{label}: the file is {_size(len(data))}; the limit is {_size(max_bytes, exact=False)}"
        )
    if kind in _ZIPPED:
        _check_package(label, data, zip_limits)
    result = _READERS[kind](label, data)
    if not result.blocks:
        hint = " (a scanned PDF needs OCR first)" if kind == "pdf" else ""
        raise ExtractionError(f"{label}: contains no extractable text{hint}")
    return result


def normalise(text: str) -> str:
    """One line of NFC text with single spaces, free of invisible and presentation characters.

    Ligatures (ﬁ, ﬂ) are spelled out and soft hyphens dropped so that words extracted from
    typeset PDFs match the words people search for.
    """
    text = unicodedata.normalize("NFC", text.translate(_CLEANUP))
    return " ".join(text.split())


def looks_like_heading(line: str) -> bool:
    """Guess whether a line of a PDF or plain text is a heading, from its shape alone.

    A heading is short (under HEADING_MAX_CHARS), does not end like a clause (. , ; :), is
    mostly letters rather than figures, starts with a capital or a figure after any
    numbering, and is either numbered ("II.", "3.2", "4)", "Theme 1:", "Annex B"), in ALL
    CAPS, or in Title Case (minor words such as "and" or "of" may stay lower case).
    """
    line = line.strip()
    if not 1 < len(line) < HEADING_MAX_CHARS or line.endswith(_CLAUSE_ENDINGS):
        return False
    number, rest = _split_numbering(line)
    words = _WORD.findall(rest)
    if not _reads_as_words(rest, words):
        return False
    title_case = all(word[0].isupper() or word.lower() in _MINOR_WORDS for word in words)
    return bool(number) or rest.isupper() or title_case


def _numbered(line: str) -> bool:
    return _NUMBERING.match(line) is not None


def _split_numbering(line: str) -> tuple[str, str]:
    match = _NUMBERING.match(line)
    return (line[: match.end()], line[match.end() :]) if match else ("", line)


def _reads_as_words(text: str, words: list[str]) -> bool:
    """Starts with a capital or a figure ("2020 Annual Meeting") and is at least half letters,
    so that rows of a table of figures are not taken for headings."""
    letters = sum(len(word) for word in words)
    visible = len(text) - text.count(" ")
    starts_well = text[:1].isupper() or text[:1].isdigit()
    return bool(words) and starts_well and 2 * letters >= visible


def _format_of(label: str) -> str:
    suffix = PurePath(label).suffix.lower()
    if suffix not in SUPPORTED:
        accepted = ", ".join(SUPPORTED)
        raise ExtractionError(
            f"{label}: unsupported file type '{suffix or 'none'}'; accepted types are {accepted}"
        )
    return SUPPORTED[suffix]


def _size(count: int, exact: bool = True) -> str:
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            value = count / scale
            return f"{value:.1f} {unit}" if exact else f"{round(value, 1):g} {unit}"
    return f"{count} bytes"


@dataclass
class _Blocks:
    """Collects blocks while a reader walks a document, tracking the current page and heading."""

    page: int | None = None
    heading: str = ""
    items: list[Block] = field(default_factory=list)

    def add(self, text: str) -> None:
        text = normalise(text)
        if text:
            self.items.append(Block(self.page, self.heading, text))

    def set_heading(self, text: str) -> None:
        text = normalise(text)
        if text:
            self.heading = text


def _decode(label: str, data: bytes) -> str:
    """Text from bytes; the module docstring says which encodings are tried and why."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ExtractionError(f"{label}: is not valid UTF-16 text") from None
    if b"\x00" in data:
        raise ExtractionError(f"{label}: contains binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        return decode_legacy(data, errors="strict")
    except UnicodeDecodeError:
        raise ExtractionError(
            f"{label}: is not UTF-8 text (byte 0x{data[position]:02x} at position {position});"
            " save it as UTF-8"
        ) from None


# Plain text and PDF: lines in, paragraphs and guessed headings out.


def _flow(lines: list[str], out: _Blocks, sentence_breaks: bool) -> None:
    """Group lines into paragraphs at blank lines and bullets, taking heading lines out.

    With ``sentence_breaks`` (PDF text, which has no blank lines between paragraphs), a line
    that starts with a capital after a line that ends a sentence starts a new paragraph too.
    Two heading lines in a row are one wrapped heading unless either is numbered.
    """
    paragraph: list[str] = []
    previous = ""
    for raw, is_heading in zip(lines, _heading_flags(lines), strict=True):
        line = raw.strip()
        bullet = _BULLET.match(line)
        if is_heading or not line or bullet or _new_sentence(paragraph, line, sentence_breaks):
            out.add(_join_lines(paragraph))
            paragraph = []
        if is_heading:
            wrapped = bool(previous) and not (_numbered(previous) or _numbered(line))
            out.set_heading(f"{out.heading} {line}" if wrapped else line)
        elif line:
            paragraph.append(line[bullet.end() :] if bullet else line)
        previous = line if is_heading else ""
    out.add(_join_lines(paragraph))


def _new_sentence(paragraph: list[str], line: str, sentence_breaks: bool) -> bool:
    return (
        sentence_breaks
        and bool(paragraph)
        and line[:1].isupper()
        and bool(_ENDS_SENTENCE.search(paragraph[-1]))
    )


def _heading_flags(lines: list[str]) -> list[bool]:
    """Mark the lines that read as headings where they stand.

    A heading line follows a blank line, the end of a sentence or another heading line (not
    the middle of a wrapped paragraph) and has text after it, so that a one-line document or
    a closing line stays text. Three or more heading-like lines in a row are a list (names,
    addresses, a table of contents), not headings, and stay text too.
    """
    flags: list[bool] = []
    for index, line in enumerate(lines):
        before = lines[index - 1].strip() if index else ""
        in_place = not before or bool(_ENDS_SENTENCE.search(before)) or flags[-1]
        flags.append(in_place and (looks_like_heading(line) or _lone_line(lines, index)))
    start = 0
    for index, flag in enumerate([*flags, False]):
        if not flag:
            if index - start > 2:
                flags[start:index] = [False] * (index - start)
            start = index + 1
    last_text = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    return [flag and index < last_text for index, flag in enumerate(flags)]


def _lone_line(lines: list[str], index: int) -> bool:
    """A short line between blank lines is a plain-text heading."""
    line = lines[index].strip()
    after_blank = index == 0 or not lines[index - 1].strip()
    before_blank = index + 1 < len(lines) and not lines[index + 1].strip()
    if not (after_blank and before_blank):
        return False
    _, rest = _split_numbering(line)
    return (
        len(line) < LONE_LINE_MAX_CHARS
        and not line.endswith(_CLAUSE_ENDINGS)
        and _reads_as_words(rest, _WORD.findall(rest))
    )


def _join_lines(lines: list[str]) -> str:
    """Join wrapped lines, mending words hyphenated across a line break ("develop-" "ment")."""
    text = ""
    for line in lines:
        if text.endswith("-") and text[-2:-1].isalpha() and line[:1].islower():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _read_text(label: str, data: bytes) -> Extracted:
    """Paragraphs between blank lines; a form feed (as pdftotext writes) starts a new page."""
    text = _decode(label, data)
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    paged = "\f" in text
    out = _Blocks()
    for number, page in enumerate(pages, start=1):
        out.page = number if paged else None
        _flow(page.splitlines(), out, sentence_breaks=False)
    return Extracted("text", _text_title(text), len(pages) if paged else None, out.items)


def _text_title(text: str) -> str:
    """The first line, when it stands alone or reads as a heading and does not end a clause."""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ""
    line = normalise(lines[first])
    alone = first + 1 < len(lines) and not lines[first + 1].strip()
    shaped = (alone and _reads_as_words(line, _WORD.findall(line))) or looks_like_heading(line)
    fits = len(line) < TITLE_MAX_CHARS and not line.endswith(_CLAUSE_ENDINGS)
    return line if shaped and fits else ""


# PDF


_PAGE_NUMBER = re.compile(r"[\s\-–—]*(?:(?i:page)\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?[\s\-–—]*")
_EDGE_LINES = 2
_PDFIUM_LOCK = threading.Lock()


def _read_pdf(label: str, data: bytes) -> Extracted:
    with _PDFIUM_LOCK:
        title, pages = _pdf_text(label, data)
    repeated = _repeated_edges(pages)
    out = _Blocks()
    for number, lines in enumerate(pages, start=1):
        out.page = number
        _flow(_strip_page_furniture(lines, repeated), out, sentence_breaks=True)
    return Extracted("pdf", title, len(pages), out.items)


def _pdf_text(label: str, data: bytes) -> tuple[str, list[list[str]]]:
    """The metadata title and the lines of each page, read with pdfium (the caller holds
    _PDFIUM_LOCK: pdfium crashes if two threads call it at once, even on different files)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise ExtractionError(
                f"{label}: is password-protected; upload it without the password"
            ) from None
        raise ExtractionError(f"{label}: not a readable PDF (damaged, or not a PDF)") from None
    with closing(document):
        title = _pdf_title(document.get_metadata_value("Title") or "")
        return title, [_pdf_page_lines(label, document, i) for i in range(len(document))]


def _pdf_page_lines(label: str, document: Any, index: int) -> list[str]:
    import pypdfium2 as pdfium

    try:
        with closing(document[index]) as page, closing(page.get_textpage()) as textpage:
            text: str = textpage.get_text_range()
    except pdfium.PdfiumError:
        raise ExtractionError(
            f"{label}: not a readable PDF (page {index + 1} is damaged)"
        ) from None
    return text.splitlines()


def _pdf_title(raw: str) -> str:
    """The metadata title, without the "Microsoft Word - " prefix that printing to PDF adds."""
    title = re.sub(r"^Microsoft \w+ - ", "", normalise(raw))
    return re.sub(r"\.(?:docx?|pptx?|xlsx?|odt)$", "", title, flags=re.IGNORECASE)


def _edge_rows(lines: list[str]) -> set[int]:
    """Where the first and last lines of text on a page are."""
    rows = [index for index, line in enumerate(lines) if line.strip()]
    return set(rows[:_EDGE_LINES] + rows[-_EDGE_LINES:])


def _edge_key(line: str) -> str:
    """The line with its digits masked, so that "Page 3" matches "Page 4"."""
    return re.sub(r"\d+", "#", normalise(line))


def _repeated_edges(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of at least half the pages: running headers and footers.

    Left in, a running header would read as a heading on every page and hide the real ones.
    """
    if len(pages) < 3:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        for key in {_edge_key(lines[row]) for row in _edge_rows(lines)}:
            counts[key] = counts.get(key, 0) + 1
    return {key for key, count in counts.items() if 2 * count >= len(pages)}


def _strip_page_furniture(lines: list[str], repeated: set[str]) -> list[str]:
    """Drop page numbers, and the running headers and footers found at this page's edges."""
    edges = _edge_rows(lines)
    return [
        line
        for row, line in enumerate(lines)
        if not _PAGE_NUMBER.fullmatch(line) and not (row in edges and _edge_key(line) in repeated)
    ]


# DOCX


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCX_HEADING_STYLE = re.compile(r"Title|Heading [1-9]")
_DOCX_INLINE = frozenset(
    _W + tag
    for tag in ("r", "hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml")
)
_DOCX_CONTAINERS = frozenset(_W + tag for tag in ("sdt", "sdtContent", "customXml"))
_PAGE_BREAK = object()


def _read_docx(label: str, data: bytes) -> Extracted:
    document, heading_styles = _open_docx(label, data)
    body = document.element.body
    reader = _DocxReader(heading_styles, _docx_break_tag(body))
    reader.container(body)
    title = normalise(document.core_properties.title or "") or reader.title
    page_count = reader.out.page if reader.break_tag else None
    return Extracted("docx", title, page_count, reader.out.items)


def _check_package(label: str, data: bytes, limits: ZipLimits | None) -> None:
    if data.startswith(_OLE_SIGNATURE):
        raise ExtractionError(
            f"{label}: is an old-style .doc or a password-protected document;"
            " save it as .docx without a password"
        )
    try:
        check_zip(label, data, limits)
    except ArchiveError as exc:
        message = str(exc)
        if message == f"{label}: not a valid zip package":
            message = f"{label}: not a valid Word .docx file"
        raise ExtractionError(message) from None


def _open_docx(label: str, data: bytes) -> tuple[Any, dict[str, str]]:
    """The document and its heading styles, by style id: the names ("Heading 1") are the same
    in every language Word runs in, the ids are not."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import LxmlError

    try:
        document = docx.Document(io.BytesIO(data))
        heading_styles = {
            style.style_id: style.name or ""
            for style in document.styles
            if style.type == WD_STYLE_TYPE.PARAGRAPH
            and _DOCX_HEADING_STYLE.fullmatch(style.name or "")
        }
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, PackageNotFoundError, LxmlError):
        raise ExtractionError(f"{label}: not a valid Word .docx file") from None
    return document, heading_styles


def _docx_break_tag(body: Any) -> str:
    """Which element marks a new page: Word's own record of where pages fell when it last laid
    the document out, if it left one (it also covers breaks that text flow caused), else the
    page breaks typed by the author, else none ('': the document has no page numbers)."""
    if next(body.iter(_W + "lastRenderedPageBreak"), None) is not None:
        return _W + "lastRenderedPageBreak"
    if any(br.get(_W + "type") == "page" for br in body.iter(_W + "br")):
        return _W + "br"
    return ""


class _DocxReader:
    """Walks the body XML in order: paragraphs, table cells, content controls.

    Text boxes, drawings, deleted revisions and field codes are skipped, so that nothing is
    read twice and nothing is read that Word does not show on the page.
    """

    def __init__(self, heading_styles: dict[str, str], break_tag: str) -> None:
        self.heading_styles = heading_styles
        self.break_tag = break_tag
        self.out = _Blocks(page=1 if break_tag else None)
        self.title = ""

    def container(self, element: Any) -> None:
        for child in element:
            if child.tag == _W + "p":
                self.paragraph(child)
            elif child.tag == _W + "tbl":
                for cell in child.iterfind(f"{_W}tr/{_W}tc"):
                    self.container(cell)
            elif child.tag in _DOCX_CONTAINERS:
                self.container(child)

    def paragraph(self, element: Any) -> None:
        style = element.find(f"{_W}pPr/{_W}pStyle")
        heading_style = (
            self.heading_styles.get(style.get(_W + "val")) if style is not None else None
        )
        parts: list[str] = []
        for piece in self._pieces(element):
            if piece is not _PAGE_BREAK:
                parts.append(str(piece))
                continue
            if heading_style is None:
                self.out.add("".join(parts))
                parts = []
            self.out.page = (self.out.page or 0) + 1
        if heading_style is None:
            self.out.add("".join(parts))
            return
        self.out.set_heading("".join(parts))
        if heading_style == "Title" and not self.title:
            self.title = normalise("".join(parts))

    def _pieces(self, element: Any) -> Iterator[object]:
        for child in element:
            tag = child.tag
            if tag == _W + "t":
                yield child.text or ""
            elif tag == self.break_tag and (tag != _W + "br" or child.get(_W + "type") == "page"):
                yield _PAGE_BREAK
            elif tag in (_W + "tab", _W + "br", _W + "cr"):
                yield " "
            elif tag == _W + "noBreakHyphen":
                yield "-"
            elif tag in _DOCX_INLINE:
                yield from self._pieces(child)


# HTML


_HTML_DROP = frozenset(
    {
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "noscript",
        "form",
        "template",
        "iframe",
        "svg",
        "object",
        "embed",
    }
)
_HTML_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_HTML_BLOCKS = frozenset(
    {
        "p",
        "li",
        "td",
        "th",
        "blockquote",
        "pre",
        "dd",
        "dt",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "figure",
        "figcaption",
        "address",
        "caption",
        "details",
        "summary",
        "hr",
        "center",
        "body",
    }
)


def _read_html(label: str, data: bytes) -> Extracted:
    """Visible text only: nothing is fetched or run, and page chrome (nav, header, footer,
    forms) is dropped so that menus do not end up in search results."""
    import lxml.html
    from lxml.etree import LxmlError

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(_decode(label, data).encode("utf-8"), parser=parser)
    except LxmlError:
        return Extracted("html", "", None, [])
    walker = _HtmlWalker()
    body = root.find("body")
    walker.walk(root if body is None else body)
    walker.flush()
    title = root.find("head/title")
    title_text = normalise(title.text_content()) if title is not None else ""
    return Extracted("html", title_text or walker.first_h1, None, walker.out.items)


class _HtmlWalker:
    """Collects inline text until an element that starts a new block or a heading."""

    def __init__(self) -> None:
        self.out = _Blocks()
        self.parts: list[str] = []
        self.first_h1 = ""

    def walk(self, element: Any) -> None:
        if element.text:
            self.parts.append(element.text)
        for child in element:
            self.visit(child)
            if child.tail:
                self.parts.append(child.tail)

    def visit(self, element: Any) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag or tag in _HTML_DROP:
            return
        if tag == "br":
            self.parts.append(" ")
        elif tag in _HTML_HEADINGS:
            self.flush()
            self.walk(element)
            heading = normalise("".join(self.parts))
            self.parts = []
            self.out.set_heading(heading)
            if tag == "h1" and not self.first_h1:
                self.first_h1 = heading
        elif tag in _HTML_BLOCKS:
            self.flush()
            self.walk(element)
            self.flush()
        else:
            self.walk(element)

    def flush(self) -> None:
        self.out.add("".join(self.parts))
        self.parts = []


# Markdown


# CommonMark with GitHub's tables and strikethrough, read by markdown-it-py; only the
# block structure matters here (headings, paragraphs, list items, table rows, code).
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _read_markdown(label: str, data: bytes) -> Extracted:
    """The title is the first level-1 heading ("# Title", or a line underlined with "===");
    inline markup becomes plain text (a link its words, an image its alt text)."""
    out, title, cells = _Blocks(), "", list[str]()
    tokens = _MARKDOWN.parse("\n".join(_without_front_matter(_decode(label, data).splitlines())))
    for index, token in enumerate(tokens):
        if token.type == "inline":
            opener = tokens[index - 1]
            if opener.type == "heading_open":
                out.set_heading(_plain(token))
                if opener.tag == "h1" and not title:
                    title = normalise(_plain(token))
            elif opener.type in {"th_open", "td_open"}:
                cells.append(_plain(token))
            else:
                out.add(_plain(token))
        elif token.type == "tr_close":
            out.add(" | ".join(cells))
            cells = []
        elif token.type in {"fence", "code_block"}:
            out.add(" ".join(token.content.splitlines()))
        elif token.type == "html_block":
            out.add(html.unescape(_HTML_TAG.sub(" ", token.content)))
    return Extracted("markdown", title, None, out.items)


def _without_front_matter(lines: list[str]) -> list[str]:
    """Drop a leading YAML block (---) that static-site generators put before the text."""
    if lines[:1] == ["---"] and "---" in lines[1:]:
        return lines[lines.index("---", 1) + 1 :]
    return lines


def _plain(inline: Token) -> str:
    """The text of an inline token without its markup."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline", "image"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)


# Formats that are zip archives, checked by _check_package before their reader unpacks them.
_ZIPPED = frozenset({"docx"})
_READERS: dict[str, Callable[[str, bytes], Extracted]] = {
    "pdf": _read_pdf,
    "docx": _read_docx,
    "html": _read_html,
    "markdown": _read_markdown,
    "text": _read_text,
}
