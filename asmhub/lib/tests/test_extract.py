from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from asmhub.lib.extract import Block, ExtractionError, extract, looks_like_heading

FIELD_NOTE = (
    "Artisanal and small-scale mining gives work to about twenty million people. "
    "Most of them dig for gold, and many use mercury to recover it.\n\n"
    "Formalisation lets miners hold licences, sell through legal channels and "
    "invest in safer equipment."
)


def _pdf(pages: list[list[tuple[str, str]]], title: str = "", encrypt: str | None = None) -> bytes:
    """A PDF whose pages hold lines drawn top-down; each line is (font, text)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    if title:
        page.setTitle(title)
    for lines in pages:
        y = 800
        for font, text in lines:
            page.setFont(font, 14 if font.endswith("Bold") else 11)
            page.drawString(72, y, text)
            y -= 16
        page.showPage()
    page.save()
    return buffer.getvalue()


BODY = "Helvetica"
BOLD = "Helvetica-Bold"
TWO_PAGES = [
    [
        (BOLD, "1. Introduction"),
        (BODY, "Artisanal mining supports the develop-"),
        (BODY, "ment of rural communities in many"),
        (BODY, "countries."),
        (BODY, "Women make up a third of the workforce"),
        (BODY, "at many sites."),
        (BODY, "1"),
    ],
    [
        (BODY, "Mining continues on the second page."),
        (BOLD, "MERCURY USE"),
        (BODY, "Mercury binds gold into an amalgam."),
    ],
]


@pytest.fixture(scope="module")
def two_page_pdf() -> bytes:
    return _pdf(TWO_PAGES, title="Microsoft Word - Field Guide.docx")


def test_pdf_gives_pages_headings_and_mended_hyphenation(two_page_pdf: bytes) -> None:
    result = extract("guide.pdf", two_page_pdf)
    assert (result.format, result.title, result.page_count) == ("pdf", "Field Guide", 2)
    assert result.blocks == [
        Block(
            1,
            "1. Introduction",
            "Artisanal mining supports the development of rural communities in many countries.",
        ),
        Block(1, "1. Introduction", "Women make up a third of the workforce at many sites."),
        Block(2, "1. Introduction", "Mining continues on the second page."),
        Block(2, "MERCURY USE", "Mercury binds gold into an amalgam."),
    ]
    assert result.word_count == 34


def test_pdf_running_header_is_dropped_not_taken_for_a_heading() -> None:
    pages = [
        [(BODY, "ASM Field Guide"), (BOLD, "Safety First"), (BODY, "Wear a helmet.")],
        [(BODY, "ASM Field Guide"), (BODY, "Shore up every shaft.")],
        [(BODY, "ASM Field Guide"), (BODY, "Keep water out of pits.")],
    ]
    result = extract("guide.pdf", _pdf(pages))
    assert [block.heading for block in result.blocks] == ["Safety First"] * 3
    assert "ASM Field Guide" not in " ".join(block.text for block in result.blocks)


def test_encrypted_pdf_is_refused() -> None:
    data = _pdf(TWO_PAGES, encrypt="secret")
    with pytest.raises(ExtractionError, match=r"^locked\.pdf: is password-protected"):
        extract("locked.pdf", data)


def test_truncated_pdf_is_refused(two_page_pdf: bytes) -> None:
    with pytest.raises(ExtractionError, match=r"^broken\.pdf: not a readable PDF"):
        extract("broken.pdf", two_page_pdf[: len(two_page_pdf) // 2])


def test_pdf_without_text_asks_for_ocr() -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.rect(100, 100, 200, 200, fill=1)
    page.showPage()
    page.save()
    with pytest.raises(
        ExtractionError,
        match=r"^scan\.pdf: contains no extractable text \(a scanned PDF needs OCR first\)$",
    ):
        extract("scan.pdf", buffer.getvalue())


def _docx_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_gives_styles_as_headings_tables_and_page_breaks() -> None:
    document = docx.Document()
    document.core_properties.title = "Mercury Handbook"
    document.add_paragraph("Handbook Cover", style="Title")
    document.add_paragraph("Prepared for cooperatives.")
    document.add_heading("Retorts", level=1)
    paragraph = document.add_paragraph("A retort recovers mercury.")
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    paragraph.add_run("It pays for itself.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Country"
    table.cell(0, 1).text = "Ghana"
    document.add_page_break()
    document.add_heading("Costs", level=2)
    document.add_paragraph("About 50 dollars.")

    result = extract("handbook.docx", _docx_bytes(document))

    assert (result.format, result.title, result.page_count) == ("docx", "Mercury Handbook", 3)
    assert result.blocks == [
        Block(1, "Handbook Cover", "Prepared for cooperatives."),
        Block(1, "Retorts", "A retort recovers mercury."),
        Block(2, "Retorts", "It pays for itself."),
        Block(2, "Retorts", "Country"),
        Block(2, "Retorts", "Ghana"),
        Block(3, "Costs", "About 50 dollars."),
    ]


def test_docx_without_page_breaks_has_no_pages_and_title_from_title_style() -> None:
    document = docx.Document()
    document.add_paragraph("Cooperative Guide", style="Title")
    document.add_paragraph("Members elect a board.")
    result = extract("guide.docx", _docx_bytes(document))
    assert (result.title, result.page_count) == ("Cooperative Guide", None)
    assert result.blocks == [Block(None, "Cooperative Guide", "Members elect a board.")]


def test_docx_pages_follow_words_layout_record_when_present() -> None:
    """Word records where pages fell; explicit breaks are then not counted a second time."""
    document = docx.Document()
    document.add_paragraph("Page one.")
    document.add_page_break()
    run = document.add_paragraph().add_run()
    run._r.append(OxmlElement("w:lastRenderedPageBreak"))
    run.add_text("Page two.")
    result = extract("laid-out.docx", _docx_bytes(document))
    assert [(block.page, block.text) for block in result.blocks] == [
        (1, "Page one."),
        (2, "Page two."),
    ]
    assert result.page_count == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 not really a zip", r"^bad\.docx: not a valid Word \.docx file$"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, r"^bad\.docx: is an old-style \.doc"),
    ],
)
def test_invalid_docx_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract("bad.docx", data)


PAGE = b"""<!doctype html>
<html><head><title>ASM &amp; Gold</title><style>p { color: red }</style>
</head>
<body>
<script>document.write("injected script text")</script><nav><a href="/">Home menu</a></nav><header>Site banner</header>
<h1>Gold <em>Buying</em></h1>
<p>Buyers pay<br>cash at the pit.</p>
<ul><li>Weigh the <b>gold</b></li><li>Agree a price</li></ul>
<h2>Prices</h2>
<table><tr><th>Grade</th><td>22 carat</td></tr></table>
<form><label>Search the site</label></form>
<footer>Copyright notice</footer>
</body></html>"""


def test_html_keeps_visible_text_under_headings() -> None:
    result = extract("page.html", PAGE)
    assert (result.format, result.title, result.page_count) == ("html", "ASM & Gold", None)
    assert result.blocks == [
        Block(None, "Gold Buying", "Buyers pay cash at the pit."),
        Block(None, "Gold Buying", "Weigh the gold"),
        Block(None, "Gold Buying", "Agree a price"),
        Block(None, "Prices", "Grade"),
        Block(None, "Prices", "22 carat"),
    ]
    text = " ".join(block.text for block in result.blocks)
    for hidden in ("injected", "Home menu", "banner", "Copyright", "Search the site", "color"):
        assert hidden not in text


def test_html_title_falls_back_to_the_first_h1() -> None:
    result = extract("page.htm", b"<h1>Field Visit</h1><p>We met the miners.</p>")
    assert result.title == "Field Visit"


MARKDOWN = """---
title: draft
---
# Mercury-Free *Mining*

Read the [guide](https://example.org/guide "Guide") and see ![a retort](retort.png).
Use `borax` with **care** and _patience_; keep\\*literal\\* stars.

Costs And Benefits
------------------

- Lower **cost**
- Cleaner water
  for villages

```
# a comment, not a heading
```

| Tool | Cost |
|------|-----:|
| Retort | 50 |
"""


def test_markdown_headings_lists_and_inline_markup_become_plain_text() -> None:
    result = extract("notes.md", MARKDOWN.encode())
    assert (result.format, result.title, result.page_count) == (
        "markdown",
        "Mercury-Free Mining",
        None,
    )
    assert result.blocks == [
        Block(
            None,
            "Mercury-Free Mining",
            "Read the guide and see a retort. Use borax with care and patience; "
            "keep*literal* stars.",
        ),
        Block(None, "Costs And Benefits", "Lower cost"),
        Block(None, "Costs And Benefits", "Cleaner water for villages"),
        Block(None, "Costs And Benefits", "# a comment, not a heading"),
        Block(None, "Costs And Benefits", "Tool | Cost"),
        Block(None, "Costs And Benefits", "Retort | 50"),
    ]


def test_text_without_form_feeds_has_no_pages() -> None:
    result = extract("note.txt", f"Field Note\n\n{FIELD_NOTE}\n".encode())
    assert (result.format, result.title, result.page_count) == ("text", "Field Note", None)
    assert [block.page for block in result.blocks] == [None, None]
    assert {block.heading for block in result.blocks} == {"Field Note"}
    assert result.blocks[1].text.startswith("Formalisation lets miners")
    assert result.word_count == len(FIELD_NOTE.split())


def test_text_form_feeds_start_pages() -> None:
    data = b"First page text.\n\fSecond page text.\n\f\n\fFourth page.\f"
    result = extract("report.txt", data)
    assert result.page_count == 4
    assert [(block.page, block.text) for block in result.blocks] == [
        (1, "First page text."),
        (2, "Second page text."),
        (4, "Fourth page."),
    ]


def test_text_headings_are_guessed_from_the_shape_of_lines() -> None:
    text = (
        "II. BACKGROUND\n"
        "The sector grew after 2000. Prices rose and new sites were develop-\n"
        "ed quickly.\n\n"
        "Why it matters\n\n"
        "Miners need credit.\n"
        "Ama Mensah, Ghana\n"
        "Kofi Boateng, Ghana\n"
        "Esi Owusu, Ghana\n"
    )
    result = extract("report.txt", text.encode())
    assert [(block.heading, block.text) for block in result.blocks] == [
        (
            "II. BACKGROUND",
            "The sector grew after 2000. Prices rose and new sites were developed quickly.",
        ),
        (
            "Why it matters",
            "Miners need credit. Ama Mensah, Ghana Kofi Boateng, Ghana Esi Owusu, Ghana",
        ),
    ]


def test_text_is_normalised_to_nfc_and_single_spaces() -> None:
    data = "Cafe\u0301   co\u00adoperative\u00a0of the \ufb01eld\n".encode()
    result = extract("note.txt", data)
    assert result.blocks[0].text == "Café cooperative of the field"


def test_windows_1252_text_is_read_and_undecodable_bytes_refused() -> None:
    assert extract("old.txt", b"Cr\xe9dit \x93minier\x94\n").blocks[0].text == "Crédit “minier”"
    assert extract("wide.txt", "Minería\n".encode("utf-16")).blocks[0].text == "Minería"
    with pytest.raises(ExtractionError, match=r"^odd\.txt: is not UTF-8 text \(byte 0x81"):
        extract("odd.txt", b"abc \x81\x8d")
    with pytest.raises(ExtractionError, match="binary data"):
        extract("odd.md", b"abc\x00def")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", r"^empty\.pdf: the file is empty$"),
        ("sheet.xls", b"x", r"^sheet\.xls: unsupported file type '\.xls'; accepted types are"),
        ("README", b"x", r"^README: unsupported file type 'none'"),
        ("blank.txt", b" \n\n\t\n", r"^blank\.txt: contains no extractable text$"),
    ],
)
def test_unusable_files_are_refused_with_the_reason(name: str, data: bytes, message: str) -> None:
    with pytest.raises(ExtractionError, match=message):
        extract(name, data)


def test_oversized_file_is_refused_before_it_is_read() -> None:
    with pytest.raises(
        ExtractionError, match=r"^big\.pdf: the file is 3\.0 KB; the limit is 2 KB$"
    ):
        extract("uploads/big.pdf", b"%PDF" + b"x" * 3068, max_bytes=2048)


def test_extension_is_matched_without_regard_to_case() -> None:
    assert extract("NOTE.TXT", b"Hello miners.\n").format == "text"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3.2 Scope of the Study", True),
        ("II. Background", True),
        ("Theme 1: Formalisation", True),
        ("ACCESS TO FINANCE", True),
        ("2020 Annual Meeting", True),
        ("Health and Safety in Mines", True),
        ("the miners went home", False),
        ("A sentence that ends with a period.", False),
        ("Ghana 35,000 12,000", False),
        ("Gold Production " * 8, False),
    ],
)
def test_heading_heuristic(line: str, expected: bool) -> None:
    assert looks_like_heading(line) is expected


def test_a_docx_that_unpacks_far_beyond_its_size_is_refused_before_it_is_read() -> None:
    from asmhub.lib.tests.hostile import bomb, docx_bytes

    with pytest.raises(ExtractionError, match=r"^bomb\.docx: its part .* the limit is 100 to 1$"):
        extract("bomb.docx", bomb(docx_bytes(), size=20_000_000))


def test_the_docx_limits_are_the_callers() -> None:
    from asmhub.lib.archive import ZipLimits
    from asmhub.lib.tests.hostile import docx_bytes

    data = docx_bytes("Gold buyers pay cash.")
    assert extract("ok.docx", data).blocks[0].text == "Gold buyers pay cash."
    with pytest.raises(ExtractionError, match=r"^ok\.docx: unpacks to .*; the limit is 1 kB$"):
        extract("ok.docx", data, zip_limits=ZipLimits(unpacked_bytes=1000))


def test_markdown_quotes_reference_links_entities_and_inline_html_read_as_words() -> None:
    text = (
        "Setext Title\n============\n\n"
        "> Quoted *advice* from the [field guide][guide] &amp; <b>bold</b> words.\n\n"
        "[guide]: https://example.org/guide\n\n"
        "1. First step\n2) Second step\n\n"
        "    indented code\n"
    )
    result = extract("quote.md", text.encode())
    assert result.title == "Setext Title"
    assert [block.text for block in result.blocks] == [
        "Quoted advice from the field guide & bold words.",
        "First step",
        "Second step",
        "indented code",
    ]
    assert {block.heading for block in result.blocks} == {"Setext Title"}
