"""How many queries each list and detail page takes, pinned per route.

The demo data of every app is loaded (monitoring's at a small size); starting from every
page of the URL configuration that takes no argument, the pages' own links are followed
to one address of each route, and each is fetched, with the caches empty, as an
anonymous visitor and as an editor. A page whose queries grow with the rows it shows
(an N+1) goes over its budget; a route without a budget fails the test, so that a new
page gets one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from _pytest.outcomes import Failed
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from asmhub.accounts.models import User

# Route name → the most queries one request may make (anonymous or editor, empty caches).
BUDGETS: dict[str, int] = {
    "briefs:campaign": 56,
    "briefs:compare": 7,
    "briefs:country": 23,
    "briefs:list": 10,
    "briefs:pack": 10,
    "briefs:packs": 8,
    "briefs:press": 9,
    "briefs:resources": 7,
    "outreach:moderation": 23,
    "strategy:group": 17,
    "strategy:plan": 10,
    "strategy:plan-draft": 9,
    "strategy:plans": 7,
    "calendar:event": 12,
    "calendar:list": 19,
    "calendar:month": 20,
    "calendar:week": 19,
    "convenings:agenda": 17,
    "convenings:breakout": 13,
    "convenings:breakout-report": 12,
    "convenings:commitments": 14,
    "convenings:detail": 28,
    "convenings:list": 8,
    "convenings:participant-links": 10,
    "convenings:participants": 11,
    "convenings:poll": 21,
    "convenings:polls": 11,
    "convenings:presentation": 18,
    "convenings:report": 12,
    "convenings:session": 15,
    "convenings:statements": 30,
    "core:about": 6,
    "core:home": 35,
    "core:search": 6,
    "directory:organization": 22,
    "directory:organizations": 17,
    "directory:people": 18,
    "directory:person": 13,
    "funding:activities": 14,
    "funding:activity": 14,
    "funding:applications": 8,
    "funding:common-ground": 15,
    "funding:concept": 57,
    "funding:concepts": 17,
    "funding:donor": 48,
    "funding:donors": 17,
    "funding:opportunities": 18,
    "funding:opportunity": 14,
    "funding:project": 12,
    "funding:projects": 17,
    "library:fact": 13,
    "library:facts": 12,
    "library:resource": 27,
    "library:search": 23,
    "library:stories": 14,
    "library:story": 26,
    "monitoring:area": 16,
    "monitoring:dashboard": 14,
    "monitoring:index": 10,
    "monitoring:map": 12,
    "monitoring:most-need": 18,
    "monitoring:site": 16,
    "monitoring:sms-tax-check": 4,
    "monitoring:tax-check": 8,
    "monitoring:taxes": 9,
    "reports:figures": 7,
    "reports:public": 7,
    "reports:triage": 7,
    "strategy:action": 16,
    "strategy:detail": 26,
    "strategy:goal": 28,
    "strategy:indicator": 14,
    "strategy:list": 7,
    "strategy:tracker": 9,
    "taxonomy:codelist": 9,
    "taxonomy:countries": 11,
    "taxonomy:country": 29,
    "taxonomy:index": 19,
    "taxonomy:lever-issue": 56,
    "taxonomy:mdg-goal": 18,
    "taxonomy:mineral": 12,
    "taxonomy:sdg-goal": 25,
    "taxonomy:sdg-targets": 8,
}
SKIPPED_NAMESPACES = {"admin", "api"}
# Pages that are not lists or details: forms, files, feeds and actions.
SKIPPED_WORDS = re.compile(
    r"(create|new|edit|delete|export|import|upload|file|download|feed|ics|csv|xlsx|pdf|docx"
    r"|geojson|json|login|logout|password|signup|register|token|status|moderate|decide"
    r"|review|respond|vote|join|leave|remove|add|approve|reject|set_language|csrf|healthz"
    r"|erase|consent|webhook|print|report-section|whiteboard|change|save|follow|claim|merge"
    r"|withdraw|publish|archive|cancel|restore|thumbnail|image|photo|tile|invite|confirm|inbound)",
)


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(view name with namespace, route text) of every URL pattern."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            space = f"{entry.namespace}:" if entry.namespace else ""
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from routes(entry.url_patterns, prefix + space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, str(entry.pattern)


def page_routes() -> dict[str, str]:
    return {
        name: text
        for name, text in routes()
        if ":" in name and not SKIPPED_WORDS.search(name) and not SKIPPED_WORDS.search(text)
    }


def load_demo() -> None:
    from asmhub.calendar.demo import load_demo_calendar
    from asmhub.convenings.demo import load_demo_convenings
    from asmhub.directory.services import load_demo_directory
    from asmhub.funding.services import load_demo_funding
    from asmhub.library.services import load_demo_library
    from asmhub.monitoring.demo import load_demo_monitoring
    from asmhub.reports.demo import load_demo_reports
    from asmhub.strategy.demo import load_demo_strategy

    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    load_demo_calendar()
    load_demo_monitoring(sites=40, visits=120, incidents=6, plans=3, taxes=10)
    load_demo_convenings()
    load_demo_reports()
    load_demo_strategy()


LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"]*)?"')


def crawl(client: Client, wanted: dict[str, str]) -> dict[str, str]:
    """One address per wanted route, found by following the pages' links."""
    found: dict[str, str] = {}
    queue = ["/", "/about/"]
    for name, text in wanted.items():
        if "<" not in text:
            try:
                queue.append(reverse(name))
            except Exception:  # noqa: S112 - a route with a regex argument
                continue
    seen: set[str] = set()
    while queue:
        path = queue.pop(0)
        if path in seen or len(seen) > 1500:
            continue
        seen.add(path)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.view_name in wanted and match.view_name not in found:
            found[match.view_name] = path
        elif match.view_name not in wanted:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        queue.extend(link for link in LINK.findall(response.content.decode()) if link not in seen)
    return found


@pytest.fixture
def walked(db: Any, editor: User, settings: Any) -> tuple[dict[str, str], dict[str, str]]:
    settings.ASMHUB_PAGE_CACHE = False
    load_demo()
    wanted = page_routes()
    signed_in = Client()
    signed_in.force_login(editor)
    return wanted, crawl(signed_in, wanted)


def test_every_list_and_detail_page_stays_within_its_query_budget(
    walked: tuple[dict[str, str], dict[str, str]],
    editor: User,
    django_assert_max_num_queries: Any,
) -> None:
    wanted, found = walked
    unreached = sorted(
        name for name, text in wanted.items() if "<" not in text and name not in found
    )
    assert not unreached, f"pages without arguments that were not fetched: {unreached}"
    assert len(found) >= 40
    signed_in = Client()
    signed_in.force_login(editor)
    over: list[str] = []
    measured: dict[str, int] = {}
    for name, path in sorted(found.items()):
        budget = BUDGETS.get(name)
        for who, client in (("anonymous", Client()), ("editor", signed_in)):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
            measured[name] = max(measured.get(name, 0), len(captured))
            if budget is None:
                continue
            cache.clear()
            try:
                with django_assert_max_num_queries(budget):
                    response = client.get(path)
            except Failed as exc:
                over.append(f"{name} ({who}, {path}): {str(exc).splitlines()[0]}")
                continue
            assert response.status_code in (200, 302, 403, 404), (name, who, response.status_code)
    missing = sorted(set(found) - set(BUDGETS))
    assert not missing, f"routes without a budget: {missing} (measured: {measured})"
    assert not over, "\n".join(over)
