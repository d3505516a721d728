"""Computed indicators follow the records they count: a save or delete of one refreshes
them once the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from asmhub.strategy.models import Indicator

WATCHED = {
    "directory.Organization": Indicator.Metric.NEW_MEMBERS,
    "library.SuccessStory": Indicator.Metric.VERIFIED_STORIES,
    "calendar.Event": Indicator.Metric.EVENTS_HELD,
    "funding.Application": Indicator.Metric.FUNDING_WON,
}


def connect() -> None:
    from django.apps import apps

    for label, metric in WATCHED.items():
        model = apps.get_model(label)

        def changed(sender: Any, metric: str = metric, **kwargs: Any) -> None:
            from asmhub.strategy.services import refresh_metric

            transaction.on_commit(lambda: refresh_metric(metric))

        post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"strategy-{label}")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"strategy-del-{label}")
