"""The site's main navigation, assembled from the installed apps.

Each app's AppConfig may declare ``navigation = [NavItem(...), ...]``; a new
capability appears in the menu by declaring its own items, with no edit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def is_current(self, path: str) -> bool:
        return path.startswith(self.url)


def main_navigation() -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "navigation", []))
    return sorted(items, key=lambda item: item.order)
