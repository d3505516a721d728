"""Working groups: expressions of interest in joining, the secretariat's answer, and the
members' space for documents.

A request reaches the secretariat administrators by e-mail (``core.notify``, reason
``strategy-join``, step ``new``) and waits on the group's page and on the list of
requests, where they accept it (the person joins the group) or decline it; either way the
person is told by e-mail (step ``accepted`` or ``declined``). Each step is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.core.notify import notify
from asmhub.strategy.models import GroupDocument, GroupMembership, JoinRequest, WorkingGroup

REASON = "strategy-join"
MESSAGE_LIMIT = 2000


def secretariat_addresses() -> list[str]:
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    found = users.filter(groups__name="secretariat-admin") | users.filter(is_superuser=True)
    return sorted({u.email for u in found.distinct()})


def request_to_join(user: Any, group: WorkingGroup, message: str) -> JoinRequest:
    """Record ``user``'s interest in joining ``group`` and tell the secretariat."""
    if not permissions.can_request_to_join(user, group):
        raise PermissionDenied(_("You are already in this group, or not signed in."))
    text = (message or "").strip()
    if not text:
        raise ValidationError({"message": _("Say in a few words why you would like to join.")})
    if len(text) > MESSAGE_LIMIT:
        raise ValidationError(
            {"message": _("Keep the message under %(n)s characters.") % {"n": MESSAGE_LIMIT}}
        )
    if group.requests.filter(user=user, state=JoinRequest.State.PENDING).exists():
        raise ValidationError(
            {"message": _("Your earlier request to join this group is still waiting.")}
        )
    with transaction.atomic():
        request = JoinRequest.objects.create(group=group, user=user, message=text)
        audit(user, "request-to-join", request, {"group": str(group)})
        notify(
            secretariat_addresses(),
            _("Request to join %(group)s") % {"group": group.name},
            "strategy/email/join_request.txt",
            {
                "request": request,
                "group": group,
                "who": _who(user),
                "link": reverse("strategy:join-requests"),
            },
            reason=REASON,
            target=request,
            step="new",
        )
    return request


def _who(user: Any) -> str:
    name = user.get_full_name() or user.get_username()
    org = getattr(user, "organization", None)
    return f"{name} ({org})" if org else name


def decide(user: Any, request: JoinRequest, accept: bool, answer: str = "") -> JoinRequest:
    """Accept (the person joins the group) or decline a request, and tell the person."""
    if not permissions.can_decide_join(user, request.group):
        raise PermissionDenied(_("Only the secretariat answers requests to join."))
    if request.state != JoinRequest.State.PENDING:
        raise ValidationError(_("This request has already been answered."))
    state = JoinRequest.State.ACCEPTED if accept else JoinRequest.State.DECLINED
    with transaction.atomic():
        request.state = state
        request.answer = (answer or "").strip()[:MESSAGE_LIMIT]
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save()
        if accept:
            GroupMembership.objects.get_or_create(group=request.group, user=request.user)
        audit(user, f"join-{state}", request, {"state": {"from": "pending", "to": state}})
        if request.user.email:
            notify(
                [request.user.email],
                (_("Welcome to %(group)s") if accept else _("Your request to join %(group)s"))
                % {"group": request.group.name},
                "strategy/email/join_answer.txt",
                {
                    "request": request,
                    "group": request.group,
                    "accepted": accept,
                    "link": reverse("strategy:group", args=[request.group_id]),
                },
                reason=REASON,
                target=request,
                step=state,
            )
    return request


def pending_requests(user: Any) -> list[JoinRequest]:
    if not permissions.is_secretariat(user):
        return []
    return list(
        JoinRequest.objects.filter(state=JoinRequest.State.PENDING).select_related(
            "group__strategy", "user__organization"
        )
    )


def add_document(user: Any, group: WorkingGroup, values: dict[str, Any]) -> GroupDocument:
    """A document in the group's members' space, audited."""
    if not permissions.can_see_group_documents(user, group):
        raise PermissionDenied(_("Only the group's members and editors add documents here."))
    if not values.get("file") and not values.get("link"):
        raise ValidationError({"file": _("Attach a file or give a link.")})
    with transaction.atomic():
        document = GroupDocument(group=group, added_by=user, **values)
        document.full_clean()
        document.save()
        audit(user, "create", document, {"title": {"from": None, "to": document.title}})
    return document
