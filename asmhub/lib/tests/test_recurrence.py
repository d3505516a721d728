import datetime as dt
from collections.abc import Iterator

import pytest
from dateutil.rrule import rrule

from asmhub.lib.recurrence import (
    MAX_EXPANDED,
    MAX_OCCURRENCES,
    TooFrequentError,
    check_rule,
    local_occurrences,
    next_after,
    occurrences,
    parse_rule,
)


def test_a_fiscal_year_expands_into_its_dates() -> None:
    dates = occurrences(
        "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",
        dt.date(2005, 10, 1),
        dt.date(2026, 1, 1),
        dt.date(2028, 12, 31),
    )
    assert dates == [dt.date(2026, 10, 1), dt.date(2027, 10, 1), dt.date(2028, 10, 1)]


def test_the_window_includes_both_ends() -> None:
    rule = "FREQ=MONTHLY;BYMONTHDAY=15"
    dates = occurrences(rule, dt.date(2026, 1, 15), dt.date(2026, 3, 15), dt.date(2026, 4, 15))
    assert dates == [dt.date(2026, 3, 15), dt.date(2026, 4, 15)]


def test_a_rule_with_an_end_stops() -> None:
    assert next_after("FREQ=YEARLY;COUNT=2", dt.date(2020, 6, 1), dt.date(2022, 1, 1)) is None
    assert next_after(
        "RRULE:FREQ=YEARLY;INTERVAL=3", dt.date(2020, 6, 1), dt.date(2022, 1, 1)
    ) == dt.date(2023, 6, 1)


def test_nth_weekday_rules() -> None:
    dates = occurrences(
        "FREQ=YEARLY;BYMONTH=4;BYDAY=3SA",
        dt.date(2006, 4, 15),
        dt.date(2027, 1, 1),
        dt.date(2027, 12, 31),
    )
    assert dates == [dt.date(2027, 4, 17)]


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        ("", "one RRULE line"),
        ("FREQ=SOMETIMES", "not an RFC 5545"),
        ("DTSTART:20200101\nRRULE:FREQ=YEARLY", "one RRULE line"),
        ("FREQ=YEARLY;DTSTART=20200101", "first date separately"),
        ("FREQ=YEARLY;BYMONTH=13", "not an RFC 5545"),
    ],
)
def test_bad_rules_say_why(rule: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_rule(rule, dt.date(2020, 1, 1))


def test_an_empty_window_has_no_dates() -> None:
    assert (
        occurrences("FREQ=DAILY", dt.date(2020, 1, 1), dt.date(2021, 1, 2), dt.date(2021, 1, 1))
        == []
    )


def test_local_occurrences_keep_the_wall_clock_across_daylight_saving() -> None:
    from asmhub.lib.recurrence import local_occurrences

    found = local_occurrences(
        "FREQ=MONTHLY;BYDAY=1TU",
        dt.datetime(2026, 1, 6, 10, 0),
        dt.datetime(2026, 2, 1),
        dt.datetime(2026, 4, 30, 23, 59),
    )
    assert found == [
        dt.datetime(2026, 2, 3, 10, 0),
        dt.datetime(2026, 3, 3, 10, 0),
        dt.datetime(2026, 4, 7, 10, 0),
    ]


def test_local_occurrences_check_the_rule() -> None:
    from asmhub.lib.recurrence import local_occurrences

    with pytest.raises(ValueError, match="recurrence rule"):
        local_occurrences(
            "FREQ=SOMETIMES",
            dt.datetime(2026, 1, 1),
            dt.datetime(2026, 1, 1),
            dt.datetime(2027, 1, 1),
        )


@pytest.mark.parametrize(
    ("rule", "part"),
    [
        ("FREQ=SECONDLY", "FREQ=SECONDLY"),
        ("freq=minutely;interval=5", "FREQ=MINUTELY"),
        ("RRULE:FREQ=HOURLY;COUNT=3", "FREQ=HOURLY"),
        ("FREQ=DAILY;BYHOUR=9,15", "BYHOUR=9,15"),
        ("FREQ=WEEKLY;BYMINUTE=0,30", "BYMINUTE=0,30"),
        ("FREQ=DAILY;BYSECOND=1,2", "BYSECOND=1,2"),
    ],
)
def test_a_rule_to_store_repeats_at_most_daily(rule: str, part: str) -> None:
    with pytest.raises(TooFrequentError, match="more often than once a day") as caught:
        check_rule(rule, dt.date(2026, 1, 1))
    assert caught.value.part == part


def test_daily_and_slower_rules_may_be_stored() -> None:
    for rule in ("FREQ=DAILY", "FREQ=DAILY;BYHOUR=10", "FREQ=MONTHLY;BYDAY=1TU", "FREQ=YEARLY"):
        check_rule(rule, dt.date(2026, 1, 1))
    with pytest.raises(ValueError, match="not an RFC 5545"):
        check_rule("FREQ=SOMETIMES", dt.date(2026, 1, 1))


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many occurrences dateutil generated, counted across every rule walked."""
    counter = [0]
    generate = rrule._iter

    def counting(self: rrule) -> Iterator[dt.datetime]:
        for when in generate(self):
            counter[0] += 1
            yield when

    monkeypatch.setattr(rrule, "_iter", counting)
    return counter


def test_a_stored_secondly_rule_is_expanded_within_the_caps(walked: list[int]) -> None:
    # A rule stored before check_rule refused it: one day holds 86,400 occurrences.
    found = local_occurrences(
        "FREQ=SECONDLY",
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 1, 2),
    )
    assert len(found) == MAX_OCCURRENCES == 500
    assert walked[0] <= MAX_EXPANDED + 1
    dates = occurrences(
        "FREQ=MINUTELY", dt.date(2026, 1, 1), dt.date(2026, 1, 1), dt.date(2026, 1, 30)
    )
    assert len(dates) == 500


def test_a_stored_rule_is_walked_at_most_max_expanded_occurrences(walked: list[int]) -> None:
    # The second day starts after 86,400 occurrences, beyond the walk: nothing, at once.
    found = local_occurrences(
        "FREQ=SECONDLY",
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 1, 2),
        dt.datetime(2026, 1, 3),
    )
    assert found == []
    assert walked[0] <= 2 * (MAX_EXPANDED + 1)  # the first-occurrence check, then the walk
    assert next_after("FREQ=SECONDLY", dt.date(2026, 1, 1), dt.date(2026, 1, 2)) is None
    assert walked[0] <= 4 * (MAX_EXPANDED + 1)
