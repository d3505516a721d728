"""Template filters of the monitoring pages: index points, shares, strongest parts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def rounded(value: float, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals, in the page's number format.

    ``number_format`` cuts a float's decimals (45.26 would show as 45.2): round first.
    """
    exact = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return number_format(exact, places)


@register.filter
def points(value: float | None) -> str:
    """An index or a component's points, to one decimal; a dash when there is no data."""
    return "—" if value is None else rounded(value, 1)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{rounded(100 * value, 0)} %"


@register.filter
def strongest(parts: list[Any], count: int = 3) -> list[Any]:
    """The parts that add most to an index, strongest first, leaving out zeros."""
    found = [p for p in parts if p.points]
    return sorted(found, key=lambda p: -p.points)[:count]
