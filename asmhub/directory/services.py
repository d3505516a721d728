"""Directory services: contact details under permission, and the demo dataset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.actions import Action
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import (
    Affiliation,
    ConsentRecord,
    ContactDetails,
    NetworkMembership,
    Organization,
    Person,
)
from asmhub.taxonomy.models import Country, LeverIssue, StakeholderType

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


class DirectoryDataError(ValueError):
    """A directory data file names something that does not exist."""


class SaveContactDetails(Action[Person]):
    """A person's e-mail and phone, saved by a user allowed to see them. The audit entry
    names the fields that changed but not their values: a record's history is shown to
    its organization's members, who may not see contact details."""

    FIELDS = ("email", "phone")

    def __init__(self, user: Any, person: Person, email: str, phone: str) -> None:
        super().__init__(user, person)
        self.values = {"email": email, "phone": phone}
        self.verb = "update:contact-details"

    def check(self) -> None:
        if not permissions.can_view_contact_details(self.user):
            raise PermissionDenied(_("Only users who may see contact details may change them."))

    def changed(self) -> list[str]:
        stored = ContactDetails.objects.filter(person=self.instance).first()
        return [f for f in self.FIELDS if getattr(stored, f, "") != self.values[f]]

    def apply(self) -> dict[str, Any]:
        changed = self.changed()
        ContactDetails.objects.update_or_create(person=self.instance, defaults=self.values)
        return {field: {"changed": True} for field in changed}

    def execute(self) -> Person:
        self.check()
        if not self.changed():
            return self.instance  # nothing to save, nothing to record
        return super().execute()


def contact_details_for(user: Any, person: Person) -> ContactDetails | None:
    """The person's e-mail and phone, or None when the user may not see them."""
    if not permissions.can_view_contact_details(user):
        return None
    return ContactDetails.objects.filter(person=person).first()


def record_consent(
    *,
    purpose: str,
    granted: bool,
    method: str,
    recorded_by: Any,
    person: Person | None = None,
    user: Any = None,
    scope: str = "",
    value: str = "",
) -> ConsentRecord | None:
    """Write down a consent given or withdrawn; nothing when there is nobody to consent."""
    if person is None and user is None:
        return None
    return ConsentRecord.objects.create(
        person=person,
        user=user,
        purpose=purpose,
        granted=granted,
        method=method,
        recorded_by=recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
        scope=scope[:200],
        value=value[:40],
    )


def _lookup(mapping: dict[str, Any], keys: list[str], where: str, what: str) -> list[Any]:
    unknown = [k for k in keys if k not in mapping]
    if unknown:
        raise DirectoryDataError(f"{where}: unknown {what} {unknown}")
    return [mapping[k] for k in keys]


@transaction.atomic
def load_demo_directory(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Create or update the demo organizations and people; idempotent."""
    orgs_data = yaml.safe_load((directory / "organizations.yaml").read_text(encoding="utf-8"))
    people_data = yaml.safe_load((directory / "people.yaml").read_text(encoding="utf-8"))
    types = {t.slug: t for t in StakeholderType.objects.all()}
    countries = {c.code: c for c in Country.objects.all()}
    issues = {i.slug: i for i in LeverIssue.objects.all()}
    if not types or not countries:
        raise DirectoryDataError("load the taxonomy first (asmhub load-taxonomy)")

    organizations: dict[str, Organization] = {}
    for item in orgs_data["organizations"]:
        where = f"organizations.yaml {item['slug']}"
        hq = item.get("hq_country")
        org, _ = Organization.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "acronym": item.get("acronym") or "",
                "stakeholder_type": _lookup(types, [item["type"]], where, "stakeholder type")[0],
                "hq_country": _lookup(countries, [hq], where, "country")[0] if hq else None,
                "website": item.get("website") or "",
                "description": (item.get("description") or "").strip(),
                "source": item.get("source") or "",
                "status": Status.PUBLISHED,
            },
        )
        org.countries.set(_lookup(countries, item.get("countries") or [], where, "countries"))
        org.lever_issues.set(_lookup(issues, item.get("lever_issues") or [], where, "lever issues"))
        organizations[org.slug] = org
    for item in orgs_data["organizations"]:
        where = f"organizations.yaml {item['slug']}"
        org = organizations[item["slug"]]
        parent = (
            _lookup(organizations, [item["parent"]], where, "parent")[0]
            if item.get("parent")
            else None
        )
        if org.parent_id != (parent.pk if parent else None):
            org.parent = parent
            org.save(update_fields=["parent"])
        for membership in item.get("networks") or []:
            network = _lookup(organizations, [membership["network"]], where, "network")[0]
            NetworkMembership.objects.update_or_create(
                organization=org,
                network=network,
                defaults={
                    "since": int(membership["since"]) if membership.get("since") else None,
                    "state": membership.get("status", "member"),
                },
            )

    people = 0
    for item in people_data["people"]:
        where = f"people.yaml {item['slug']}"
        champion = item.get("champion") or {}
        person, _ = Person.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "honorific": item.get("honorific") or "",
                "expertise": item.get("expertise") or "",
                "is_champion": bool(champion),
                "champion_of": champion.get("of", ""),
                "source": item.get("role_in_seed") or "",
                "status": Status.PUBLISHED,
            },
        )
        person.lever_issues.set(
            _lookup(issues, item.get("lever_issues") or [], where, "lever issues")
        )
        person.countries.set(_lookup(countries, item.get("countries") or [], where, "countries"))
        person.champion_countries.set(
            _lookup(countries, champion.get("countries") or [], where, "countries")
        )
        wanted = set()
        for affiliation in item.get("affiliations") or []:
            org = _lookup(organizations, [affiliation["organization"]], where, "organization")[0]
            Affiliation.objects.update_or_create(
                person=person,
                organization=org,
                defaults={
                    "title": affiliation.get("title") or "",
                    "is_primary": bool(affiliation.get("primary")),
                },
            )
            wanted.add(org.pk)
        person.affiliations.exclude(organization_id__in=wanted).delete()
        people += 1
    return {"organizations": len(organizations), "people": people}


def history(obj: Organization | Person) -> list[AuditEntry]:
    return list(AuditEntry.for_object(obj)[:50])
