"""Which programmes a page, an API answer or an export reads: the ``programme`` filter.

``?programme=<slug>`` (repeatable) names the programmes. Without it the scope is every
programme with sites that is not synthetic, so that the demo's generated data never
mix silently with imported real data; only when no real programme has sites does the
default scope hold the synthetic ones, and the pages then say the data are synthetic.
A scope that the user chose to mix real and synthetic programmes is said on the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from asmhub.monitoring.models import Programme


@dataclass(frozen=True)
class Scope:
    programmes: tuple[Programme, ...] = ()  # in scope
    available: tuple[Programme, ...] = ()  # every programme with sites
    asked: bool = False  # named in the query, not the default
    unknown: tuple[str, ...] = field(default=())  # slugs the query named that do not exist

    @property
    def ids(self) -> frozenset[int]:
        return frozenset(p.pk for p in self.programmes)

    @property
    def synthetic(self) -> bool:
        return any(p.is_synthetic for p in self.programmes)

    @property
    def mixed(self) -> bool:
        """Real and synthetic programmes together."""
        return self.synthetic and any(not p.is_synthetic for p in self.programmes)

    @property
    def left_out(self) -> tuple[Programme, ...]:
        return tuple(p for p in self.available if p.pk not in self.ids)

    def params(self) -> list[tuple[str, str]]:
        return [("programme", p.slug) for p in self.programmes] if self.asked else []


def scope_from(params: Mapping[str, list[str]]) -> Scope:
    """The scope the query asks for, or the default one."""
    available = tuple(Programme.objects.filter(sites__isnull=False).distinct().order_by("name"))
    slugs = [s for value in params.get("programme", []) for s in value.split(",") if s.strip()]
    if slugs:
        by_slug = {p.slug: p for p in Programme.objects.filter(slug__in=slugs)}
        chosen = tuple(by_slug[s] for s in dict.fromkeys(slugs) if s in by_slug)
        unknown = tuple(s for s in dict.fromkeys(slugs) if s not in by_slug)
        return Scope(chosen, available, True, unknown)
    real = tuple(p for p in available if not p.is_synthetic)
    return Scope(real or available, available)
