"""Donor profiles, cycles, opportunities and the pipeline: reading, dates and demo data.

The calendar and the matching read funding cycles through ``cycle_dates``: the dates are
expanded from each cycle's recurrence rule when asked for, never copied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum

from asmhub.core import permissions
from asmhub.core.models import AuditEntry, Status
from asmhub.core.services import HomeStat
from asmhub.directory.models import Organization, Person
from asmhub.funding.iati import load_demo_iati
from asmhub.funding.models import (
    Activity,
    Application,
    Concept,
    DonorProfile,
    Footprint,
    FundingCycle,
    Opportunity,
    Priority,
    Project,
)
from asmhub.library.models import SuccessStory
from asmhub.taxonomy.lookup import Lookup
from asmhub.taxonomy.models import Region

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


class FundingDataError(ValueError):
    """A funding data file names something that does not exist, or holds a bad value."""


@dataclass(frozen=True)
class CycleDate:
    cycle: FundingCycle
    date: dt.date

    @property
    def donor(self) -> Organization:
        return self.cycle.profile.organization

    @property
    def ends(self) -> dt.date:
        return self.date + dt.timedelta(days=max(self.cycle.duration_days, 1) - 1)


def cycle_dates(
    cycles: QuerySet[FundingCycle] | list[FundingCycle], start: dt.date, end: dt.date
) -> list[CycleDate]:
    """Every occurrence of ``cycles`` between ``start`` and ``end``, in date order."""
    found = [CycleDate(c, d) for c in cycles for d in c.occurrences(start, end)]
    return sorted(found, key=lambda o: (o.date, o.cycle.title))


def visible_cycles(user: Any) -> QuerySet[FundingCycle]:
    profiles = permissions.visible(user, DonorProfile.objects.all())
    return FundingCycle.objects.filter(profile__in=profiles).select_related(
        "profile__organization", "country"
    )


def home_stats(user: Any) -> list[Any]:
    """The funding figures on the home page: donors profiled, calls open or coming, needs."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    calls = permissions.visible(user, Opportunity.objects.all()).filter(
        stage__in=[Opportunity.Stage.OPEN, Opportunity.Stage.FORECAST]
    )
    return [
        HomeStat(
            permissions.visible(user, DonorProfile.objects.all()).count(),
            _("donor profiles with their priorities and cycles"),
            reverse("funding:donors"),
        ),
        HomeStat(
            calls.count(),
            _("funding calls open or coming"),
            f"{reverse('funding:opportunities')}?stage=open&stage=forecast",
        ),
        HomeStat(
            permissions.visible(user, Concept.objects.all()).count(),
            _("needs matched to donors"),
            reverse("funding:concepts"),
        ),
    ]


def history(obj: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.for_object(obj)[:50]


@dataclass
class FootprintSummary:
    """A donor's ASM-relevant IATI funding: where, on what, how much, over time."""

    activities: int
    by_country: list[dict[str, Any]]
    by_issue: list[dict[str, Any]]
    by_year: list[dict[str, Any]]
    currencies: list[str]


def footprint_of(donor: Organization) -> FootprintSummary:
    rows = Footprint.objects.filter(donor=donor)

    def grouped(field: str, label: str) -> list[dict[str, Any]]:
        return [
            {"key": r[field], "label": r[label] or "—", "amount": r["total"], "count": r["n"]}
            for r in rows.values(field, label)
            .annotate(total=Sum("amount"), n=Sum("activities"))
            .order_by("-total")
        ]

    activities = Activity.objects.filter(funded_by(donor), is_asm=True).distinct().count()
    by_year = [
        {"key": r["year"], "label": str(r["year"] or "—"), "amount": r["total"], "count": r["n"]}
        for r in rows.values("year")
        .annotate(total=Sum("amount"), n=Sum("activities"))
        .order_by("year")
    ]
    return FootprintSummary(
        activities=activities,
        by_country=grouped("country__code", "country__name"),
        by_issue=grouped("lever_issue__slug", "lever_issue__name"),
        by_year=by_year,
        currencies=sorted(set(rows.values_list("currency", flat=True)) - {""}),
    )


def funded_by(donor: Organization) -> Q:
    """Activities the donor reported, or in which it is a funding participant (role 1)."""
    return Q(reporting_org=donor) | Q(participants__organization=donor, participants__role="1")


def pipeline_totals(applications: QuerySet[Application]) -> list[dict[str, Any]]:
    """The pipeline by stage: how many applications, how much asked and granted."""
    return list(
        applications.values("stage", "currency")
        .annotate(n=Count("pk"), requested=Sum("amount_requested"), granted=Sum("amount_granted"))
        .order_by("stage", "currency")
    )


# --- Demo data --------------------------------------------------------------------------


class _Demo:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lookup = Lookup()
        self.orgs = {o.slug: o for o in Organization.objects.all()}
        self.people = {p.slug: p for p in Person.objects.all()}
        self.regions = {r.slug: r for r in Region.objects.all()}
        self.types = {t.slug: t for t in self.lookup.types.values()}

    def read(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = yaml.safe_load((self.directory / name).read_text(encoding="utf-8"))
        return data

    def many(self, item: dict[str, Any], key: str, find: Any, where: str) -> list[Any]:
        values = item.get(key) or []
        found = [find(str(v)) for v in values]
        unknown = [v for v, f in zip(values, found, strict=True) if f is None]
        if unknown:
            raise FundingDataError(f"{where}: unknown {key} {unknown}")
        return found

    def org(self, slug: str, where: str) -> Organization:
        if slug not in self.orgs:
            raise FundingDataError(f"{where}: unknown organization {slug!r}")
        return self.orgs[slug]

    def relations(self, item: dict[str, Any], where: str, *keys: str) -> dict[str, list[Any]]:
        finders = {
            "countries": ("countries", self.lookup.country),
            "issues": ("lever_issues", self.lookup.issue),
            "sdgs": ("sdg_goals", self.lookup.sdg_goal),
            "minerals": ("minerals", self.lookup.mineral),
            "eligible_types": ("eligible_types", self.types.get),
            "funders": ("funders", self.orgs.get),
            "implementers": ("implementers", self.orgs.get),
            "proposers": ("proposers", self.orgs.get),
        }
        found = {}
        for key in keys:
            field, find = finders[key]
            found[field] = self.many(item, key, find, where)
        return found


def _set_relations(obj: Any, relations: dict[str, list[Any]]) -> None:
    for field, values in relations.items():
        getattr(obj, field).set(values)


def _money(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _load_donors(demo: _Demo) -> int:
    data = demo.read("donors.yaml")
    verified = data.get("last_verified")
    for item in data["donors"]:
        where = f"donors.yaml {item['organization']}"
        org = demo.org(item["organization"], where)
        if not org.stakeholder_type.is_donor:
            raise FundingDataError(f"{where}: {org.slug} is not of a donor type")
        profile, _ = DonorProfile.objects.update_or_create(
            organization=org,
            defaults={
                "mandate": item.get("mandate", ""),
                "instruments": item.get("instruments", []),
                "size_min": _money(item.get("size_min")),
                "size_max": _money(item.get("size_max")),
                "currency": item.get("currency", "USD"),
                "eligibility": item.get("eligibility", ""),
                "decision_process": item.get("decision_process", ""),
                "entry_points": item.get("entry_points", []),
                "strategy_link": item.get("strategy_link", ""),
                "shies_away": item.get("shies_away", ""),
                "last_verified": verified,
                "source": item.get("source", ""),
                "status": Status.PUBLISHED,
                "owner_organization": demo.orgs.get("casm-secretariat"),
            },
        )
        profile.full_clean()
        profile.focus_countries.set(demo.many(item, "focus_countries", demo.lookup.country, where))
        profile.focus_regions.set(demo.many(item, "focus_regions", demo.regions.get, where))
        profile.eligible_types.set(demo.many(item, "eligible_types", demo.types.get, where))
        profile.champions.set(demo.many(item, "champions", demo.people.get, where))
        profile.priorities.all().delete()
        for entry in item.get("priorities", []):
            issue = demo.lookup.issue(entry["issue"]) if "issue" in entry else None
            goal = demo.lookup.sdg_goal(str(entry["sdg"])) if "sdg" in entry else None
            if issue is None and goal is None:
                raise FundingDataError(f"{where}: unknown priority {entry}")
            Priority(
                profile=profile,
                lever_issue=issue,
                sdg_goal=goal,
                weight=float(entry["weight"]),
                evidence=entry.get("evidence", ""),
            ).save()
        profile.cycles.all().delete()
        for entry in item.get("cycles", []):
            cycle = FundingCycle(
                profile=profile,
                kind=entry["kind"],
                title=entry["title"],
                rule=entry["rule"],
                starts_on=entry["starts_on"],
                duration_days=entry.get("duration_days", 1),
                country=demo.lookup.country(entry["country"]) if entry.get("country") else None,
                notes=entry.get("notes", ""),
                source=entry.get("source", ""),
            )
            try:
                cycle.full_clean()
            except Exception as exc:
                raise FundingDataError(f"{where} cycle {entry['title']!r}: {exc}") from exc
            cycle.save()
    return len(data["donors"])


def _load_opportunities(demo: _Demo) -> int:
    data = demo.read("opportunities.yaml")
    for item in data["opportunities"]:
        where = f"opportunities.yaml {item['title']!r}"
        opportunity = Opportunity.objects.filter(title=item["title"]).first() or Opportunity()
        values = {
            "title": item["title"],
            "donor": demo.org(item["donor"], where),
            "stage": item.get("stage", Opportunity.Stage.FORECAST),
            "instrument": item.get("instrument", "grant"),
            "opens_on": item.get("opens_on"),
            "closes_on": item.get("closes_on"),
            "award_floor": _money(item.get("award_floor")),
            "award_ceiling": _money(item.get("award_ceiling")),
            "currency": item.get("currency", "USD"),
            "expected_awards": item.get("expected_awards"),
            "cofinancing_required": bool(item.get("cofinancing_required")),
            "eligibility": item.get("eligibility", ""),
            "description": item.get("description", ""),
            "link": item.get("link", ""),
            "source": item.get("source", ""),
            "status": Status.PUBLISHED,
            "owner_organization": demo.orgs.get("casm-secretariat"),
        }
        for field, value in values.items():
            setattr(opportunity, field, value)
        opportunity.full_clean(exclude=["slug"])
        opportunity.save()
        _set_relations(
            opportunity,
            demo.relations(item, where, "countries", "issues", "sdgs", "eligible_types"),
        )
    return len(data["opportunities"])


def _load_projects(demo: _Demo) -> int:
    data = demo.read("projects.yaml")
    for item in data["projects"]:
        where = f"projects.yaml {item['title']!r}"
        project = Project.objects.filter(title=item["title"]).first() or Project()
        for field, value in {
            "title": item["title"],
            "description": item.get("description", ""),
            "starts_on": item.get("starts_on"),
            "ends_on": item.get("ends_on"),
            "budget": _money(item.get("budget")),
            "source": item.get("source", ""),
            "status": Status.PUBLISHED,
            "owner_organization": demo.orgs.get("casm-secretariat"),
        }.items():
            setattr(project, field, value)
        project.save()
        _set_relations(
            project,
            demo.relations(
                item, where, "funders", "implementers", "countries", "issues", "minerals"
            ),
        )
    return len(data["projects"])


def _load_concepts(demo: _Demo) -> int:
    data = demo.read("concepts.yaml")
    stories = {s.slug: s for s in SuccessStory.objects.all()}
    for item in data["concepts"]:
        where = f"concepts.yaml {item['title']!r}"
        concept = Concept.objects.filter(title=item["title"]).first() or Concept()
        for field, value in {
            "title": item["title"],
            "summary": item.get("summary", ""),
            "areas": item.get("areas", ""),
            "beneficiaries": item.get("beneficiaries", []),
            "budget": _money(item.get("budget")),
            "instrument": item.get("instrument", ""),
            "starts_on": item.get("starts_on"),
            "ends_on": item.get("ends_on"),
            "status": Status.PUBLISHED,
            "owner_organization": demo.org(item["owner"], where),
        }.items():
            setattr(concept, field, value)
        concept.full_clean(exclude=["slug"])
        concept.save()
        _set_relations(
            concept,
            demo.relations(item, where, "proposers", "countries", "issues", "sdgs", "minerals"),
        )
        concept.evidence_stories.set(demo.many(item, "stories", stories.get, where))
    return len(data["concepts"])


@transaction.atomic
def load_demo_funding(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Create or update the seed donors, cycles, opportunities, projects and concepts."""
    demo = _Demo(directory)
    if not demo.orgs:
        raise FundingDataError("load the demo directory first (asmhub load-demo)")
    counts = {
        "donor profiles": _load_donors(demo),
        "opportunities": _load_opportunities(demo),
        "projects": _load_projects(demo),
        "concepts": _load_concepts(demo),
    }
    report = load_demo_iati()
    counts["IATI activities"] = report.added + report.updated
    return counts
