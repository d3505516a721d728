from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from asmhub.strategy.tasks import enqueue_strategy_reminders


class Command(BaseCommand):
    help = (
        "Queue e-mail reminders to the owners of strategy actions and convening commitments: "
        "one a week before the due date, one once it has passed. Each goes once. Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"strategy reminders queued (task {enqueue_strategy_reminders()})")
