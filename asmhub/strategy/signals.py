"""Computed indicators follow the records they count: a save or delete of one refreshes
them once the transaction commits, once per metric however many records the transaction
wrote (an import of a thousand organizations refreshes once). What each metric watches
comes from the registry (``metrics.py``), which every app may add to."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.db.transaction import get_connection

from asmhub.strategy import metrics


def watched() -> dict[str, list[str]]:
    """The metrics each watched model ("app.Model") refreshes."""
    found: dict[str, list[str]] = {}
    for metric in metrics.registry().values():
        for label in metric.watches:
            found.setdefault(label, []).append(metric.key)
    return found


def _queue(metric: str) -> None:
    """Refresh ``metric``'s indicators on commit, unless this transaction already will."""
    for entry in get_connection().run_on_commit:
        queued = entry[1]
        if getattr(queued, "strategy_metric", None) == metric and not queued.ran:
            return

    def refresh() -> None:
        from asmhub.strategy.services import refresh_metric

        refresh.ran = True  # type: ignore[attr-defined]
        refresh_metric(metric)

    refresh.strategy_metric = metric  # type: ignore[attr-defined]
    refresh.ran = False  # type: ignore[attr-defined]
    transaction.on_commit(refresh)


def connect() -> None:
    from django.apps import apps

    for label, keys in watched().items():
        model = apps.get_model(label)

        def changed(sender: Any, keys: list[str] = keys, **kwargs: Any) -> None:
            for key in keys:
                _queue(key)

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"strategy-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"strategy-del-{label}")
