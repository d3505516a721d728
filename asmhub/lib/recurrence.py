"""Recurring dates from RFC 5545 recurrence rules (RRULE), through python-dateutil.

Funding cycles, board meetings and Poverty Reduction Strategy milestones are stored as
a rule and a first date; the dates are expanded when asked for, never copied.

Expanding is bounded whatever the rule: a query walks at most ``MAX_EXPANDED``
occurrences of a rule from its first one and returns at most ``MAX_OCCURRENCES``, so a
rule stored before ``check_rule`` refused it (``FREQ=SECONDLY``) cannot hold a page.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from dateutil.rrule import rrule, rrulestr

# Occurrences returned per rule per query: above the 401 days of the API's longest period
# at the most frequent rule accepted, daily (a longer list page shows the first 500).
MAX_OCCURRENCES = 500
# Occurrences walked per rule per query, counted from the rule's first occurrence: a
# daily rule for 54 years, a weekly one for 380.
MAX_EXPANDED = 20_000
SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
# Rule parts that, given several values, repeat a rule more than once a day.
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


class TooFrequentError(ValueError):
    """A rule that repeats more often than once a day; ``part`` is the rule part that does."""

    def __init__(self, part: str) -> None:
        self.part = part
        super().__init__(
            f"{part} repeats more often than once a day; "
            "the most frequent rule accepted is FREQ=DAILY"
        )


def _text(rule: str) -> str:
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return text


def _read(rule: str, start: dt.datetime) -> rrule:
    text = _text(rule)
    if not text or "\n" in text:
        raise ValueError("a recurrence rule is one RRULE line, such as FREQ=YEARLY;BYMONTH=10")
    if "DTSTART" in text.upper():
        raise ValueError("give the first date separately, not as DTSTART in the rule")
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from exc
    if not isinstance(parsed, rrule):
        raise ValueError("a recurrence rule is one RRULE line")
    return parsed


def _occurs(parsed: rrule, start: dt.datetime) -> rrule:
    if parsed.after(start, inc=True) is None:
        raise ValueError("not an RFC 5545 recurrence rule: it never occurs")
    return parsed


def parse_rule(rule: str, first: dt.date) -> rrule:
    """The rule as a dateutil ``rrule`` starting on ``first``; ValueError says why not."""
    start = dt.datetime.combine(first, dt.time())
    return _occurs(_read(rule, start), start)


def check_rule(rule: str, first: dt.date) -> rrule:
    """``parse_rule`` for a rule about to be stored, which also may not repeat more often
    than once a day (SECONDLY, MINUTELY, HOURLY, or several hours, minutes or seconds):
    TooFrequentError says so. Rules already stored are expanded whatever they say, within
    ``MAX_EXPANDED``."""
    start = dt.datetime.combine(first, dt.time())
    parsed = _read(rule, start)
    parts: dict[str, str] = {}
    for part in _text(rule).upper().split(";"):
        name, _, value = part.partition("=")
        parts[name.strip()] = value.strip()
    if parts.get("FREQ") in SUB_DAILY:
        raise TooFrequentError(f"FREQ={parts['FREQ']}")
    for name in TIME_PARTS:
        if "," in parts.get(name, ""):
            raise TooFrequentError(f"{name}={parts[name]}")
    return _occurs(parsed, start)


def _walk(parsed: Iterable[dt.datetime], start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The occurrences from ``start`` to ``end`` (both included) among the first
    ``MAX_EXPANDED`` of ``parsed``, at most ``MAX_OCCURRENCES`` of them."""
    found: list[dt.datetime] = []
    for when in itertools.islice(parsed, MAX_EXPANDED):
        if when > end:
            break
        if when >= start:
            found.append(when)
            if len(found) == MAX_OCCURRENCES:
                break
    return found


def occurrences(rule: str, first: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates of ``rule`` (first occurrence ``first``) from ``start`` to ``end`` included."""
    if end < start:
        return []
    parsed = parse_rule(rule, first)
    found = _walk(
        parsed, dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())
    )
    return [d.date() for d in found]


def next_after(rule: str, first: dt.date, after: dt.date) -> dt.date | None:
    """The first date of ``rule`` on or after ``after``, or None when the rule has ended
    (or when it is not among the first ``MAX_EXPANDED`` occurrences)."""
    since = dt.datetime.combine(after, dt.time())
    for when in itertools.islice(parse_rule(rule, first), MAX_EXPANDED):
        if when >= since:
            return when.date()
    return None


def local_occurrences(
    rule: str, first: dt.datetime, start: dt.datetime, end: dt.datetime
) -> list[dt.datetime]:
    """The wall-clock times of ``rule`` from ``first`` (naive, local) between ``start`` and
    ``end`` (naive, local, both included).

    Rules are expanded in local time, as RFC 5545 says: a weekly 10:00 call in New York
    stays at 10:00 across the change to daylight saving time; the caller attaches the
    time zone to each result.
    """
    if end < start:
        return []
    parse_rule(rule, first.date())  # the same checks and messages as for dates
    parsed = _read(rule, first.replace(tzinfo=None))
    return _walk(parsed, start.replace(tzinfo=None), end.replace(tzinfo=None))
