from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.library import search_index


class Command(BaseCommand):
    help = (
        "Rebuild the library's search index (ASMHUB_SEARCH_ENGINE=tantivy) from the database; "
        "with --check, reindex only what is out of step."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare the index with the database and reindex only the records that differ",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not search_index.enabled():
            raise CommandError(
                "ASMHUB_SEARCH_ENGINE is 'database': the database keeps its own search index, "
                "there is nothing to rebuild."
            )
        if options["check"]:
            stale = search_index.check()
            self.stdout.write(f"{len(stale)} record group(s) out of step, reindexed.")
            return
        added = search_index.rebuild()
        self.stdout.write(
            f"Search index rebuilt: {added} document(s) in {search_index.index_path()}."
        )
