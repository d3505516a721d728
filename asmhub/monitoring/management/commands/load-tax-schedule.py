from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.monitoring.taxes import (
    BODIES_FILE,
    SCHEDULE_FILE,
    TaxScheduleError,
    assess_all,
    load_tax_schedule,
)


class Command(BaseCommand):
    help = (
        "Load or refresh the schedule of legal taxes (levying bodies, places, taxes) from its "
        "YAML files, then assess the observed taxes again. Idempotent; a bad file is refused "
        "whole, with every problem named."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=str(SCHEDULE_FILE), help="The schedule (legal_taxes.yaml)"
        )
        parser.add_argument(
            "--bodies", default=str(BODIES_FILE), help="The levying bodies (levying_bodies.yaml)"
        )
        parser.add_argument(
            "--no-assess", action="store_true", help="Do not assess the observed taxes again"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_tax_schedule(Path(options["path"]), Path(options["bodies"]))
        except TaxScheduleError as exc:
            raise CommandError(f"Nothing was loaded:\n{exc}") from exc
        if options["verbosity"] > 1:
            for key, n in counts.items():
                self.stdout.write(f"{key.replace('_', ' ')}: {n}")
        changed = sum(n for key, n in counts.items() if not key.endswith("unchanged"))
        self.stdout.write(
            self.style.SUCCESS(f"Tax schedule loaded: {changed} rows created, updated or removed.")
        )
        if not options["no_assess"]:
            self.stdout.write(f"Observed taxes assessed again: {assess_all()} changed.")
