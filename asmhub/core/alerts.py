"""What an app declares to have its records announced to followers.

An app lists its ``AlertSource`` objects in ``alert_sources = "dotted.path"`` on its
AppConfig (a function returning them); the outreach app registers them and decides who
is told. Declaring a source needs only this module, so an app lower in the layer order
never imports outreach.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.dispatch import Signal

from asmhub.core import permissions
from asmhub.core.models import Status


def published_by_status(item: Any) -> bool:
    """A contribution is announced once its status is published."""
    return getattr(item, "status", Status.PUBLISHED) == Status.PUBLISHED


@dataclass(frozen=True)
class AlertSource:
    """One kind of record that followers are told about.

    ``kind`` is one of outreach's alert kinds; ``topics(item)`` returns the followable
    records the item is about. With ``signal=None`` the item is announced when
    ``core.signals.status_changed`` reports it published; with a signal, when that signal
    is sent, the item being its keyword argument ``signal_item``.
    """

    kind: str
    model: str  # "app_label.ModelName"
    topics: Callable[[Any], Iterable[models.Model]]
    signal: Signal | None = None
    signal_item: str = "instance"
    # False for sources announced by a job rather than on publication (call deadlines).
    on_publish: bool = True
    is_published: Callable[[Any], bool] = published_by_status
    may_see: Callable[[Any, Any], bool] = permissions.can_view

    @property
    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)
