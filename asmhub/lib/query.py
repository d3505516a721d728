"""Parse what a person types into a search box, for any full-text engine.

Supported: plain words (all must match), "quoted phrases", prefixes (``miner*``),
``OR`` between two terms (either may match) and ``-word`` (texts with it are left out).
Everything that is not a letter, digit or the characters above is dropped, so the
result can be handed to FTS5 MATCH or PostgreSQL to_tsquery without injection.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or the words of a phrase
    prefix: bool = False  # the last word may be the start of a longer word
    alternatives: tuple[Term, ...] = ()  # joined by OR: any of them may match instead

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)  # -word: none of these may match

    def __bool__(self) -> bool:
        return bool(self.terms)

    def words(self) -> list[str]:
        return [w for t in self.terms for one in (t, *t.alternatives) for w in one.words]


def parse(text: str, *, as_you_type: bool = False) -> Query:
    """Parse ``text``; with ``as_you_type`` the last bare word is taken as a prefix."""
    text = unicodedata.normalize("NFC", text or "")
    terms: list[Term] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        minus, phrase, bare = match.groups()
        if bare == "OR":
            join_next = bool(terms)
            continue
        negated = bool(minus) or (bare is not None and bare.startswith("-") and len(bare) > 1)
        if phrase is not None:
            words = tuple(w.lower() for w in _WORD.findall(phrase))
            found = [Term(words)] if words else []
        else:
            prefix = bare.endswith("*")
            words = tuple(w.lower() for w in _WORD.findall(bare))
            found = [Term((w,)) for w in words[:-1]]
            if words:
                found.append(Term((words[-1],), prefix=prefix))
            if negated and len(found) > 1:
                found = [Term(words)]  # -word-with-dashes: the phrase is left out
        if not found:
            continue
        if negated:
            excluded.extend(found)
        elif join_next:
            last = terms.pop()
            terms.append(Term(last.words, last.prefix, (*last.alternatives, found[0])))
            terms.extend(found[1:])
        else:
            terms.extend(found)
        join_next = False
    if as_you_type and terms and not text.rstrip().endswith(('"', "*")) and not text.endswith(" "):
        last = terms[-1]
        if not last.is_phrase and not last.alternatives:
            terms[-1] = Term(last.words, prefix=True)
    return Query(terms[:MAX_TERMS], excluded[:MAX_TERMS])


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")
    if not term.alternatives:
        return quoted
    return "(" + " OR ".join([quoted, *map(_fts5_term, term.alternatives)]) + ")"


def _tsquery_term(term: Term) -> str:
    words = [f"'{w}'" for w in term.words]
    if term.prefix:
        words[-1] += ":*"
    single = "(" + " <-> ".join(words) + ")" if term.is_phrase else words[0]
    if not term.alternatives:
        return single
    return "(" + " | ".join([single, *map(_tsquery_term, term.alternatives)]) + ")"


def to_fts5(query: Query, *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term required, or (``any_term``) any of them."""
    parts = [_fts5_term(term) for term in query.terms]
    expression = (" OR " if any_term else " AND ").join(parts)
    if query.excluded:
        expression = f"({expression})" + "".join(
            f" NOT {_fts5_term(term)}" for term in query.excluded
        )
    return expression


def to_tsquery(query: Query, *, any_term: bool = False) -> str:
    """A PostgreSQL to_tsquery expression: every term required (or any), phrases with <->."""
    parts = [_tsquery_term(term) for term in query.terms]
    expression = (" | " if any_term else " & ").join(parts)
    if query.excluded:
        expression = f"({expression})" + "".join(
            f" & !{_tsquery_term(term)}" for term in query.excluded
        )
    return expression
