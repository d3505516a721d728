from __future__ import annotations

import csv
import math
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.lib.tagger import Tagger, balanced_accuracy, evaluate, split_of
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
        pairs = self.run(engine, rows, families, options["threshold"])
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
            baselines: dict[str, list[tuple[set[str], set[str]]]] = {}
            first = tagger(frozenset(families), layered=False)
            if "sdg" in families and engine is not first:
                threshold = options["threshold"]
                baselines["queries alone"] = self.run(first, rows, families, threshold)
                aurora = Tagger(
                    [], first.version, [r for r in first.rules if r.name.startswith("aurora:")]
                )
                baselines["Aurora alone"] = self.run(aurora, rows, {"sdg"}, threshold)
            self.report_balanced(rows, pairs, baselines)

    @staticmethod
    def run(
        engine: Any, rows: list[dict[str, str]], families: set[str], threshold: float
    ) -> list[tuple[set[str], set[str]]]:
        pairs = []
        for row in rows:
            expected = {label.strip() for label in row["labels"].split(";") if label.strip()}
            predicted = {s.label for s in engine.tag(row["text"], minimum=threshold)}
            pairs.append(
                (
                    {x for x in expected if x.split(":")[0] in families},
                    {x for x in predicted if x.split(":")[0] in families},
                )
            )
        return pairs

    def report_balanced(
        self,
        rows: list[dict[str, str]],
        pairs: list[tuple[set[str], set[str]]],
        baselines: dict[str, list[tuple[set[str], set[str]]]],
    ) -> None:
        ids = [row.get("id") or str(i) for i, row in enumerate(rows, start=1)]
        labels = sorted({x for e, _p in pairs for x in e}, key=_label_order)
        runs = {"tagger": pairs, **baselines}
        runs["nothing"] = [(e, set()) for e, _p in pairs]
        scores = {
            name: balanced_accuracy([(i, e, p) for i, (e, p) in zip(ids, run, strict=True)], labels)
            for name, run in runs.items()
        }
        self.stdout.write("")
        self.stdout.write(
            "Accuracy over each label's positives and as many negatives (chosen by a seeded "
            "hash of the id), with its 95% Wilson interval; beside it the simple baselines."
        )
        header = f"{'label':10} {'positives':>9} {'n':>4} {'accuracy':>9} {'95% interval':>14}"
        for name in runs:
            if name != "tagger":
                header += f" {name:>14}"
        self.stdout.write(header)
        for i, score in enumerate(scores["tagger"]):
            n = score.positives + score.negatives
            low, high = wilson(score.correct, n)
            line = (
                f"{score.label:10} {score.positives:9d} {n:4d} {score.accuracy:9.3f} "
                f"{f'{low:.2f}–{high:.2f}':>14}"
            )
            for name in runs:
                if name != "tagger":
                    line += f" {scores[name][i].accuracy:14.3f}"
            self.stdout.write(line)
        compared = {k: v for k, v in runs.items() if k != "nothing"}
        intervals = bootstrap(ids, compared, labels)
        for name, run in runs.items():
            mean = _mean(scores[name])
            tp = sum(len(e & p) for e, p in run)
            fp = sum(len(p - e) for e, p in run)
            fn = sum(len(e - p) for e, p in run)
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            macro_f1 = _mean_f1(run, labels)
            text = f"{name}: mean accuracy over {len(labels)} labels {mean:.3f}"
            if name in intervals:
                low, high = intervals[name]
                text += f" (95% bootstrap interval over texts {low:.3f}–{high:.3f})"
            text += (
                f"; micro precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; "
                f"macro F1 {macro_f1:.3f}; {sum(1 for _e, p in run if not p)} of {len(run)} "
                "texts get no label"
            )
            self.stdout.write(self.style.SUCCESS(text) if name == "tagger" else text)
        if "difference" in intervals:
            low, high = intervals["difference"]
            other = list(compared)[1]
            difference = _mean(scores["tagger"]) - _mean(scores[other])
            self.stdout.write(
                f"tagger minus {other}: {difference:+.3f} (95% paired bootstrap interval "
                f"{low:+.3f} to {high:+.3f})"
            )


def _mean(scores: list[Any]) -> float:
    return sum(s.accuracy for s in scores) / (len(scores) or 1)


def _mean_f1(run: list[tuple[set[str], set[str]]], labels: list[str]) -> float:
    per_label, _macro = evaluate(run)
    f1 = {s.label: s.f1 for s in per_label}
    return sum(f1.get(label, 0.0) for label in labels) / (len(labels) or 1)


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95% by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap(
    ids: list[str],
    runs: dict[str, list[tuple[set[str], set[str]]]],
    labels: list[str],
    draws: int = 400,
) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of each run's mean accuracy per label, resampling the texts
    (seeded); with two runs or more, also of the first minus the second, on the same resamples."""
    rng = random.Random(f"bootstrap/{','.join(ids)}")  # noqa: S311 - not for security
    means: dict[str, list[float]] = {name: [] for name in runs}
    differences: list[float] = []
    for _ in range(draws):
        picked = [rng.randrange(len(ids)) for _ in ids]
        drawn = {}
        for name, run in runs.items():
            items = [(f"{ids[k]}#{j}", run[k][0], run[k][1]) for j, k in enumerate(picked)]
            present = [label for label in labels if any(label in e for _i, e, _p in items)]
            drawn[name] = _mean(balanced_accuracy(items, present))
            means[name].append(drawn[name])
        if len(runs) >= 2:
            first, second = list(drawn.values())[:2]
            differences.append(first - second)
    low, high = int(0.025 * draws), int(0.975 * draws) - 1
    result = {name: (sorted(m)[low], sorted(m)[high]) for name, m in means.items()}
    if differences:
        differences.sort()
        result["difference"] = (differences[low], differences[high])
    return result


def _label_order(label: str) -> tuple[str, int, str]:
    family, _, key = label.partition(":")
    return (family, int(key), "") if key.isdigit() else (family, 0, key)
