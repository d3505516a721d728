"""The moderation queue: everything awaiting an editor, and the e-mails around it.

The queue gathers, across every installed app, the contributions (``core.Contribution``)
submitted for review, the proposed changes to published profiles (``core.Revision``), and
the community reports not yet triaged, counted per programme for those who may triage
them (``monitoring.access``). Editors are e-mailed when something is submitted, the
contributor when it is decided: both hang on ``core.signals``, sent by the actions of
``core.actions``, so no app needs code of its own.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from asmhub.accounts.models import User
from asmhub.core import permissions
from asmhub.core.models import Contribution, Revision, Status
from asmhub.core.notify import notify
from asmhub.core.services import site_url
from asmhub.monitoring.access import access_for
from asmhub.reports.models import Report

logger = logging.getLogger(__name__)


def _quiet(receiver: Callable[..., None]) -> Callable[..., None]:
    """A moderation e-mail that cannot be sent must not fail the decision, which is
    already committed: the failure is logged instead."""

    @functools.wraps(receiver)
    def wrapped(*args: Any, **kwargs: Any) -> None:
        try:
            receiver(*args, **kwargs)
        except Exception:
            logger.exception("moderation e-mail not sent")

    return wrapped


@dataclass
class QueueGroup:
    label: str
    rows: list[dict[str, Any]]


def contribution_models() -> list[type[Contribution]]:
    return [m for m in apps.get_models() if issubclass(m, Contribution)]


def queue(user: Any) -> list[QueueGroup]:
    """What awaits review, grouped by kind of record, oldest first; empty for non-editors
    except for the community reports they may triage."""
    groups: list[QueueGroup] = []
    if permissions.is_editor(user):
        for model in contribution_models():
            rows = [
                {
                    "title": str(obj),
                    "url": obj.get_absolute_url(),
                    "by": obj.owner_organization.short_name if obj.owner_organization else "",
                    "since": obj.updated_at,
                }
                for obj in model._default_manager.filter(status=Status.SUBMITTED)
                .select_related("owner_organization")
                .order_by("updated_at")
            ]
            if rows:
                groups.append(QueueGroup(str(model._meta.verbose_name_plural).capitalize(), rows))
        revisions = [
            {
                "title": r.target_repr,
                "url": r.get_absolute_url(),
                "by": str(r.proposed_by or ""),
                "since": r.proposed_at,
            }
            for r in Revision.objects.filter(state=Revision.State.PENDING)
            .select_related("proposed_by")
            .order_by("proposed_at")
        ]
        if revisions:
            groups.append(QueueGroup(_("Proposed changes to published profiles"), revisions))
    reports = _reports(user)
    if reports:
        groups.append(QueueGroup(_("Community reports to triage"), reports))
    return groups


def _reports(user: Any) -> list[dict[str, Any]]:
    """New community reports, counted per programme the user may triage; never their text."""
    from django.db.models import Count, Min

    readable = access_for(user).restricted
    if not readable:
        return []
    return [
        {
            "title": _("%(count)s new in %(programme)s")
            % {"count": row["n"], "programme": row["programme__name"]},
            "url": reverse("reports:triage") + f"?programme={row['programme']}",
            "by": "",
            "since": row["oldest"],
        }
        for row in Report.objects.filter(state=Report.State.NEW, programme_id__in=readable)
        .values("programme", "programme__name")
        .annotate(n=Count("id"), oldest=Min("received_at"))
        .order_by("oldest")
    ]


def count(user: Any) -> int:
    return sum(len(g.rows) for g in queue(user))


def editor_addresses() -> list[str]:
    perm = Permission.objects.get(content_type__app_label="accounts", codename="moderate")
    return list(
        User.objects.filter(Q(groups__permissions=perm) | Q(user_permissions=perm), is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def _step() -> str:
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f")


@_quiet
def on_status_changed(
    sender: Any, instance: Any, old: Any, new: Any, actor: Any, **kw: Any
) -> None:
    """Submitted: tell the editors. Decided after review: tell the contributor."""
    link = site_url(instance.get_absolute_url())
    if new == Status.SUBMITTED:
        notify(
            editor_addresses(),
            _("Awaiting review: %(title)s") % {"title": str(instance)[:120]},
            "outreach/email/submitted.txt",
            {
                "title": str(instance),
                "link": link,
                "queue": site_url(reverse("outreach:moderation")),
            },
            reason="moderation-submitted",
            target=instance,
            step=_step(),
        )
    elif old == Status.SUBMITTED:
        author = getattr(instance, "created_by", None)
        if author is None or not author.email or author == actor or not author.is_active:
            return
        notify(
            [author.email],
            _("Reviewed: %(title)s") % {"title": str(instance)[:120]},
            "outreach/email/decided.txt",
            {
                "title": str(instance),
                "link": link,
                "published": new == Status.PUBLISHED,
                "status": instance.get_status_display(),
            },
            reason="moderation-decided",
            target=instance,
            step=_step(),
        )


@_quiet
def on_revision_changed(sender: Any, revision: Revision, actor: Any, **kw: Any) -> None:
    link = site_url(revision.get_absolute_url())
    if revision.state == Revision.State.PENDING:
        notify(
            editor_addresses(),
            _("Proposed change awaiting review: %(title)s") % {"title": revision.target_repr[:120]},
            "outreach/email/submitted.txt",
            {
                "title": revision.target_repr,
                "link": link,
                "queue": site_url(reverse("outreach:moderation")),
            },
            reason="moderation-submitted",
            target=revision,
        )
    elif revision.state in (Revision.State.APPROVED, Revision.State.REJECTED):
        author = revision.proposed_by
        if author is None or not author.email or author == actor or not author.is_active:
            return
        notify(
            [author.email],
            _("Reviewed: %(title)s") % {"title": revision.target_repr[:120]},
            "outreach/email/decided.txt",
            {
                "title": revision.target_repr,
                "link": link,
                "published": revision.state == Revision.State.APPROVED,
                "status": revision.get_state_display(),
                "note": revision.note,
            },
            reason="moderation-decided",
            target=revision,
        )
