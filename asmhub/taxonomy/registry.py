"""What each app has tagged with a taxonomy term, for the term's page.

An app registers a provider in its AppConfig.ready():

    register_tagged(tagged_organizations)

A provider takes the user and the term (an SDGGoal, MDGGoal, LeverIssue, Mineral,
Country, or an Organization of the directory) and returns sections to list, or
nothing for terms it does not tag.
A new capability shows its records on every term page by registering one more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass
class TaggedSection:
    title: str | Promise
    items: QuerySet[Any] | list[Any]
    more_url: str = ""

    @property
    def count(self) -> int:
        return self.items.count() if isinstance(self.items, QuerySet) else len(self.items)


Provider = Callable[[Any, Model], list[TaggedSection]]
_providers: list[Provider] = []


def register_tagged(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def tagged_with(user: Any, term: Model) -> list[TaggedSection]:
    sections: list[TaggedSection] = []
    for provider in _providers:
        sections.extend(provider(user, term))
    return sections
