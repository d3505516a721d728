"""Boolean and proximity queries in the Scopus style, evaluated on a passage's words.

The Aurora Universities Network's SDG queries are written for Scopus's TITLE-ABS-KEY
field: quoted loose phrases (``"food security"``), the wildcard ``*`` (any letters,
also none: ``"fisher*"``), ``OR``, ``AND``, ``AND NOT``, the proximity operators
``W/n`` (within n words, either order) and ``PRE/n`` (the left one first, at most n
words before), and parentheses. ``parse`` turns a query into a small tree; ``Document``
holds a passage's words (case and accents folded); ``Query.match`` says whether the
passage matches and which words did it, so every label can be explained.

As in Scopus, operators bind in this order, tightest first: ``OR``, ``W/n`` and
``PRE/n``, ``AND``, ``AND NOT``; two terms with no operator between them are ANDed.
A loose phrase matches its words in sequence whatever the punctuation between them, and
a word without wildcard also matches its plural ("species" finds "species", "policy"
finds "policies"). Words are split at anything that is not a letter or a digit, in the
query as in the text, so "non-native" is the phrase "non native" on both sides.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from asmhub.lib.text import fold

WORD = re.compile(r"[a-z0-9]+")
QUERY_WORD = re.compile(r"[a-z0-9*?]+")
TOKEN = re.compile(
    r'\s*(?:(?P<quote>"[^"]*")|(?P<open>\()|(?P<close>\))'
    r"|(?P<prox>(?:W|PRE)/\d+)(?![\w/])|(?P<word>[^\s()\"]+))",
    re.IGNORECASE,
)
MAX_SPANS = 200  # per node and passage: enough for any passage, bounded for a book


class QuerySyntaxError(ValueError):
    """A query that cannot be read; the message says what and where."""


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))


class Lexicon:
    """Every query word of a set of queries, so a passage's words are looked up once.

    Without a lexicon a document looks each query word up in its own vocabulary; with
    one, it goes through its few distinct words and finds every query word they match.
    """

    def __init__(self, queries: Iterable[Query]) -> None:
        self.exact: dict[str, list[str]] = defaultdict(list)
        self.prefixes: dict[str, list[Pattern]] = defaultdict(list)
        seen: set[str] = set()
        for query in queries:
            for pattern in query.root.patterns():
                if pattern.text in seen:
                    continue
                seen.add(pattern.text)
                if pattern.prefix is None:
                    for form in pattern.forms:
                        self.exact[form].append(pattern.text)
                else:
                    self.prefixes[pattern.prefix].append(pattern)
        self.longest = max((len(p) for p in self.prefixes), default=0)


class Document:
    """A passage's folded words, indexed for exact and prefix look-ups."""

    def __init__(self, text: str, lexicon: Lexicon | None = None) -> None:
        self.words = words(text)
        positions: dict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(self.words):
            positions[word].append(i)
        self.positions: dict[str, list[int]] = dict(positions)
        self.vocabulary = sorted(self.positions)
        self._cache: dict[str, list[int]] = {}
        self.terms: dict[str, list[Hit]] = {}  # hits of each phrase, shared by all queries
        self.complete = lexicon is not None
        if lexicon is not None:
            found: dict[str, list[int]] = defaultdict(list)
            for word, where in self.positions.items():
                for name in lexicon.exact.get(word, ()):
                    found[name].extend(where)
                for k in range(1, min(len(word), lexicon.longest) + 1):
                    for pattern in lexicon.prefixes.get(word[:k], ()):
                        if pattern.regex is None or pattern.regex.fullmatch(word):
                            found[pattern.text].extend(where)
            for where in found.values():
                where.sort()
            self._cache = dict(found)

    def present(self) -> set[str]:
        """With a lexicon: the query words found in the passage."""
        return set(self._cache)

    def find(self, pattern: Pattern) -> list[int]:
        """Positions of the words that one query word matches."""
        hit = self._cache.get(pattern.text)
        if hit is not None:
            return hit
        if self.complete:
            return []
        found: list[int] = []
        if pattern.prefix is not None:
            start = bisect.bisect_left(self.vocabulary, pattern.prefix)
            for word in self.vocabulary[start:]:
                if not word.startswith(pattern.prefix):
                    break
                if pattern.regex is None or pattern.regex.fullmatch(word):
                    found.extend(self.positions[word])
            found.sort()
        else:
            for form in pattern.forms:
                found.extend(self.positions.get(form, ()))
            if len(pattern.forms) > 1:
                found.sort()
        self._cache[pattern.text] = found
        return found


def _plurals(word: str) -> tuple[str, ...]:
    if len(word) < 4:  # "aid" must not find "AIDS", nor "sea" "seas" (Aurora lists both)
        return (word,)
    forms = {word, word + "s", word + "es"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    return tuple(sorted(forms))


@dataclass(frozen=True)
class Pattern:
    """One word of a phrase: exact (with its plurals) or with wildcards."""

    text: str
    forms: tuple[str, ...] = ()
    prefix: str | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def of(cls, word: str) -> Pattern:
        if "*" not in word and "?" not in word:
            return cls(word, forms=_plurals(word) if not word.isdigit() else (word,))
        prefix = re.split(r"[*?]", word, maxsplit=1)[0]
        simple = word.endswith("*") and word.count("*") == 1 and "?" not in word
        regex = None
        if not simple:
            body = "".join(
                "[a-z0-9]*" if ch == "*" else "[a-z0-9]?" if ch == "?" else re.escape(ch)
                for ch in word
            )
            regex = re.compile(body)
        return cls(word, prefix=prefix, regex=regex)


Span = tuple[int, int]


@dataclass(frozen=True)
class Hit:
    span: Span
    evidence: frozenset[str]


class Node:
    def hits(self, doc: Document) -> list[Hit]:
        raise NotImplementedError

    def children_(self) -> tuple[Node, ...]:
        return ()

    def patterns(self) -> Iterator[Pattern]:
        for child in self.children_():
            yield from child.patterns()

    def anchors(self) -> frozenset[str]:
        """Query words of which one at least must occur for the node to match."""
        return self.children_()[0].anchors()

    def render(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Term(Node):
    phrase: str
    patterns_: tuple[Pattern, ...]

    def patterns(self) -> Iterator[Pattern]:
        yield from self.patterns_

    def anchors(self) -> frozenset[str]:
        return frozenset((self.patterns_[0].text,))

    def hits(self, doc: Document) -> list[Hit]:
        known = doc.terms.get(self.phrase)
        if known is None:
            known = doc.terms[self.phrase] = self._hits(doc)
        return known

    def _hits(self, doc: Document) -> list[Hit]:
        first = doc.find(self.patterns_[0])
        if not first:
            return []
        result: list[Hit] = []
        rest = self.patterns_[1:]
        for start in first:
            end = start
            for pattern in rest:
                following = doc.find(pattern)
                i = bisect.bisect_left(following, end + 1)
                if i == len(following) or following[i] != end + 1:
                    break
                end += 1
            else:
                text = " ".join(doc.words[start : end + 1])
                result.append(Hit((start, end), frozenset((text,))))
                if len(result) >= MAX_SPANS:
                    break
        return result

    def render(self) -> str:
        return f'"{self.phrase}"'


@dataclass(frozen=True)
class Or(Node):
    children: tuple[Node, ...]

    def children_(self) -> tuple[Node, ...]:
        return self.children

    def anchors(self) -> frozenset[str]:
        return frozenset().union(*(child.anchors() for child in self.children))

    def hits(self, doc: Document) -> list[Hit]:
        result: list[Hit] = []
        for child in self.children:
            result.extend(child.hits(doc))
        result.sort(key=lambda h: h.span)
        return result[:MAX_SPANS]

    def render(self) -> str:
        return "(" + " OR ".join(c.render() for c in self.children) + ")"


@dataclass(frozen=True)
class Near(Node):
    left: Node
    right: Node
    distance: int
    ordered: bool  # PRE/n: left before right

    def children_(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def hits(self, doc: Document) -> list[Hit]:
        lefts = self.left.hits(doc)
        if not lefts:
            return []
        rights = self.right.hits(doc)
        result: list[Hit] = []
        for a in lefts:
            for b in rights:
                if b.span[0] > a.span[1]:
                    gap = b.span[0] - a.span[1] - 1
                elif a.span[0] > b.span[1] and not self.ordered:
                    gap = a.span[0] - b.span[1] - 1
                else:
                    continue  # overlapping, or in the wrong order for PRE/n
                if gap <= self.distance:
                    span = (min(a.span[0], b.span[0]), max(a.span[1], b.span[1]))
                    result.append(Hit(span, a.evidence | b.evidence))
                    if len(result) >= MAX_SPANS:
                        return result
        return result

    def render(self) -> str:
        op = "PRE" if self.ordered else "W"
        return f"({self.left.render()} {op}/{self.distance} {self.right.render()})"


@dataclass(frozen=True)
class And(Node):
    children: tuple[Node, ...]

    def children_(self) -> tuple[Node, ...]:
        return self.children

    def hits(self, doc: Document) -> list[Hit]:
        found: list[list[Hit]] = []
        for child in self.children:
            hits = child.hits(doc)
            if not hits:
                return []
            found.append(hits)
        # one hit standing for the whole conjunction: it spans all its parts
        evidence = frozenset().union(*(h.evidence for hits in found for h in hits))
        start = min(h.span[0] for hits in found for h in hits)
        end = max(h.span[1] for hits in found for h in hits)
        return [Hit((start, end), evidence)]

    def render(self) -> str:
        return "(" + " AND ".join(c.render() for c in self.children) + ")"


@dataclass(frozen=True)
class AndNot(Node):
    left: Node
    right: Node

    def children_(self) -> tuple[Node, ...]:
        return (self.left, self.right)

    def hits(self, doc: Document) -> list[Hit]:
        hits = self.left.hits(doc)
        if not hits or self.right.hits(doc):
            return []
        return hits

    def render(self) -> str:
        return f"({self.left.render()} AND NOT {self.right.render()})"


@dataclass
class Match:
    matched: bool
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    source: str
    root: Node

    def match(self, doc: Document | str) -> Match:
        if isinstance(doc, str):
            doc = Document(doc)
        hits = self.root.hits(doc)
        if not hits:
            return Match(False)
        evidence: set[str] = set()
        for hit in hits:
            evidence |= hit.evidence
        return Match(True, sorted(evidence))


def term(phrase: str) -> Term:
    folded = fold(phrase)
    parts = QUERY_WORD.findall(folded)
    if not parts or all(set(p) <= {"*", "?"} for p in parts):
        raise QuerySyntaxError(f'empty phrase "{phrase}"')
    return Term(" ".join(parts), tuple(Pattern.of(p) for p in parts))


@dataclass
class _Tok:
    kind: str  # phrase, open, close, or, and, not, near
    value: str
    position: int
    distance: int = 0
    ordered: bool = False


def _tokens(text: str) -> list[_Tok]:
    if text.count('"') % 2:
        last = text.rindex('"') + 1
        raise QuerySyntaxError(f"unbalanced quote mark at character {last}")
    result: list[_Tok] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        found = TOKEN.match(text, position)
        if found is None:  # pragma: no cover - quotes are balanced, any other text is a word
            raise QuerySyntaxError(f"cannot read the query at character {position + 1}")
        start = found.start(found.lastgroup or 0)
        kind = found.lastgroup or ""
        value = found.group(kind)
        position = found.end()
        if kind == "quote":
            result.append(_Tok("phrase", value[1:-1], start))
        elif kind == "prox":
            op, _, n = value.upper().partition("/")
            result.append(_Tok("near", value, start, int(n), op == "PRE"))
        elif kind == "word" and value.upper() in ("OR", "AND", "NOT"):
            result.append(_Tok(value.lower(), value, start))
        elif kind == "word":
            result.append(_Tok("phrase", value, start))
        else:
            result.append(_Tok(kind, value, start))
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def fail(self, what: str) -> QuerySyntaxError:
        tok = self.peek()
        where = f"at character {tok.position + 1} ({tok.value!r})" if tok else "at the end"
        return QuerySyntaxError(f"{what} {where}")

    def parse(self) -> Node:
        if not self.toks:
            raise QuerySyntaxError("empty query")
        node = self.and_not()
        if self.peek() is not None:
            raise self.fail("unexpected")
        return node

    def and_not(self) -> Node:
        node = self.and_()
        while True:
            tok = self.peek()
            nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
            if tok and tok.kind == "and" and nxt and nxt.kind == "not":
                self.i += 2
                node = AndNot(node, self.and_())
            elif tok and tok.kind == "not":
                self.i += 1
                node = AndNot(node, self.and_())
            else:
                return node

    def and_(self) -> Node:
        children = [self.near()]
        while True:
            tok = self.peek()
            nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
            if tok and tok.kind == "and" and not (nxt and nxt.kind == "not"):
                self.i += 1
                children.append(self.near())
            elif tok and tok.kind in ("phrase", "open"):  # no operator: AND, as in Scopus
                children.append(self.near())
            else:
                break
        return children[0] if len(children) == 1 else And(tuple(children))

    def near(self) -> Node:
        node = self.or_()
        while (tok := self.peek()) is not None and tok.kind == "near":
            self.i += 1
            node = Near(node, self.or_(), tok.distance, tok.ordered)
        return node

    def or_(self) -> Node:
        children = [self.atom()]
        while (tok := self.peek()) is not None and tok.kind == "or":
            self.i += 1
            children.append(self.atom())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.fail("a term or '(' expected")
        if tok.kind == "phrase":
            self.i += 1
            try:
                return term(tok.value)
            except QuerySyntaxError as exc:
                raise QuerySyntaxError(f"{exc} at character {tok.position + 1}") from None
        if tok.kind == "open":
            self.i += 1
            node = self.and_not()
            closing = self.peek()
            if closing is None or closing.kind != "close":
                raise QuerySyntaxError(
                    f"the '(' at character {tok.position + 1} is not closed"
                    + (f" (found {closing.value!r})" if closing else "")
                )
            self.i += 1
            return node
        raise self.fail("a term or '(' expected")


def parse(text: str) -> Query:
    """Parse one query; raises QuerySyntaxError naming what is wrong and where."""
    source = " ".join(text.split())
    return Query(source, _Parser(source).parse())
