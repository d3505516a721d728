"""Parse what a person types into a search box, for any full-text engine.

Supported: plain words (all must match), "quoted phrases", and prefixes (``miner*``).
Everything that is not a letter, digit or the characters above is dropped, so the
result can be handed to FTS5 MATCH or PostgreSQL to_tsquery without injection.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False  # the last word may be the start of a longer word

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> list[str]:
        return [w for t in self.terms for w in t.words]


def parse(text: str, *, as_you_type: bool = False) -> Query:
    """Parse ``text``; with ``as_you_type`` the last bare word is taken as a prefix."""
    text = unicodedata.normalize("NFC", text or "")
    terms: list[Term] = []
    for match in _TOKEN.finditer(text):
        phrase, bare = match.groups()
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            if words:
                terms.append(Term(words))
            continue
        prefix = bare.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(bare))
        if words:
            terms.extend(Term((w,)) for w in words[:-1])
            terms.append(Term((words[-1],), prefix=prefix))
    if as_you_type and terms and not text.rstrip().endswith(('"', "*")) and not text.endswith(" "):
        last = terms[-1]
        if not last.is_phrase:
            terms[-1] = Term(last.words, prefix=True)
    return Query(terms[:MAX_TERMS])


def to_fts5(query: Query, *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term required, or (``any_term``) any of them."""
    parts = []
    for term in query.terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + ("*" if term.prefix else ""))
    return (" OR " if any_term else " AND ").join(parts)


def to_tsquery(query: Query, *, any_term: bool = False) -> str:
    """A PostgreSQL to_tsquery expression: every term required (or any), phrases with <->."""
    parts = []
    for term in query.terms:
        words = [f"'{w}'" for w in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")" if term.is_phrase else words[0])
    return (" | " if any_term else " & ").join(parts)
