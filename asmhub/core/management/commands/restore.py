from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from asmhub.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `asmhub backup`: every checksum is verified first; an "
        "archive from a newer schema, or over a database that holds records (without "
        "--force), is refused. Then the database and the uploaded files are replaced, the "
        "row counts checked and the migrations applied."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The archive written by `asmhub backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds records",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["path"]), force=options["force"])
        except BackupError as exc:
            raise CommandError(_("Nothing was restored: %(error)s") % {"error": exc}) from exc
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored the backup of %(created)s (version %(version)s): %(tables)d "
                    "tables, %(rows)d rows, as counted in the archive; %(files)d uploaded files."
                )
                % {
                    "created": manifest.get("created", "?"),
                    "version": manifest.get("platform", {}).get("version", "?"),
                    "tables": result.tables,
                    "rows": result.rows,
                    "files": result.files,
                }
            )
        )
        if not manifest["files"].get("included"):
            self.stdout.write(
                _(
                    "The archive holds no uploaded files (they were in an object store): "
                    "restore them from the bucket's versions of that date."
                )
            )
        if result.migrations_applied:
            self.stdout.write(
                _("Migrations applied after the restore: %(names)s")
                % {"names": ", ".join(result.migrations_applied)}
            )
            for table, (before, after) in sorted(result.changed_by_migrate.items()):
                self.stdout.write(f"  {table}: {before} -> {after}")
