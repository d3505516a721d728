"""Facets on taxonomy terms, for any app's list of records tagged with them.

``lookup`` is the ORM path from the listed model to the term's key, e.g.
``country_facet("countries__code")`` on organizations.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from asmhub.core.facets import Facet
from asmhub.taxonomy.models import Country, LeverIssue, Mineral, StakeholderType


def _translated(term: Any) -> str:
    return str(term.tr("name"))


def stakeholder_type_facet(lookup: str) -> Facet:
    return Facet(
        "type", _("Stakeholder type"), lookup, StakeholderType.objects.all, label_of=_translated
    )


def country_facet(lookup: str) -> Facet:
    return Facet(
        "country",
        _("Country"),
        lookup,
        Country.objects.all,
        value_field="code",
        label_of=_translated,
    )


def lever_issue_facet(lookup: str) -> Facet:
    return Facet("issue", _("Lever issue"), lookup, LeverIssue.objects.all, label_of=_translated)


def mineral_facet(lookup: str) -> Facet:
    return Facet("mineral", _("Mineral"), lookup, Mineral.objects.all, label_of=_translated)
