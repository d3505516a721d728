"""Incidents and corrective action plans: their flags, and the audited writes of the pages.

A site is flagged (its exact position restricted, ``access.py``) while it has an open
incident, so every write of an incident, by any path (a page, the tax report, the
Django admin, the shell), recomputes its site's flag: ``connect_signals`` hooks the
model's saves and deletes, and the snapshot's token is renewed with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext as _

from asmhub.core.models import AuditEntry
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import CorrectiveAction, Incident


def _remember_site(sender: Any, instance: Incident, raw: bool = False, **kwargs: Any) -> None:
    """Keep the site an incident had before this save, in case the save moves it."""
    if raw or instance.pk is None:
        instance._previous_site_id = None  # type: ignore[attr-defined]
        return
    instance._previous_site_id = (  # type: ignore[attr-defined]
        Incident.objects.filter(pk=instance.pk).values_list("site_id", flat=True).first()
    )


def _reflag(sender: Any, instance: Incident, raw: bool = False, **kwargs: Any) -> None:
    """Recompute the flag of the incident's site (and of the site it left)."""
    if raw:
        return
    sites = {instance.site_id, getattr(instance, "_previous_site_id", None)}
    writer.refresh_sites([s for s in sites if s is not None])
    snapshot.bump()


def connect_signals() -> None:
    pre_save.connect(_remember_site, sender=Incident, dispatch_uid="monitoring-incident-site")
    post_save.connect(_reflag, sender=Incident, dispatch_uid="monitoring-incident-flag-save")
    post_delete.connect(_reflag, sender=Incident, dispatch_uid="monitoring-incident-flag-delete")


class SaveRecord:
    """Create or change an incident, a plan or an action from a page, with an audit entry.

    The shape of ``core/actions.py``: check, then the change and its audit entry in one
    transaction. A programme's ``restricted`` grant (its field team) enters and updates
    incidents, plans and actions; marking an action verified takes its ``manager`` grant
    and verification evidence.
    """

    def __init__(self, user: Any, instance: Any, values: dict[str, Any], programme_id: int):
        self.user = user
        self.instance = instance
        self.values = values
        self.programme_id = programme_id
        self.creating = instance.pk is None
        self.verb = "create" if self.creating else "update"

    def check(self) -> None:
        access = access_for(self.user)
        if not access.reads_restricted(self.programme_id):
            raise PermissionDenied(_("Only the programme's granted roles may do this."))
        if isinstance(self.instance, CorrectiveAction):
            verified = CorrectiveAction.State.VERIFIED
            if self.values.get("state") == verified and self.instance.state != verified:
                if not access.may_manage(self.programme_id):
                    raise PermissionDenied(_("Only the programme's managers verify an action."))
                if not (self.values.get("evidence") or "").strip():
                    raise PermissionDenied(_("An action is verified on evidence: give it."))

    def execute(self) -> Any:
        self.check()
        with transaction.atomic():
            changes: dict[str, Any] = {}
            for name, value in self.values.items():
                old = None if self.creating else getattr(self.instance, name)
                if self.creating or old != value:
                    changes[name] = {"from": _plain(old), "to": _plain(value)}
                    setattr(self.instance, name, value)
            if isinstance(self.instance, CorrectiveAction):
                verified = self.instance.state == CorrectiveAction.State.VERIFIED
                if verified and self.instance.verified_on is None:
                    self.instance.verified_on = dt.date.today()
                    changes["verified_on"] = {"from": None, "to": str(self.instance.verified_on)}
            if self.creating and hasattr(self.instance, "created_by_id"):
                self.instance.created_by = self.user
            self.instance.full_clean()
            self.instance.save()
            AuditEntry.record(self.user, self.verb, self.instance, changes)
        return self.instance


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
