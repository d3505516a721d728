"""``asmhub train-sdg-model``: fit the SDG layer's weights on the tuning part, offline.

Needs scikit-learn (``pip install -e ".[train]"``); the platform itself does not: it only
reads the weights this writes to ``data/tagging/sdg_model.json``. The test part of the SDG
set is never read. Docs: docs/tagging.md.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.lib.sdgmodel import FEATURES, GOALS, LinearModel, features
from asmhub.lib.tagger import balanced_accuracy, split_of
from asmhub.library.tagging import SDG_MODEL, engine_hits, sdg_target_index, tagger

DATA = Path(__file__).resolve().parents[2] / "data" / "tagging"
SDG_SET = DATA / "sdg_eval.csv"
MODEL_VERSION = "1"
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(0.2 + 0.02 * i, 2) for i in range(31))  # 0.20 ... 0.80
FOLDS = 5


def rows_of(path: Path, part: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if split_of(row["id"]) == part]


def design(rows: list[dict[str, str]]) -> tuple[list[list[float]], list[int], list[str]]:
    """One line per (passage, goal): the features, then one indicator per goal (its intercept)."""
    engine = tagger(frozenset({"sdg"}), layered=False)
    index = sdg_target_index()
    x: list[list[float]] = []
    y: list[int] = []
    groups: list[str] = []
    for row in rows:
        expected = {label.strip() for label in row["labels"].split(";") if label.strip()}
        per_goal = features(row["text"], engine_hits(engine.tag(row["text"])), index)
        for goal in GOALS:
            values, _code, _words = per_goal[goal]
            x.append(
                [values[name] for name in FEATURES] + [1.0 if g == goal else 0.0 for g in GOALS]
            )
            y.append(1 if f"sdg:{goal}" in expected else 0)
            groups.append(row["id"])
    return x, y, groups


def mean_balanced(ids: list[str], y: list[int], predicted: list[bool]) -> float:
    n = len(GOALS)
    items = []
    for start in range(0, len(ids), n):
        expected = {f"sdg:{g}" for g, v in zip(GOALS, y[start : start + n], strict=True) if v}
        found = {f"sdg:{g}" for g, v in zip(GOALS, predicted[start : start + n], strict=True) if v}
        items.append((ids[start], expected, found))
    labels = sorted({label for _i, e, _p in items for label in e})
    scores = balanced_accuracy(items, labels)
    return sum(s.accuracy for s in scores) / (len(scores) or 1)


class Command(BaseCommand):
    help = "Fit the SDG layer's weights on the tuning part of the SDG set (needs scikit-learn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=SDG_MODEL, help="Where to write the weights (JSON)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            import numpy as np
            import sklearn
            from sklearn.linear_model import LogisticRegression
            from sklearn.model_selection import GroupKFold
        except ImportError:
            raise CommandError(
                'scikit-learn is needed to train (pip install -e ".[train]"); '
                "the platform only reads the weights"
            ) from None
        rows = rows_of(SDG_SET, "tune")
        x_raw, y, groups = design(rows)
        data = np.array(x_raw)
        k = len(FEATURES)
        mean = data[:, :k].mean(axis=0)
        sd = data[:, :k].std(axis=0)
        sd[sd == 0] = 1.0
        data[:, :k] = (data[:, :k] - mean) / sd
        target = np.array(y)

        def fit(c: float, train: Any) -> Any:
            model = LogisticRegression(
                C=c, class_weight="balanced", fit_intercept=False, max_iter=5000
            )
            return model.fit(data[train], target[train])

        def out_of_fold(c: float) -> Any:
            raw = np.zeros(len(target))
            for train, held in GroupKFold(n_splits=FOLDS).split(data, target, groups):
                raw[held] = fit(c, train).decision_function(data[held])
            return raw

        def platt(raw: Any) -> tuple[float, float]:
            # the raw scores of a strongly regularised model are compressed near zero: a
            # one-feature logistic fit on the out-of-fold scores, with positives and
            # negatives weighed equally (the balanced measure's prior), spreads them
            calibrator = LogisticRegression(C=1e6, class_weight="balanced", max_iter=5000)
            calibrator.fit(raw.reshape(-1, 1), target)
            return float(calibrator.coef_[0][0]), float(calibrator.intercept_[0])

        best: tuple[float, float, float] | None = None  # (score, C, threshold)
        self.stdout.write(f"{len(rows)} tuning passages; {FOLDS}-fold cross-validation by passage")
        for c in C_GRID:
            raw = out_of_fold(c)
            a, b = platt(raw)
            probability = 1 / (1 + np.exp(-(a * raw + b)))
            grid = [(mean_balanced(groups, y, list(probability >= t)), t) for t in THRESHOLDS]
            row_best = max(grid)
            if best is None or row_best[0] > best[0] + 1e-9:
                best = (row_best[0], c, row_best[1])
            self.stdout.write(
                f"C={c:<6} best cross-validated mean accuracy per SDG {row_best[0]:.3f} "
                f"(threshold {row_best[1]})"
            )
        assert best is not None
        score, c, threshold = best
        a, b = platt(out_of_fold(c))
        final = fit(c, np.arange(len(target)))
        coef = final.coef_[0] * a  # the calibration folded into the weights
        model = LinearModel(
            weights={name: float(coef[i]) for i, name in enumerate(FEATURES)},
            intercepts={g: float(coef[k + j] + b) for j, g in enumerate(GOALS)},
            offset=math.log(threshold / (1 - threshold)),
            scale={name: (float(mean[i]), float(sd[i])) for i, name in enumerate(FEATURES)},
            meta={
                "version": MODEL_VERSION,
                "trained_on": f"sdg_eval.csv, tune part ({len(rows)} passages); the test part is never read",
                "method": "logistic regression, L2, balanced class weights; C and threshold chosen "
                f"by {FOLDS}-fold cross-validation by passage; scores calibrated (Platt, "
                "balanced prior) on the out-of-fold scores; the threshold is moved to 0.5",
                "C": c,
                "calibration": [round(a, 6), round(b, 6)],
                "threshold": threshold,
                "cv_mean_accuracy_per_sdg": round(score, 4),
                "scikit_learn": sklearn.__version__,
            },
        )
        path: Path = options["output"]
        path.write_text(json.dumps(model.to_json(), indent=2) + "\n", encoding="utf-8")
        self.stdout.write(
            self.style.SUCCESS(
                f"C={c}, threshold {threshold} (cross-validated {score:.3f}); weights written to {path}"
            )
        )
