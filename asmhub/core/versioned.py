"""Data held in each process's memory, rebuilt when a token row in the database changes.

An in-memory index (the funding matching index, the monitoring snapshot) is built from
many tables; several web processes must not serve stale copies. Each index has a model
with one row holding a random token: every write that matters stores a new token in its
own transaction (``bump``), and ``current`` rebuilds the process's copy when the token it
was built from is no longer the stored one.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class Tokened(Protocol):
    token: str


T = TypeVar("T", bound=Tokened)


class Versioned(Generic[T]):
    def __init__(self, model: Any, build: Callable[[str], T]) -> None:
        self.model = model  # a model with a ``token`` field; its row pk=1 holds the token
        self.build = build
        self._lock = threading.Lock()
        self._current: T | None = None

    def token(self) -> str:
        return self.model.objects.filter(pk=1).values_list("token", flat=True).first() or ""

    def bump(self) -> None:
        """Mark every process's copy stale (call in the transaction of the change)."""
        if not self.model.objects.filter(pk=1).update(token=uuid.uuid4().hex):
            self.model.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})

    def current(self) -> T:
        """This process's copy, rebuilt first when the data changed since it was built."""
        token = self.token()
        found = self._current
        if found is not None and found.token == token:
            return found
        with self._lock:
            if self._current is None or self._current.token != token:
                self._current = self.build(token)  # the token was read before the data
            return self._current
