"""Uploaded files: served through the resource's own address to whoever may see the
resource, and a failed upload leaves nothing behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import Storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.core.models import Status
from asmhub.library.models import IngestStatus, Resource
from asmhub.library.services import ingest_bytes

pytestmark = pytest.mark.django_db

MARKDOWN = b"# Licences in Geita\n\nPrimary mining licences for artisanal miners in Geita.\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    return tmp_path


def _stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def _resource(
    publish: bool, actor: Any = None, name: str = "licences.md", data: bytes = MARKDOWN
) -> Resource:
    outcome = ingest_bytes(name, data, publish=publish, actor=actor)
    assert outcome.resource is not None, outcome.reason
    return outcome.resource


def _download(client: Client, resource: Resource) -> Any:
    return client.get(reverse("library:resource-file", args=[resource.slug]))


def test_a_published_resources_file_downloads_from_its_page(client: Client) -> None:
    resource = _resource(publish=True)
    page = client.get(resource.get_absolute_url()).content.decode()
    link = reverse("library:resource-file", args=[resource.slug])
    assert f'href="{link}"' in page and resource.file.url not in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MARKDOWN
    assert response["Content-Type"] == "text/markdown"
    assert response["Content-Disposition"] == 'attachment; filename="licences.md"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # The storage's own address is not served: no permission is checked there.
    assert client.get(resource.file.url).status_code == 404


def test_a_pdf_opens_in_the_browser(client: Client) -> None:
    seeds = Path(__file__).resolve().parents[1] / "data" / "demo" / "seeds"
    path = seeds / "2005-mdg-asm-conference-objectives.pdf"
    outcome = ingest_bytes(path.name, path.read_bytes())
    assert outcome.resource is not None, outcome.reason
    response = _download(client, outcome.resource)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")


def test_a_drafts_file_is_seen_only_by_its_organization_and_editors(
    client: Client,
    login: Callable[[User], Client],
    owner: User,
    colleague: User,
    outsider: User,
    editor: User,
) -> None:
    draft = _resource(publish=False, actor=owner)
    assert draft.status == Status.DRAFT
    assert _download(client, draft).status_code == 404
    assert _download(login(outsider), draft).status_code == 404
    for user in (colleague, editor):
        response = _download(login(user), draft)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == MARKDOWN
        assert response["Cache-Control"] == "private, no-store"


def test_a_resource_without_a_file_answers_404(client: Client, owner: User) -> None:
    resource = Resource.objects.create(title="Notes", status=Status.PUBLISHED)
    assert _download(client, resource).status_code == 404


class SignedStore(Storage):
    """Stands for an S3-compatible store that hands out signed addresses."""

    def url(self, name: str | None, parameters: dict[str, str] | None = None) -> str:
        disposition = (parameters or {}).get("ResponseContentDisposition", "")
        return f"https://store.example/{name}?signature=abc&disposition={disposition}"

    def exists(self, name: str) -> bool:
        return True


def test_on_object_storage_the_answer_is_a_signed_address(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = _resource(publish=True)
    draft = _resource(publish=False, name="other.md", data=b"# Other\n\nA draft on Geita.\n")
    monkeypatch.setattr(Resource._meta.get_field("file"), "storage", SignedStore())
    response = _download(client, Resource.objects.get(pk=resource.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(f"https://store.example/{resource.file.name}?")
    assert "signature=abc" in response["Location"] and "licences.md" in response["Location"]
    assert _download(client, draft).status_code == 404


def _upload(client: Client, name: str, data: bytes, title: str = "Licences in Geita") -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/library/new/",
            {
                "title": title,
                "resource_type": "study",
                "language": "en",
                "summary": "What the miners of Geita need.",
                "upload": SimpleUploadedFile(name, data),
            },
        )


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("scan.pdf", b"%PDF-1.4 truncated", "not a readable PDF"),
        ("notes.txt", b"\x00\x01\x02binary\x00", "notes.txt: "),
        ("report.docx", b"PK\x03\x04 not a document", "report.docx: "),
    ],
)
def test_a_failed_web_upload_writes_nothing_and_keeps_what_was_typed(
    login: Callable[[User], Client], owner: User, media: Path, name: str, data: bytes, says: str
) -> None:
    before = (Resource.objects.count(), _stored(media))
    response = _upload(login(owner), name, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert says in body and 'value="Licences in Geita"' in body
    assert "What the miners of Geita need." in body
    assert (Resource.objects.count(), _stored(media)) == before


def test_a_good_web_upload_is_read_at_once_and_stores_one_file(
    login: Callable[[User], Client], owner: User, media: Path
) -> None:
    response = _upload(login(owner), "licences.md", MARKDOWN)
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.ingest_status == IngestStatus.READY
    assert resource.passages.filter(text__contains="Geita").exists()
    assert [p.name for p in _stored(media)] == ["licences.md"]


def test_a_replaced_file_is_removed_from_the_storage(
    login: Callable[[User], Client], owner: User, media: Path
) -> None:
    client = login(owner)
    _upload(client, "licences.md", MARKDOWN)
    resource = Resource.objects.get()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"/library/{resource.slug}/edit/",
            {
                "title": resource.title,
                "resource_type": "study",
                "language": "en",
                "upload": SimpleUploadedFile("second.md", b"# Second\n\nAnother text on Geita.\n"),
            },
        )
    assert [p.name for p in _stored(media)] == ["second.md"]


def test_a_duplicate_of_a_hidden_draft_does_not_name_it(
    login: Callable[[User], Client], owner: User, outsider: User, media: Path
) -> None:
    _resource(publish=False, actor=outsider)
    Resource.objects.update(title="Secret draft")
    before = (Resource.objects.count(), _stored(media))
    body = _upload(login(owner), "copy.md", MARKDOWN).content.decode()
    assert "copy.md: this file is already in the library." in body
    assert "Secret draft" not in body
    assert (Resource.objects.count(), _stored(media)) == before
