"""What the home and about pages show: the platform's holdings and its mandate."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from asmhub.core import dataversions, permissions

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor

MANDATE_FILE = Path(__file__).resolve().parent / "data" / "mandate.yaml"


@cache
def mandate() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANDATE_FILE.read_text(encoding="utf-8"))
    return data


def capabilities() -> list[dict[str, Any]]:
    """The mandate's capabilities, each with ``url`` set to its page when the platform has
    it, and None when it does not yet: the about page promises only what exists."""
    found = []
    for item in mandate()["capabilities"]:
        try:
            url: str | None = reverse(item["page"]) if item.get("page") else None
        except NoReverseMatch:
            url = None
        found.append({**item, "url": url})
    return found


@dataclass(frozen=True)
class HomeStat:
    """One figure on the home page: how many of something the platform holds, and where."""

    count: int
    label: str | Promise
    url: str


def home_stats(user: Visitor) -> list[HomeStat]:
    """What each app holds, for the home page, in INSTALLED_APPS order.

    An app declares ``home_stats = "dotted.path"`` on its AppConfig: a function of the user
    that returns HomeStat rows counting only what that user may see.
    """
    found: list[HomeStat] = []
    for config in apps.get_app_configs():
        path = getattr(config, "home_stats", None)
        if path:
            provider: Callable[[Any], list[HomeStat]] = import_string(path)
            found.extend(provider(user))
    return found


def home_context(user: Visitor) -> dict[str, Any]:
    from asmhub.directory.models import Organization, Person
    from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, SDGGoal

    organizations = permissions.visible(user, Organization.objects.all())

    def figures() -> tuple[dict[str, int], list[HomeStat]]:
        counts = {
            "organizations": organizations.count(),
            "people": permissions.visible(user, Person.objects.all()).count(),
            "countries": Country.objects.filter(organizations__in=organizations).distinct().count(),
            "lever_issues": LeverIssue.objects.count(),
        }
        return counts, home_stats(user)

    # Counted once per change of the data for each visitor (what one may see differs).
    who = user.pk if user.is_authenticated else "anonymous"
    counts, stats = dataversions.remember("home-figures", None, figures, who, timezone.localdate())
    return {
        "counts": counts,
        "lever_issues": LeverIssue.objects.all(),
        "sdg_goals": SDGGoal.objects.all(),
        "mdg_goals": MDGGoal.objects.all(),
        "mandate": mandate(),
        "recent": organizations.select_related("stakeholder_type").order_by("-updated_at")[:6],
        "stats": stats,
    }


# The address the current request was served at (scheme and host), set by
# ``core.middleware.SiteAddressMiddleware`` for the length of each request.
served_origin: ContextVar[str] = ContextVar("served_origin", default="")
FALLBACK_SITE_URL = "http://localhost:8000"


def site_origin() -> str:
    """The platform's address without a trailing slash: ``ASMHUB_SITE_URL`` when it is
    set, else the address the current request was served at, else localhost."""
    configured = (settings.ASMHUB_SITE_URL or "").rstrip("/")
    return configured or served_origin.get() or FALLBACK_SITE_URL


def site_url(path: str = "") -> str:
    """``path`` on the platform's public address (see ``site_origin``), for e-mails,
    feeds and files read away from the site; full addresses pass unchanged."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{site_origin()}{path}"
