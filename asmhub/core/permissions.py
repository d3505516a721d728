"""Who may see and change what. Every view, API handler and export asks here.

Roles (accounts/data/roles.yaml): anonymous visitors read what is published;
members contribute for their organization; editors moderate and publish;
secretariat administrators manage everything.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from asmhub.core.models import Status

M = TypeVar("M", bound=Model)


def is_editor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("accounts.moderate"))


def can_contribute(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("accounts.contribute"))


def can_view_contact_details(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("directory.view_contact_details")
    )


def can_manage_personal_data(user: Any) -> bool:
    """Export and erase anyone's personal data: secretariat administrators."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("directory.manage_personal_data")
    )


def _owns(user: Any, obj: Any) -> bool:
    org_id = getattr(user, "organization_id", None)
    return bool(org_id and getattr(obj, "owner_organization_id", None) == org_id)


def can_change(user: Any, obj: Any) -> bool:
    """Editors change anything; members change what their organization contributed."""
    if is_editor(user):
        return True
    return can_contribute(user) and _owns(user, obj)


def can_publish(user: Any, obj: Any) -> bool:
    return is_editor(user)


def can_view(user: Any, obj: Any) -> bool:
    return getattr(obj, "status", Status.PUBLISHED) == Status.PUBLISHED or can_change(user, obj)


def if_visible(user: Any, obj: M | None) -> M | None:
    """``obj`` when ``user`` may see it, else None: what a published record names of a
    draft (its parent, its organizer) is shown only to those who may see that draft."""
    if obj is None or not can_view(user, obj):
        return None
    return obj


def find_visible(user: Any, queryset: QuerySet[M], **lookup: Any) -> M | None:
    """The record of ``queryset`` matching ``lookup`` if ``user`` may see it, else None.

    References given by slug (a parent, an organizer, a proposer) are resolved through
    this, so that a record the user may not see answers as one that does not exist.
    """
    return visible(user, queryset).filter(**lookup).first()


def visible(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The records of ``queryset`` that ``user`` may see."""
    if is_editor(user):
        return queryset
    condition = Q(status=Status.PUBLISHED)
    org_id = getattr(user, "organization_id", None) if user.is_authenticated else None
    if org_id and can_contribute(user):
        condition |= Q(owner_organization_id=org_id)
    return queryset.filter(condition)
