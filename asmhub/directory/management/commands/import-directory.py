from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.directory.importers import import_directory


class Command(BaseCommand):
    help = (
        "Import organizations or people from a CSV or XLSX file. The whole file is checked "
        "first; nothing is written unless every row is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing"
        )
        parser.add_argument(
            "--kind",
            choices=["organizations", "people"],
            help="What the file holds (default: told from its columns)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = import_directory(options["file"], dry_run=options["dry_run"], kind=options["kind"])
        if not result.ok:
            for issue in result.issues:
                self.stderr.write(str(issue))
            raise CommandError(
                f"{result.file}: {len(result.issues)} problem(s) in {result.rows} row(s); nothing was written."
            )
        if options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.file}: {result.rows} {result.kind} rows are valid (dry run: nothing written)."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.file}: {result.created} {result.kind} created, {result.updated} updated."
            )
        )
