from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from asmhub.core.backup import BackupError, backup, default_output


class Command(BaseCommand):
    help = (
        "Write one archive of the database (SQLite online backup or pg_dump) and the uploaded "
        "files, with a manifest of the schema, the row count of every table and the SHA-256 "
        "of every member."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="The archive to write (.tar.gz, .tgz or .tar); default "
            "asmhub-backup-YYYYMMDDTHHMMSSZ.tar.gz in the current folder",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else default_output()
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(_("No backup was written: %(error)s") % {"error": exc}) from exc
        files = manifest["files"]
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Backup written to %(path)s: %(vendor)s database, %(tables)d tables, "
                    "%(rows)d rows, %(files)s uploaded files."
                )
                % {
                    "path": output,
                    "vendor": manifest["database"]["vendor"],
                    "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "files": files.get("count", 0),
                }
            )
        )
        if not files["included"]:
            self.stdout.write(
                _(
                    "The uploaded files are in an object store and not in the archive: keep "
                    "them with the bucket's versioning."
                )
            )
