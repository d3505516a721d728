"""Listing donors, opportunities, concepts, projects and IATI activities with facets."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.facets import Choice, Facet, FacetResult, apply_facets, text_filter
from asmhub.core.search import SearchGroup, SearchItem, with_query
from asmhub.directory.models import Organization
from asmhub.funding.models import Activity, Concept, DonorProfile, Instrument, Opportunity, Project
from asmhub.taxonomy.facets import country_facet, lever_issue_facet, stakeholder_type_facet


def _choices(choices: Any) -> Any:
    return lambda: [Choice(value, str(label)) for value, label in choices.choices]


DONOR_FACETS = [
    stakeholder_type_facet("organization__stakeholder_type__slug"),
    country_facet("focus_countries__code"),
    lever_issue_facet("priorities__lever_issue__slug"),
]
OPPORTUNITY_FACETS = [
    Facet("stage", _("Stage"), "stage", _choices(Opportunity.Stage)),
    Facet("instrument", _("Instrument"), "instrument", _choices(Instrument)),
    Facet(
        "donor",
        _("Donor"),
        "donor__slug",
        Organization.objects.all,
        label_of=lambda o: o.short_name,
    ),
    country_facet("countries__code"),
    lever_issue_facet("lever_issues__slug"),
]
CONCEPT_FACETS = [
    country_facet("countries__code"),
    lever_issue_facet("lever_issues__slug"),
    Facet(
        "organization",
        _("Proposed by"),
        "proposers__slug",
        Organization.objects.all,
        label_of=lambda o: o.short_name,
    ),
]
PROJECT_FACETS = [
    Facet(
        "funder",
        _("Funder"),
        "funders__slug",
        Organization.objects.all,
        label_of=lambda o: o.short_name,
    ),
    country_facet("countries__code"),
    lever_issue_facet("lever_issues__slug"),
]
ACTIVITY_FACETS = [
    Facet(
        "donor",
        _("Published by"),
        "reporting_org__slug",
        Organization.objects.all,
        label_of=lambda o: o.short_name,
    ),
    country_facet("countries__country__code"),
    lever_issue_facet("lever_issues__slug"),
]


def _listing(
    queryset: QuerySet[Any],
    facets: list[Facet],
    params: Mapping[str, list[str]],
    fields: tuple[str, ...],
) -> tuple[QuerySet[Any], list[FacetResult]]:
    query = (params.get("q") or [""])[0]
    if query:
        queryset = text_filter(queryset, query, fields).distinct()
    return apply_facets(queryset, facets, params)


def donors_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[DonorProfile], list[FacetResult]]:
    queryset = permissions.visible(user, DonorProfile.objects.all())
    found, facets = _listing(
        queryset, DONOR_FACETS, params, ("organization__name", "organization__acronym", "mandate")
    )
    return found.select_related("organization__stakeholder_type").prefetch_related(
        "focus_countries", "priorities__lever_issue"
    ), facets


def opportunities_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Opportunity], list[FacetResult]]:
    queryset = permissions.visible(user, Opportunity.objects.all())
    found, facets = _listing(queryset, OPPORTUNITY_FACETS, params, ("title", "description"))
    return found.select_related("donor").prefetch_related("countries", "lever_issues"), facets


def concepts_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Concept], list[FacetResult]]:
    queryset = permissions.visible(user, Concept.objects.all())
    found, facets = _listing(queryset, CONCEPT_FACETS, params, ("title", "summary", "areas"))
    return found.prefetch_related("countries", "lever_issues", "proposers"), facets


def projects_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Project], list[FacetResult]]:
    queryset = permissions.visible(user, Project.objects.all())
    found, facets = _listing(queryset, PROJECT_FACETS, params, ("title", "description"))
    return found.prefetch_related("countries", "lever_issues", "funders"), facets


def activities_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Activity], list[FacetResult]]:
    queryset = Activity.objects.all()
    if (params.get("all") or [""])[0] not in ("1", "true", "on"):
        queryset = queryset.filter(is_asm=True)
    found, facets = _listing(
        queryset, ACTIVITY_FACETS, params, ("title", "description", "iati_identifier")
    )
    return found.select_related("reporting_org"), facets


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    """The donors and funding opportunities matching ``text`` that ``user`` may see: the
    funding capability's part of the site-wide search (``core/search.py``)."""
    params = {"q": [text]}
    donors, _facets = donors_for(user, params)
    opportunities, _facets = opportunities_for(user, params)
    found_donors = list(donors.order_by("organization__name")[:limit])
    found_opportunities = list(opportunities.order_by("closes_on", "title")[:limit])
    return [
        SearchGroup(
            "donors",
            _("Donors"),
            [
                SearchItem(str(d), d.get_absolute_url(), d.organization.stakeholder_type.tr("name"))
                for d in found_donors
            ],
            donors.count() if len(found_donors) == limit else len(found_donors),
            with_query(reverse("funding:donors"), text),
            order=50,
        ),
        SearchGroup(
            "opportunities",
            _("Funding opportunities"),
            [
                SearchItem(
                    o.title,
                    o.get_absolute_url(),
                    " · ".join(
                        part
                        for part in (
                            o.donor.short_name if o.donor else "",
                            str(o.get_stage_display()),
                            date_format(o.closes_on) if o.closes_on else "",
                        )
                        if part
                    ),
                )
                for o in found_opportunities
            ],
            opportunities.count()
            if len(found_opportunities) == limit
            else len(found_opportunities),
            with_query(reverse("funding:opportunities"), text),
            order=60,
        ),
    ]
