"""What the library shows on taxonomy term pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.directory.models import Organization
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, Mineral, SDGGoal
from asmhub.taxonomy.registry import TaggedSection, register_tagged

FILTERS: dict[type[Model], tuple[str, str, str]] = {
    # term type: (Resource field, search parameter, term key)
    LeverIssue: ("lever_issues", "issue", "slug"),
    Country: ("countries", "country", "code"),
    Mineral: ("minerals", "mineral", "slug"),
    SDGGoal: ("sdg_goals", "sdg", "number"),
    MDGGoal: ("mdg_goals", "", "number"),
}


def library_sections(user: Any, term: Model) -> list[TaggedSection]:
    if isinstance(term, Organization):
        return _organization_sections(user, term)
    spec = FILTERS.get(type(term))
    if spec is None:
        return []
    field, parameter, key = spec
    resources = permissions.visible(user, Resource.objects.filter(**{field: term}))
    more = (
        f"{reverse('library:search')}?{urlencode({parameter: getattr(term, key)})}"
        if parameter
        else ""
    )
    sections = [TaggedSection(_("In the library"), resources.order_by("-year"), more)]
    if isinstance(term, LeverIssue | Country):
        lookup = {"lever_issues" if isinstance(term, LeverIssue) else "countries": term}
        stories = permissions.visible(user, SuccessStory.objects.filter(**lookup))
        facts = permissions.visible(user, Fact.objects.filter(**lookup))
        sections += [TaggedSection(_("Success stories"), stories), TaggedSection(_("Facts"), facts)]
    return sections


def _organization_sections(user: Any, org: Organization) -> list[TaggedSection]:
    published = permissions.visible(user, Resource.objects.filter(publishers=org)).order_by("-year")
    named = permissions.visible(user, Resource.objects.filter(organizations=org)).exclude(
        publishers=org
    )
    stories = permissions.visible(user, SuccessStory.objects.filter(organizations=org))
    more = f"{reverse('library:search')}?{urlencode({'organization': org.slug})}"
    return [
        TaggedSection(_("Publications in the library"), published, more),
        TaggedSection(_("Named in"), named.order_by("-year")),
        TaggedSection(_("Success stories"), stories),
    ]


def register() -> None:
    register_tagged(library_sections)
