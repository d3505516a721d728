from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from asmhub.outreach.tasks import enqueue_alerts


class Command(BaseCommand):
    help = (
        "Queue the daily alert work: tell followers of funding calls closing within 14 days "
        "(once per call) and send the daily and weekly alert digests that are due. Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"alerts queued (task {enqueue_alerts()})")
