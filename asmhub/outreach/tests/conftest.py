"""Fixtures of the outreach tests: a follower of the mercury lever issue, with an address."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.accounts.models import User
from asmhub.conftest import make_user
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.library.models import Resource
from asmhub.taxonomy.models import LeverIssue


@pytest.fixture
def mercury(db: Any) -> LeverIssue:
    return LeverIssue.objects.get(slug="mercury-chemicals")


@pytest.fixture
def follower(db: Any, other_org: Organization) -> User:
    user = make_user("follower", "member", other_org)
    user.email = "follower@example.org"
    user.save()
    return user


@pytest.fixture
def staff_addresses(owner: User, editor: User) -> None:
    owner.email = "owner@example.org"
    owner.save()
    editor.email = "editor@example.org"
    editor.save()


def make_resource(owner: User, title: str, *lever_issues: LeverIssue, **fields: Any) -> Resource:
    resource = Resource.objects.create(
        title=title,
        status=fields.pop("status", Status.DRAFT),
        owner_organization=owner.organization,
        created_by=owner,
        **fields,
    )
    resource.lever_issues.set(lever_issues)
    return resource
