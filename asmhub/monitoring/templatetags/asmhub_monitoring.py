"""Template filters of the monitoring pages: index points, shares, strongest parts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def points(value: float | None) -> str:
    """An index or a component's points, to one decimal; a dash when there is no data."""
    return "—" if value is None else number_format(value, 1)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{number_format(100 * value, 0)} %"


@register.filter
def strongest(parts: list[Any], count: int = 3) -> list[Any]:
    """The parts that add most to an index, strongest first, leaving out zeros."""
    found = [p for p in parts if p.points]
    return sorted(found, key=lambda p: -p.points)[:count]
