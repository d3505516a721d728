"""VTIMEZONE definitions with yearly rules, computed from the IANA time zone database.

RFC 5545 lets a VTIMEZONE list every transition as RDATEs, but calendar programs read
rules more reliably (Outlook expects them, and dateutil's reader behind vobject
misreads RDATE lists). This module finds a zone's transitions in a range of years with
``zoneinfo`` and folds each run of years that change on the same weekday rule ("second
Sunday of March at 02:00") into one STANDARD or DAYLIGHT observance with an RRULE, and
an UNTIL when the rule stops. Transitions that follow no such rule are written as
single onsets. It knows nothing of Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
UTC = dt.UTC


@dataclass(frozen=True)
class Transition:
    at: dt.datetime  # UTC instant
    before: dt.timedelta
    after: dt.timedelta
    name: str
    is_dst: bool

    @property
    def local(self) -> dt.datetime:
        """The onset in the wall-clock time being left, as VTIMEZONE's DTSTART wants it."""
        return (self.at + self.before).replace(tzinfo=None)

    def weekday_rules(self) -> set[str]:
        local = self.local
        nth = (local.day - 1) // 7 + 1
        found = {f"{nth}{WEEKDAYS[local.weekday()]}"} if nth <= 4 else set()
        if local.day + 7 > calendar.monthrange(local.year, local.month)[1]:
            found.add(f"-1{WEEKDAYS[local.weekday()]}")
        return found


@dataclass
class Observance:
    """One STANDARD or DAYLIGHT block: a first onset and, for a run of years, a rule."""

    first: Transition
    last: Transition
    byday: set[str] = field(default_factory=set)
    years: int = 1

    @property
    def rule(self) -> str | None:
        if self.years < 2 or not self.byday:
            return None
        day = sorted(self.byday, key=lambda d: d.startswith("-"))[0]
        return f"FREQ=YEARLY;BYMONTH={self.first.local.month};BYDAY={day}"


def transitions(zone: zoneinfo.ZoneInfo, first_year: int, last_year: int) -> list[Transition]:
    """Every change of UTC offset or abbreviation in ``zone`` from ``first_year`` to
    ``last_year`` included."""
    found: list[Transition] = []
    moment = dt.datetime(first_year, 1, 1, tzinfo=UTC)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC)
    step = dt.timedelta(hours=12)

    def state(t: dt.datetime) -> tuple[dt.timedelta, str, bool]:
        local = t.astimezone(zone)
        return local.utcoffset() or dt.timedelta(0), local.tzname() or "", bool(local.dst())

    current = state(moment)
    while moment < end:
        following = moment + step
        if state(following) != current:
            low, high = moment, following
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                if state(middle) == current:
                    low = middle
                else:
                    high = middle
            new = state(high)
            at = high.replace(second=0, microsecond=0)
            found.append(Transition(at, current[0], new[0], new[1], new[2]))
            current = new
        moment = following
    return found


def _same_rule(a: Transition, b: Transition) -> bool:
    return (
        a.is_dst == b.is_dst
        and a.before == b.before
        and a.after == b.after
        and a.name == b.name
        and a.local.month == b.local.month
        and a.local.time() == b.local.time()
        and b.local.year == a.local.year + 1
    )


def observances(items: list[Transition]) -> list[Observance]:
    """Transitions folded into observances, each run of same-rule years into one."""
    runs: list[Observance] = []
    for kind in (True, False):
        for t in (t for t in items if t.is_dst == kind):
            run = next((r for r in runs if r.first.is_dst == kind and _same_rule(r.last, t)), None)
            common = run.byday & t.weekday_rules() if run else set()
            if run and common:
                run.last, run.byday, run.years = t, common, run.years + 1
            else:
                runs.append(Observance(t, t, t.weekday_rules()))
    return sorted(runs, key=lambda r: r.first.at)


def _offset(value: dt.timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def vtimezone_lines(name: str, first_year: int, last_year: int) -> list[str]:
    """The VTIMEZONE of IANA zone ``name`` for the years given, as unfolded content lines."""
    zone = zoneinfo.ZoneInfo(name)
    found = transitions(zone, first_year, last_year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    start = dt.datetime(first_year, 1, 1, tzinfo=zone)
    if not found or found[0].at > start:
        # The observance in force when the range opens, for times before its first change.
        offset = _offset(start.utcoffset() or dt.timedelta(0))
        kind = "DAYLIGHT" if start.dst() else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{first_year}0101T000000",
            f"TZOFFSETFROM:{offset}",
            f"TZOFFSETTO:{offset}",
            f"TZNAME:{start.tzname()}",
            f"END:{kind}",
        ]
    for run in observances(found):
        kind = "DAYLIGHT" if run.first.is_dst else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{run.first.local:%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(run.first.before)}",
            f"TZOFFSETTO:{_offset(run.first.after)}",
            f"TZNAME:{run.first.name}",
        ]
        rule = run.rule
        if rule and run.last.local.year >= last_year:
            lines.append(f"RRULE:{rule}")
        elif rule:
            # UNTIL is in UTC (RFC 5545 requires it here). Some readers compare it with the
            # local onset instead; a day after the last onset, and a year before the next,
            # ends the rule at the same occurrence under either reading.
            until = run.last.at + dt.timedelta(days=1)
            lines.append(f"RRULE:{rule};UNTIL={until:%Y%m%dT%H%M%SZ}")
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines
