from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from asmhub.core.models import AuditEntry
from asmhub.library.models import Passage, Resource, SearchDocument
from asmhub.library.services import ingest_bytes, load_demo_library

MARKDOWN = "# Mine health\n\n## Malaria\n\nMalaria and TB spread in mining camps.\n\n## HIV\n\nPeer educators.\n"


def test_a_markdown_file_becomes_passages_with_their_headings(db: None) -> None:
    outcome = ingest_bytes("health.md", MARKDOWN.encode())
    assert outcome.status == "added"
    resource = outcome.resource
    assert (
        resource is not None and resource.title == "Mine health" and resource.format == "markdown"
    )
    headings = list(resource.passages.values_list("heading", flat=True))
    assert "Malaria" in headings and "HIV" in headings
    assert SearchDocument.objects.filter(resource=resource).count() == resource.passages.count() + 1
    assert AuditEntry.for_object(resource).get().action == "ingest"


def test_the_same_content_is_skipped(db: None) -> None:
    first = ingest_bytes("health.md", MARKDOWN.encode())
    again = ingest_bytes("copy-of-health.md", MARKDOWN.encode())
    assert again.status == "skipped" and again.resource == first.resource
    assert "already in the library" in again.reason
    assert Resource.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("table.xls", b"PK\x03\x04", "unsupported"),
        ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
    ],
)
def test_bad_files_are_refused_and_leave_the_library_as_it_was(
    db: None, name: str, data: bytes, reason: str
) -> None:
    outcome = ingest_bytes(name, data)
    assert outcome.status == "refused"
    assert reason in outcome.reason
    assert (
        not Resource.objects.exists()
        and not Passage.objects.exists()
        and not SearchDocument.objects.exists()
    )


def test_the_ingest_command_goes_on_past_bad_files_and_sums_up(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "good.md").write_text(MARKDOWN)
    (folder / "same-as-good.md").write_text(MARKDOWN)
    (folder / "bad.pdf").write_bytes(b"%PDF-garbage")
    (folder / "notes.odt").write_bytes(b"x")
    metadata = tmp_path / "meta.csv"
    metadata.write_text(
        "file,type,date,countries,lever_issues\ngood.md,toolkit,2019-03,TZ; KE,health\n"
    )
    call_command("ingest", str(folder), "--metadata", str(metadata), "--no-progress")
    out = capsys.readouterr().out
    assert "1 added" in out and "1 skipped" in out and "2 refused" in out
    assert "bad.pdf" in out and "notes.odt" in out
    resource = Resource.objects.get()
    assert resource.resource_type == "toolkit" and resource.year == 2019
    assert sorted(resource.countries.values_list("code", flat=True)) == ["KE", "TZ"]


def test_a_bad_metadata_csv_stops_everything_before_any_file(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "good.md").write_text(MARKDOWN)
    metadata = tmp_path / "meta.csv"
    metadata.write_text("file,kind,date\ngood.md,report,June\n")
    with pytest.raises(CommandError, match="nothing was ingested"):
        call_command(
            "ingest", str(tmp_path / "good.md"), "--metadata", str(metadata), "--no-progress"
        )
    err = capsys.readouterr().err
    assert "meta.csv, row 1, column kind" in err
    assert not Resource.objects.exists()


def test_metadata_values_are_checked_one_by_one(db: None, tmp_path: Path) -> None:
    from asmhub.library.metadata import MetadataError, read_metadata_csv

    metadata = tmp_path / "meta.csv"
    metadata.write_text(
        "file,type,date,countries,minerals,language\n"
        "a.pdf,novel,2005-13,Atlantis,cassitérite,english\n"
    )
    with pytest.raises(MetadataError) as caught:
        read_metadata_csv(metadata)
    assert {(i.row, i.column, i.value) for i in caught.value.issues} == {
        (2, "type", "novel"),
        (2, "date", "2005-13"),
        (2, "countries", "Atlantis"),
        (2, "language", "english"),
    }


def test_the_demo_library_holds_the_seed_documents(db: None) -> None:
    from asmhub.directory.services import load_demo_directory

    load_demo_directory()
    counts = load_demo_library()
    assert counts["resources"] == 3 and counts["added"] == 3 and counts["facts"] >= 25
    report = Resource.objects.get(file_name="2005-mdg-asm-workshop-report.pdf")
    assert (
        report.resource_type == "report"
        and report.year == 2005
        and report.place == "Washington, DC"
    )
    assert {o.slug for o in report.publishers.all()} == {"fess", "casm", "world-bank"}
    santa = report.passages.filter(text__contains="Santa Filomena").first()
    assert (
        santa is not None
        and santa.page is not None
        and report.page_count
        and report.page_count > 30
    )
    assert load_demo_library()["added"] == 0


def test_resources_appear_on_term_pages(client: object, add_text: Callable[..., Resource]) -> None:
    from django.test import Client

    from asmhub.taxonomy.models import LeverIssue

    resource = add_text()
    resource.lever_issues.add(LeverIssue.objects.get(slug="mercury-chemicals"))
    assert isinstance(client, Client)
    body = client.get("/taxonomy/lever-issues/mercury-chemicals/").content.decode()
    assert "In the library" in body and resource.title in body


def _pdf(text: str, encrypt: str | None = None) -> bytes:
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt=encrypt)
    for page_text in text.split("\f"):
        pdf.drawString(72, 760, page_text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_heading("Mine health", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "page"),
    [
        ("survey.pdf", lambda: _pdf("Cover page\fCyanide use was observed at Kamituga."), 2),
        ("survey.docx", lambda: _docx("Cyanide use was observed at Kamituga."), None),
        (
            "survey.html",
            lambda: (
                b"<html><body><script>x()</script><h1>Mine health</h1>"
                b"<p>Cyanide use was observed at Kamituga.</p></body></html>"
            ),
            None,
        ),
        ("survey.md", lambda: b"# Mine health\n\nCyanide use was observed at *Kamituga*.\n", None),
        ("survey.txt", lambda: b"Mine health\n\nCyanide use was observed at Kamituga.\n", None),
    ],
)
def test_each_format_is_ingested_and_found(
    db: None, name: str, make: Callable[[], bytes], page: int | None
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from asmhub.library.search import search

    outcome = ingest_bytes(name, make())
    assert outcome.status == "added", outcome.reason
    hits = [h for h in search(AnonymousUser(), "Kamituga cyanide", {}).hits if h.kind == "passage"]
    assert hits and hits[0].page == page
    assert "x()" not in " ".join(p.text for p in Passage.objects.all())


def test_a_password_protected_pdf_is_refused(db: None) -> None:
    outcome = ingest_bytes("secret.pdf", _pdf("Confidential", encrypt="s3cret"))
    assert outcome.status == "refused" and "password-protected" in outcome.reason
    assert not Resource.objects.exists()


def test_a_docx_zip_bomb_is_refused_and_nothing_is_stored(db: None) -> None:
    from asmhub.lib.tests.hostile import bomb, docx_bytes

    outcome = ingest_bytes("bomb.docx", bomb(docx_bytes(), size=20_000_000))
    assert outcome.status == "refused"
    assert outcome.reason.startswith("its part word/media/filler.bin is compressed ")
    assert outcome.reason.endswith("the limit is 100 to 1")
    assert not Resource.objects.exists() and not Passage.objects.exists()


def test_the_docx_limits_come_from_the_settings(db: None, settings: Any) -> None:
    from asmhub.lib.tests.hostile import docx_bytes

    settings.ASMHUB_ZIP_MAX_UNPACKED_BYTES = 1000
    outcome = ingest_bytes("report.docx", docx_bytes())
    assert outcome.status == "refused" and outcome.reason.endswith("the limit is 1 kB")
    assert not Resource.objects.exists()
