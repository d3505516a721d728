from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase

from asmhub.accounts.models import User
from asmhub.core.models import Status
from asmhub.library.models import IngestStatus, Resource

MARKDOWN = (
    b"# Formalization in Tanzania\n\nPrimary mining licences for artisanal miners in Geita.\n"
)


def _upload(
    client: Client, name: str = "licences.md", data: bytes = MARKDOWN, **extra: str
) -> object:
    # Run the on-commit hook that enqueues the background reading, as a real request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/library/new/",
            {
                "title": "Licences",
                "resource_type": "study",
                "language": "en",
                "upload": SimpleUploadedFile(name, data),
                **extra,
            },
        )


def test_members_contribute_drafts_that_are_read_in_the_background(
    client: Client, login: Callable[[User], Client], owner: User
) -> None:
    response = _upload(login(owner))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.status == Status.DRAFT and resource.owner_organization == owner.organization
    assert resource.ingest_status == IngestStatus.READY  # the immediate task backend ran it
    assert resource.passages.filter(text__contains="Geita").exists()
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Geita" in page and "Submit for review" in page
    client.logout()
    assert client.get(resource.get_absolute_url()).status_code == 404
    assert "0 matches" in client.get("/library/?q=Geita").content.decode()


def test_editors_publish_and_the_public_then_finds_it(
    client: Client, login: Callable[[User], Client], owner: User, editor: User
) -> None:
    _upload(login(owner))
    resource = Resource.objects.get()
    login(editor).post(f"/library/{resource.slug}/status/", {"status": "published"})
    client.logout()
    body = client.get("/library/?q=Geita").content.decode()
    assert "<mark>Geita</mark>" in body
    assert client.get(resource.get_absolute_url()).status_code == 200


def test_bad_uploads_are_refused_with_the_reason(
    login: Callable[[User], Client], owner: User
) -> None:
    client = login(owner)
    body = _upload(client, "sheet.xlsx", b"PK\x03\x04").content.decode()
    assert "sheet.xlsx: this type of file cannot be read" in body
    body = _upload(client, "empty.md", b"").content.decode()
    assert "empty" in body
    assert not Resource.objects.exists()


def test_an_unreadable_file_is_refused_on_the_form_with_its_reason(
    login: Callable[[User], Client], owner: User
) -> None:
    body = _upload(login(owner), "scan.pdf", b"%PDF-1.4 truncated").content.decode()
    assert "not a readable PDF" in body
    assert not Resource.objects.exists()


def test_anonymous_visitors_cannot_add(client: Client, db: None) -> None:
    assert client.get("/library/new/").status_code == 302


def test_the_search_page_answers_htmx_with_the_results_only(client: Client, db: None) -> None:
    full = client.get("/library/?q=gold").content.decode()
    fragment = client.get("/library/?q=gold", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in full and "<html" not in fragment and "result-count" in fragment


def test_an_upload_over_the_size_limit_is_refused(
    login: Callable[[User], Client], owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit is 100 MB; a small one here stands for a 200 MB upload.
    monkeypatch.setattr("asmhub.library.forms.DEFAULT_MAX_BYTES", 1000)
    body = _upload(login(owner), "big.md", b"# Big\n\n" + b"word " * 400).content.decode()
    assert "big.md is 2.0" in body and "the limit is 1000" in body
    assert not Resource.objects.exists()
