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


# The strategy's results framework: a strategy is a contribution (published or not);
# its goals are the secretariat's, its actions their owners'.


def is_member(user: Any) -> bool:
    """Signed in as a member organization's user or as an editor."""
    return can_contribute(user) or is_editor(user)


def can_see_item(user: Any, item: Any) -> bool:
    """A goal, action or indicator marked members-only is shown to members only."""
    return not getattr(item, "members_only", False) or is_member(user)


def can_edit_goal(user: Any, goal: Any) -> bool:
    """Editors and the secretariat edit every goal, its objectives and indicators."""
    return is_editor(user)


def _org_of(user: Any) -> int | None:
    return getattr(user, "organization_id", None) if user.is_authenticated else None


def can_add_action(user: Any, goal: Any) -> bool:
    """Editors, and members of the organization that owns the goal."""
    if is_editor(user):
        return True
    org_id = _org_of(user)
    return bool(can_contribute(user) and org_id and goal.owner_organization_id == org_id)


def can_edit_action(user: Any, action: Any) -> bool:
    """Editors; members of the organization that owns the action or its goal."""
    if is_editor(user):
        return True
    org_id = _org_of(user)
    if not (can_contribute(user) and org_id):
        return False
    return org_id in (action.owner_organization_id, action.objective.goal.owner_organization_id)
