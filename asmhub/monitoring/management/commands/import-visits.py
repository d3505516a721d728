from __future__ import annotations

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
        parser.add_argument("--problems", type=int, default=20, help="How many problems to list")

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
        for problem in report.get("problems", [])[: options["problems"]]:
            self.stderr.write(
                f"{path.name}, row {problem['row']}, column {problem['column']}"
                f" ({problem['value']!r}): {problem['reason']}"
            )
        figures = importers.summary(report)
        verb = "imported" if options["commit"] else "checked (nothing written; --commit writes)"
        self.stdout.write(
            f"{path.name} {verb}: {figures['rows']} rows, {figures['visits']} visits "
            f"({figures['visits_new']} new, {figures['visits_updated']} updated), "
            f"{figures['sites_new']} new sites, {figures['skipped']} rows not placed, "
            f"{figures['problem_count']} problems."
        )
