from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from asmhub.calendar.tasks import enqueue_digests


class Command(BaseCommand):
    help = (
        "Queue the weekly calendar digests that are due (each saved filter with the digest "
        "on, at most once in six days). Run it daily or weekly from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{enqueue_digests()} digest(s) queued")
