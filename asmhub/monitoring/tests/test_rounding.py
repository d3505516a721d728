"""Scores and shares are rounded half up, not cut: 45.26 shows as 45.3."""

from __future__ import annotations

from django.utils import translation

from asmhub.monitoring.templatetags.asmhub_monitoring import percent, points
from asmhub.monitoring.views_areas import _round


def test_points_and_shares_are_rounded_not_cut() -> None:
    with translation.override("en"):
        assert points(45.26) == "45.3"
        assert points(45.25) == "45.3"
        assert points(45.24) == "45.2"
        assert percent(0.996) == "100 %"
        assert percent(0.455) == "46 %"
    with translation.override("fr"):
        assert points(45.26) == "45,3"


def test_exports_round_half_up_too() -> None:
    assert _round(45.25) == 45.3
    assert _round(0.1235, 3) == 0.124
    assert _round(None) is None
