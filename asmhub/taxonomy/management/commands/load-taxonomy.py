from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from asmhub.accounts.services import sync_roles
from asmhub.taxonomy.loaders import TaxonomyDataError, load_taxonomy


class Command(BaseCommand):
    help = "Load or refresh the taxonomy (SDGs, MDGs, lever issues, minerals, countries, IATI code lists)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_taxonomy()
        except TaxonomyDataError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        sync_roles()
        if options["verbosity"] > 1:
            for line in report.lines():
                self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Taxonomy loaded: {report.changed} rows created or updated.")
        )
