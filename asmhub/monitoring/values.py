"""Reading survey cells: flags, numbers, dates, coordinates, lists and coded words.

Every reader takes the raw cell and returns its value, or ``None`` for a blank ("no
data"); it raises ``Unreadable`` saying why when it cannot read the cell, and tells
``note`` when it had to normalize a spelling (so that imports count what they fixed).
Spellings come from ``data/vocabulary.yaml``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from asmhub.lib.text import fold as text_fold

VOCABULARY = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"
Note = Callable[[str], None]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y", "%m/%d/%Y")


class Unreadable(ValueError):
    """A cell that no reader understands; the message says why."""


@lru_cache(maxsize=100_000)  # survey cells repeat: "Or", "1", "Nord-Kivu"
def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how spellings are compared."""
    return " ".join(text_fold(text.replace("’", "'")).split())


@cache
def vocabulary() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    return data


@cache
def _codes(section: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for code, spellings in vocabulary()[section].items():
        found[fold(str(code))] = str(code)
        for spelling in spellings:
            found[fold(str(spelling))] = str(code)
    return found


@cache
def _spellings(section: str) -> frozenset[str]:
    """The spellings the vocabulary lists, as written (lower case): reading them is no fix."""
    listed = {str(c).lower() for c in vocabulary()[section]}
    listed |= {str(s).lower() for group in vocabulary()[section].values() for s in group}
    return frozenset(listed)


def _ignore(_: str) -> None:
    return None


def blank(cell: str | None) -> bool:
    return cell is None or not str(cell).strip()


@cache
def _none_words() -> frozenset[str]:
    return frozenset(fold(w) for w in vocabulary()["none"])


@cache
def _flag_words() -> dict[str, bool]:
    return {
        fold(s): answer == "yes"
        for answer, spellings in vocabulary()["flags"].items()
        for s in spellings
    }


def is_none_word(cell: str) -> bool:
    return fold(cell) in _none_words()


def flag(cell: str | None, note: Note = _ignore) -> bool | None:
    if blank(cell):
        return None
    text = str(cell).strip()
    if text in ("1", "0"):
        return text == "1"
    answer = _flag_words().get(fold(text))
    if answer is None:
        raise Unreadable(f"{text!r} is not a yes/no (0/1, oui/non)")
    note(f"yes/no written as {text!r}")
    return answer


def integer(cell: str | None, note: Note = _ignore) -> int | None:
    if blank(cell):
        return None
    text = str(cell).strip()
    if text.isdigit():
        return int(text)
    cleaned = re.sub(r"^(ca\.?|env\.?|environ|about|~)\s*", "", text.lower())
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", cleaned)
    match = re.fullmatch(r"(\d+)(?:[.,]0+)?", cleaned)
    if not match:
        raise Unreadable(f"{text!r} is not a whole number")
    note("number written with spaces, decimals or 'ca.'")
    return int(match.group(1))


def decimal_number(cell: str | None, note: Note = _ignore) -> float | None:
    if blank(cell):
        return None
    text = str(cell).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if re.fullmatch(r"-?\d+,\d+", text):
        note("decimal comma")
        return float(text.replace(",", "."))
    raise Unreadable(f"{text!r} is not a number")


def coordinate(limit: float, cell: str | None, note: Note = _ignore) -> float | None:
    value = decimal_number(cell, note)
    if value is not None and not -limit <= value <= limit:
        raise Unreadable(f"{value} is outside -{limit:g}..{limit:g}")
    return value


def point(cell: str | None) -> tuple[float, float] | None:
    """Longitude and latitude from a WKT ``POINT (x y)`` cell."""
    if blank(cell):
        return None
    match = re.fullmatch(
        r"\s*POINT\s*Z?\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)(?:\s+-?[\d.]+)?\s*\)\s*", str(cell), re.I
    )
    if not match:
        raise Unreadable(f"{str(cell).strip()[:40]!r} is not a WKT point")
    return float(match.group(1)), float(match.group(2))


def date(cell: str | None, note: Note = _ignore) -> dt.date | None:
    if blank(cell):
        return None
    text = str(cell).strip()
    head = text[:10]
    try:
        found = dt.date.fromisoformat(head)
        if len(text) > 10:
            note("date with a time of day")
        return found
    except ValueError:
        pass
    for fmt in DATE_FORMATS[1:]:
        try:
            found = dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
        note(f"date written as {fmt.replace('%', '')}")
        return found
    raise Unreadable(f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")


def is_unknown_word(cell: str) -> bool:
    """ "Je ne sais pas", "Inconnu": the survey recorded that nobody knew (no data)."""
    return fold(cell) in _unknown_words()


@cache
def _unknown_words() -> frozenset[str]:
    return frozenset(fold(w) for w in vocabulary()["unknown"])


def items(cell: str | None, spaces: bool = False) -> list[str]:
    """The values of a list cell: split on commas and semicolons, never on a slash
    ("N/A") nor on the spaces inside a phrase ("Je ne sais pas", "Transport des
    minerais"). With ``spaces`` (XLSForm's select_multiple answers, ``digging
    transport``), a cell without commas is split on its spaces unless it is one phrase
    of the vocabulary."""
    if blank(cell) or is_none_word(str(cell)) or is_unknown_word(str(cell)):
        return []
    parts = [p.strip() for p in re.split(r"[,;]", str(cell))]
    parts = [p for p in parts if p and not is_none_word(p) and not is_unknown_word(p)]
    if spaces and len(parts) == 1 and fold(parts[0]) not in _all_codes():
        return parts[0].split()
    return parts


@cache
def _all_codes() -> frozenset[str]:
    """Every code and spelling of the vocabulary's coded sections, folded."""
    found: set[str] = set()
    sections = [c for s, c in vocabulary().items() if isinstance(c, dict) and s != "scales"]
    for content in [*sections, *vocabulary()["scales"].values()]:
        for code_name, spellings in content.items():
            found.add(fold(str(code_name)))
            found |= {fold(str(s)) for s in spellings}
    return frozenset(found)


SEPARATOR = re.compile(r"\s+[-–—:]\s+|\s*\(")


def split_code(section: str, cell: str | None, note: Note = _ignore) -> tuple[str | None, str]:
    """The code at the start of a cell and what follows it: ``FARDC - Éléments
    indisciplinés`` is (``army``, ``Éléments indisciplinés``)."""
    if blank(cell):
        return None, ""
    text = str(cell).strip()
    match = SEPARATOR.search(text)
    if match and fold(text) not in _codes(section):
        head, rest = text[: match.start()], text[match.end() :].rstrip(")").strip()
        if fold(head) in _codes(section):
            return _codes(section)[fold(head)], rest
    return code(section, text, note), ""


def listed(section: str, cell: str) -> bool:
    """Whether ``cell`` is a spelling the vocabulary lists in ``section``: there a word
    such as "none" is a value (a site with no legal title), not the absence of one."""
    return fold(cell) in _codes(section)


def code(section: str, cell: str | None, note: Note = _ignore) -> str | None:
    """The code of a vocabulary section (``qualification``, ``actor_kind``…) for a cell."""
    if blank(cell):
        return None
    text = fold(str(cell))
    codes = _codes(section)
    if text in codes:
        if str(cell).strip().lower() not in _spellings(section):  # accents, spaces: a variant
            note(f"{section.replace('_', ' ')} written as {str(cell).strip()!r}")
        return codes[text]
    match = SEPARATOR.search(text)  # "PNC - Éléments indisciplinés", "iTSCi (via SAEMAPE)"
    if match and text[: match.start()] in codes:
        note(f"{section.replace('_', ' ')} read from the code at the start of a cell")
        return codes[text[: match.start()]]
    for spelling, value in codes.items():  # "Mai-Mai Yakutumba" is a Mai-Mai group
        if len(spelling) > 3 and text.startswith(spelling + " "):
            note(f"{section.replace('_', ' ')} read from {str(cell).strip()!r}")
            return value
    raise Unreadable(f"{str(cell).strip()!r} is not a known {section.replace('_', ' ')}")


def ordinal(scale: str, cell: str | None, note: Note = _ignore) -> str | None:
    """The step of an ordered scale (``data/vocabulary.yaml``, ``scales``): ``Bas`` is low."""
    if blank(cell) or is_unknown_word(str(cell)):
        return None
    steps = vocabulary()["scales"][scale]
    found = _scale_words(scale).get(fold(str(cell)))
    if found is None:
        spelled = ", ".join(f"{s} ({steps[s][0]})" if steps[s] else s for s in steps)
        raise Unreadable(f"{str(cell).strip()!r} is not one of {spelled}")
    return found


@cache
def _scale_words(scale: str) -> dict[str, str]:
    steps = vocabulary()["scales"][scale]
    found = {fold(str(step)): str(step) for step in steps}
    found.update({fold(str(s)): str(step) for step, spellings in steps.items() for s in spellings})
    return found


def codes(
    section: str, cell: str | None, note: Note = _ignore, spaces: bool = False
) -> tuple[list[str], list[str]]:
    """The codes of a list cell, and the items no code matched (kept as written)."""
    found: list[str] = []
    unknown: list[str] = []
    for item in items(cell, spaces):
        try:
            value = code(section, item, note)
        except Unreadable:
            unknown.append(item)
            continue
        if value and value not in found:
            found.append(value)
    return found, unknown
