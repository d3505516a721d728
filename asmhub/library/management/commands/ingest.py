from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from asmhub.library.metadata import MetadataError, read_metadata_csv
from asmhub.library.services import files_under, ingest_path


class Command(BaseCommand):
    help = (
        "Add files (PDF, DOCX, HTML, Markdown, text) or folders of them to the library. Files "
        "already held (same content) are skipped; a bad file is reported and the rest go on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--metadata", type=Path, help="A CSV with one row of metadata per file name"
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        metadata = {}
        if options["metadata"]:
            try:
                metadata = read_metadata_csv(options["metadata"])
            except MetadataError as exc:
                for issue in exc.issues:
                    self.stderr.write(str(issue))
                raise CommandError(f"{options['metadata'].name}: nothing was ingested.") from exc
        missing = [p for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(str(p) for p in missing)}")
        files = list(files_under(options["paths"]))
        tally: Counter[str] = Counter()
        pages = 0
        problems = []
        bar = tqdm(
            files, unit="file", disable=options["no_progress"] or not files, file=self.stderr._out
        )
        for path in bar:
            bar.set_postfix_str(path.name[:40])
            outcome = ingest_path(path, metadata.get(path.name))
            tally[outcome.status] += 1
            pages += outcome.pages
            if outcome.status != "added":
                problems.append(f"{outcome.status}: {path}: {outcome.reason}")
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"{tally['added']} added ({pages} pages), {tally['skipped']} skipped, {tally['refused']} refused."
            )
        )
