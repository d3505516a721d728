"""One search over everything the platform holds, grouped by kind.

Each app declares ``search_provider = "dotted.path"`` on its AppConfig: a function
``provider(user, text, limit)`` returning ``SearchGroup`` rows, one per kind of record it
holds, with at most ``limit`` items each, counting and showing only what ``user`` may see,
and a link to that kind's own list for the rest. The search page calls every provider and
imports no app: a new capability (briefs, say) appears in the results by declaring its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor

RESULTS_PER_KIND = 5
MAX_QUERY_LENGTH = 200

Provider = Callable[[Any, str, int], Sequence["SearchGroup"]]


@dataclass(frozen=True)
class SearchItem:
    """One record found: what it is called, where it is, and a line about it."""

    title: str
    url: str
    detail: str = ""
    snippet: str = ""  # safe HTML (highlighted matches) or plain text


@dataclass
class SearchGroup:
    """The records of one kind that match, best first, and how many there are in all."""

    kind: str
    label: str | Promise
    items: list[SearchItem] = field(default_factory=list)
    total: int = 0
    more_url: str = ""  # that kind's own list, searching the same words
    order: int = 100


def with_query(url: str, text: str, key: str = "q") -> str:
    """``url`` searching ``text``: the "see all" link of a group."""
    return f"{url}?{urlencode({key: text})}"


def providers() -> list[Provider]:
    """The search providers of the installed apps, in INSTALLED_APPS order."""
    found: list[Provider] = []
    for config in apps.get_app_configs():
        path = getattr(config, "search_provider", None)
        if path:
            found.append(import_string(path))
    return found


def clean(text: str) -> str:
    """The words to search: spaces collapsed, at most ``MAX_QUERY_LENGTH`` characters."""
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def search_everything(user: Visitor, text: str, limit: int = RESULTS_PER_KIND) -> list[SearchGroup]:
    """Every kind of record that matches ``text`` for ``user``; kinds without a match are
    left out. An empty query finds nothing."""
    text = clean(text)
    if not text:
        return []
    groups: list[SearchGroup] = []
    for provider in providers():
        groups.extend(g for g in provider(user, text, limit) if g.total)
    return sorted(groups, key=lambda g: g.order)
