"""Legal and illegal taxation: the schedule, the check of a payment, the report.

``load_tax_schedule()`` loads who may levy (``data/levying_bodies.yaml``) and what the
law allows, where and when (``data/legal_taxes.yaml``). ``check_tax()`` compares a
payment with the schedule in force on its date in its place: the unit, its ancestors,
and the whole country. ``assess()`` stores that verdict on an observed tax, and
``ReportIllegalTax`` turns an illegal one into an incident in one step.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from asmhub.core.models import AuditEntry
from asmhub.lib.text import fold as text_fold
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import AdminUnit, Incident, Site
from asmhub.monitoring.tax_models import LegalTax, LevyingBody, ObservedTax, TaxBase
from asmhub.monitoring.tax_schedule import (
    BODIES_FILE,
    SCHEDULE_FILE,
    TaxScheduleError,
    load_tax_schedule,
    tax_words,
)
from asmhub.taxonomy.models import RiskCategory

__all__ = [
    "BODIES_FILE",
    "SCHEDULE_FILE",
    "ReportIllegalTax",
    "TaxFinder",
    "TaxNotReportable",
    "TaxScheduleError",
    "TaxVerdict",
    "assess",
    "assess_all",
    "check_tax",
    "check_text",
    "load_tax_schedule",
]

Verdict = ObservedTax.Verdict
REPORTABLE = (Verdict.ILLEGAL, Verdict.EXCESSIVE)


def currencies() -> list[str]:
    return list(tax_words()["currencies"])


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: how names are compared."""
    return " ".join(re.findall(r"[^\W_]+", text_fold(text.replace("’", "'"))))


def currency_code(text: str) -> str:
    """``CDF`` or ``USD`` for "fc", "francs", "$", "dollars", ...; "" when unknown."""
    wanted = fold(text) or text.strip()
    for code, spellings in tax_words()["currencies"].items():
        if wanted in (fold(code), *(fold(s) or s for s in spellings)):
            return str(code)
    return ""


def place_label(unit: AdminUnit) -> str:
    """ "Walikale, Nord-Kivu": a unit's name and its ancestors', as lists show it."""
    names: list[str] = []
    current: AdminUnit | None = unit
    seen: set[int] = set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        names.append(current.name)
        current = current.parent
    return ", ".join(names)


def chain(place: AdminUnit) -> list[int]:
    """The unit and its ancestors, most specific first."""
    found: list[int] = []
    unit: AdminUnit | None = place
    while unit is not None and unit.pk not in found:
        found.append(unit.pk)
        unit = unit.parent
    return found


class TaxFinder:
    """Places and levying bodies from free text: names, aliases, keys; case and accents ignored.

    Loads the units and bodies once; a name shared by several units finds the one
    highest in the hierarchy (a territory before a collectivité of the same name).
    """

    def __init__(self) -> None:
        self.units = list(AdminUnit.objects.select_related("parent__parent__parent"))
        self.units.sort(key=lambda u: (u.level, u.key))
        self.bodies = list(LevyingBody.objects.all())
        self.places: dict[str, AdminUnit] = {}
        for unit in self.units:
            for name in (unit.name, unit.key, unit.slug, place_label(unit)):
                if fold(name):
                    self.places.setdefault(fold(name), unit)
        self.body_names: dict[str, LevyingBody] = {}
        for body in self.bodies:
            names = [body.slug, body.name, *body.aliases]
            names += [t.get("name", "") for t in body.translations.values()]
            for name in names:
                if fold(str(name)):
                    self.body_names.setdefault(fold(str(name)), body)
        longest = [len(k.split()) for k in (*self.places, *self.body_names)]
        self.longest = max(longest, default=1)

    def place(self, text: str) -> AdminUnit | None:
        return self.places.get(fold(text or ""))

    def body(self, text: str) -> LevyingBody | None:
        return self.body_names.get(fold(text or ""))

    def datalist(self, max_level: int = AdminUnit.Level.COLLECTIVITE) -> list[str]:
        """The place names the forms offer: provinces, territories and collectivités."""
        return sorted({place_label(u) for u in self.units if u.level <= max_level})


@dataclass(frozen=True)
class TaxVerdict:
    """What the schedule says of a payment: the verdict, the tax it matched, and why."""

    verdict: str
    legal_tax: LegalTax | None
    legal_text: str
    message: str
    place: AdminUnit | None = None
    body: LevyingBody | None = None

    @property
    def label(self) -> str:
        return str(Verdict(self.verdict).label)

    @property
    def legal_url(self) -> str:
        return self.legal_tax.legal_url if self.legal_tax else ""

    @property
    def is_illustrative(self) -> bool:
        return bool(self.legal_tax and self.legal_tax.is_illustrative)

    @property
    def valid_from(self) -> dt.date | None:
        return self.legal_tax.valid_from if self.legal_tax else None

    @property
    def valid_to(self) -> dt.date | None:
        return self.legal_tax.valid_to if self.legal_tax else None


def number(amount: Decimal) -> str:
    """An amount as people write it in the active language: 5,000 or 5 000 or 12.50."""
    places = 0 if amount == amount.to_integral_value() else 2
    return str(formats.number_format(amount, decimal_pos=places, force_grouping=True))


def money(amount: Decimal, currency: str) -> str:
    return f"{number(amount)} {currency}".strip()


def legal_amount(tax: LegalTax) -> str:
    """ "5,000 CDF per bag of ore", or "1 % of the export value" for a share."""
    return " ".join(p for p in (money(tax.amount, tax.currency), tax.tr("unit")) if p)


def in_force(on: dt.date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def applicable(place: AdminUnit | None) -> QuerySet[LegalTax]:
    """The schedule of a place: its unit and ancestors, and its country's national taxes."""
    where = Q(admin_unit__isnull=True)
    if place is not None:
        where = Q(admin_unit_id__in=chain(place)) | Q(
            admin_unit__isnull=True, country_id=place.country_id
        )
    return LegalTax.objects.filter(where).select_related("levying_body", "admin_unit")


def _depth(tax: LegalTax) -> int:
    return tax.admin_unit.level if tax.admin_unit else 0


def _where(place: AdminUnit | None) -> str:
    return place_label(place) if place else _("the whole country")


def check_tax(
    place: AdminUnit | None,
    body: LevyingBody | None,
    amount: Decimal | None,
    currency: str,
    on: dt.date,
    base: str = "",
) -> TaxVerdict:
    """Compare a payment with the schedule in force on ``on`` in ``place``.

    A body that may not levy is always illegal, and so is a body with no legal tax here
    and then; more than the legal amount is excessive; an amount in another currency,
    or a tax that is a share of a value, cannot be compared ("unknown").
    """
    currency = (currency or "").strip().upper()

    def answer(verdict: str, message: str, tax: LegalTax | None = None) -> TaxVerdict:
        text = tax.legal_text if tax else ""
        return TaxVerdict(verdict, tax, text, message, place, body)

    if body is None:
        return answer(
            Verdict.UNKNOWN, _("Say who took the payment: a service, an authority or a group.")
        )
    name = body.tr("name")
    if not body.may_levy:
        return answer(
            Verdict.ILLEGAL, _("No law allows %(body)s to levy any tax or fee.") % {"body": name}
        )
    scheduled = applicable(place).filter(levying_body=body)
    taxes = sorted(scheduled.filter(in_force(on)), key=lambda t: (-_depth(t), t.pk))
    if base:
        of_base = [t for t in taxes if t.base == base]
        if taxes and not of_base:
            return answer(
                Verdict.ILLEGAL,
                _("%(body)s may levy taxes here, but none on %(base)s.")
                % {"body": name, "base": str(TaxBase(base).label).lower()},
            )
        taxes = of_base
    if not taxes:
        return _no_tax(answer, place, body, on, scheduled)
    first = taxes[0]
    params = {"body": name, "tax": first.tr("name"), "legal": legal_amount(first)}
    if amount is None:
        return answer(Verdict.LEGAL, _("%(body)s may levy %(tax)s: %(legal)s.") % params, first)
    if not currency:
        return answer(
            Verdict.UNKNOWN,
            _("Say the currency (%(codes)s) to compare the amount.")
            % {"codes": ", ".join(currencies())},
            first,
        )
    same = [t for t in taxes if t.currency == currency]
    if not same:
        return _not_comparable(answer, taxes, currency, params)
    within = [t for t in same if amount <= t.amount]
    params["amount"] = money(amount, currency)
    if within:
        tax = min(within, key=lambda t: (t.amount, -_depth(t)))
        params.update(tax=tax.tr("name"), legal=legal_amount(tax))
        return answer(
            Verdict.LEGAL,
            _("%(body)s may levy %(tax)s: up to %(legal)s.") % params,
            tax,
        )
    tax = max(same, key=lambda t: (t.amount, _depth(t)))
    params.update(tax=tax.tr("name"), legal=legal_amount(tax))
    return answer(
        Verdict.EXCESSIVE,
        _("%(body)s may levy %(tax)s: at most %(legal)s, not %(amount)s.") % params,
        tax,
    )


def _no_tax(
    answer: Any, place: AdminUnit | None, body: LevyingBody, on: dt.date, scheduled: QuerySet
) -> TaxVerdict:
    params = {"body": body.tr("name"), "place": _where(place), "date": formats.date_format(on)}
    if place is None and LegalTax.objects.filter(in_force(on), levying_body=body).exists():
        return answer(
            Verdict.UNKNOWN,
            _("%(body)s may levy taxes in some places only; say where it was levied.") % params,
        )
    if scheduled.exists():
        return answer(
            Verdict.ILLEGAL,
            _("No tax of %(body)s in %(place)s was in force on %(date)s.") % params,
        )
    return answer(
        Verdict.ILLEGAL, _("No law in the schedule lets %(body)s levy in %(place)s.") % params
    )


def _not_comparable(
    answer: Any, taxes: list[LegalTax], currency: str, params: dict[str, str]
) -> TaxVerdict:
    in_money = [t for t in taxes if t.currency]
    if not in_money:
        return answer(
            Verdict.UNKNOWN,
            _("%(tax)s is a share of a value (%(legal)s); an amount alone cannot be compared.")
            % params,
            taxes[0],
        )
    codes = ", ".join(sorted({t.currency for t in in_money}))
    return answer(
        Verdict.UNKNOWN,
        _(
            "The law sets %(tax)s in %(codes)s (%(legal)s); an amount in %(currency)s cannot be compared."
        )
        % {
            **params,
            "tax": in_money[0].tr("name"),
            "legal": legal_amount(in_money[0]),
            "codes": codes,
            "currency": currency or "?",
        },
        in_money[0],
    )


def check_text(
    place: str,
    body: str,
    amount: Decimal | None,
    currency: str,
    on: dt.date,
    base: str = "",
    finder: TaxFinder | None = None,
) -> TaxVerdict:
    """``check_tax`` from what a person typed; an unknown place or body is "unknown"."""
    finder = finder or TaxFinder()
    unit = finder.place(place) if place.strip() else None
    levier = finder.body(body) if body.strip() else None
    if place.strip() and unit is None:
        message = _("No place called “%(name)s” is known; choose one from the list.")
        return TaxVerdict(Verdict.UNKNOWN, None, "", message % {"name": place.strip()[:80]})
    if body.strip() and levier is None:
        message = _("No levying body called “%(name)s” is known; choose one from the list.")
        return TaxVerdict(Verdict.UNKNOWN, None, "", message % {"name": body.strip()[:80]}, unit)
    if base not in TaxBase.values:
        base = ""
    code = currency_code(currency) if currency.strip() else ""
    if currency.strip() and not code:
        code = currency.strip().upper()[:12]
    return check_tax(unit, levier, amount, code, on, base)


def place_of(observed: ObservedTax) -> AdminUnit | None:
    """Where a payment was made: its own place, else its site's most specific unit."""
    if observed.place_id:
        return observed.place
    site = site_of(observed)
    if site is None:
        return None
    return site.groupement or site.collectivite or site.territory or site.province


def site_of(observed: ObservedTax) -> Site | None:
    if observed.site_id:
        return observed.site
    if observed.visit_id:
        return observed.visit.site  # type: ignore[union-attr]
    return None


def _verdict_of(observed: ObservedTax, finder: TaxFinder | None = None) -> TaxVerdict:
    if observed.levying_body_id is None and observed.body_as_recorded:
        observed.levying_body = (finder or TaxFinder()).body(observed.body_as_recorded)
    return check_tax(
        place_of(observed),
        observed.levying_body,
        observed.amount,
        observed.currency,
        observed.date,
        observed.base,
    )


def assess(observed: ObservedTax, finder: TaxFinder | None = None) -> ObservedTax:
    """Store the schedule's verdict (and the levying body, when the recorded name is known)."""
    result = _verdict_of(observed, finder)
    observed.verdict = result.verdict
    observed.legal_tax = result.legal_tax
    if observed.pk:
        observed.save(update_fields=["verdict", "legal_tax", "levying_body"])
    return observed


def assess_all(observed: Iterable[ObservedTax] | None = None) -> int:
    """Assess every observed tax again (after the schedule changed); return how many changed."""
    finder = TaxFinder()
    rows = (
        observed
        if observed is not None
        else ObservedTax.objects.select_related("place", "site", "visit__site", "levying_body")
    )
    changed = 0
    for row in rows:
        before = (row.verdict, row.legal_tax_id, row.levying_body_id)
        result = _verdict_of(row, finder)
        if before != (result.verdict, getattr(result.legal_tax, "pk", None), row.levying_body_id):
            row.verdict, row.legal_tax = result.verdict, result.legal_tax
            row.save(update_fields=["verdict", "legal_tax", "levying_body"])
            changed += 1
    return changed


class TaxNotReportable(Exception):
    """An observed tax that cannot become an incident; the message says why."""


class ReportIllegalTax:
    """Turn an observed illegal (or excessive) tax into an incident, with its audit entry.

    Only the managers of the site's programme may; a tax seen nowhere near a site, or
    one the law allows, is refused. Reporting a tax twice answers the first incident.
    """

    verb = "report-tax"

    def __init__(self, user: Any, observed: ObservedTax) -> None:
        self.user = user
        self.observed = observed
        self.site = site_of(observed)
        self.result: TaxVerdict | None = None

    def check(self) -> None:
        if self.site is None:
            raise TaxNotReportable(
                _("This tax was not recorded at a mine site; an incident needs a site.")
            )
        if not access_for(self.user).may_manage(self.site.programme_id):
            raise PermissionDenied(_("Only the programme's managers may report this tax."))
        if self.observed.incident_id:
            return
        self.result = _verdict_of(self.observed)
        if self.result.verdict not in REPORTABLE:
            raise TaxNotReportable(
                _("The schedule does not call this tax illegal (%(verdict)s).")
                % {"verdict": self.result.label}
            )

    def risk_category(self) -> RiskCategory:
        slugs = tax_words()["risk_categories"]
        body = self.observed.levying_body
        slug = slugs.get(body.kind if body else "", slugs["default"])
        return RiskCategory.objects.get(slug=slug)

    def description(self, result: TaxVerdict) -> str:
        observed = self.observed
        body = observed.levying_body.tr("name") if observed.levying_body else ""
        where = observed.roadblock or (self.site.name if self.site else "")
        params = {
            "body": body or observed.body_as_recorded or _("an unknown body"),
            "amount": money(observed.amount, observed.currency)
            if observed.amount is not None
            else _("a payment"),
            "where": where,
            "date": formats.date_format(observed.date),
        }
        text = _("%(body)s took %(amount)s at %(where)s on %(date)s.") % params
        if observed.base:
            text += " " + _("Levied on: %(base)s.") % {"base": TaxBase(observed.base).label}
        text += " " + result.message
        if result.legal_text:
            text += " " + _("Legal text: %(text)s") % {"text": result.legal_text}
        return text

    def execute(self) -> Incident:
        self.check()
        assert self.site is not None
        with transaction.atomic():
            observed = ObservedTax.objects.select_for_update().get(pk=self.observed.pk)
            if observed.incident_id:
                return Incident.objects.get(pk=observed.incident_id)
            result = self.result or _verdict_of(self.observed)
            source = self.observed.source or _("Observed tax no. %(pk)s") % {"pk": observed.pk}
            incident = Incident.objects.create(
                site=self.site,
                date=self.observed.date,
                risk_category=self.risk_category(),
                description=self.description(result),
                severity=Incident.Severity.HIGH,
                source=source[:200],
                created_by=self.user if getattr(self.user, "is_authenticated", False) else None,
            )
            self.observed.incident = incident
            self.observed.verdict = result.verdict
            self.observed.legal_tax = result.legal_tax
            self.observed.save(update_fields=["incident", "verdict", "legal_tax", "levying_body"])
            changes = {
                "site": str(self.site),
                "date": incident.date.isoformat(),
                "risk_category": incident.risk_category.code,
                "severity": incident.severity,
                "source": incident.source,
                "description": incident.description,
                "observed_tax": observed.pk,
                "verdict": result.verdict,
            }
            AuditEntry.record(
                self.user,
                self.verb,
                incident,
                {k: {"from": None, "to": v} for k, v in changes.items()},
            )
        return incident
