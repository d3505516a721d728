from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.lib.tagger import balanced_accuracy, evaluate, split_of
from asmhub.library.tagging import tagger

DATA = Path(__file__).resolve().parents[2] / "data" / "tagging"
DEFAULT_SET = DATA / "eval.csv"
SDG_SET = DATA / "sdg_eval.csv"


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
        parser.add_argument(
            "--split",
            choices=("all", "tune", "test"),
            default="all",
            help="Only the rows of this part, fixed by a seeded hash of the id column "
            "(the test part is never used to tune the tagger)",
        )
        parser.add_argument(
            "--balanced",
            action="store_true",
            help="Also report, per label, the accuracy over its positives and as many of "
            "its negatives (predicting nothing scores about 50%%), and micro precision and recall",
        )
        parser.add_argument(
            "--sdg",
            action="store_true",
            help="Shorthand for the shipped SDG set: sdg_eval.csv, --families sdg, "
            "--split test, --balanced",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sdg"]:
            if options["file"] == DEFAULT_SET:
                options["file"] = SDG_SET
            options["families"], options["balanced"] = "sdg", True
            if options["split"] == "all":
                options["split"] = "test"
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
                if options["split"] != "all" and "id" not in (reader.fieldnames or []):
                    raise CommandError(f"{path.name}: --split needs an id column")
                rows = list(reader)
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read: {exc.strerror}") from exc
        if options["split"] != "all":
            rows = [row for row in rows if split_of(row["id"]) == options["split"]]
        engine = tagger(frozenset(families))
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
        part = "" if options["split"] == "all" else f" ({options['split']} part)"
        self.stdout.write(
            f"{path.name}{part}: {len(rows)} texts, ontology {engine.version}, "
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
        if options["balanced"]:
            self.report_balanced(rows, pairs)

    def report_balanced(
        self, rows: list[dict[str, str]], pairs: list[tuple[set[str], set[str]]]
    ) -> None:
        ids = [row.get("id") or str(i) for i, row in enumerate(rows, start=1)]
        items = [(i, e, p) for i, (e, p) in zip(ids, pairs, strict=True)]
        labels = sorted({x for e, _p in pairs for x in e}, key=_label_order)
        ours = balanced_accuracy(items, labels)
        empty = balanced_accuracy([(i, e, set()) for i, e, _p in items], labels)
        self.stdout.write("")
        self.stdout.write(
            f"{'label':10} {'positives':>9} {'accuracy':>9} {'nothing':>8}  "
            "(accuracy over the positives and as many negatives)"
        )
        for score, base in zip(ours, empty, strict=True):
            self.stdout.write(
                f"{score.label:10} {score.positives:9d} {score.accuracy:9.3f} {base.accuracy:8.3f}"
            )
        n = len(ours) or 1
        tp = sum(len(e & p) for e, p in pairs)
        fp = sum(len(p - e) for e, p in pairs)
        fn = sum(len(e - p) for e, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"mean accuracy over {len(ours)} labels: {sum(s.accuracy for s in ours) / n:.3f} "
                f"(predicting nothing: {sum(s.accuracy for s in empty) / n:.3f}); "
                f"micro precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; "
                f"{sum(1 for _e, p in pairs if not p)} of {len(pairs)} texts get no label"
            )
        )


def _label_order(label: str) -> tuple[str, int, str]:
    family, _, key = label.partition(":")
    return (family, int(key), "") if key.isdigit() else (family, 0, key)
