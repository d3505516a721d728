"""The main pages in headless Chromium: one search from the header, narrow screens, and
accessibility checked by axe-core.

Runs with ``pytest -m browser``. axe-core (MPL-2.0, Deque Systems) is vendored for the
tests only, as ``vendor/axe-core-<version>.min.js`` beside its licence, and run in each
page through Playwright's ``evaluate``; nothing is fetched. With $ASMHUB_SCREENSHOTS set, the pages
are saved there at 1280 and 390 pixels wide.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asmhub.accounts.services import sync_roles
from asmhub.calendar.demo import load_demo_calendar
from asmhub.conftest import CHROMIUM, CHROMIUM_FLAGS, browser_page, make_user, save_screenshot
from asmhub.directory.models import Organization
from asmhub.directory.services import load_demo_directory
from asmhub.funding.services import load_demo_funding
from asmhub.library.services import load_demo_library
from asmhub.monitoring.tests.conftest import monitoring  # noqa: F401  (a fixture)
from asmhub.taxonomy.loaders import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
PASSWORD = "a-long-pass-phrase-91"
NARROW = 390

# The main pages of every app (the convening and concept pages, the profile and the
# citations are checked by their own tests).
PAGES = {
    "home": "/",
    "search": "/search/?q=mercury",
    "about": "/about/",
    "organizations": "/directory/organizations/",
    "organization": "/directory/organizations/pact/",
    "people": "/directory/people/",
    "library": "/library/?q=mercury",
    "facts": "/library/facts/",
    "stories": "/library/stories/",
    "donors": "/funding/",
    "donor": "/funding/donors/sdc/",
    "opportunities": "/funding/opportunities/",
    "projects": "/funding/projects/",
    "calendar": "/calendar/",
    "calendar-list": "/calendar/list/",
    "monitoring-map": "/monitoring/",
    "need-index": "/monitoring/index/",
    "most-need": "/monitoring/most-need/",
    "monitoring-dashboard": "/monitoring/dashboard/",
    "taxonomy": "/taxonomy/",
    "sdg": "/taxonomy/sdg/8/",
    "countries": "/taxonomy/countries/",
    "sign-in": "/accounts/login/",
}
SIGNED_IN_PAGES = {
    **PAGES,
    "organization-form": "/directory/organizations/new/",
    "event-form": "/calendar/events/new/",
}


@pytest.fixture
def taxonomy(transactional_db: Any) -> None:
    load_taxonomy()  # a transactional test empties the tables the session loaded
    sync_roles()


@pytest.fixture
def page(
    live_server: Any,
    settings: Any,
    taxonomy: None,
    monitoring: dict[str, Any],  # noqa: F811
) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright

    settings.ASMHUB_MAP_TILE_URL = ""  # no network: maps without a base layer
    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    load_demo_calendar()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        page = browser_page(browser, live_server.url)
        yield page
        browser.close()


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def axe_problems(page: Any) -> list[str]:
    """The serious and critical violations axe-core finds on the page, one line each."""
    # Not add_script_tag: the Content-Security-Policy refuses inline scripts, and the page
    # keeps its policy under test. Playwright's evaluate runs outside the page's policy.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:160]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")


def check_pages(page: Any, pages: dict[str, str], tag: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, url in pages.items():
        page.goto(url)
        settle(page)
        problems = axe_problems(page)
        if problems:
            found[f"{tag} {name}"] = problems
    return found


def test_the_main_pages_have_no_serious_accessibility_violations(page: Any) -> None:
    found = check_pages(page, PAGES, "anonymous")
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    found |= check_pages(page, {"home": "/", "search": "/search/?q=mercure"}, "fr")
    make_user("amina", "member", Organization.objects.get(slug="pact"))
    sign_in(page, "amina")
    found |= check_pages(page, SIGNED_IN_PAGES, "member")
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )
    assert page.problems == []


def test_the_main_pages_fit_a_phone_and_the_menu_opens(page: Any) -> None:
    for name, url in PAGES.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        settle(page)
        save_screenshot(page, f"wide-{name}")
    page.set_viewport_size({"width": NARROW, "height": 844})
    too_wide = {}
    for name, url in PAGES.items():
        page.goto(url)
        settle(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > NARROW:
            too_wide[name] = width
        save_screenshot(page, f"narrow-{name}")
    assert too_wide == {}

    page.goto("/directory/organizations/")
    toggle = page.locator(".nav-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("nav.main-nav").is_hidden()
    assert page.locator("#site-q").is_visible()  # the search stays in reach
    # The results come before the filters, which wait in their drawer.
    assert page.locator(".facets-drawer").evaluate("d => d.open") is False
    results_top = page.locator(".results .card").first.bounding_box()["y"]
    assert results_top < page.viewport_size["height"]
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("nav.main-nav").is_visible()
    save_screenshot(page, "narrow-menu-open")
    page.click("nav.main-nav >> text=Library")
    page.wait_for_url("**/library/")
    assert page.locator(".nav-toggle").get_attribute("aria-expanded") == "false"

    page.goto("/monitoring/")
    page.wait_for_selector("#site-map[data-loaded]")
    map_top = page.locator("#site-map").bounding_box()["y"]
    assert map_top < page.locator("#map-filters").bounding_box()["y"]
    assert page.problems == []


def test_one_search_from_the_header_and_a_site_found_on_the_map(page: Any) -> None:
    page.goto("/taxonomy/")
    page.fill("#site-q", "mercury")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=mercury")
    kinds = page.locator(".search-group h2").all_inner_texts()
    assert any(k.startswith("Organizations") for k in kinds)
    assert any(k.startswith("Resources and passages") for k in kinds)
    see_all = page.locator(".see-all").first
    target = see_all.get_attribute("href")
    see_all.click()
    page.wait_for_url(f"**{target}")
    assert "q=mercury" in target
    save_screenshot(page, "search-everything")

    page.goto("/monitoring/")
    page.wait_for_selector("#site-map[data-loaded='3']")
    page.fill("#map-site", "codmine00001")
    page.press("#map-site", "Enter")
    page.wait_for_selector("#site-map[data-focused]")
    assert page.locator("#map-found button").all_inner_texts() == ["Bisie · codmine00001"]
    assert "Bisie" in page.inner_text(".leaflet-popup-content")
    page.fill("#map-site", "nothing-like-this")
    page.press("#map-site", "Enter")
    page.wait_for_selector("#map-find-status:has-text('No site')")
    assert page.is_hidden("#map-found")
    assert page.problems == []


def test_a_long_country_list_can_be_searched(page: Any) -> None:
    make_user("amina", "member", Organization.objects.get(slug="pact"))
    sign_in(page, "amina")
    page.goto("/directory/organizations/new/")
    countries = page.locator("select#id_countries")
    assert countries.locator("option").count() > 200
    finder = page.get_by_label("Filter the list: Countries of operation")
    finder.fill("burk")
    shown = countries.locator("option:not([hidden])").all_inner_texts()
    assert shown == ["Burkina Faso"]
    finder.press("Enter")  # chooses the first shown option, without sending the form
    assert page.url.endswith("/directory/organizations/new/")
    assert countries.evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["BF"]
    finder.fill("")
    assert countries.locator("option:not([hidden])").count() > 200
    assert "Burkina Faso" in page.inner_text(".select-chosen")
    assert page.problems == []
