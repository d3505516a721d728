"""Faceted filtering for list pages and API lists.

A facet filters a queryset on one related field and counts, for each value, how
many records the other active filters leave: the counts a person expects next to
a checkbox. Several values of one facet are alternatives (OR); facets combine (AND).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Count, Model, Q, QuerySet
from django.utils.functional import Promise

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Facet:
    key: str  # the query parameter
    label: str | Promise
    lookup: str  # ORM path to the value, e.g. "countries__code"
    options: Callable[[], Iterable[Any]]  # the records (or Choice objects) the values point at
    value_field: str = "slug"
    label_of: Callable[[Any], str] = str
    coerce: Callable[[str], Any] = (
        str  # e.g. int for a year; values that do not convert are ignored
    )


@dataclass(frozen=True)
class Choice:
    """A facet value that is a plain field value (a year, a language), not a record."""

    slug: str
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class FacetResult:
    facet: Facet
    options: list[FacetOption] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.facet.key

    @property
    def label(self) -> str:
        return str(self.facet.label)


def text_filter(queryset: QuerySet[M], query: str, fields: Sequence[str]) -> QuerySet[M]:
    """Keep records where every word of ``query`` appears in one of ``fields``."""
    for word in query.split()[:10]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _coerced(facet: Facet, values: list[str]) -> list[Any]:
    result = []
    for value in values:
        try:
            result.append(facet.coerce(value))
        except (TypeError, ValueError):
            continue
    return result


def _filter(queryset: QuerySet[M], facet: Facet, values: list[str]) -> QuerySet[M]:
    if not values:
        return queryset
    return queryset.filter(**{f"{facet.lookup}__in": values}).distinct()


def apply_facets(
    queryset: QuerySet[M],
    facets: Sequence[Facet],
    params: Mapping[str, list[str]],
    count: bool = True,
) -> tuple[QuerySet[M], list[FacetResult]]:
    """Filter by every facet in ``params`` and count each facet's values (not counted,
    and no results, with ``count=False``: an API list needs only the rows)."""
    selected = {
        f.key: [str(v) for v in _coerced(f, [v for v in params.get(f.key, []) if v])]
        for f in facets
    }
    filtered = queryset
    for facet in facets:
        filtered = _filter(filtered, facet, selected[facet.key])
    results: list[FacetResult] = []
    if not count:
        return filtered, results
    for facet in facets:
        base = queryset
        for other in facets:
            if other is not facet:
                base = _filter(base, other, selected[other.key])
        counts = {
            str(key): n
            for key, n in base.order_by()
            .values_list(facet.lookup)
            .annotate(n=Count("pk", distinct=True))
            .values_list(facet.lookup, "n")
        }
        result = FacetResult(facet)
        for option in facet.options():
            value = str(getattr(option, facet.value_field))
            count = counts.get(value, 0)
            is_selected = value in selected[facet.key]
            if count or is_selected:
                result.options.append(
                    FacetOption(value, facet.label_of(option), count, is_selected)
                )
        result.options.sort(key=lambda o: (-o.count, o.label))
        results.append(result)
    return filtered, results
