from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from asmhub.funding.iati import import_iati


class _Counted:
    """A binary file that moves a progress bar as it is read."""

    def __init__(self, path: Path, bar: tqdm[Any]) -> None:
        self.name = str(path)
        self._file = path.open("rb")
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._bar.update(len(data))
        return data

    def close(self) -> None:
        self._file.close()


class Command(BaseCommand):
    help = (
        "Import IATI activity files (standard 2.01 to 2.03). Each file is imported whole "
        "or not at all; an activity imported again is updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Read and check the files; write nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["files"]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        bar = tqdm(
            total=sum(p.stat().st_size for p in paths),
            unit="B",
            unit_scale=True,
            desc="IATI",
            disable=options["no_progress"],
            file=self.stderr._out,
        )
        streams = [_Counted(p, bar) for p in paths]
        try:
            report = import_iati(streams, dry_run=options["dry_run"])
        finally:
            for stream in streams:
                stream.close()
            bar.close()
        for result in report.files:
            if result.error is not None:
                self.stdout.write(f"{result.name}: refused, nothing imported")
                continue
            self.stdout.write(
                f"{result.name}: {result.activities} activities, {result.added} new, "
                f"{result.updated} updated, {result.asm_relevant} ASM-relevant"
            )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in report.errors:
            self.stderr.write(error)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
