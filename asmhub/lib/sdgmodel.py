"""The SDG tagger's second layer: a linear model over the query engine's hits and the texts of the goals.

The first layer (``asmhub.lib.tagger`` with the SDG queries) says, per goal, which query
lines matched and with what confidence. This layer reads, per passage and goal, a few
numbers (``FEATURES``): that confidence, how many Aurora, strong and weak query lines
matched, whether an explicit mention or curated term did, and how close the passage's
words are to the goal's target and indicator texts (TF-IDF cosine, against the goal as a
whole and against its closest target). A logistic model, one weight per number plus one
intercept per goal, turns them into a probability. The weights were fitted offline on the
tuning part of the SDG evaluation set only and are read from a data file
(``data/tagging/sdg_model.json``); nothing is trained or downloaded at run time.

Each prediction keeps its explanation: the contribution of every feature (weight times
value), the closest target, and the words that brought the passage close to the goal's
texts, so a curator sees "target 6.1: drinking, water" beside the query words.

Django-free: the target texts and weights are passed in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asmhub.lib.boolquery import words

GOALS = tuple(range(1, 18))
FEATURES = (
    "engine_confidence",  # the query engine's confidence for the goal, 0 when none
    "engine_top",  # 1 when the goal has the engine's highest confidence in the passage
    "aurora_lines",  # ln(1 + number of Aurora query lines that matched)
    "strong_lines",  # ln(1 + number of the project's strong query lines that matched)
    "weak_lines",  # ln(1 + number of the project's weak query lines that matched)
    "terms",  # 1 when an explicit mention ("SDG 6") or a curated term signalled the goal
    "goal_similarity",  # cosine of the passage and the goal's target and indicator texts
    "target_similarity",  # cosine of the passage and the goal's closest target (with its indicators)
    "relative_similarity",  # goal_similarity over the largest goal_similarity of the passage
)

# Function words of English and French, left out of the similarities.
STOPWORDS = frozenset(
    """a about above after all also an and any are as at be been being between both but by
    can could do does each for from had has have how if in into is it its may more most
    must no not of on or other our over per shall should so some such than that the their
    them then there these they this those through to under up upon was we were what when
    where which while who will with within would without all including ensure by 2030 2020
    2025 cent percent proportion number total per
    au aux avec ce ces dans de des du elle en est et etc il ils la le les leur leurs lui
    mais ne ni nos notre ou par pas plus pour qu que qui sa se ses si son sont sur ta te
    tous tout toute toutes un une vos votre d l s n c j qu y ici afin ainsi entre d ici
    faire mettre met notamment""".split()  # noqa: SIM905 - a list of words reads better so
)


def stem(word: str) -> str:
    """A light plural folding, English and French: 'policies' -> 'policy', 'femmes' -> 'femme'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def terms_of(text: str) -> Counter[str]:
    return Counter(
        stem(w)
        for w in words(text)
        if w not in STOPWORDS and len(w) > 2 and not w.isdigit() and not re.fullmatch(r"\d+\w?", w)
    )


@dataclass
class TargetIndex:
    """TF-IDF vectors of the goals and of their targets (each with its indicators)."""

    idf: dict[str, float]
    goals: dict[int, dict[str, float]]
    targets: dict[str, tuple[int, dict[str, float]]]  # "6.1" -> (6, vector)
    # term -> the targets whose vector holds it, with its weight there: a passage's few
    # terms are looked up once instead of comparing it with every target
    postings: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    goal_postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.postings:
            for code, (_goal, vector) in self.targets.items():
                for term, weight in vector.items():
                    self.postings.setdefault(term, []).append((code, weight))
        if not self.goal_postings:
            for goal, vector in self.goals.items():
                for term, weight in vector.items():
                    self.goal_postings.setdefault(term, []).append((goal, weight))

    @classmethod
    def build(cls, targets: Mapping[str, str]) -> TargetIndex:
        """``targets`` maps a target code ("6.1", "6.a") to its text (any languages, with
        its indicators); the goal is the part before the dot."""
        bags = {code: terms_of(text) for code, text in targets.items()}
        df: Counter[str] = Counter()
        for bag in bags.values():
            df.update(set(bag))
        n = len(bags) or 1
        idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
        goal_bags: dict[int, Counter[str]] = {}
        for code, bag in bags.items():
            goal_bags.setdefault(int(code.split(".")[0]), Counter()).update(bag)
        return cls(
            idf,
            {goal: _vector(bag, idf) for goal, bag in goal_bags.items()},
            {code: (int(code.split(".")[0]), _vector(bag, idf)) for code, bag in bags.items()},
        )

    def vector(self, text: str) -> dict[str, float]:
        return _vector(terms_of(text), self.idf)


def _vector(bag: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    raw = {t: (1 + math.log(c)) * idf[t] for t, c in bag.items() if t in idf}
    norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
    return {t: v / norm for t, v in raw.items()}


@dataclass
class EngineHit:
    """What the query engine found for one goal in a passage."""

    confidence: float = 0.0
    aurora: int = 0
    strong: int = 0
    weak: int = 0
    terms: int = 0
    words: list[str] = field(default_factory=list)  # the query words matched
    lines: list[str] = field(default_factory=list)  # the query lines, "aurora:7.2"


@dataclass
class Prediction:
    goal: int
    probability: float
    contributions: dict[str, float]  # feature -> weight x value (and "intercept")
    target: str  # the closest target, "6.1"
    target_words: list[str]  # the words that brought the passage close to the goal's texts
    engine: EngineHit

    def explanation(self, limit: int = 8) -> list[str]:
        """The query words first, then the closest target with the words it shares."""
        because = list(self.engine.words[: limit - 1])
        if self.target_words:
            because.append(f"target {self.target} ({' '.join(self.target_words[:4])})")
        return because


def features(
    text: str, hits: Mapping[int, EngineHit], index: TargetIndex
) -> dict[int, tuple[dict[str, float], str, list[str]]]:
    """Per goal: the feature values, the closest target and the words shared with the goal's texts."""
    vector = index.vector(text)
    goal_sim = dict.fromkeys(GOALS, 0.0)
    target_sim: dict[str, float] = {}
    for term, weight in vector.items():
        for goal, other in index.goal_postings.get(term, ()):
            goal_sim[goal] += weight * other
        for code, other in index.postings.get(term, ()):
            target_sim[code] = target_sim.get(code, 0.0) + weight * other
    best_target: dict[int, tuple[float, str]] = {}
    for code, sim in sorted(target_sim.items()):
        goal = index.targets[code][0]
        if goal not in best_target or sim > best_target[goal][0]:
            best_target[goal] = (sim, code)
    top_sim = max(goal_sim.values()) or 1.0
    top_conf = max((h.confidence for h in hits.values()), default=0.0)
    result = {}
    for g in GOALS:
        hit = hits.get(g) or EngineHit()
        sim_t, code = best_target.get(g, (0.0, ""))
        values = {
            "engine_confidence": hit.confidence,
            "engine_top": 1.0 if hit.confidence > 0 and hit.confidence >= top_conf else 0.0,
            "aurora_lines": math.log1p(hit.aurora),
            "strong_lines": math.log1p(hit.strong),
            "weak_lines": math.log1p(hit.weak),
            "terms": 1.0 if hit.terms else 0.0,
            "goal_similarity": goal_sim[g],
            "target_similarity": sim_t,
            "relative_similarity": goal_sim[g] / top_sim if top_sim > 0 else 0.0,
        }
        target_vector = index.targets[code][1] if code else {}
        shared = sorted(
            ((vector[t] * target_vector[t], t) for t in vector.keys() & target_vector.keys()),
            reverse=True,
        )
        result[g] = (values, code, [t for w, t in shared[:6] if w > 0])
    return result


@dataclass
class LinearModel:
    """Logistic weights per feature, an intercept per goal, and the decision offset.

    ``offset`` is subtracted from every score so that the decision threshold chosen on
    the tuning part falls at probability 0.5, the tagger's default threshold.
    """

    weights: dict[str, float]
    intercepts: dict[int, float]
    offset: float = 0.0
    scale: dict[str, tuple[float, float]] = field(default_factory=dict)  # feature -> (mean, sd)
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        missing = set(FEATURES) - set(data.get("weights", {}))
        if missing:
            raise ValueError(f"SDG model: no weight for {', '.join(sorted(missing))}")
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            intercepts={int(k): float(v) for k, v in data["intercepts"].items()},
            offset=float(data.get("offset", 0.0)),
            scale={k: (float(m), float(s)) for k, (m, s) in data.get("scale", {}).items()},
            meta=dict(data.get("meta", {})),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "features": list(FEATURES),
            "weights": {k: round(self.weights[k], 6) for k in FEATURES},
            "intercepts": {str(g): round(v, 6) for g, v in sorted(self.intercepts.items())},
            "offset": round(self.offset, 6),
            "scale": {k: [round(m, 6), round(s, 6)] for k, (m, s) in self.scale.items()},
        }

    def contributions(self, goal: int, values: Mapping[str, float]) -> dict[str, float]:
        out = {"intercept": self.intercepts.get(goal, 0.0) - self.offset}
        for name in FEATURES:
            mean, sd = self.scale.get(name, (0.0, 1.0))
            out[name] = self.weights[name] * (values[name] - mean) / (sd or 1.0)
        return out

    def predict(
        self, text: str, hits: Mapping[int, EngineHit], index: TargetIndex
    ) -> list[Prediction]:
        result = []
        for goal, (values, code, shared) in features(text, hits, index).items():
            parts = self.contributions(goal, values)
            score = sum(parts.values())
            probability = 1 / (1 + math.exp(-max(-30.0, min(30.0, score))))
            result.append(
                Prediction(goal, probability, parts, code, shared, hits.get(goal) or EngineHit())
            )
        return result


def target_texts(
    targets: Iterable[Mapping[str, str]], indicators: Iterable[Mapping[str, str]]
) -> dict[str, str]:
    """Join target and indicator titles (from the taxonomy's ``global_targets.yml`` and
    ``global_indicators.yml`` of each language, keys such as ``6-1-title`` and ``6-1-1-title``)
    into one text per target code ("6.1")."""
    texts: dict[str, list[str]] = {}
    for mapping in targets:
        for key, title in mapping.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[2] == "title":
                texts.setdefault(f"{parts[0]}.{parts[1]}", []).append(str(title))
    for mapping in indicators:
        for key, title in mapping.items():
            parts = key.split("-")
            if len(parts) == 4 and parts[3] == "title":
                code = f"{parts[0]}.{parts[1]}"
                if code in texts:
                    texts[code].append(str(title))
    return {code: " ".join(parts) for code, parts in texts.items()}
