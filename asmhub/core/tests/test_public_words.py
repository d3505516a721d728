"""No internal words on public pages: every page a visitor reaches from the home page of
the demo is fetched, and its text must not name the seed documents by number, their file
names, or the platform's commands."""

from __future__ import annotations

import html
import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client

from asmhub.core.management_helpers import demo_loaders
from asmhub.library.models import Resource

pytestmark = pytest.mark.django_db

INTERNAL = [
    # "seed" as the documents were called inside the project; not the seeds of SDG 2.5.
    re.compile(
        r"\bseed(?:s|ed)?\b(?!,? (?:funding|capital|grants?|money|cultivated|and plant))", re.I
    ),
    re.compile(r"\b00[0-9]_"),
    re.compile(r"\basmhub [a-z][a-z-]+\b"),
    re.compile(r"\b(?:import-iati|load-demo|load-taxonomy|import-directory|manage\.py)\b"),
    re.compile(r"(?<![\w-])00[0-2] (?:front matter|Section|Appendix|\()"),
]
SKIP = re.compile(
    r"^/(?:api|admin|static|media|accounts)/|\.(?:pdf|docx|ics|csv|xlsx|json|png|zip)$"
)
LIMIT = 1500
LINK = re.compile(r'href="([^"]+)"')


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def crawl(client: Client, start: str = "/") -> dict[str, list[str]]:
    """Each public page reached from ``start``, with the internal words found on it."""
    seen = {start}
    queue = deque([start])
    found: dict[str, list[str]] = {}
    while queue and len(seen) <= LIMIT:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        text = visible_text(page)
        hits = [
            " ".join(text[max(0, m.start() - 50) : m.end() + 40].split())
            for pattern in INTERNAL
            for m in pattern.finditer(text)
        ]
        if hits:
            found[path] = hits
        for raw in LINK.findall(page):
            link = urldefrag(html.unescape(raw))[0]
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path  # query strings only filter what a path shows
            if SKIP.search(target) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    return found


def test_no_public_page_of_the_demo_shows_internal_words(client: Client, settings: Any) -> None:
    for _label, loader in demo_loaders():
        loader()
    found = crawl(client)
    assert found == {}, "\n".join(f"{path}: {hits[:5]}" for path, hits in found.items())
    # Citations name the document and link to the passage the quote comes from.
    report = Resource.objects.get(file_name="2005-mdg-asm-workshop-report.pdf")
    story = visible_text(client.get("/library/stories/peru-gama/").content.decode())
    assert report.title.split(".")[0] in story or "workshop report" in story
    page = client.get("/library/stories/peru-gama/").content.decode()
    assert re.search(rf'href="{re.escape(report.get_absolute_url())}#p\d+"', page)
    issue = client.get("/taxonomy/lever-issues/poverty-livelihoods/").content.decode()
    assert re.search(rf'href="{re.escape(report.get_absolute_url())}#p\d+"', issue)
    org = client.get("/directory/organizations/casm/").content.decode()
    assert f'href="{report.get_absolute_url()}"' in org
