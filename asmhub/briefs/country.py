"""A country profile, in the manner of Delve's: what ASM Hub knows of ASM in a country.

The ASM figures and the legal facts come only from what editors entered with a source
and a year (``CountryFigure``, ``CountryFacts``); a missing figure, or one older than
``ASMHUB_BRIEFS_FIGURE_MAX_AGE`` years, is shown as a data gap, never filled in. The rest
is read from the other capabilities when the profile is shown: the tax schedule, the
monitoring summary (only aggregates, through monitoring's public functions), the
directory, donors' IATI footprint, the calendar and the library, each as an anonymous
visitor sees them. The sections have the shape of a brief's, so the page, the PDF and
the Word file are rendered by the same code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from asmhub.briefs.drafting import cite_page, money
from asmhub.briefs.models import CountryFacts, CountryFigure
from asmhub.calendar.services import Filter, events_matching
from asmhub.convenings.report_sections import Draft
from asmhub.core import permissions
from asmhub.directory.models import Organization, Person
from asmhub.funding.iati_models import Footprint
from asmhub.funding.models import DonorProfile
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.monitoring import present, services, snapshot
from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.scope import scope_from
from asmhub.monitoring.tax_models import LegalTax
from asmhub.taxonomy.models import Country

# The figures every profile should have; one missing is a data gap.
EXPECTED = (
    CountryFigure.Kind.MINERS,
    CountryFigure.Kind.WOMEN_SHARE,
    CountryFigure.Kind.PRODUCTION_SHARE,
)


@dataclass(frozen=True)
class CountryLink:
    """The profile as a taxonomy page lists it."""

    country: Country

    def __str__(self) -> str:
        return _("ASM profile of %(country)s") % {"country": self.country.tr("name")}

    def get_absolute_url(self) -> str:
        return reverse("briefs:country", args=[self.country.code.lower()])


def max_age() -> int:
    return int(settings.ASMHUB_BRIEFS_FIGURE_MAX_AGE)


def figure_value(figure: CountryFigure) -> str:
    def number(value: float) -> str:
        return f"{value:,.0f}" if value >= 100 else f"{value:g}"

    text = number(figure.value)
    if figure.value_max is not None:
        text += f"–{number(figure.value_max)}"
    unit = figure.unit
    if unit in ("percent", "%"):
        return f"{text} %"
    return f"{text} {unit}".strip()


def _cite_source(draft: Draft, source: Any, url: str, page: int | None = None) -> int:
    if source is not None:
        return draft.cite(source)
    return cite_page(draft, _("Source"), url, url)


def figures(country: Country, today: dt.date | None = None) -> Draft:
    draft = Draft()
    year = (today or dt.date.today()).year
    oldest = year - max_age()
    found = list(
        CountryFigure.objects.filter(country=country)
        .select_related("source", "mineral")
        .order_by("kind", "mineral__name", "-year")
    )
    rows = []
    gaps = []
    for figure in found:
        number = _cite_source(draft, figure.source, figure.source_url)
        what = figure.label or figure.get_kind_display()
        if figure.mineral:
            what += f" ({figure.mineral.tr('name')})"
        flag = (
            _("data gap: older than %(n)d years") % {"n": max_age()} if figure.year < oldest else ""
        )
        rows.append([what, figure_value(figure), figure.year, f"[{number}]", flag])
    present = {f.kind for f in found if f.year >= oldest}
    for kind in EXPECTED:
        if kind not in present:
            gaps.append(str(CountryFigure.Kind(kind).label))
    draft.table = {
        "head": [_("Figure"), _("Value"), _("Year"), _("Source"), _("Note")],
        "rows": rows,
    }
    text = _(
        "Figures entered by the secretariat, each with its source and year. A figure older "
        "than %(n)d years counts as missing."
    ) % {"n": max_age()}
    if gaps:
        text += "\n\n" + _("Data gaps: no figure of the last %(n)d years for %(list)s.") % {
            "n": max_age(),
            "list": "; ".join(gaps),
        }
    draft.text = text
    return draft


def legal(country: Country) -> Draft:
    draft = Draft()
    facts = (
        CountryFacts.objects.filter(country=country)
        .select_related("legal_source", "strategy_source")
        .first()
    )
    parts = []
    gaps = []
    if facts and (facts.legal_framework or facts.formalization):
        cite = ""
        if facts.legal_source or facts.legal_source_url:
            cite = f" [{_cite_source(draft, facts.legal_source, facts.legal_source_url)}]"
        if facts.legal_framework:
            parts.append(facts.legal_framework + cite)
        if facts.formalization:
            parts.append(_("Formalization: %(text)s") % {"text": facts.formalization} + cite)
    else:
        gaps.append(_("the legal framework and formalization status"))
    if facts and facts.strategy_mentions_asm != CountryFacts.Mention.UNKNOWN:
        cite = ""
        if facts.strategy_source or facts.strategy_source_url:
            cite = f" [{_cite_source(draft, facts.strategy_source, facts.strategy_source_url)}]"
        said = (
            _("The national poverty-reduction or development strategy (%(title)s) mentions ASM.")
            if facts.strategy_mentions_asm == CountryFacts.Mention.YES
            else _(
                "The national poverty-reduction or development strategy (%(title)s) does not mention ASM."
            )
        ) % {"title": facts.strategy_title or _("title not recorded")}
        parts.append(said + cite)
    else:
        gaps.append(
            _("whether the national poverty-reduction or development strategy mentions ASM")
        )
    if gaps:
        parts.append(_("Data gaps: %(list)s.") % {"list": "; ".join(gaps)})
    draft.text = "\n\n".join(parts)
    return draft


def taxes(country: Country) -> Draft:

    draft = Draft()
    today = dt.date.today()
    found = (
        LegalTax.objects.filter(country=country, valid_from__lte=today)
        .exclude(valid_to__lt=today)
        .select_related("levying_body", "admin_unit")
        .order_by("admin_unit__level", "name")[:12]
    )
    url = reverse("monitoring:taxes")
    rows = []
    for tax in found:
        number = cite_page(draft, _("Tax schedule"), _("Legal tax schedule"), url)
        amount = f"{tax.amount:g} {tax.currency} {tax.unit}".strip()
        where = tax.admin_unit.name if tax.admin_unit else country.tr("name")
        note = _("illustrative") if tax.is_illustrative else ""
        rows.append([tax.tr("name"), where, amount, tax.legal_text, f"[{number}] {note}".strip()])
    draft.table = {
        "head": [_("Tax"), _("Where"), _("Amount"), _("Legal text"), _("Source")],
        "rows": rows,
    }
    draft.text = (
        _("The taxes that the law allows on ASM, as the tax schedule of the monitoring holds them.")
        if rows
        else _("Data gap: the platform holds no tax schedule for this country.")
    )
    return draft


def monitoring(country: Country) -> Draft:
    """Sites, the need index by province and incidents: aggregates everyone may read."""

    draft = Draft()
    scope = scope_from({})
    entries = present.matching_sites(snapshot.current(), present.MapFilter(scope=scope))
    units = set(AdminUnit.objects.filter(country=country, level=1).values_list("pk", flat=True))
    sites = [e for e in entries if e.province in units]
    if not sites:
        draft.text = _("Data gap: no monitored site in this country yet.")
        return draft
    map_url = reverse("monitoring:map")
    number = cite_page(draft, _("Map"), _("Monitored sites"), map_url)
    programmes = ", ".join(p.name for p in scope.programmes)
    synthetic = scope.synthetic
    rows = services.index_rows(services.Choice(level="province", scope=scope))
    index_url = reverse("monitoring:index") + "?level=province"
    table = []
    for row in rows:
        if row.index.score is None or not row.slug:
            continue
        unit_cite = cite_page(
            draft, _("Area"), row.name, reverse("monitoring:area", args=[row.slug])
        )
        table.append(
            [
                row.name,
                f"{row.index.score:.1f}",
                f"{row.index.low or 0:.1f}–{row.index.high or 0:.1f}",
                row.index.visited,
                f"[{unit_cite}]",
            ]
        )
    index_cite = cite_page(draft, _("Need index"), _("Need index by province"), index_url)
    summary = services.cap_summary()
    incidents = sum(r["incidents"] for r in summary.by_province if r["site__province__slug"])
    open_incidents = sum(r["open"] for r in summary.by_province if r["site__province__slug"])
    dashboard = cite_page(
        draft,
        _("Dashboard"),
        _("Incidents and corrective actions"),
        reverse("monitoring:dashboard"),
    )
    draft.text = _(
        "%(sites)d sites monitored by %(programmes)s [%(n)d]. The need index by province, "
        "highest need first, with its 95 %% interval [%(i)d]. %(incidents)d incidents "
        "recorded, %(open)d of them open [%(d)d]."
    ) % {
        "sites": len(sites),
        "programmes": programmes,
        "n": number,
        "i": index_cite,
        "incidents": incidents,
        "open": open_incidents,
        "d": dashboard,
    }
    if synthetic:
        draft.text += " " + _("These are synthetic demonstration data, not field observations.")
    draft.table = {
        "head": [
            _("Province"),
            _("Need index"),
            _("95 % interval"),
            _("Sites visited"),
            _("Source"),
        ],
        "rows": table[:10],
    }
    return draft


def presence(country: Country) -> Draft:

    draft = Draft()
    viewer = AnonymousUser()
    for organization in (
        permissions.visible(viewer, Organization.objects.filter(countries=country))
        .select_related("stakeholder_type")
        .order_by("name")[:15]
    ):
        draft.item(
            organization.name,
            "",
            str(organization.stakeholder_type.tr("name")),
            [draft.cite(organization, organization.name)],
        )
    for person in permissions.visible(
        viewer, Person.objects.filter(is_champion=True, champion_countries=country)
    ).order_by("name")[:8]:
        draft.item(
            person.name, person.champion_of, _("Champion"), [draft.cite(person, person.name)]
        )
    draft.text = (
        _("Organizations working in the country and champions of ASM there, from the directory.")
        if draft.items
        else _("The directory names no organization working in this country yet.")
    )
    return draft


def donors(country: Country) -> Draft:

    draft = Draft()
    totals = (
        Footprint.objects.filter(country=country, lever_issue__isnull=True)
        .values("donor", "currency")
        .annotate(activities=Sum("activities"), amount=Sum("amount"))
        .order_by("-amount")[:8]
    )

    names = Organization.objects.in_bulk([t["donor"] for t in totals])
    for row in totals:
        donor = names.get(row["donor"])
        if donor is None:
            continue
        number = cite_page(
            draft,
            _("IATI activities"),
            _("IATI activities of %(donor)s in %(country)s")
            % {"donor": donor.short_name, "country": country.tr("name")},
            reverse("funding:activities") + f"?donor={donor.slug}&country={country.code}",
        )
        draft.item(
            donor.name,
            _("%(n)d ASM activities reported to IATI, %(amount)s.")
            % {"n": row["activities"], "amount": money(row["amount"], row["currency"] or "USD")},
            _("IATI footprint"),
            [number],
        )
    focused = (
        permissions.visible(AnonymousUser(), DonorProfile.objects.filter(focus_countries=country))
        .select_related("organization")
        .order_by("organization__name")[:8]
    )
    for profile in focused:
        draft.item(
            profile.organization.name,
            "",
            _("Focus country of the donor's profile"),
            [draft.cite(profile, profile.organization.name)],
        )
    draft.text = (
        _(
            "Donors active in the country: what they report to IATI on ASM, and the donors whose profiles name it as a focus."
        )
        if draft.items
        else _(
            "No donor reports ASM activities in this country to IATI, and no donor profile names it as a focus."
        )
    )
    return draft


def events(country: Country) -> Draft:

    draft = Draft()
    found = events_matching(AnonymousUser(), Filter(countries=(country.code,))).order_by("-start")[
        :6
    ]
    for event in found:
        draft.item(event.title, event.place, f"{event.start:%d %b %Y}", [draft.cite(event)])
    draft.text = (
        _("Events in the country on the shared calendar, the latest first.")
        if draft.items
        else _("The calendar holds no event in this country.")
    )
    return draft


def library(country: Country) -> Draft:

    draft = Draft()
    viewer = AnonymousUser()
    for fact in permissions.visible(viewer, Fact.objects.filter(countries=country)).select_related(
        "resource"
    )[:6]:
        cites = [draft.cite(fact, Truncator(fact.statement).chars(80))]
        if fact.resource_id:
            cites.append(draft.cite(fact.resource))
        draft.item(fact.statement, "", str(fact.year or ""), cites)
    for story in permissions.visible(
        viewer, SuccessStory.objects.filter(countries=country)
    ).order_by("title")[:4]:
        draft.item(
            story.title,
            Truncator(story.results).chars(200),
            _("Success story"),
            [draft.cite(story)],
        )
    for resource in permissions.visible(
        viewer, Resource.objects.filter(countries=country)
    ).order_by("-year", "title")[:6]:
        draft.item(str(resource), "", resource.get_resource_type_display(), [draft.cite(resource)])
    draft.text = (
        _("Sourced facts, success stories and documents of the library on this country.")
        if draft.items
        else _("The library holds nothing on this country yet.")
    )
    return draft


SECTIONS = (
    ("figures", lambda: _("ASM in figures"), figures),
    ("legal", lambda: _("Legal framework and formalization"), legal),
    ("taxes", lambda: _("Tax schedule"), taxes),
    ("monitoring", lambda: _("Monitoring summary"), monitoring),
    ("presence", lambda: _("Organizations and champions"), presence),
    ("donors", lambda: _("Donors active"), donors),
    ("events", lambda: _("Events"), events),
    ("library", lambda: _("Library and stories"), library),
)


def profile(country: Country) -> list[dict[str, Any]]:
    """Every section of the profile in the active language, in the brief's shape."""
    found = []
    for key, title, build in SECTIONS:
        draft = build(country)
        found.append(
            {
                "key": key,
                "title": title(),
                "text": draft.text,
                **draft.content(),
                "citations": draft.citations,
            }
        )
    return found


def comparison(countries: list[Country]) -> dict[str, Any]:
    """The figures of several countries side by side: one row per kind of figure, the
    latest figure of each country with its year and source, or a gap."""
    oldest = dt.date.today().year - max_age()
    latest: dict[tuple[str, str], CountryFigure] = {}
    for entry in (
        CountryFigure.objects.filter(country__in=countries)
        .select_related("source")
        .order_by("-year")
    ):
        latest.setdefault((entry.country_id, entry.kind), entry)
    rows = []
    for kind, label in CountryFigure.Kind.choices:
        cells = []
        for country in countries:
            figure: CountryFigure | None = latest.get((country.code, kind))
            cells.append(
                {
                    "figure": figure,
                    "value": figure_value(figure) if figure else "",
                    "old": bool(figure and figure.year < oldest),
                    "source_url": (
                        figure.source.get_absolute_url()
                        if figure and figure.source
                        else (figure.source_url if figure else "")
                    ),
                    "source_label": (
                        str(figure.source)
                        if figure and figure.source
                        else (figure.source_url if figure else "")
                    ),
                }
            )
        rows.append({"label": label, "cells": cells})
    summary: dict[str, dict[str, Any]] = defaultdict(dict)
    for country in countries:
        facts = CountryFacts.objects.filter(country=country).first()
        summary[country.code] = {
            "legal": bool(facts and facts.legal_framework),
            "strategy": facts.get_strategy_mentions_asm_display()
            if facts
            else CountryFacts.Mention.UNKNOWN.label,
            "organizations": country.organizations.filter(status="published").count(),
        }
    return {"countries": countries, "rows": rows, "summary": [summary[c.code] for c in countries]}


def profiled() -> Any:
    """Countries that have figures or legal facts entered, by name."""
    return (
        Country.objects.filter(Q(asm_figures__isnull=False) | Q(asm_facts__isnull=False))
        .distinct()
        .order_by("name")
    )
