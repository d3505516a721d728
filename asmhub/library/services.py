"""Library services: ingesting files, keeping the search index in step, the demo."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.core.files.base import ContentFile
from django.db import transaction

from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.core.filelimits import zip_limits
from asmhub.core.models import Status
from asmhub.core.services import HomeStat
from asmhub.lib.extract import SUPPORTED, Extracted, ExtractionError, extract
from asmhub.lib.passages import split_passages
from asmhub.library import search_index
from asmhub.library.metadata import ResourceMetadata, apply_metadata, metadata_from_mapping
from asmhub.library.models import (
    Fact,
    IngestStatus,
    Passage,
    Resource,
    SearchDocument,
    SuccessStory,
)
from asmhub.library.stories import load_demo_stories_and_facts
from asmhub.library.tagging import suggest

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


@dataclass
class IngestOutcome:
    name: str
    status: str  # added | skipped | refused
    reason: str = ""
    resource: Resource | None = None
    pages: int = 0


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reindex_resource(resource: Resource) -> int:
    """Rebuild the resource's search documents from its metadata and passages."""
    SearchDocument.objects.filter(resource=resource).delete()
    public = resource.status == Status.PUBLISHED
    heading = "; ".join(resource.author_list())
    documents = [
        SearchDocument(
            kind=SearchDocument.Kind.RESOURCE,
            resource=resource,
            title=resource.title,
            heading=heading,
            body=resource.summary or resource.title,
            is_public=public,
        )
    ]
    for passage in resource.passages.all().iterator(chunk_size=2000):
        documents.append(
            SearchDocument(
                kind=SearchDocument.Kind.PASSAGE,
                resource=resource,
                passage=passage,
                page=passage.page,
                position=passage.position,
                title=resource.title,
                heading=passage.heading,
                body=passage.text,
                is_public=public,
            )
        )
    SearchDocument.objects.bulk_create(documents, batch_size=2000)
    search_index.schedule_resource(resource.pk)
    return len(documents)


def _store_text(
    resource: Resource, name: str, data: bytes, extracted: Extracted | None = None
) -> int:
    """Extract (unless done already), split and store the passages of ``data``; return the
    page count."""
    extracted = extracted or extract(name, data, zip_limits=zip_limits())
    passages = split_passages(extracted.blocks)
    resource.format = extracted.format
    resource.page_count = extracted.page_count
    resource.word_count = extracted.word_count
    if not resource.title.strip() or resource.title == Path(name).stem:
        resource.title = (extracted.title or Path(name).stem)[:400]
    resource.passages.all().delete()
    Passage.objects.bulk_create(
        [
            Passage(
                resource=resource,
                position=p.position,
                page=p.page,
                heading=p.heading[:300],
                text=p.text,
            )
            for p in passages
        ],
        batch_size=2000,
    )
    return extracted.page_count or 0


def duplicate_of(data: bytes, exclude_pk: Any = None) -> Resource | None:
    """The resource that already holds these exact bytes, if any: the library keeps one
    copy of a file, whether it comes from the command line or an upload."""
    return Resource.objects.filter(content_hash=content_hash(data)).exclude(pk=exclude_pk).first()


def _ingest(
    resource: Resource,
    name: str,
    data: bytes,
    *,
    actor: Any,
    extracted: Extracted | None = None,
    store_file: bool = True,
) -> int:
    """The one way a file becomes a resource's text, whatever brought it (the command line,
    an upload read at once or one read in the background), in the caller's transaction:
    passages, the stored file, the search documents, tag suggestions and the audit entry.
    Returns the page count; raises ExtractionError when the file cannot be read."""
    pages = _store_text(resource, name, data, extracted)
    if store_file:
        resource.file.save(Path(name).name, ContentFile(data), save=False)
    resource.file_name = name
    resource.content_hash = content_hash(data)
    resource.ingest_status = IngestStatus.READY
    resource.ingest_error = ""
    resource.save()
    reindex_resource(resource)
    suggest(resource)
    audit(actor, "ingest", resource, {"file": name, "pages": pages})
    return pages


def ingest_bytes(
    name: str,
    data: bytes,
    metadata: ResourceMetadata | None = None,
    *,
    actor: Any = None,
    publish: bool = True,
) -> IngestOutcome:
    """Add one file to the library, or say why not. Nothing is half-written."""
    existing = duplicate_of(data)
    if existing is not None:
        return IngestOutcome(
            name, "skipped", f"already in the library as “{existing.title}”", existing
        )
    resource = Resource(
        title=Path(name).stem,
        file_name=name,
        status=Status.PUBLISHED if publish else Status.DRAFT,
    )
    try:
        with transaction.atomic():
            if metadata:
                apply_metadata(resource, metadata, save=False)
            resource.created_by = actor if getattr(actor, "is_authenticated", False) else None
            resource.owner_organization_id = getattr(actor, "organization_id", None)
            resource.save()
            if metadata:
                apply_metadata(resource, metadata, save=True)
            pages = _ingest(resource, name, data, actor=actor)
    except ExtractionError as exc:
        return IngestOutcome(name, "refused", str(exc).removeprefix(f"{name}: "))
    return IngestOutcome(name, "added", "", resource, pages)


def attach_upload(
    resource: Resource, name: str, data: bytes, extracted: Extracted, *, actor: Any = None
) -> int:
    """Store a file already read (``extracted``) on ``resource`` with its passages, index
    and tag suggestions, in the caller's transaction; return the page count. The file
    replaced, if any, is removed once the transaction commits; the file stored is removed
    again if anything here fails, so a failed upload leaves no file behind."""
    replaced = resource.file.name if resource.file else ""
    storage = resource.file.storage
    try:
        with transaction.atomic():
            pages = _ingest(resource, name, data, actor=actor, extracted=extracted)
    except BaseException:
        stored = resource.file.name if resource.file else ""
        if stored and stored != replaced:
            storage.delete(stored)
        raise
    stored = resource.file.name
    if replaced and replaced != stored:
        transaction.on_commit(lambda: storage.delete(replaced))
    return pages


def files_under(paths: Iterable[Path]) -> Iterator[Path]:
    """The files named, and every file under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            yield path


def ingest_path(
    path: Path, metadata: ResourceMetadata | None = None, *, actor: Any = None
) -> IngestOutcome:
    if path.suffix.lower() not in SUPPORTED:
        accepted = ", ".join(sorted(SUPPORTED))
        return IngestOutcome(
            path.name,
            "refused",
            f"unsupported file type '{path.suffix or 'none'}' (accepted: {accepted})",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        return IngestOutcome(path.name, "refused", f"cannot be read: {exc.strerror}")
    return ingest_bytes(path.name, data, metadata, actor=actor)


def home_stats(user: Any) -> list[Any]:
    """The library's figures on the home page: resources, sourced facts, success stories."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    return [
        HomeStat(
            permissions.visible(user, Resource.objects.all()).count(),
            _("reports, studies and records in the library"),
            reverse("library:search"),
        ),
        HomeStat(
            permissions.visible(user, Fact.objects.all()).count(),
            _("sourced facts"),
            reverse("library:facts"),
        ),
        HomeStat(
            permissions.visible(user, SuccessStory.objects.all()).count(),
            _("success stories"),
            reverse("library:stories"),
        ),
    ]


def load_demo_library(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Ingest the seed documents with their metadata (resources.yaml); idempotent."""
    entries = yaml.safe_load((directory / "resources.yaml").read_text(encoding="utf-8"))[
        "resources"
    ]
    added = 0
    for entry in entries:
        path = directory / entry["file"]
        metadata = metadata_from_mapping(entry, where=f"resources.yaml {entry['file']}")
        outcome = ingest_path(path, metadata)
        if outcome.status == "refused":
            raise ValueError(f"{path.name}: {outcome.reason}")
        if outcome.status == "skipped" and outcome.resource is not None:
            apply_metadata(outcome.resource, metadata, save=True)
            reindex_resource(outcome.resource)
        added += outcome.status == "added"

    return {"resources": len(entries), "added": added, **load_demo_stories_and_facts()}


def process_upload(resource_id: int) -> str:
    """Read the stored file of an uploaded resource into passages; return the new status."""
    resource = Resource.objects.get(pk=resource_id)
    Resource.objects.filter(pk=resource_id).update(ingest_status=IngestStatus.PROCESSING)
    with resource.file.open("rb") as handle:
        data = handle.read()
    try:
        with transaction.atomic():
            _ingest(resource, resource.file_name, data, actor=resource.created_by, store_file=False)
    except ExtractionError as exc:
        Resource.objects.filter(pk=resource_id).update(
            ingest_status=IngestStatus.FAILED, ingest_error=str(exc)[:500]
        )
        return IngestStatus.FAILED
    return IngestStatus.READY


def reindex_fact(fact: Fact) -> None:
    SearchDocument.objects.update_or_create(
        fact=fact,
        defaults={
            "kind": SearchDocument.Kind.FACT,
            "resource": fact.resource,
            "page": fact.page,
            "position": fact.passage.position if fact.passage else None,
            "title": fact.statement[:400],
            "heading": fact.scope_detail[:300],
            "body": f"{fact.statement}\n{fact.quote}",
            "is_public": fact.status == Status.PUBLISHED,
        },
    )
    search_index.schedule(search_index.unit_of(fact.resource_id, fact.pk, None))


def reindex_story(story: SuccessStory) -> None:
    body = "\n".join(
        part
        for part in (story.problem, story.intervention, story.results, story.multiplier_effects)
        if part
    )
    SearchDocument.objects.update_or_create(
        story=story,
        defaults={
            "kind": SearchDocument.Kind.STORY,
            "resource": None,
            "title": story.title[:400],
            "heading": story.place[:300],
            "body": body or story.title,
            "is_public": story.status == Status.PUBLISHED,
        },
    )
    search_index.schedule(search_index.unit_of(None, None, story.pk))


def reindex_after_save(sender: type, instance: Fact | SuccessStory, **kwargs: Any) -> None:
    """Signal receiver: facts and stories are searchable as soon as they are saved."""
    if isinstance(instance, Fact):
        reindex_fact(instance)
    else:
        reindex_story(instance)
