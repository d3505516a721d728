"""A report sent by the web form and one sent by SMS reach the triage page; the officer
links the SMS one to a site and turns it into an incident that flags the site, in headless
Chromium. Runs with ``pytest -m browser``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from asmhub.accounts.services import sync_roles
from asmhub.conftest import CHROMIUM, CHROMIUM_FLAGS, browser_page, save_screenshot
from asmhub.monitoring.models import Site
from asmhub.monitoring.tests.test_browser_incidents import sign_in
from asmhub.reports import services
from asmhub.reports.models import Outbound, Report
from asmhub.reports.tests.conftest import Phone
from asmhub.taxonomy.loaders import load_taxonomy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def taxonomy(transactional_db: Any) -> None:
    load_taxonomy()
    sync_roles()


@pytest.fixture
def browser(live_server: Any, taxonomy: None, monitoring: dict[str, Any]) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        found = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield found
        found.close()


def test_reports_by_web_and_sms_are_triaged_into_an_incident(
    browser: Any, live_server: Any, monitoring: dict[str, Any], officer: Any
) -> None:
    public = browser_page(browser, live_server.url)
    public.goto("/reports/new/?lang=sw")
    public.fill("#id_text", "Watoto wanafanya kazi shimoni usiku")
    public.fill("#id_place", "Karibu na mto")
    public.fill("#id_phone", "+243 990 00 33 44")
    public.click("#report-send")
    public.wait_for_selector("#reference")
    web_reference = public.inner_text("#reference")
    save_screenshot(public, "reports-form-thanks")

    phone = Phone(Client())
    for text in ("SIGNALER Des soldats prennent un sac par equipe", "Bisie", "hier", "FARDC", "3"):
        assert phone.send(text).status_code == 200
    sms_report = Report.objects.get(channel="sms")

    page = sign_in(browser, live_server.url, "officer")
    page.goto("/reports/triage/")
    listed = page.inner_text("#reports")
    assert web_reference in listed and sms_report.reference in listed
    page.click(f"text={sms_report.reference}")
    page.wait_for_selector("#form-incident")
    assert "Des soldats prennent" in page.inner_text("#report-text")
    kamituga: Site = monitoring["kamituga"]
    page.select_option("#link-site", str(kamituga.pk))
    page.click("#form-link button")
    page.wait_for_selector("#form-incident")
    page.select_option("#incident-severity", "high")
    page.click("#form-incident button")
    page.wait_for_selector("#report-incident")
    assert page.inner_text("#report-state") == "Turned into an incident"
    save_screenshot(page, "reports-triage-incident")
    assert page.problems == [] and public.problems == []

    kamituga.refresh_from_db()
    assert kamituga.flagged
    texts = list(Outbound.objects.values_list("text", flat=True))
    assert any("Imepokelewa" in t for t in texts)  # the web reporter, in Swahili
    assert any("a été suivi" in t for t in texts)  # the SMS reporter, followed up
    services.deliver()
    assert not Outbound.objects.exclude(number="").exists()
