import datetime as dt
import io
import zoneinfo

import pytest
from dateutil.tz import tzical

from asmhub.lib.vtimezone import observances, transitions, vtimezone_lines


@pytest.mark.parametrize(
    "name",
    [
        "America/New_York",  # the US rules changed in 2007
        "Europe/London",
        "Australia/Sydney",  # daylight saving across the new year
        "America/Sao_Paulo",  # daylight saving ended in 2019
        "Africa/Kinshasa",  # no daylight saving
        "Asia/Kolkata",  # a half-hour offset
    ],
)
def test_the_vtimezone_gives_the_offsets_of_the_tz_database(name: str) -> None:
    zone = zoneinfo.ZoneInfo(name)
    text = "\r\n".join(vtimezone_lines(name, 2005, 2030))
    read = tzical(io.StringIO(text)).get()
    moment = dt.datetime(2005, 1, 1, 12)
    while moment.year <= 2030:
        # dateutil reads wall-clock times; compare away from the ambiguous hour of a change.
        expected = moment.replace(tzinfo=zone).utcoffset()
        assert read.utcoffset(moment) == expected, (name, moment)
        moment += dt.timedelta(days=9, hours=7)


def test_years_on_one_rule_become_one_rrule_and_a_changed_rule_ends_with_until() -> None:
    lines = vtimezone_lines("America/New_York", 2003, 2040)
    assert "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060403T070000Z" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU" in lines
    assert lines.count("BEGIN:DAYLIGHT") == 2


def test_a_zone_without_changes_has_one_standard_observance() -> None:
    lines = vtimezone_lines("Africa/Kinshasa", 2020, 2030)
    assert lines.count("BEGIN:STANDARD") == 1 and "TZOFFSETTO:+0100" in lines


def test_transitions_are_found_to_the_minute() -> None:
    found = transitions(zoneinfo.ZoneInfo("Europe/London"), 2026, 2026)
    assert [t.at for t in found] == [
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 0, tzinfo=dt.UTC),
    ]
    assert [r.rule for r in observances(found)] == [None, None]  # one year is no rule
