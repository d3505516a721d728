"""Extractive summaries: the sentences of a text that carry its most frequent content words.

No model and no download: a sentence scores the mean frequency (in the whole text) of its
content words, plus a small bonus for coming early, since notes and transcripts of a talk
tend to state the point first. The chosen sentences keep their order in the text.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords-en.txt"
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")
_WORD = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "Dr.", "Mr.", "Ms.", "Mrs.", "No.", "U.S.", "St.")


@cache
def stopwords() -> frozenset[str]:
    words: set[str] = set()
    for line in STOPWORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; blank lines and list items end a sentence too."""
    protected = text
    for i, abbreviation in enumerate(_ABBREVIATIONS):
        protected = protected.replace(abbreviation, abbreviation.replace(".", f"\x00{i}\x00"))
    found: list[str] = []
    for block in re.split(r"\n\s*\n|\n\s*[-•*]\s+", protected):
        block = re.sub(r"^[-•*]\s+", "", " ".join(block.split()))
        for part in _SENTENCE_END.split(block):
            part = part.strip()
            if part:
                found.append(re.sub(r"\x00\d+\x00", ".", part))
    return found


def _words(sentence: str) -> list[str]:
    stop = stopwords()
    return [w for w in (m.group().lower() for m in _WORD.finditer(sentence)) if w not in stop]


def summarize(text: str, max_sentences: int = 3, max_words: int = 120) -> list[str]:
    """Up to ``max_sentences`` sentences of ``text``, at most ``max_words`` words in all
    (the first chosen sentence is kept even if longer), in their original order."""
    found = sentences(text)
    if len(found) <= max_sentences and sum(len(s.split()) for s in found) <= max_words:
        return found
    frequency = Counter(w for s in found for w in _words(s))
    if not frequency:
        return found[:max_sentences]
    top = max(frequency.values())
    scored = []
    for position, sentence in enumerate(found):
        words = _words(sentence)
        if len(words) < 3:
            continue
        weight = sum(frequency[w] / top for w in words) / len(words) ** 0.5
        weight *= 1.0 + 0.5 / (1 + position)
        scored.append((weight, position, sentence))
    chosen: list[tuple[int, str]] = []
    words_used = 0
    for _weight, position, sentence in sorted(scored, key=lambda item: (-item[0], item[1])):
        length = len(sentence.split())
        if chosen and words_used + length > max_words:
            continue
        chosen.append((position, sentence))
        words_used += length
        if len(chosen) == max_sentences:
            break
    return [sentence for _position, sentence in sorted(chosen)]
