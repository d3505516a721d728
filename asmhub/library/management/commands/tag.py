"""``asmhub tag``: tag texts read as JSON lines, one JSON line out per text in.

In:  ``{"id": "p1", "text": "..."}`` per line.
Out: ``{"id": "p1", "labels": [{"label": "sdg:7", "confidence": 0.93, "because": [...]}]}``.

A line that is not a JSON object with a string ``text`` stops the command with a message
naming the line; nothing is written for it. Docs: docs/tagging.md.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.library.tagging import FAMILIES, tagger


def parse_families(value: str) -> frozenset[str] | None:
    if value.strip().lower() in ("", "all"):
        return None
    families = frozenset(f.strip() for f in value.split(",") if f.strip())
    unknown = families - set(FAMILIES)
    if unknown:
        raise CommandError(
            f"--families: unknown {', '.join(sorted(unknown))} (known: {', '.join(FAMILIES)}, all)"
        )
    return families


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = (
        'Tag texts: reads JSON lines {"id", "text"} on stdin, writes '
        '{"id", "labels": [{"label", "confidence", "because"}]} per line.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families",
            default="all",
            help="Label families, comma-separated: " + ", ".join(FAMILIES) + " (default all)",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.5,
            help="Smallest confidence reported (default 0.5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        families = parse_families(options["families"])
        threshold: float = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError(f"--threshold: {threshold} is not between 0 and 1")
        engine = tagger(families)
        stdin = options.get("stdin") or sys.stdin
        for number, line in enumerate(stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"line {number}: not JSON ({exc.msg})") from None
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise CommandError(f'line {number}: expected an object with a string "text"')
            labels = [
                {
                    "label": hit.label,
                    "confidence": hit.confidence,
                    "because": hit.triggers[:8],
                }
                for hit in engine.tag(item["text"], minimum=threshold)
            ]
            out = {"id": item.get("id"), "labels": labels}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
