"""Indicators computed from the platform's records follow those records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from asmhub.accounts.models import User
from asmhub.calendar.models import Event
from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.library.models import SuccessStory
from asmhub.strategy import services
from asmhub.strategy.models import Indicator, IndicatorValue, Strategy

pytestmark = pytest.mark.django_db
BASELINE = dt.date(2020, 1, 1)


def computed(strategy: Strategy, metric: str) -> Indicator:
    return Indicator.objects.create(
        strategy=strategy, title=metric, metric=metric, baseline_on=BASELINE
    )


def latest(indicator: Indicator) -> Decimal | None:
    found = indicator.latest()
    return found.value if found else None


def test_new_member_organizations_update_the_indicator_when_one_is_added(
    strategy: Strategy, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = computed(strategy, Indicator.Metric.NEW_MEMBERS)
    services.refresh(indicator)
    assert latest(indicator) == 0
    with django_capture_on_commit_callbacks(execute=True):
        make_org("Women in Mining Ghana")
    assert latest(indicator) == 1
    with django_capture_on_commit_callbacks(execute=True):
        make_org("A draft organization", status=Status.DRAFT)
    assert latest(indicator) == 1, "a draft is not a member organization"
    assert IndicatorValue.objects.filter(indicator=indicator, computed=True).count() == 1


def test_organizations_created_before_the_baseline_do_not_count(strategy: Strategy) -> None:
    make_org("Old member")
    indicator = computed(strategy, Indicator.Metric.NEW_MEMBERS)
    indicator.baseline_on = timezone.localdate()
    indicator.save()
    assert services.refresh(indicator).value == 0  # type: ignore[union-attr]


def test_verified_stories_count_only_verified_or_promoted(
    strategy: Strategy, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = computed(strategy, Indicator.Metric.VERIFIED_STORIES)
    with django_capture_on_commit_callbacks(execute=True):
        SuccessStory.objects.create(title="Embryonic", status=Status.PUBLISHED)
        story = SuccessStory.objects.create(
            title="Mercury-free gold in Kadoma",
            status=Status.PUBLISHED,
            stage=SuccessStory.Stage.VERIFIED,
            verified_on=dt.date(2024, 5, 1),
        )
    assert latest(indicator) == 1
    with django_capture_on_commit_callbacks(execute=True):
        story.verified_on = dt.date(2019, 1, 1)
        story.save()
    assert latest(indicator) == 0, "verified before the baseline"


def test_events_held_leave_out_cancelled_ones(
    strategy: Strategy, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = computed(strategy, Indicator.Metric.EVENTS_HELD)
    start = timezone.now() - dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        for title, state in (("Held", "confirmed"), ("Called off", "cancelled")):
            Event.objects.create(
                title=title,
                kind="workshop",
                start=start,
                end=start + dt.timedelta(hours=2),
                status=Status.PUBLISHED,
                state=state,
            )
    assert latest(indicator) == 1


def test_an_entered_actual_needs_its_source(
    strategy: Strategy, editor: User, login: Callable[[User], Client]
) -> None:
    indicator = Indicator.objects.create(
        strategy=strategy, title="Donors naming ASM", source="survey", baseline_on=BASELINE
    )
    url = reverse("strategy:value-add", args=[indicator.pk])
    client = login(editor)
    response = client.post(url, {"on": "2026-01-01", "value": "4", "source": " "})
    assert "Say where this figure comes from." in response.content.decode()
    assert not indicator.values.exists()
    client.post(url, {"on": "2026-01-01", "value": "4", "source": "Survey 2026"})
    assert indicator.values.get().source == "Survey 2026"


def test_the_indicator_page_charts_without_inline_script(
    strategy: Strategy, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = computed(strategy, Indicator.Metric.NEW_MEMBERS)
    services.refresh(indicator)
    page = Client().get(indicator.get_absolute_url()).content.decode()
    assert 'data-chart="line" data-source="indicator-actuals"' in page
    assert '<script id="indicator-actuals" type="application/json">' in page
    assert "<script>" not in page


def test_a_transaction_that_writes_many_records_refreshes_once(
    strategy: Strategy, django_capture_on_commit_callbacks: Any
) -> None:
    indicator = computed(strategy, Indicator.Metric.NEW_MEMBERS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            make_org(f"Cooperative {n}")
    refreshes = [c for c in callbacks if getattr(c, "strategy_metric", None)]
    assert len(refreshes) == 1
    assert latest(indicator) == 3
