from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from asmhub import __version__
from asmhub.core import permissions
from asmhub.core.navigation import main_navigation


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_items": [
            {"label": item.label, "url": item.url, "current": item.is_current(request.path)}
            for item in main_navigation()
        ],
        "asmhub_version": __version__,
        "user_is_editor": bool(user and permissions.is_editor(user)),
    }
