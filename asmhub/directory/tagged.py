"""What the directory shows on taxonomy term pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.directory.models import Organization, Person
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, SDGGoal
from asmhub.taxonomy.registry import TaggedSection, register_tagged


def _list_url(name: str, key: str, value: str) -> str:
    return f"{reverse(name)}?{urlencode({key: value})}"


def directory_sections(user: Any, term: Model) -> list[TaggedSection]:
    organizations = permissions.visible(
        user, Organization.objects.select_related("stakeholder_type")
    )
    people = permissions.visible(user, Person.objects.all())
    if isinstance(term, LeverIssue):
        return [
            TaggedSection(
                _("Organizations working on it"),
                organizations.filter(lever_issues=term),
                _list_url("directory:organizations", "issue", term.slug),
            ),
            TaggedSection(
                _("People working on it"),
                people.filter(lever_issues=term),
                _list_url("directory:people", "issue", term.slug),
            ),
        ]
    if isinstance(term, Country):
        return [
            TaggedSection(
                _("Organizations working here"),
                organizations.filter(countries=term),
                _list_url("directory:organizations", "country", term.code),
            ),
            TaggedSection(
                _("Organizations headquartered here"), organizations.filter(hq_country=term)
            ),
        ]
    if isinstance(term, SDGGoal):
        found = organizations.filter(lever_issues__sdg_targets__goal=term).distinct()
        return [TaggedSection(_("Organizations working on lever issues of this goal"), found)]
    if isinstance(term, MDGGoal):
        found = organizations.filter(lever_issues__mdg_goals=term).distinct()
        return [TaggedSection(_("Organizations working on lever issues of this goal"), found)]
    return []


def register() -> None:
    register_tagged(directory_sections)
