"""Hand-made convenings small enough to reason about in each test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.conftest import make_org, make_person
from asmhub.convenings.models import Convening, Participant, Role
from asmhub.core.models import Status
from asmhub.directory.models import ContactDetails, Organization


def make_convening(
    owner_org: Organization | None, status: str = Status.PUBLISHED, **fields: Any
) -> Convening:
    values: dict[str, Any] = {
        "title": "Donors and small-scale mining",
        "starts_on": dt.date(2026, 6, 16),
        "ends_on": dt.date(2026, 6, 17),
        "time_zone": "America/New_York",
        "goal": "To increase donor interest and investment in ASM.",
        "status": status,
        "owner_organization": owner_org,
    }
    values.update(fields)
    convening = Convening.objects.create(**values)
    if owner_org is not None:
        convening.organizers.add(owner_org)
    return convening


def make_participant(
    convening: Convening,
    name: str,
    organization: Organization | None = None,
    roles: list[str] | None = None,
    email: str = "",
    **fields: Any,
) -> Participant:
    person = make_person(name)
    if email:
        ContactDetails.objects.create(person=person, email=email, phone="+1 202 555 0100")
    return Participant.objects.create(
        convening=convening,
        person=person,
        organization=organization,
        roles=roles or [Role.PARTICIPANT],
        **fields,
    )


@pytest.fixture
def convening(org: Organization) -> Convening:
    """A published convening organized by ``org`` (the owner's and colleague's organization)."""
    return make_convening(org)


@pytest.fixture
def draft_convening(org: Organization) -> Convening:
    return make_convening(org, status=Status.DRAFT, title="A meeting still in draft")


@pytest.fixture
def donor_org(db: Any) -> Organization:
    return make_org("Department for International Development", "bilateral-donor", acronym="DFID")
