from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.accounts.models import User
from asmhub.monitoring import importers
from asmhub.monitoring.models import ColumnMapping, ImportBatch, Programme


class Command(BaseCommand):
    help = (
        "Import field-survey visits (IPIS CSV, site-visit form submissions, or any CSV/XLSX "
        "through a saved column mapping) into a monitoring programme. Checks first; "
        "--commit writes. A visit imported again (same site and key) is updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file: .csv, .xlsx or .json")
        parser.add_argument("--programme", required=True, help="The programme's slug")
        parser.add_argument(
            "--format", default=ImportBatch.Format.IPIS, choices=ImportBatch.Format.values
        )
        parser.add_argument("--mapping", help="The saved column mapping's name (--format mapped)")
        parser.add_argument("--as", dest="username", help="Import as this user (a manager)")
        parser.add_argument("--commit", action="store_true", help="Write the readable rows")
        parser.add_argument(
            "--problems",
            type=int,
            default=20,
            help="How many (column, value) pairs with problems to list, most frequent first",
        )
        parser.add_argument(
            "--problems-csv",
            help="Write every problem (row, column, value, reason) to this CSV file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']!r}")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mapping = None
        if options["mapping"]:
            mapping = ColumnMapping.objects.filter(name=options["mapping"]).first()
            if mapping is None:
                raise CommandError(f"No column mapping {options['mapping']!r}")
        user = None
        if options["username"]:
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"No user {options['username']!r}")
        try:
            batch = importers.import_file(
                user, programme, options["format"], path, mapping, dry_run=not options["commit"]
            )
        except importers.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        report = batch.report
        if report.get("problem_count"):
            self.stderr.write(f"{path.name}: problems by column")
            for column, count in report.get("problem_columns", {}).items():
                self.stderr.write(f"  {column}: {count}")
            self.stderr.write(f"{path.name}: problems by column and value, with example rows")
            for group in report.get("problem_values", [])[: options["problems"]]:
                rows = ", ".join(str(r) for r in group["rows"])
                more = ", …" if group["count"] > len(group["rows"]) else ""
                self.stderr.write(
                    f"  {group['column']} {group['value']!r}: {group['count']}"
                    f" (rows {rows}{more}): {group['reason']}"
                )
        if batch.problems_file:
            if options["problems_csv"]:
                with (
                    batch.problems_file.open("rb") as source,
                    Path(options["problems_csv"]).open("wb") as target,
                ):
                    shutil.copyfileobj(source, target)
                self.stderr.write(f"Every problem: {options['problems_csv']}")
            else:
                self.stderr.write(
                    f"Every problem: {batch.problems_file.name} in the file storage"
                    " (--problems-csv PATH writes a copy)"
                )
        figures = importers.summary(report)
        verb = "imported" if options["commit"] else "checked (nothing written; --commit writes)"
        self.stdout.write(
            f"{path.name} {verb}: {figures['rows']} rows, {figures['visits']} visits "
            f"({figures['visits_new']} new, {figures['visits_updated']} updated), "
            f"{figures['sites_new']} new sites, {figures['skipped']} rows not placed, "
            f"{figures['problem_count']} problems."
        )
