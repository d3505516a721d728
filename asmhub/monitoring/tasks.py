"""Background work of monitoring: the retention of visits' personal fields."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from asmhub.monitoring import retention


@task()
def purge_expired() -> dict[str, Any]:
    """Clear the informants and notes past their retention period; the counts."""
    return retention.purge_expired()
