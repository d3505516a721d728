"""Signals sent by the actions of ``core.actions``, once the change is committed.

``status_changed``: a contribution moved through moderation (``ChangeStatus``), or was
created directly in a status (``SaveContribution`` creating: published when an editor
creates it). Arguments: ``sender`` (the model), ``instance``, ``old`` (None on creation),
``new`` and ``actor``.

``revision_changed``: a proposed change to a published profile was made
(``state="pending"``) or decided (``"approved"`` / ``"rejected"``). Arguments: ``sender``
(``Revision``), ``revision`` and ``actor``.

Receivers run after the transaction commits, so a refused or rolled-back write sends
nothing; the notification service and the alerts listen here rather than in each app.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

status_changed = Signal()
revision_changed = Signal()


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
