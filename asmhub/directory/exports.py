"""CSV and XLSX exports of the directory, holding only what the user may see.

People's e-mail and phone columns appear only for users allowed to read contact
details; for everyone else the columns are absent, not empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from asmhub.core import permissions
from asmhub.directory.models import ContactDetails, Organization, Person

ORGANIZATION_COLUMNS = [
    "slug",
    "name",
    "acronym",
    "stakeholder_type",
    "hq_country",
    "countries",
    "website",
    "lever_issues",
    "parent",
    "networks",
    "description",
]
PEOPLE_COLUMNS = [
    "slug",
    "name",
    "honorific",
    "organization",
    "title",
    "expertise",
    "lever_issues",
    "countries",
    "champion",
    "champion_of",
]
CONTACT_COLUMNS = ["email", "phone"]


def organization_rows(
    user: Any, organizations: QuerySet[Organization]
) -> tuple[list[str], Iterable[list[str]]]:
    def parent(org: Organization) -> str:
        parent = permissions.if_visible(user, org.parent)
        return parent.slug if parent else ""

    def rows() -> Iterable[list[str]]:
        for org in organizations.prefetch_related(
            "countries", "lever_issues", "memberships__network"
        ):
            yield [
                org.slug,
                org.name,
                org.acronym,
                org.stakeholder_type.slug,
                org.hq_country_id or "",
                "; ".join(c.code for c in org.countries.all()),
                org.website,
                "; ".join(i.slug for i in org.lever_issues.all()),
                parent(org),
                "; ".join(m.network.slug for m in org.memberships.all()),
                org.description,
            ]

    return ORGANIZATION_COLUMNS, rows()


def people_rows(user: Any, people: QuerySet[Person]) -> tuple[list[str], Iterable[list[str]]]:
    with_contact = permissions.can_view_contact_details(user)
    contacts: dict[int, ContactDetails] = (
        {c.person_id: c for c in ContactDetails.objects.filter(person__in=people)}
        if with_contact
        else {}
    )

    def rows() -> Iterable[list[str]]:
        for person in people.prefetch_related("countries", "lever_issues"):
            affiliation = person.primary_affiliation
            row = [
                person.slug,
                person.name,
                person.honorific,
                affiliation.organization.slug if affiliation else "",
                affiliation.title if affiliation else "",
                person.expertise,
                "; ".join(i.slug for i in person.lever_issues.all()),
                "; ".join(c.code for c in person.countries.all()),
                "yes" if person.is_champion else "no",
                person.champion_of,
            ]
            if with_contact:
                contact = contacts.get(person.pk)
                row += [contact.email, contact.phone] if contact else ["", ""]
            yield row

    return PEOPLE_COLUMNS + (CONTACT_COLUMNS if with_contact else []), rows()
