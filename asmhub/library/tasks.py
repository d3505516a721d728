"""Background work of the library (Django tasks API)."""

from __future__ import annotations

from django_tasks import task

from asmhub.library.services import process_upload


@task()
def ingest_upload(resource_id: int) -> str:
    return process_upload(resource_id)
