"""The monitoring capability's part of the site-wide search (``core/search.py``): mine
sites by name or P-code, read through ``present.py`` with the user's access."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.search import SearchGroup, SearchItem, with_query
from asmhub.monitoring import present, snapshot
from asmhub.monitoring.access import access_for
from asmhub.monitoring.models import Site


def search_everything(user: Any, text: str, limit: int) -> list[SearchGroup]:
    found, total = present.find_sites(snapshot.current(), access_for(user), text, limit)
    labels = dict(Site.Qualification.choices)
    items = [
        SearchItem(
            site["name"],
            site["url"],
            " · ".join(
                str(part) for part in (site["pcode"], labels.get(site["qualification"], "")) if part
            ),
        )
        for site in found
    ]
    more = with_query(reverse("monitoring:map"), text, key="site")
    return [SearchGroup("sites", _("Mine sites"), items, total, more, order=80)]
