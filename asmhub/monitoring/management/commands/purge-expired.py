from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from asmhub.monitoring import retention


class Command(BaseCommand):
    help = (
        "Clear the informant and notes of monitoring visits older than "
        "ASMHUB_INFORMANT_RETENTION_MONTHS; one audit entry with the counts. Run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, clear nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = retention.purge_expired(dry_run=options["dry_run"])
        verb = "would clear" if options["dry_run"] else "cleared"
        self.stdout.write(
            f"{verb}: {counts['informant']} informants and {counts['notes']} notes of "
            f"{counts['visits']} visits dated before {counts['before']} "
            f"(retention {settings.ASMHUB_INFORMANT_RETENTION_MONTHS} months)"
        )
