"""The demo reports: loaded once, in the programme's areas, old enough for the public counts."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.reports import services
from asmhub.reports.demo import load_demo_reports
from asmhub.reports.models import Report

pytestmark = pytest.mark.django_db


def test_the_demo_reports_load_once_and_feed_the_public_counts(
    monitoring: dict[str, Any],
) -> None:
    assert load_demo_reports() == {"reports": 14}
    assert load_demo_reports() == {"reports": 14}
    counts = services.public_counts()
    assert counts and all(row["reports"] >= 5 for row in counts)
    assert Report.objects.filter(number_sealed="").count() == 14  # no number in the demo
