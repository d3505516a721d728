"""A strategy's review cycle: an RFC 5545 rule, checked like funding cycles, whose dates
appear on the shared calendar for whoever may see the strategy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.test import Client

from asmhub.calendar import services as calendar
from asmhub.calendar.models import Kind
from asmhub.core.models import AuditEntry, Status
from asmhub.strategy.models import Strategy
from asmhub.strategy.tests.conftest import make_strategy

pytestmark = pytest.mark.django_db
ANON = AnonymousUser()
YEARLY = "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"


def _reviews(user: object, first: dt.date, last: dt.date, **params: str) -> list[dt.date]:
    return [
        e.first_day for e in calendar.entries_for(user, params, first, last) if e.origin == "review"
    ]


def test_review_dates_follow_the_rule_within_the_strategy() -> None:
    strategy = make_strategy(review_rule=YEARLY)
    assert strategy.review_dates(dt.date(2020, 1, 1), dt.date(2040, 1, 1)) == [
        dt.date(year, 11, 15) for year in range(2025, 2031)
    ]
    assert strategy.next_reviews(dt.date(2027, 12, 1), 2) == [
        dt.date(2028, 11, 15),
        dt.date(2029, 11, 15),
    ]
    assert (
        make_strategy(title="No cycle").review_dates(dt.date(2025, 1, 1), dt.date(2030, 1, 1)) == []
    )


def test_a_review_cycle_more_frequent_than_daily_is_refused_with_the_part_named() -> None:
    strategy = make_strategy()
    strategy.review_rule = "FREQ=HOURLY"
    with pytest.raises(ValidationError) as raised:
        strategy.full_clean()
    assert "review_rule" in raised.value.message_dict
    assert "FREQ=HOURLY" in " ".join(raised.value.message_dict["review_rule"])
    strategy.review_rule = "FREQ=NEVERLY"
    with pytest.raises(ValidationError) as raised:
        strategy.full_clean()
    assert "review_rule" in raised.value.message_dict
    strategy.review_rule = "FREQ=DAILY;COUNT=3"
    strategy.full_clean()


def test_an_editor_sets_the_cycle_audited_and_bad_rules_leave_it_unchanged(
    editor: User, login: Callable[[User], Client]
) -> None:
    strategy = make_strategy(review_rule=YEARLY)
    url = f"/strategy/{strategy.slug}/edit/"
    values = {
        "title": strategy.title,
        "starts_on": "2025-01-01",
        "ends_on": "2030-12-31",
        "review_rule": "FREQ=MINUTELY",
    }
    response = login(editor).post(url, values)
    assert response.status_code == 200
    assert "FREQ=MINUTELY" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.review_rule == YEARLY
    values["review_rule"] = "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=1"
    assert login(editor).post(url, values).status_code == 302
    strategy.refresh_from_db()
    assert strategy.review_rule == "FREQ=MONTHLY;INTERVAL=6;BYMONTHDAY=1"
    assert AuditEntry.for_object(strategy).exists()


def test_review_dates_are_on_the_calendar_for_those_who_may_see_the_strategy(
    editor: User,
) -> None:
    make_strategy(review_rule=YEARLY)
    make_strategy(title="Draft plan", status=Status.DRAFT, review_rule="FREQ=YEARLY;BYMONTH=3")
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert _reviews(ANON, first, last) == [dt.date(2026, 11, 15)]
    assert sorted(_reviews(editor, first, last)) == [dt.date(2026, 3, 1), dt.date(2026, 11, 15)]
    (entry,) = [e for e in calendar.entries_for(ANON, {}, first, last) if e.origin == "review"]
    assert entry.kind == Kind.PLANNING and entry.all_day
    assert entry.url == Strategy.objects.get(title="Putting ASM on the agenda").get_absolute_url()


def test_review_dates_follow_the_calendar_filter() -> None:
    make_strategy(review_rule=YEARLY)
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    assert _reviews(ANON, first, last, kind=Kind.PLANNING.value) == [dt.date(2026, 11, 15)]
    assert _reviews(ANON, first, last, kind=Kind.WORKSHOP.value) == []
    assert _reviews(ANON, first, last, q="agenda") == [dt.date(2026, 11, 15)]
    assert _reviews(ANON, first, last, q="unrelated") == []
    assert _reviews(ANON, first, last, country="CD") == []


def test_the_strategy_page_shows_the_next_reviews(client: Client) -> None:
    strategy = make_strategy(review_rule=YEARLY, ends_on=dt.date(2200, 12, 31))
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert 'id="next-reviews"' in page and "Next reviews:" in page
    french = client.get(strategy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Prochaines revues :" in french


def test_the_calendar_feed_carries_the_review_cycle_until_the_strategy_ends() -> None:
    from asmhub.calendar.ical import write_feed

    strategy = make_strategy(review_rule=YEARLY)
    make_strategy(title="Draft plan", status=Status.DRAFT, review_rule=YEARLY)
    feed = write_feed(calendar.select(ANON, {}), "ASM").decode()
    assert feed.count("UID:strategy-review-") == 1
    assert f"UID:strategy-review-{strategy.pk}@asmhub" in feed
    assert "DTSTART;VALUE=DATE:20251115" in feed
    (rrule,) = [line for line in feed.splitlines() if line.startswith("RRULE:")]
    assert "UNTIL=20301231" in rrule and "BYMONTH=11" in rrule and "BYMONTHDAY=15" in rrule


def test_the_api_gives_the_review_cycle_and_the_next_reviews(client: Client) -> None:
    strategy = make_strategy(review_rule=YEARLY, ends_on=dt.date(2200, 12, 31))
    (listed,) = client.get("/api/strategy/").json()
    detail = client.get(f"/api/strategy/{strategy.slug}").json()
    for found in (listed, detail):
        assert found["review_rule"] == YEARLY
        assert len(found["next_reviews"]) == 3
        assert all(day.endswith("-11-15") for day in found["next_reviews"])
