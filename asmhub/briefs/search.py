"""The briefs' part of the site-wide search (``core/search.py``): briefs by their title or
lever issue, only those the user may read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.briefs.services import visible_briefs
from asmhub.core.search import SearchGroup, SearchItem


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    words = text.strip()
    if not words:
        return []
    found = visible_briefs(user).filter(
        Q(title__icontains=words) | Q(lever_issue__name__icontains=words)
    )
    items = [
        SearchItem(b.title, b.get_absolute_url(), b.lever_issue.tr("name")) for b in found[:limit]
    ]
    return [
        SearchGroup("briefs", _("Briefs"), items, found.count(), reverse("briefs:list"), order=65)
    ]
