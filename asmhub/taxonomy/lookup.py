"""Find taxonomy terms and organizations from the words people type in files.

Imports of every app read cells like "Peru", "PE", "Pérou", "cassitérite",
"Mercury and chemical exposure" or "8.7"; a ``Lookup`` loads each table once and
answers each cell with the record, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pycountry

from asmhub.taxonomy.models import (
    Country,
    LeverIssue,
    MDGGoal,
    Mineral,
    SDGGoal,
    SDGTarget,
    StakeholderType,
)


def _index(records: Any, *names: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for record in records:
        for name in names:
            for value in (
                getattr(record, name, ""),
                record.tr(name, "fr") if hasattr(record, "tr") else "",
            ):
                if value:
                    found.setdefault(str(value).strip().lower(), record)
    return found


class Lookup:
    def __init__(self) -> None:
        self.types = _index(StakeholderType.objects.all(), "slug", "name")
        self.issues = _index(LeverIssue.objects.all(), "slug", "name")
        self.countries = {c.code: c for c in Country.objects.all()}
        self.country_names = _index(self.countries.values(), "name", "official_name", "alpha3")
        self.minerals = _index(Mineral.objects.all(), "slug", "name", "ore")
        for mineral in Mineral.objects.all():
            for alias in mineral.aliases:
                self.minerals.setdefault(alias.lower(), mineral)
        self.sdg_goals = {str(g.number): g for g in SDGGoal.objects.all()}
        self.sdg_targets = {t.code.lower(): t for t in SDGTarget.objects.all()}
        self.mdg_goals = {str(g.number): g for g in MDGGoal.objects.all()}
        self._organizations: dict[str, Any] | None = None

    def type(self, text: str) -> StakeholderType | None:
        return self.types.get(text.strip().lower())

    def issue(self, text: str) -> LeverIssue | None:
        return self.issues.get(text.strip().lower())

    def mineral(self, text: str) -> Mineral | None:
        return self.minerals.get(text.strip().lower())

    def sdg_goal(self, text: str) -> SDGGoal | None:
        return self.sdg_goals.get(text.strip().lower().removeprefix("sdg").strip())

    def sdg_target(self, text: str) -> SDGTarget | None:
        return self.sdg_targets.get(text.strip().lower())

    def mdg_goal(self, text: str) -> MDGGoal | None:
        return self.mdg_goals.get(text.strip().lower().removeprefix("mdg").strip())

    def country(self, text: str) -> Country | None:
        """By ISO code, or English, official or French name."""
        text = text.strip()
        if text.upper() in self.countries:
            return self.countries[text.upper()]
        if text.lower() in self.country_names:
            found: Country = self.country_names[text.lower()]
            return found
        try:
            iso = pycountry.countries.lookup(text)
        except LookupError:
            return None
        return self.countries.get(iso.alpha_2)

    def organization(self, text: str) -> Any:
        """By slug, name or acronym (loaded on first use)."""
        if self._organizations is None:
            from asmhub.directory.models import Organization

            self._organizations = {}
            for org in Organization.objects.all():
                for key in (org.slug, org.name.lower(), org.acronym.lower()):
                    if key:
                        self._organizations.setdefault(key, org)
        return self._organizations.get(text.strip().lower())


def all_found(what: str, values: list[Any], find: Callable[[str], Any]) -> list[Any]:
    """The record for each of ``values``; ValueError naming ``what`` and the unknown values."""
    found = [find(str(v)) for v in values]
    missing = [v for v, f in zip(values, found, strict=True) if f is None]
    if missing:
        raise ValueError(f"{what}: unknown values {missing}")
    return found
