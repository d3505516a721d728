"""What the funding capability shows on taxonomy term and organization pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.directory.models import Organization
from asmhub.funding.models import Concept, Opportunity, Project
from asmhub.taxonomy.models import Country, LeverIssue, SDGGoal
from asmhub.taxonomy.registry import TaggedSection, register_tagged

FIELDS: dict[type[Model], str] = {
    LeverIssue: "lever_issues",
    Country: "countries",
    SDGGoal: "sdg_goals",
}


def funding_sections(user: Any, term: Model) -> list[TaggedSection]:
    if isinstance(term, Organization):
        return [
            TaggedSection(
                _("Funding opportunities"),
                permissions.visible(user, Opportunity.objects.filter(donor=term))[:20],
            ),
            TaggedSection(
                _("Projects it funds"),
                permissions.visible(user, Project.objects.filter(funders=term))[:20],
            ),
        ]
    field = FIELDS.get(type(term))
    if field is None:
        return []
    sections = [
        TaggedSection(
            _("Funding opportunities"),
            permissions.visible(user, Opportunity.objects.filter(**{field: term}))[:20],
        ),
        TaggedSection(
            _("Project concepts"),
            permissions.visible(user, Concept.objects.filter(**{field: term}))[:20],
        ),
    ]
    if field != "sdg_goals":
        sections.append(
            TaggedSection(
                _("Projects and programmes"),
                permissions.visible(user, Project.objects.filter(**{field: term}))[:20],
            )
        )
    return [s for s in sections if s.count]


def register() -> None:
    register_tagged(funding_sections)
