"""Who may see and change what. Every view, API handler and export asks here.

Roles (accounts/data/roles.yaml): anonymous visitors read what is published;
members contribute for their organization; editors moderate and publish;
secretariat administrators manage everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.db.models import Model, Q, QuerySet

from asmhub.core.models import Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from asmhub.accounts.models import User

    # Who asks: a signed-in user or an anonymous visitor (``request.user``).
    Visitor: TypeAlias = User | AnonymousUser

M = TypeVar("M", bound=Model)


def is_editor(user: Visitor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("accounts.moderate"))


def can_contribute(user: Visitor) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("accounts.contribute"))


def can_view_contact_details(user: Visitor) -> bool:
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("directory.view_contact_details")
    )


def can_manage_personal_data(user: Visitor) -> bool:
    """Export and erase anyone's personal data: secretariat administrators."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("directory.manage_personal_data")
    )


def _owns(user: Visitor, obj: Any) -> bool:
    org_id = getattr(user, "organization_id", None)
    return bool(org_id and getattr(obj, "owner_organization_id", None) == org_id)


def represents(user: Visitor, obj: Any) -> bool:
    """Whether ``user`` is a member of the organization that ``obj`` describes: an
    organization's own profile, or a donor's profile for the donor organization's members.
    Records say which organization they describe with ``described_organization_id``."""
    org_id = getattr(user, "organization_id", None)
    return bool(
        org_id
        and user.is_authenticated
        and can_contribute(user)
        and getattr(obj, "described_organization_id", None) == org_id
    )


def can_change(user: Visitor, obj: Any) -> bool:
    """Editors change anything; members change what their organization contributed, and
    their organization's own profile (see ``change_needs_review``)."""
    if is_editor(user):
        return True
    return can_contribute(user) and (_owns(user, obj) or represents(user, obj))


def change_needs_review(user: Visitor, obj: Any) -> bool:
    """Whether a change by ``user`` to ``obj`` is kept as a proposal for an editor to
    approve instead of being applied: a published profile changed by the organization it
    describes (not its contributor), so that the public page stays stable meanwhile."""
    if is_editor(user) or _owns(user, obj):
        return False
    return getattr(obj, "status", None) == Status.PUBLISHED and represents(user, obj)


def can_review_revisions(user: Visitor) -> bool:
    return is_editor(user)


def can_view_revision(user: Visitor, revision: Any) -> bool:
    """Editors, and the members of the organization whose profile the proposal changes."""
    if is_editor(user):
        return True
    target = revision.target
    return target is not None and represents(user, target)


def can_publish(user: Visitor, obj: Any) -> bool:
    return is_editor(user)


def can_view(user: Visitor, obj: Any) -> bool:
    return getattr(obj, "status", Status.PUBLISHED) == Status.PUBLISHED or can_change(user, obj)


def if_visible(user: Visitor, obj: M | None) -> M | None:
    """``obj`` when ``user`` may see it, else None: what a published record names of a
    draft (its parent, its organizer) is shown only to those who may see that draft."""
    if obj is None or not can_view(user, obj):
        return None
    return obj


def find_visible(user: Visitor, queryset: QuerySet[M], **lookup: Any) -> M | None:
    """The record of ``queryset`` matching ``lookup`` if ``user`` may see it, else None.

    References given by slug (a parent, an organizer, a proposer) are resolved through
    this, so that a record the user may not see answers as one that does not exist.
    """
    return visible(user, queryset).filter(**lookup).first()


def visible(user: Visitor, queryset: QuerySet[M]) -> QuerySet[M]:
    """The records of ``queryset`` that ``user`` may see."""
    if is_editor(user):
        return queryset
    condition = Q(status=Status.PUBLISHED)
    org_id = getattr(user, "organization_id", None) if user.is_authenticated else None
    if org_id and can_contribute(user):
        condition |= Q(owner_organization_id=org_id)
    return queryset.filter(condition)


def donor_organization_id(user: Visitor) -> int | None:
    """The donor a user works for: their organization, when it has a donor profile."""
    from asmhub.funding.models import DonorProfile

    org_id = getattr(user, "organization_id", None)
    if not (org_id and user.is_authenticated and user.is_active):
        return None
    return org_id if DonorProfile.objects.filter(organization_id=org_id).exists() else None


def proposes(user: Visitor, concept: Any) -> bool:
    """Whether ``user`` is a member of one of the concept's proposing organizations (or of
    the organization that contributed it, when it names no proposer)."""
    org_id = getattr(user, "organization_id", None)
    if not (org_id and can_contribute(user)):
        return False
    if concept.proposers.filter(pk=org_id).exists():
        return True
    return not concept.proposers.exists() and concept.owner_organization_id == org_id


def can_engage_concept(user: Visitor, concept: Any) -> bool:
    """Donor officers save a published concept, express interest and write to its
    proposers, unless their own organization proposes it."""
    return (
        getattr(concept, "status", None) == Status.PUBLISHED
        and donor_organization_id(user) is not None
        and not proposes(user, concept)
    )


def can_view_conversation(user: Visitor, concept: Any, donor_id: int) -> bool:
    """A conversation between a donor and a concept's proposers is theirs alone: the
    donor's members and the proposers' members see it, no one else."""
    if not (user.is_authenticated and user.is_active):
        return False
    if getattr(user, "organization_id", None) == donor_id:
        return donor_organization_id(user) == donor_id
    return proposes(user, concept)


# The strategy's results framework: a strategy is a contribution (published or not);
# its goals are the secretariat's, its actions their owners'.


def is_member(user: Visitor) -> bool:
    """Signed in as a member organization's user or as an editor."""
    return can_contribute(user) or is_editor(user)


def can_see_item(user: Visitor, item: Any) -> bool:
    """A goal, action or indicator marked members-only is shown to members only; an
    indicator computed from records kept from the public, only to their audience."""
    if getattr(item, "members_only", False) and not is_member(user):
        return False
    return can_see_audience(user, getattr(item, "audience", "public"))


def can_see_audience(user: Visitor, audience: str) -> bool:
    """Who sees a figure computed by a strategy metric (``strategy/metrics.py``):
    ``public`` everyone; ``editors`` the editors, who see the whole funding pipeline
    (it is otherwise private to each applicant); ``monitoring`` the readers granted every
    monitoring programme, since the figure counts sites from restricted corrective action
    plans, which monitoring publishes to others only as counts of actions, not of sites."""
    if audience == "public":
        return True
    if audience == "editors":
        return is_editor(user)
    if audience == "monitoring":
        from asmhub.monitoring.access import access_for
        from asmhub.monitoring.models import Programme

        every = set(Programme.objects.values_list("pk", flat=True))
        return every <= access_for(user).restricted
    return False


def can_edit_goal(user: Visitor, goal: Any) -> bool:
    """Editors and the secretariat edit every goal, its objectives and indicators."""
    return is_editor(user)


def _org_of(user: Visitor) -> int | None:
    return getattr(user, "organization_id", None) if user.is_authenticated else None


def can_add_action(user: Visitor, goal: Any) -> bool:
    """Editors, and members of the organization that owns the goal."""
    if is_editor(user):
        return True
    org_id = _org_of(user)
    return bool(can_contribute(user) and org_id and goal.owner_organization_id == org_id)


def can_edit_action(user: Visitor, action: Any) -> bool:
    """Editors; members of the organization that owns the action or its goal."""
    if is_editor(user):
        return True
    org_id = _org_of(user)
    if not (can_contribute(user) and org_id):
        return False
    return org_id in (action.owner_organization_id, action.objective.goal.owner_organization_id)


def is_secretariat(user: Any) -> bool:
    """A secretariat administrator (the role, or a superuser)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.groups.filter(name="secretariat-admin").exists())


def in_working_group(user: Any, group: Any) -> bool:
    """Whether ``user`` belongs to the working group: as a person added to it, or as a
    member of one of its member organizations."""
    if not (user.is_authenticated and user.is_active):
        return False
    if group.memberships.filter(user_id=user.pk).exists():
        return True
    org_id = _org_of(user)
    return bool(can_contribute(user) and org_id and group.members.filter(pk=org_id).exists())


def can_see_group_documents(user: Any, group: Any) -> bool:
    """A working group's members' space: its members and editors."""
    return is_editor(user) or in_working_group(user, group)


def can_request_to_join(user: Any, group: Any) -> bool:
    """Any signed-in person not yet in the group may express interest in joining it."""
    return bool(user.is_authenticated and user.is_active and not in_working_group(user, group))


def can_decide_join(user: Any, group: Any) -> bool:
    """The secretariat accepts or declines requests to join a working group."""
    return is_secretariat(user)


def can_edit_plan(user: Any, plan: Any) -> bool:
    """A work plan and its activities: editors, and members of the organization that
    contributed the plan."""
    return can_change(user, plan)


def can_draft_plan(user: Any, convening: Any) -> bool:
    """Draft a work plan from a convening: editors, and members of its owner organization."""
    return can_change(user, convening)


def can_import_framework(user: Any, strategy: Any) -> bool:
    """Replacing goals and actions from a spreadsheet: editors (who edit every goal)."""
    return is_editor(user)


# Outreach: newsletters are the secretariat's; their record of recipients (addresses)
# is seen by no one else.


def can_send_newsletters(user: Any) -> bool:
    """Compose and send newsletters, and see to whom each went: secretariat administrators."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("outreach.send_newsletter")
    )


def can_follow(user: Any) -> bool:
    """Follow records and receive alerts: anyone signed in."""
    return bool(user.is_authenticated and user.is_active)
