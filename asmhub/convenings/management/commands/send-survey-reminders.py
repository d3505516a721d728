from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from asmhub.convenings.tasks import enqueue_survey_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders to participants who have not answered an open survey, on the "
        "days before its deadline that the survey lists. Each goes once. Run it hourly."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"survey reminders queued (task {enqueue_survey_reminders()})")
