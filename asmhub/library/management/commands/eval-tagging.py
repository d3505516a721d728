from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.lib.tagger import evaluate
from asmhub.library.tagging import tagger

DEFAULT_SET = Path(__file__).resolve().parents[2] / "data" / "tagging" / "eval.csv"


class Command(BaseCommand):
    help = "Measure the tagger on a labelled CSV (columns text and labels): precision, recall and F1 per label."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=DEFAULT_SET,
            help="Labelled CSV (default: the shipped ASM evaluation set)",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.5,
            help="Confidence from which a suggestion counts as a prediction (default 0.5)",
        )
        parser.add_argument(
            "--families",
            default="issue,sdg,mdg,country,mineral",
            help="Label families to measure, comma-separated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        families = {f.strip() for f in options["families"].split(",") if f.strip()}
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                missing = {"text", "labels"} - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(
                        f"{path.name}: missing column(s) {', '.join(sorted(missing))}"
                    )
                rows = list(reader)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read: {exc.strerror}") from exc
        engine = tagger()
        pairs = []
        for row in rows:
            expected = {label.strip() for label in row["labels"].split(";") if label.strip()}
            predicted = {s.label for s in engine.tag(row["text"], minimum=options["threshold"])}
            pairs.append(
                (
                    {x for x in expected if x.split(":")[0] in families},
                    {x for x in predicted if x.split(":")[0] in families},
                )
            )
        scores, macro = evaluate(pairs)
        self.stdout.write(
            f"{path.name}: {len(rows)} texts, ontology {engine.version}, "
            f"threshold {options['threshold']}"
        )
        self.stdout.write(f"{'label':34} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}")
        for score in scores:
            self.stdout.write(
                f"{score.label:34} {score.precision:9.2f} {score.recall:7.2f} {score.f1:6.2f} "
                f"{score.support:8d}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"macro average over {sum(1 for s in scores if s.support)} labels: precision {macro['precision']:.2f}, "
                f"recall {macro['recall']:.2f}, F1 {macro['f1']:.2f}"
            )
        )
