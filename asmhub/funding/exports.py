"""CSV and XLSX rows of the funding lists: only what the user may see, no contact detail."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

Rows = tuple[list[str], Iterable[list[Any]]]


def _names(items: Any, attr: str = "name") -> str:
    return "; ".join(str(getattr(i, attr)) for i in items.all())


def donor_rows(profiles: QuerySet[Any]) -> Rows:
    columns = [
        "organization", "name", "type", "focus_countries", "instruments", "size_min",
        "size_max", "currency", "priorities", "entry_points", "last_verified", "url",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for p in profiles:
            priorities = "; ".join(
                f"{(x.lever_issue.slug if x.lever_issue else f'sdg-{x.sdg_goal.number}')}={x.weight:.2f}"
                for x in p.priorities.all()
            )
            yield [
                p.organization.slug, p.organization.name, p.organization.stakeholder_type.slug,
                _names(p.focus_countries, "code"), "; ".join(p.instruments), p.size_min,
                p.size_max, p.currency, priorities, "; ".join(p.entry_points),
                p.last_verified, p.get_absolute_url(),
            ]  # fmt: skip

    return columns, rows()


def opportunity_rows(opportunities: QuerySet[Any]) -> Rows:
    columns = [
        "slug", "title", "donor", "stage", "instrument", "opens_on", "closes_on",
        "award_floor", "award_ceiling", "currency", "expected_awards", "cofinancing_required",
        "countries", "lever_issues", "link",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for o in opportunities:
            yield [
                o.slug, o.title, o.donor.slug, o.stage, o.instrument, o.opens_on, o.closes_on,
                o.award_floor, o.award_ceiling, o.currency, o.expected_awards,
                o.cofinancing_required, _names(o.countries, "code"),
                _names(o.lever_issues, "slug"), o.link,
            ]  # fmt: skip

    return columns, rows()


def concept_rows(concepts: QuerySet[Any]) -> Rows:
    columns = [
        "slug", "title", "proposers", "countries", "areas", "lever_issues", "beneficiaries",
        "budget", "currency", "starts_on", "ends_on", "status",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for c in concepts:
            yield [
                c.slug, c.title, _names(c.proposers, "slug"), _names(c.countries, "code"),
                c.areas, _names(c.lever_issues, "slug"), "; ".join(c.beneficiaries), c.budget,
                c.currency, c.starts_on, c.ends_on, c.status,
            ]  # fmt: skip

    return columns, rows()


def project_rows(projects: QuerySet[Any]) -> Rows:
    columns = [
        "slug", "title", "funders", "countries", "lever_issues", "starts_on", "ends_on",
        "budget", "currency", "iati_identifier", "source",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for p in projects:
            yield [
                p.slug, p.title, _names(p.funders, "slug"), _names(p.countries, "code"),
                _names(p.lever_issues, "slug"), p.starts_on, p.ends_on, p.budget, p.currency,
                p.activity.iati_identifier if p.activity_id else "", p.source,
            ]  # fmt: skip

    return columns, rows()


def activity_rows(activities: QuerySet[Any]) -> Rows:
    columns = [
        "iati_identifier", "title", "reporting_org", "status", "start", "end",
        "default_currency", "total_budget", "total_spent", "is_asm", "asm_reasons",
    ]  # fmt: skip

    def rows() -> Iterator[list[Any]]:
        for a in activities.iterator(chunk_size=2000):
            yield [
                a.iati_identifier, a.title, a.reporting_org_name, a.status, a.start, a.end,
                a.default_currency, a.total_budget, a.total_spent, a.is_asm,
                "; ".join(a.asm_reasons),
            ]  # fmt: skip

    return columns, rows()
