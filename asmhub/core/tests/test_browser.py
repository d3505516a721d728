"""End to end in headless Chromium: browse, search, sign in, and take screenshots.

Runs with ``pytest -m browser`` (``make test`` does). Chromium comes from the
system (Debian's ``chromium`` package); Playwright drives it, nothing is downloaded.
Screenshots go to $ASMHUB_SCREENSHOTS (``make screenshots``: docs/screenshots) or
test-artifacts/screenshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from asmhub.accounts.services import sync_roles
from asmhub.calendar.demo import load_demo_calendar
from asmhub.conftest import CHROMIUM, CHROMIUM_FLAGS, make_user
from asmhub.directory.models import Organization
from asmhub.directory.services import load_demo_directory
from asmhub.funding.services import load_demo_funding
from asmhub.library.services import load_demo_library
from asmhub.taxonomy.loaders import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("ASMHUB_SCREENSHOTS", "test-artifacts/screenshots"))


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's event loop shares the test thread
    )
    from playwright.sync_api import sync_playwright

    load_taxonomy()
    sync_roles()
    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    load_demo_calendar()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, base_url=live_server.url
        )
        page = context.new_page()
        page.csp_violations = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: (
                "Content Security Policy" in msg.text and page.csp_violations.append(msg.text)
            ),
        )
        yield page
        browser.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_visitor_browses_and_a_member_signs_in(page: Any) -> None:
    make_user("amina", "member", Organization.objects.get(slug="pact"))

    page.goto("/")
    assert "open partnership platform" in page.inner_text("h1")
    shot(page, "home")

    page.click("nav.main-nav >> text=Organizations")
    assert page.locator(".card").count() >= 20
    page.fill("#q", "mercury")
    page.wait_for_url(
        "**q=mercury**"
    )  # htmx swapped the results and pushed the search into the address bar
    count = page.inner_text(".result-count")
    assert "organizations" in count and not count.startswith("69 ")
    shot(page, "organizations-search")

    page.goto("/directory/organizations/?country=PE")
    page.click("text=CooperAcción")
    assert page.inner_text("h1").startswith("CooperAcción")
    shot(page, "organization")

    page.goto("/directory/people/jon-hobbs/")
    assert "Contact details are never public" in page.inner_text("main")
    shot(page, "person")

    page.goto("/accounts/login/")
    page.fill("#id_username", "amina")
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    assert "amina" in page.inner_text("header")
    page.goto("/directory/organizations/")
    assert page.is_visible("text=Add an organization")

    page.goto("/library/?q=mercury+women+Peru")
    assert "Karyn Keenan" in page.inner_text("#results")  # the Santa Filomena section
    shot(page, "library-search")
    page.click("#results .hit-passage >> nth=0 >> h2 a")  # stories and facts rank too
    assert page.locator(".passage:target").count() == 1  # opened at the passage
    shot(page, "library-resource")

    page.goto("/taxonomy/")
    shot(page, "taxonomy")
    page.goto("/taxonomy/sdg/8/")
    assert "8.7" in page.inner_text("main")
    shot(page, "sdg-8")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    shot(page, "api-docs")
    assert page.csp_violations == []


def test_the_platform_speaks_french(page: Any) -> None:
    page.goto("/")
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/taxonomy/lever-issues/mercury-chemicals/")
    assert "mercure" in page.inner_text("h1").lower()
    shot(page, "lever-issue-fr")


def test_a_need_is_matched_to_donors_with_the_reasons(page: Any) -> None:
    page.goto("/funding/")
    assert page.locator(".card").count() == 7
    shot(page, "donors")

    page.click("text=Swiss Agency for Development and Cooperation")
    assert "Mercury and chemical exposure" in page.inner_text(".priorities")
    page.wait_for_selector("canvas[data-chart][height]")  # Chart.js drew the footprint
    shot(page, "donor")

    page.goto("/funding/concepts/")
    page.click("text=Reduce mercury exposure of women gold miners in southern Peru")
    first = page.locator(".matches .match h3 a").first
    assert first.inner_text() == "Swiss Agency for Development and Cooperation"
    assert "Focus country: Peru." in page.inner_text(".matches .match >> nth=0")
    shot(page, "concept-match")

    # Weigh only the timing: htmx ranks again in place, and the order changes.
    for part in ("priorities", "geography", "history", "fit", "eligibility"):
        page.fill(f"input[name=w_{part}]", "0")
    page.dispatch_event("input[name=w_eligibility]", "change")
    # the fragment came back with the weights it was ranked with
    page.wait_for_selector('input[name=w_eligibility][value="0.0"]')
    scores = page.locator(".matches .match .score").all_inner_texts()
    assert all(int(s) in (0, 70, 100) for s in scores[:7])

    page.goto("/funding/common-ground/")
    assert page.locator(".heatmap tbody tr").count() == 17
    shot(page, "common-ground")
    assert page.csp_violations == []


def test_the_calendar_filters_and_its_feed_parses_in_the_browser(page: Any) -> None:
    make_user("lea", "member", Organization.objects.get(slug="pact"))
    page.goto("/calendar/?month=2005-06")
    assert "14:45 Donor Discussion" in page.inner_text(".month-grid")  # Washington time
    shot(page, "calendar-month")

    page.click(".calendar-filters summary")
    page.check("input[name=kind][value=donor-meeting]")
    page.wait_for_url("**kind=donor-meeting**")  # htmx swapped the calendar in place
    entries = page.locator(".month-grid .entry").all_inner_texts()
    assert entries == ["14:45 Donor Discussion"]

    page.goto("/calendar/list/?from=2020-09-01&to=2020-12-31")
    listed = page.inner_text(".agenda")
    for title in ("PPA member lightning talks", "2020 PPA Member Meeting", "survey closes"):
        assert title in listed
    shot(page, "calendar-list")
    page.click("text=2020 PPA Member Meeting (ninth member meeting)")
    assert "Margaret Lee" in page.inner_text("main")
    assert "@" not in page.inner_text(".facts")  # the contact is named, not reachable
    shot(page, "calendar-event")

    page.goto("/accounts/login/")
    page.fill("#id_username", "lea")
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main button[type=submit]")
    page.wait_for_url("**/")
    # The feed of every public date, read in the page by ical.js, a third parser.
    page.goto("/calendar/feeds/")
    page.wait_for_selector("[data-feed-preview][data-parsed]", timeout=15000)
    box = page.locator("[data-feed-preview]")
    assert box.get_attribute("data-parsed") not in ("error", "0")
    preview = box.inner_text()
    assert "2020 PPA Member Meeting" in preview and "1 time zones" in preview
    assert "FREQ=MONTHLY;BYDAY=1TU" in preview  # the secretariat call, with its rule
    # Import a file: the check shows the plan, the confirmation writes it.
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:kivu-forum@example.org\r\n"
        "SUMMARY:Kivu artisanal gold forum\r\nDTSTART;TZID=Africa/Lubumbashi:20270315T090000\r\n"
        "DTEND;TZID=Africa/Lubumbashi:20270315T170000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    page.goto("/calendar/import/")
    page.set_input_files(
        "#id_file",
        files=[{"name": "kivu.ics", "mimeType": "text/calendar", "buffer": ics.encode()}],
    )
    page.click("text=Check the file")
    assert "would import (dry run): 1 new" in page.inner_text(".import-report")
    shot(page, "calendar-import")
    page.click(".import-report button")
    page.wait_for_url("**/calendar/list/")
    assert "imported: 1 new" in page.inner_text(".messages")
    page.goto("/calendar/feeds/")
    page.wait_for_selector("[data-feed-preview][data-parsed]", timeout=15000)
    page.fill("#id_name", "Everything")
    page.click("text=Save >> nth=-1")
    assert "Everything" in page.inner_text(".saved-filter h3")
    shot(page, "calendar-feeds")
    assert page.csp_violations == []
