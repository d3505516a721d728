"""Listing the directory: text search and facets, limited to what the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.facets import Facet, FacetResult, apply_facets, text_filter
from asmhub.directory.models import Affiliation, Organization, Person
from asmhub.taxonomy.facets import country_facet, lever_issue_facet, stakeholder_type_facet

ORGANIZATION_FACETS = [
    stakeholder_type_facet("stakeholder_type__slug"),
    country_facet("countries__code"),
    lever_issue_facet("lever_issues__slug"),
    Facet(
        "network",
        _("Network"),
        "memberships__network__slug",
        lambda: Organization.objects.filter(stakeholder_type__slug="network"),
        label_of=lambda o: o.short_name,
    ),
]

PEOPLE_FACETS = [
    stakeholder_type_facet("affiliations__organization__stakeholder_type__slug"),
    country_facet("countries__code"),
    lever_issue_facet("lever_issues__slug"),
    Facet(
        "organization",
        _("Organization"),
        "affiliations__organization__slug",
        Organization.objects.all,
        label_of=lambda o: o.short_name,
    ),
]


def organizations_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Organization], list[FacetResult]]:
    queryset = permissions.visible(user, Organization.objects.all())
    query = (params.get("q") or [""])[0]
    if query:
        queryset = text_filter(queryset, query, ("name", "acronym", "description"))
    filtered, facets = apply_facets(queryset, ORGANIZATION_FACETS, params)
    return (
        filtered.select_related("stakeholder_type", "hq_country", "parent").prefetch_related(
            "lever_issues"
        ),
        facets,
    )


def people_for(
    user: Any, params: Mapping[str, list[str]]
) -> tuple[QuerySet[Person], list[FacetResult]]:
    queryset = permissions.visible(user, Person.objects.all())
    query = (params.get("q") or [""])[0]
    if query:
        queryset = text_filter(
            queryset,
            query,
            (
                "name",
                "expertise",
                "affiliations__title",
                "affiliations__organization__name",
                "affiliations__organization__acronym",
            ),
        ).distinct()
    if (params.get("champion") or [""])[0] in ("1", "true", "on"):
        queryset = queryset.filter(is_champion=True)
    filtered, facets = apply_facets(queryset, PEOPLE_FACETS, params)
    affiliations = Affiliation.objects.select_related("organization")
    return filtered.prefetch_related(
        Prefetch("affiliations", queryset=affiliations), "lever_issues"
    ), facets
