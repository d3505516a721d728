"""A field team enters an incident and its corrective action plan in headless Chromium,
and the programme's manager verifies the action. Runs with ``pytest -m browser``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from asmhub.accounts.services import sync_roles
from asmhub.conftest import CHROMIUM, CHROMIUM_FLAGS, browser_page, make_org, make_user
from asmhub.monitoring.models import CorrectiveAction, Incident, ProgrammeGrant
from asmhub.taxonomy.loaders import load_taxonomy
from asmhub.taxonomy.models import RiskCategory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-pass-phrase-91"


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


def sign_in(browser: Any, base_url: str, username: str) -> Any:
    page = browser_page(browser, base_url)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    return page


def test_a_field_team_enters_an_incident_and_a_plan_that_a_manager_verifies(
    browser: Any, live_server: Any, monitoring: dict[str, Any]
) -> None:
    programme, site = monitoring["programme"], monitoring["kamituga"]
    ProgrammeGrant.objects.create(programme=programme, user=make_user("fieldteam", "member"))
    ProgrammeGrant.objects.create(
        programme=programme, user=make_user("lead", "member"), level="manager"
    )
    owner = make_org("SAEMAPE")

    page = sign_in(browser, live_server.url, "fieldteam")
    page.goto(f"/monitoring/sites/{site.pk}/")
    page.click("#incident-new")
    page.fill("#id_date", "2024-05-01")
    category = RiskCategory.objects.get(slug="non-state-armed-groups")
    page.select_option("#id_risk_category", str(category.pk))
    page.select_option("#id_severity", "high")
    page.fill("#id_description", "Armed men tax the pit entrance")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("#plan-new")
    assert "Armed men tax the pit entrance" in page.inner_text("main")

    page.click("#plan-new")
    page.fill("#id_title", "End the entrance tax")
    page.fill("#id_description", "Meet the local commander with SAEMAPE")
    page.select_option("#id_owner", str(owner.pk))
    page.fill("#id_due_on", "2024-09-01")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("a.action-edit")
    assert "End the entrance tax" in page.inner_text("main")
    assert "Corrective action under way" in page.inner_text("main")

    page.click("a.action-edit")
    page.select_option("#id_state", "done")
    page.fill("#id_evidence", "Minutes of the meeting, 2 June")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("a.action-edit")
    assert "Done, awaiting verification" in page.inner_text("main")

    lead = sign_in(browser, live_server.url, "lead")
    incident = Incident.objects.get(description="Armed men tax the pit entrance")
    lead.goto(incident.get_absolute_url())
    lead.click("a.action-edit")
    lead.select_option("#id_state", "verified")
    lead.click("form.form button[type=submit]")
    lead.wait_for_selector("a.action-edit")
    assert "Verified" in lead.inner_text("main")
    action = CorrectiveAction.objects.get(plan__incidents=incident)
    assert action.state == "verified" and action.verified_on is not None
