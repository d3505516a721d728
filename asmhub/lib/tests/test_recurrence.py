import datetime as dt

import pytest

from asmhub.lib.recurrence import next_after, occurrences, parse_rule


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
