"""Version tokens of each app's data, replaced by every write, for caches keyed by them.

The pattern of ``core.versioned`` applied to whole apps: ``core_dataversion`` holds one
row per app with a random token. Every statement that writes to one of an app's tables
(INSERT, UPDATE, DELETE, through the ORM or a raw cursor, one row or a bulk) is followed,
in the same transaction, by a new token for that app, so that:

- a reader that sees the new data sees the new token too (they commit together);
- a rolled-back write leaves the token as it was;
- a cache entry keyed by the tokens it was built under is never served after a write:
  at worst a page built from newer data is stored under the older key, which nobody
  asks for once the new token is read.

The tokens are watched at the database connection (``execute_wrappers``), not through
model signals, because ``bulk_create``, ``QuerySet.update`` and raw SQL send none.
Tables outside the platform's apps (sessions, sign-in throttles, the task queue, the
admin's log), API tokens (their last use) and a user's ``last_login`` do not count: they change on reads and sign-ins,
and no page shows them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_dataversion"
_WRITE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_LAST_LOGIN = re.compile(
    r'^\s*UPDATE\s+"?accounts_user"?\s+SET\s+"?last_login"?\s*=\s*\S+\s+WHERE', re.I
)
# Written on reads, shown on no page: an API token's last use.
UNTRACKED = {"accounts_apitoken"}
_tables: dict[str, str] | None = None


def _table_apps() -> dict[str, str]:
    """Table name → app label of every table of the platform's own apps."""
    global _tables
    if _tables is None:
        found: dict[str, str] = {}
        for model in apps.get_models(include_auto_created=True):
            config = model._meta.app_config
            if config is None or not config.name.startswith("asmhub."):
                continue
            if model._meta.db_table != TABLE and model._meta.db_table not in UNTRACKED:
                found[model._meta.db_table] = config.label
        _tables = found
    return _tables


def written_app(sql: str) -> str | None:
    """The app whose table ``sql`` writes to, or None for reads and untracked tables."""
    match = _WRITE.match(sql)
    if not match or _LAST_LOGIN.match(sql):
        return None
    return _table_apps().get(match.group(1))


_paused = False  # while ``migrate`` runs: the table may not exist yet


def _bump(connection: BaseDatabaseWrapper, app: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (app, token) VALUES (%s, %s) "  # noqa: S608
            "ON CONFLICT (app) DO UPDATE SET token = excluded.token",
            [app, uuid.uuid4().hex],
        )


class _Watcher:
    """The execute wrapper of one connection: a new token after each tracked write."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        result = execute(sql, params, many, context)
        app = written_app(sql) if isinstance(sql, str) else None
        if app is not None and not _paused:
            _bump(self.connection, app)
        return result


def watch(connection: BaseDatabaseWrapper) -> None:
    """Install the watcher on ``connection`` once (called when it connects)."""
    if not any(isinstance(w, _Watcher) for w in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watcher(connection))


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    watch(connection)


def pause(**kwargs: Any) -> None:
    global _paused
    _paused = True


def resume(**kwargs: Any) -> None:
    global _paused
    _paused = False


def tokens(using: str = "default") -> dict[str, str]:
    """Every app's current token (one query)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT app, token FROM {TABLE}")  # noqa: S608
        return dict(cursor.fetchall())


def key_of(tokens_now: dict[str, str], apps_used: Iterable[str] | None = None) -> str:
    """The part of a cache key that names the data: the tokens of ``apps_used`` (all apps
    when None), in a stable order."""
    names = sorted(tokens_now) if apps_used is None else sorted(apps_used)
    return ".".join(f"{name}:{tokens_now.get(name, '')}" for name in names)


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def remember(
    name: str, apps_used: Iterable[str] | None, build: Callable[[], Any], *parts: Any
) -> Any:
    """``build()`` computed once per change of ``apps_used``'s data (every app's when
    None), kept in the cache
    under ``name``, ``parts`` (what else the result depends on: a user, a language, a
    date) and the apps' tokens."""
    data = key_of(tokens(), apps_used)
    key = ":".join(["asmhub-v", name, *(str(p) for p in parts), digest(data)])
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, 3600)
    return found
