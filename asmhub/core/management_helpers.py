"""Shared pieces of the asmhub management commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string


def demo_loaders() -> list[tuple[str, Callable[[], Any]]]:
    """Each app's demo data loader, in INSTALLED_APPS order.

    An app declares ``demo_loader = "dotted.path.to.function"`` on its AppConfig.
    """
    found = []
    for config in apps.get_app_configs():
        path = getattr(config, "demo_loader", None)
        if path:
            found.append((config.label, import_string(path)))
    return found
