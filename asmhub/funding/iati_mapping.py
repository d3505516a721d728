"""From a parsed IATI activity to the funding app's rows: codes, organisations, ASM relevance.

A ``Mapper`` loads what it needs once per import (the taxonomy's countries and SDGs,
the IATI code lists' names, the directory's organisations, the phrase taggers) and then
turns each ``asmhub.lib.iati.Activity`` into a ``Prepared`` record: an unsaved
``Activity`` and the values of its child rows, with every code resolved to a key.
Unknown codes are counted as warnings and left out; values that do not fit the
database (a code longer than its column, an amount over 16 digits) are errors.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from asmhub.directory.models import Organization
from asmhub.lib import iati
from asmhub.lib.tagger import Tagger, Term
from asmhub.library.tagging import build_terms
from asmhub.taxonomy.models import Code, Country, LeverIssue, SDGGoal, SDGIndicator, SDGTarget

DATA = Path(__file__).resolve().parent / "data"
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 16
SDG_GOAL, SDG_TARGET, SDG_INDICATOR = "7", "8", "9"
_PAREN = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")


def _yaml(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return data


# The columns of the child rows, in the order of the tuples of ``Prepared``.
COLUMNS = {
    "countries": ("country", "percentage"),
    "sectors": ("vocabulary", "code", "percentage"),
    "participants": ("role", "ref", "name", "org_type", "organization"),
    "budgets": ("kind", "status", "period_start", "period_end", "value", "currency", "value_date"),
    "transactions": (
        "kind",
        "date",
        "value",
        "currency",
        "value_date",
        "provider",
        "receiver",
    ),
}


@dataclass
class Prepared:
    """An activity ready to write: its columns, and its child rows as tuples (see ``COLUMNS``)."""

    row: dict[str, Any]
    pk: int | None = None
    countries: list[tuple[Any, ...]] = field(default_factory=list)
    sectors: list[tuple[Any, ...]] = field(default_factory=list)
    participants: list[tuple[Any, ...]] = field(default_factory=list)
    budgets: list[tuple[Any, ...]] = field(default_factory=list)
    transactions: list[tuple[Any, ...]] = field(default_factory=list)
    goals: set[int] = field(default_factory=set)
    targets: set[int] = field(default_factory=set)
    issues: list[int] = field(default_factory=list)
    donors: set[int] = field(default_factory=set)


@lru_cache(maxsize=4)
def _issue_tagger(stamp: tuple[str, ...]) -> Tagger:
    """The library's tagger terms that signal lever issues, keeping only those labels.

    Built once per set of lever issues (``stamp``): the library's terms are many.
    """
    terms, version = build_terms()
    kept = []
    for term in terms:
        labels = tuple(label for label in term.labels if label.startswith("issue:"))
        if labels:
            kept.append(Term(term.phrase, labels, term.weight, term.case_sensitive))
    return Tagger(kept, version)


def _asm_tagger() -> Tagger:
    """The ASM phrases of data/iati_asm.yaml, each signalling the label ``asm``."""
    config = _yaml("iati_asm.yaml")
    terms = [Term(p, ("asm",)) for p in config["phrases"]]
    terms += [Term(a, ("asm",), case_sensitive=True) for a in config.get("acronyms", [])]
    return Tagger(terms, str(config["version"]))


class Organisations:
    """Directory organisations by IATI identifier, then by name or acronym."""

    def __init__(self) -> None:
        config = _yaml("iati_organisations.yaml")["organisations"]
        orgs = list(Organization.objects.values_list("id", "slug", "name", "acronym"))
        by_slug = {slug: pk for pk, slug, _, _ in orgs}
        self.refs: dict[str, int] = {}
        self.names: dict[str, int] = {}
        for pk, slug, name, acronym in orgs:
            for text in (name, acronym, slug):
                if text:
                    self.names.setdefault(text.strip().lower(), pk)
        for entry in config:
            linked = by_slug.get(entry["slug"])
            if linked is None:
                continue
            for ref in entry.get("refs") or []:
                self.refs[str(ref).strip()] = linked
            for name in entry.get("names") or []:
                self.names[str(name).strip().lower()] = linked

    def find(self, ref: str, name: str) -> int | None:
        if ref and ref in self.refs:
            return self.refs[ref]
        text = name.strip().lower()
        if not text:
            return None
        if text in self.names:
            return self.names[text]
        match = _PAREN.match(text)
        if match:
            return self.names.get(match[1]) or self.names.get(match[2].strip())
        return None


class Mapper:
    """What an import maps codes and names to, loaded once; ``prepare`` maps one activity."""

    def __init__(self) -> None:
        self.countries = set(Country.objects.values_list("code", flat=True))
        names: dict[str, dict[str, str]] = {}
        for listname, code, name in Code.objects.filter(
            codelist__name__in=["Sector", "SectorCategory", "Country", "Region"]
        ).values_list("codelist__name", "code", "name"):
            names.setdefault(listname, {})[code] = name
        self.sector_names = {"1": names.get("Sector", {}), "2": names.get("SectorCategory", {})}
        self.country_names = names.get("Country", {})
        self.region_names = names.get("Region", {})
        self.goals = dict(SDGGoal.objects.values_list("number", "id"))
        self.targets = {
            code.lower(): (pk, goal)
            for code, pk, goal in SDGTarget.objects.values_list("code", "id", "goal_id")
        }
        self.indicators = {
            code.lower(): target
            for code, target in SDGIndicator.objects.values_list("code", "target__code")
        }
        self.issues = dict(LeverIssue.objects.values_list("slug", "id"))
        self.organisations = Organisations()
        config = _yaml("iati_asm.yaml")
        self.asm_sectors = {str(k): {str(c) for c in v} for k, v in config["sectors"].items()}
        self.issue_confidence = float(config["lever_issue_confidence"])
        self.asm = _asm_tagger()
        self.issue_tagger = _issue_tagger(tuple(sorted(self.issues)))

    def prepare(self, activity: iati.Activity, file: str, warnings: Counter[str]) -> Prepared:
        check = _Checker(file, activity)
        reporter = activity.reporting_org or iati.Org()
        currency = activity.default_currency or _first_currency(activity)
        reporter_id = self.organisations.find(reporter.ref, reporter.name)
        row = {
            "iati_identifier": check.code(activity.identifier, 200, "iati-identifier"),
            "reporting_org_ref": check.code(reporter.ref, 120, "reporting-org/@ref"),
            "reporting_org_name": reporter.name[:300],
            "reporting_org_type": check.code(reporter.type, 4, "reporting-org/@type"),
            "reporting_org": reporter_id,
            "title": activity.title or activity.identifier,
            "description": activity.description,
            "status": check.code(activity.status, 4, "activity-status/@code"),
            "planned_start": activity.dates.get("planned_start"),
            "actual_start": activity.dates.get("actual_start"),
            "planned_end": activity.dates.get("planned_end"),
            "actual_end": activity.dates.get("actual_end"),
            "default_currency": currency,
            "last_updated": activity.last_updated[:40],
            "recipient_regions": [self._region(r) for r in activity.regions],
            "source_file": file[:255],
        }
        prepared = Prepared(row=row)
        if reporter_id is not None:
            prepared.donors.add(reporter_id)
        self._countries(activity, prepared, warnings)
        self._sectors(activity, prepared, check, warnings)
        for org in activity.participants:
            pk = self.organisations.find(org.ref, org.name)
            prepared.participants.append(
                (
                    check.code(org.role, 4, "participating-org/@role"),
                    check.code(org.ref, 120, "participating-org/@ref"),
                    org.name[:300],
                    check.code(org.type, 4, "participating-org/@type"),
                    pk,
                )
            )
            if pk is not None and org.role == "1":
                prepared.donors.add(pk)
        self._money(activity, prepared, check, currency, warnings)
        self._relevance(activity, prepared)
        return prepared

    def _region(self, region: iati.Share) -> dict[str, Any]:
        name = self.region_names.get(region.code, "") if region.vocabulary == "1" else ""
        return {
            "code": region.code,
            "vocabulary": region.vocabulary,
            "percentage": float(region.percentage) if region.percentage is not None else None,
            "name": name,
        }

    def _countries(
        self, activity: iati.Activity, prepared: Prepared, warnings: Counter[str]
    ) -> None:
        seen: set[str] = set()
        for country in activity.countries:
            if country.code not in self.countries:
                name = self.country_names.get(country.code)
                known = f" ({name})" if name else " (not an IATI country code either)"
                warnings[
                    f"recipient-country {country.code!r}{known} is not in the platform's "
                    "country list; left out"
                ] += 1
                continue
            if country.code in seen:
                continue
            seen.add(country.code)
            pct = country.percentage
            prepared.countries.append(
                (country.code, pct.quantize(CENT) if pct is not None else None)
            )

    def _sectors(
        self, activity: iati.Activity, prepared: Prepared, check: _Checker, warnings: Counter[str]
    ) -> None:
        for sector in activity.sectors:
            prepared.sectors.append(
                (
                    check.code(sector.vocabulary, 4, "sector/@vocabulary"),
                    check.code(sector.code, 40, "sector/@code"),
                    sector.percentage.quantize(CENT) if sector.percentage is not None else None,
                )
            )
            vocabulary, code = sector.vocabulary, sector.code
            if vocabulary in self.sector_names and code not in self.sector_names[vocabulary]:
                warnings[
                    f"sector {code} (vocabulary {vocabulary}) is not in the IATI code list"
                ] += 1
            elif vocabulary == SDG_GOAL:
                goal = self.goals.get(int(code)) if code.isdigit() else None
                if goal is None:
                    warnings[f"SDG goal {code!r} (sector vocabulary 7) does not exist"] += 1
                else:
                    prepared.goals.add(goal)
            elif vocabulary in (SDG_TARGET, SDG_INDICATOR):
                target_code = code.lower()
                if vocabulary == SDG_INDICATOR:
                    target_code = self.indicators.get(target_code, "").lower()
                target = self.targets.get(target_code)
                if target is None:
                    what = "target" if vocabulary == SDG_TARGET else "indicator"
                    warnings[
                        f"SDG {what} {code!r} (sector vocabulary {vocabulary}) does not exist"
                    ] += 1
                else:
                    prepared.targets.add(target[0])
                    prepared.goals.add(target[1])

    def _money(
        self,
        activity: iati.Activity,
        prepared: Prepared,
        check: _Checker,
        currency: str,
        warnings: Counter[str],
    ) -> None:
        chosen: dict[tuple[Any, Any], iati.Budget] = {}
        other_currency = False
        for budget in activity.budgets:
            prepared.budgets.append(
                (
                    check.code(budget.kind, 4, "budget/@type"),
                    check.code(budget.status, 4, "budget/@status"),
                    budget.period_start,
                    budget.period_end,
                    check.amount(budget.value, "budget/value"),
                    budget.currency or currency,
                    budget.value_date,
                )
            )
            if (budget.currency or currency) != currency:
                other_currency = True
                continue
            # A revised budget (type 2) replaces the original (type 1) of its period.
            period = (budget.period_start, budget.period_end)
            if period not in chosen or (budget.kind == "2" and chosen[period].kind != "2"):
                chosen[period] = budget
        spent: Decimal | None = None
        for tx in activity.transactions:
            value = check.amount(tx.value, "transaction/value")
            prepared.transactions.append(
                (
                    check.code(tx.kind, 4, "transaction/transaction-type/@code"),
                    tx.date,
                    value,
                    tx.currency or currency,
                    tx.value_date,
                    tx.provider[:300],
                    tx.receiver[:300],
                )
            )
            if tx.kind in ("3", "4") and (tx.currency or currency) == currency:
                spent = (spent or Decimal(0)) + value
        if other_currency:
            warnings[
                "budgets in another currency than the activity's are left out of its total"
            ] += 1
        prepared.row["total_budget"] = (
            check.amount(sum((b.value for b in chosen.values()), Decimal(0)), "budget")
            if chosen
            else None
        )
        prepared.row["total_spent"] = (
            check.amount(spent, "transaction") if spent is not None else None
        )

    def _relevance(self, activity: iati.Activity, prepared: Prepared) -> None:
        reasons: list[str] = []
        for sector in activity.sectors:
            if sector.code in self.asm_sectors.get(sector.vocabulary, ()):
                name = self.sector_names.get(sector.vocabulary, {}).get(sector.code, "")
                kind = "sector category" if sector.vocabulary == "2" else "sector"
                reason = f"{kind} {sector.code} ({name})" if name else f"{kind} {sector.code}"
                if reason not in reasons:
                    reasons.append(reason)
        text = f"{activity.title}\n{activity.description}"
        for suggestion in self.asm.tag(text):
            reasons += [f"text: '{phrase}'" for phrase in suggestion.triggers]
        prepared.row["is_asm"] = bool(reasons)
        prepared.row["asm_reasons"] = reasons
        if reasons:
            for suggestion in self.issue_tagger.tag(text, minimum=self.issue_confidence):
                pk = self.issues.get(suggestion.label.removeprefix("issue:"))
                if pk is not None:
                    prepared.issues.append(pk)


def _first_currency(activity: iati.Activity) -> str:
    currencies = [b.currency for b in activity.budgets] + [
        t.currency for t in activity.transactions
    ]
    return next((c for c in currencies if c), "")


class _Checker:
    """Values that the database cannot hold are errors at the activity's line."""

    def __init__(self, file: str, activity: iati.Activity) -> None:
        self.file = file
        self.activity = activity

    def fail(self, element: str, reason: str) -> iati.IatiError:
        path = f"iati-activities/iati-activity[{self.activity.position}]/{element}"
        return iati.IatiError(
            self.file, self.activity.line, path, f"{reason} (activity {self.activity.identifier})"
        )

    def code(self, value: str, limit: int, element: str) -> str:
        if len(value) > limit:
            raise self.fail(element, f"{value[:40]!r} is longer than {limit} characters")
        return value

    def amount(self, value: Decimal, element: str) -> Decimal:
        if abs(value) >= MAX_AMOUNT:
            raise self.fail(element, f"{value} is too large (at most 16 digits before the point)")
        return value.quantize(CENT, ROUND_HALF_UP)
