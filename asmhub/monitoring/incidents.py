"""Incidents and corrective action plans: their flags, and the audited writes of the pages.

A site is flagged (its exact position restricted, ``access.py``) while it has an open
incident, so every write of an incident, by any path (a page, the tax report, the
Django admin, the shell), recomputes its site's flag: ``connect_signals`` hooks the
model's saves and deletes, and the snapshot's token is renewed with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save

from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import Incident


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
