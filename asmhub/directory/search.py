"""Listing the directory: text search and facets, limited to what the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.facets import Facet, FacetResult, apply_facets, text_filter
from asmhub.core.search import SearchGroup, SearchItem, with_query
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
    user: Any, params: Mapping[str, list[str]], count: bool = True
) -> tuple[QuerySet[Organization], list[FacetResult]]:
    queryset = permissions.visible(user, Organization.objects.all())
    query = (params.get("q") or [""])[0]
    if query:
        queryset = text_filter(queryset, query, ("name", "acronym", "description"))
    filtered, facets = apply_facets(queryset, ORGANIZATION_FACETS, params, count)
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


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    """The organizations and people matching ``text`` that ``user`` may see: the
    directory's part of the site-wide search (``core/search.py``)."""
    params = {"q": [text]}
    organizations, _facets = organizations_for(user, params)
    people, _facets = people_for(user, params)
    found_organizations = list(organizations.order_by("name")[:limit])
    found_people = list(people.order_by("name")[:limit])
    return [
        SearchGroup(
            "organizations",
            _("Organizations"),
            [
                SearchItem(str(o), o.get_absolute_url(), o.stakeholder_type.tr("name"))
                for o in found_organizations
            ],
            organizations.count()
            if len(found_organizations) == limit
            else len(found_organizations),
            with_query(reverse("directory:organizations"), text),
            order=10,
        ),
        SearchGroup(
            "people",
            _("People"),
            [
                SearchItem(
                    p.name,
                    p.get_absolute_url(),
                    "; ".join(
                        f"{a.title}, {a.organization.short_name}"
                        if a.title
                        else a.organization.short_name
                        for a in p.affiliations.all()[:2]
                    ),
                )
                for p in found_people
            ],
            people.count() if len(found_people) == limit else len(found_people),
            with_query(reverse("directory:people"), text),
            order=20,
        ),
    ]
