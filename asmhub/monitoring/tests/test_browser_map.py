"""The map and a site page in headless Chromium: markers from the GeoJSON, filters, charts.

Runs with ``pytest -m browser``. Chromium comes from the system (Debian's ``chromium``);
tiles are switched off, since the tests run without a network. With
$ASMHUB_SCREENSHOTS set (``make screenshots``: docs/screenshots), the pages are saved there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from asmhub.accounts.services import sync_roles
from asmhub.conftest import CHROMIUM, CHROMIUM_FLAGS, browser_page, save_screenshot
from asmhub.taxonomy.loaders import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def taxonomy(transactional_db: Any) -> None:
    load_taxonomy()  # a transactional test empties the tables the session loaded
    sync_roles()


@pytest.fixture
def page(
    live_server: Any, settings: Any, taxonomy: None, monitoring: dict[str, Any]
) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright

    settings.ASMHUB_MAP_TILE_URL = ""  # no network: the map without a base layer
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        page = browser_page(browser, live_server.url)
        yield page
        browser.close()


def shot(page: Any, name: str) -> None:
    page.wait_for_timeout(500)  # the clusters' animation ends
    save_screenshot(page, name)


def test_the_map_shows_the_sites_and_follows_the_filters(
    page: Any, monitoring: dict[str, Any]
) -> None:
    page.goto("/monitoring/")
    page.wait_for_selector("#site-map[data-loaded='3']")
    assert page.inner_text("#site-count") == "3"
    assert page.locator("#site-map .leaflet-marker-icon").count() >= 2  # markers or clusters
    assert page.is_visible("#site-approximate")  # Mpama is shown rounded
    assert page.locator(".leaflet-tile").count() == 0  # no base layer was asked for
    shot(page, "monitoring-map")

    assert page.is_hidden("#map-reset")
    page.select_option("#f-mineral", "tin")
    page.wait_for_selector("#site-map[data-loaded='1']")
    assert page.is_visible("#map-reset")
    assert page.inner_text("#site-count") == "1"
    assert "mineral=tin" in page.url
    assert "mineral=tin" in page.get_attribute("a[data-export][href*='.csv']", "href")
    assert page.is_hidden("#site-approximate")

    page.select_option("#f-mineral", "")
    page.select_option("#f-armed_presence", "yes")
    page.wait_for_selector("#site-map[data-loaded='1']")
    page.locator("#site-map .site-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Mpama" in popup.inner_text() and "rounded to about 11 km" in popup.inner_text()
    popup.locator("a").click()
    page.wait_for_url(f"**{monitoring['mpama'].get_absolute_url()}")
    assert page.problems == []


def test_a_site_page_draws_its_position_and_charts(page: Any, monitoring: dict[str, Any]) -> None:
    page.goto(monitoring["bisie"].get_absolute_url())
    page.wait_for_selector("#site-position .site-marker")
    page.wait_for_selector("#workers-chart[height]")  # Chart.js drew both charts
    page.wait_for_selector("#risks-chart[height]")
    assert page.locator(".visits tbody").count() == 3
    shot(page, "monitoring-site")

    page.goto(monitoring["mpama"].get_absolute_url())
    page.wait_for_selector("#site-position path.leaflet-interactive")  # the ~11 km cell
    assert page.locator("#site-position .site-marker").count() == 0
    assert page.problems == []
