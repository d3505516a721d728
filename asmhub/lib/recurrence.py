"""Recurring dates from RFC 5545 recurrence rules (RRULE), through python-dateutil.

Funding cycles, board meetings and Poverty Reduction Strategy milestones are stored as
a rule and a first date; the dates are expanded when asked for, never copied.
"""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrule, rrulestr

MAX_OCCURRENCES = 1000


def parse_rule(rule: str, first: dt.date) -> rrule:
    """The rule as a dateutil ``rrule`` starting on ``first``; ValueError says why not."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "\n" in text:
        raise ValueError("a recurrence rule is one RRULE line, such as FREQ=YEARLY;BYMONTH=10")
    if "DTSTART" in text.upper():
        raise ValueError("give the first date separately, not as DTSTART in the rule")
    start = dt.datetime.combine(first, dt.time())
    try:
        parsed = rrulestr(text, dtstart=start)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from exc
    if not isinstance(parsed, rrule):
        raise ValueError("a recurrence rule is one RRULE line")
    if parsed.after(start, inc=True) is None:
        raise ValueError("not an RFC 5545 recurrence rule: it never occurs")
    return parsed


def occurrences(rule: str, first: dt.date, start: dt.date, end: dt.date) -> list[dt.date]:
    """The dates of ``rule`` (first occurrence ``first``) from ``start`` to ``end`` included."""
    if end < start:
        return []
    parsed = parse_rule(rule, first)
    found = parsed.between(
        dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time()), inc=True
    )
    return [d.date() for d in found[:MAX_OCCURRENCES]]


def next_after(rule: str, first: dt.date, after: dt.date) -> dt.date | None:
    """The first date of ``rule`` on or after ``after``, or None when the rule has ended."""
    found = parse_rule(rule, first).after(dt.datetime.combine(after, dt.time()), inc=True)
    return found.date() if found else None


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
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parse_rule(text, first.date())  # the same checks and messages as for dates
    parsed = rrulestr(text, dtstart=first.replace(tzinfo=None))
    assert isinstance(parsed, rrule)
    found = parsed.between(start.replace(tzinfo=None), end.replace(tzinfo=None), inc=True)
    return found[:MAX_OCCURRENCES]
