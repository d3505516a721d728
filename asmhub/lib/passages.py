"""Cut extracted blocks into passages of even length, for search results and citations.

A passage is what the index stores and what a search result shows, so it should carry a
whole thought yet read at a glance: about ``target_words`` words and never more than
``max_words``. It never spans a page boundary or a change of heading, so every passage can
be cited as "page N, under heading H". Short paragraphs are grouped; a paragraph longer
than ``max_words`` is cut between sentences, or between words when a sentence alone is too
long. Paragraphs within a passage are separated by a blank line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from asmhub.lib.extract import Block

_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]]*\s+")


@dataclass(frozen=True)
class Passage:
    position: int  # 0-based order in the document
    page: int | None
    heading: str
    text: str


@dataclass(frozen=True)
class _Piece:
    """A whole paragraph, or a run of sentences cut from one that is too long."""

    page: int | None
    heading: str
    text: str
    words: int
    starts_paragraph: bool


def split_passages(
    blocks: Iterable[Block], target_words: int = 120, max_words: int = 220
) -> list[Passage]:
    """Group consecutive blocks into passages, in document order, numbered from 0."""
    if not 0 < target_words <= max_words:
        raise ValueError(f"need 0 < target_words <= max_words, got {target_words}, {max_words}")
    passages: list[Passage] = []
    current: list[_Piece] = []
    for piece in _pieces(blocks, max_words):
        if current and _starts_new_passage(current, piece, target_words, max_words):
            passages.append(_passage(len(passages), current))
            current = []
        current.append(piece)
    if current:
        passages.append(_passage(len(passages), current))
    return passages


def _starts_new_passage(current: list[_Piece], piece: _Piece, target: int, limit: int) -> bool:
    """True at a page or heading change, and when adding the piece would overshoot the target
    by more than leaving it out falls short (or would pass the limit)."""
    first = current[0]
    if (piece.page, piece.heading) != (first.page, first.heading):
        return True
    words = sum(part.words for part in current)
    return words + piece.words > limit or 2 * words + piece.words > 2 * target


def _passage(position: int, pieces: list[_Piece]) -> Passage:
    text = pieces[0].text
    for piece in pieces[1:]:
        text += ("\n\n" if piece.starts_paragraph else " ") + piece.text
    return Passage(position, pieces[0].page, pieces[0].heading, text)


def _pieces(blocks: Iterable[Block], max_words: int) -> Iterator[_Piece]:
    for block in blocks:
        words = len(block.text.split())
        if words == 0:
            continue
        texts = [block.text.strip()] if words <= max_words else _cut(block.text, max_words)
        for index, text in enumerate(texts):
            yield _Piece(block.page, block.heading, text, len(text.split()), index == 0)


def _cut(text: str, max_words: int) -> list[str]:
    """Sentences of an over-long paragraph, each sentence over ``max_words`` cut into equal
    runs of words; the passage builder regroups them to the target length."""
    pieces: list[str] = []
    for sentence in _sentences(text):
        words = sentence.split()
        runs = math.ceil(len(words) / max_words)
        size = math.ceil(len(words) / runs)
        pieces.extend(" ".join(words[i : i + size]) for i in range(0, len(words), size))
    return pieces


def _sentences(text: str) -> list[str]:
    """Split after . ! ? (and closing quotes) when the next word does not start in lower case,
    so that "e.g. gold" stays whole; an abbreviation before a capital will still split."""
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if not text[match.end() : match.end() + 1].islower():
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]
