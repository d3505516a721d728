"""An explainable phrase tagger: which labels a text touches, how surely, and why.

A ``Term`` is a phrase and the labels it signals (``issue:mercury-chemicals``,
``sdg:3.9``, ``country:PE``...), with a weight. ``Tagger.tag`` finds every term in a
text (whole words only; accents and case folded, except for terms marked
case-sensitive such as acronyms) and, per label, sums the weights of the distinct
phrases found, each counted with diminishing returns: ``score = sum(w * (1 + ln n))``.
The confidence is ``1 - exp(-score)``, so one weak word stays below one half and
several specific phrases approach one. Each suggestion lists the phrases that
triggered it, so a curator sees why.

A ``Rule`` is a boolean query (``asmhub.lib.boolquery``: phrases, wildcards, AND, OR,
AND NOT, W/n, PRE/n) that signals one label with a weight: each distinct rule that
matches adds ``weight * (1 + ln w)`` where w is the number of distinct words or phrases
it matched, and those words become triggers. The SDG queries of
the Aurora Universities Network are read as rules.

Two terms that fold to the same phrase (an English and a French keyword spelt alike)
count once per label, with the larger weight.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from asmhub.lib.boolquery import Document, Lexicon, Query
from asmhub.lib.text import fold


@dataclass(frozen=True)
class Term:
    phrase: str
    labels: tuple[str, ...]
    weight: float = 1.0
    case_sensitive: bool = False


@dataclass(frozen=True)
class Rule:
    label: str
    query: Query
    weight: float = 1.0
    name: str = ""  # where the rule comes from, e.g. "aurora:7.2"


@dataclass
class Suggestion:
    label: str
    confidence: float
    triggers: list[str] = field(default_factory=list)
    count: int = 0
    # what signalled the label: rule names ("aurora:7.2", "asmhub:7.strong1") and "term:<phrase>"
    sources: list[str] = field(default_factory=list)


def _pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted(set(phrases), key=len, reverse=True)  # the longest phrase wins at a position
    if not ordered:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


class Tagger:
    def __init__(
        self, terms: Iterable[Term], version: str = "", rules: Iterable[Rule] = ()
    ) -> None:
        self.version = version
        self.rules = list(rules)
        self._lexicon = Lexicon(rule.query for rule in self.rules)
        # each rule under the query words of which one must occur for it to match
        self._by_anchor: dict[str, list[int]] = defaultdict(list)
        for i, rule in enumerate(self.rules):
            for anchor in rule.query.root.anchors():
                self._by_anchor[anchor].append(i)
        self._folded: dict[str, list[Term]] = defaultdict(list)
        self._exact: dict[str, list[Term]] = defaultdict(list)
        for term in terms:
            if not term.phrase.strip():
                continue
            if term.case_sensitive:
                self._exact[term.phrase].append(term)
            else:
                self._folded[fold(term.phrase)].append(term)
        self._folded_re = _pattern(self._folded)
        self._exact_re = _pattern(self._exact)

    @property
    def size(self) -> int:
        return len(self._folded) + len(self._exact) + len(self.rules)

    def _matches(self, text: str) -> dict[str, int]:
        """Each matched phrase (as the ontology writes it, folded) with its count."""
        counts: dict[str, int] = defaultdict(int)
        if self._folded_re is not None:
            for match in self._folded_re.finditer(fold(text)):
                counts[" ".join(match.group(0).split())] += 1
        if self._exact_re is not None:
            for match in self._exact_re.finditer(text):
                counts["=" + " ".join(match.group(0).split())] += 1
        return counts

    def tag(self, text: str, minimum: float = 0.0) -> list[Suggestion]:
        scores: dict[str, float] = defaultdict(float)
        found: dict[str, Suggestion] = {}
        for key, count in self._matches(text).items():
            terms = self._exact[key[1:]] if key.startswith("=") else self._folded[key]
            best: dict[str, Term] = {}  # per label, the heaviest of the terms spelt alike
            for term in terms:
                for label in term.labels:
                    if label not in best or term.weight > best[label].weight:
                        best[label] = term
            for label, term in best.items():
                scores[label] += term.weight * (1 + math.log(count))
                suggestion = found.setdefault(label, Suggestion(label, 0.0))
                if term.phrase not in suggestion.triggers:
                    suggestion.triggers.append(term.phrase)
                suggestion.sources.append(f"term:{term.phrase}")
                suggestion.count += count
        if self.rules:
            doc = Document(text, self._lexicon)
            candidates: set[int] = set()
            for word in doc.present():
                candidates.update(self._by_anchor.get(word, ()))
            for i in sorted(candidates):
                rule = self.rules[i]
                hit = rule.query.match(doc)
                if not hit.matched:
                    continue
                # diminishing returns on the distinct words a rule matched: one broad
                # word of a weak rule stays below one half, two of them pass
                scores[rule.label] += rule.weight * (1 + math.log(len(hit.evidence)))
                suggestion = found.setdefault(rule.label, Suggestion(rule.label, 0.0))
                for word in hit.evidence:
                    if word not in suggestion.triggers:
                        suggestion.triggers.append(word)
                suggestion.sources.append(rule.name)
                suggestion.count += 1
        result = []
        for label, suggestion in found.items():
            suggestion.confidence = round(1 - math.exp(-scores[label]), 3)
            if suggestion.confidence >= minimum:
                result.append(suggestion)
        return sorted(result, key=lambda s: (-s.confidence, s.label))


@dataclass
class LabelScore:
    label: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.true_positives + self.false_negatives


def evaluate(
    pairs: Iterable[tuple[set[str], set[str]]],
) -> tuple[list[LabelScore], dict[str, float]]:
    """Per-label precision, recall and F1 for (expected, predicted) label sets, and their macro average.

    The macro average is over the labels that occur in the expected sets.
    """
    scores: dict[str, LabelScore] = {}
    for expected, predicted in pairs:
        for label in expected | predicted:
            score = scores.setdefault(label, LabelScore(label))
            if label in expected and label in predicted:
                score.true_positives += 1
            elif label in predicted:
                score.false_positives += 1
            else:
                score.false_negatives += 1
    ordered = sorted(scores.values(), key=lambda s: s.label)
    supported = [s for s in ordered if s.support]
    n = len(supported) or 1
    macro = {
        "precision": sum(s.precision for s in supported) / n,
        "recall": sum(s.recall for s in supported) / n,
        "f1": sum(s.f1 for s in supported) / n,
    }
    return ordered, macro


SPLIT_SEED = "asmhub-sdg-eval-1"


def split_of(item_id: str, seed: str = SPLIT_SEED, test_share: float = 0.5) -> str:
    """'test' or 'tune', fixed by a seeded hash of the id (never by the text or its labels)."""
    digest = hashlib.sha256(f"{seed}:{item_id}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < test_share else "tune"


@dataclass
class BalancedScore:
    label: str
    positives: int
    negatives: int
    correct: int

    @property
    def accuracy(self) -> float:
        total = self.positives + self.negatives
        return self.correct / total if total else 0.0


def balanced_accuracy(
    items: list[tuple[str, set[str], set[str]]],
    labels: Iterable[str],
    seed: str = SPLIT_SEED,
) -> list[BalancedScore]:
    """Per label, accuracy over its positives and as many of its negatives.

    ``items`` are (id, expected, predicted). The negatives are the items without the
    label, ordered by a seeded hash of their id, the first as many as there are
    positives (all of them if fewer): predicting nothing scores about one half.
    """
    result = []
    for label in labels:
        positives = [item for item in items if label in item[1]]
        negatives = sorted(
            (item for item in items if label not in item[1]),
            key=lambda item: hashlib.sha256(f"{seed}:{label}:{item[0]}".encode()).digest(),
        )[: len(positives)]
        correct = sum(1 for item in positives if label in item[2])
        correct += sum(1 for item in negatives if label not in item[2])
        result.append(BalancedScore(label, len(positives), len(negatives), correct))
    return result
