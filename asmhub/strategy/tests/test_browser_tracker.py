"""The tracker in headless Chromium: an editor opens the tracker, makes an overdue convening
commitment an action of a goal, moves its status, opens the indicator chart and the
review report. No console error or CSP report on the way.

Runs with ``pytest -m browser``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.conftest import (
    browser_page,
    make_org,
    make_user,
    save_screenshot,
)
from asmhub.convenings.models import Commitment
from asmhub.convenings.tests.conftest import make_convening
from asmhub.strategy import services
from asmhub.strategy.models import Action, Indicator, Objective
from asmhub.strategy.tests.conftest import make_goal, make_strategy
from asmhub.taxonomy.models import Mineral

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_walks_the_tracker(browser: Any) -> None:
    org = make_org("Communities and Small-scale Mining", acronym="CASM")
    editor = make_user("editor", "editor")
    strategy = make_strategy()
    goal = make_goal(strategy, org, title="Raise donor awareness")
    objective = Objective.objects.create(goal=goal, title="Know the donors")
    convening = make_convening(org, starts_on=dt.date(2005, 6, 16), ends_on=dt.date(2005, 6, 17))
    commitment = Commitment.objects.create(
        convening=convening,
        organization=org,
        what="Hold the annual conference",
        due_on=dt.date(2005, 9, 30),
    )
    indicator = Indicator.objects.create(
        strategy=strategy,
        title="New partners",
        metric="new-members",
        baseline_on=dt.date(2005, 6, 17),
    )
    services.refresh(indicator)

    page = browser_page(browser, browser.base_url)
    page.goto("/accounts/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.goto("/strategy/tracker/")
    row = page.locator("#tracker tr.commitment")
    assert "Hold the annual conference" in row.inner_text()
    assert row.locator(".state-overdue").count() == 1
    save_screenshot(page, "strategy-tracker")
    row.locator("select[name=objective]").select_option(str(objective.pk))
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()
    action = Action.objects.get(commitment=commitment)
    assert page.url.endswith(f"/strategy/actions/{action.pk}/")
    assert page.locator("h1").inner_text() == "Hold the annual conference"
    assert page.locator(".state-overdue").count() == 1

    page.select_option(f"#status-{action.pk}", "done")
    page.fill(f"#note-{action.pk}", "Held in Salvador de Bahia")
    page.click("button:has-text('Change status')")
    page.wait_for_load_state()
    assert page.locator(".state-overdue").count() == 0
    assert "Held in Salvador de Bahia" in page.locator("ol.history").inner_text()

    page.goto("/strategy/tracker/")
    assert page.locator("#tracker tr.action").count() == 1
    assert page.locator("#tracker tr.overdue").count() == 0

    # Filtered by mineral: the action tagged gold through its goal stays, at phone width too.
    goal.minerals.add(Mineral.objects.get(slug="gold"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/strategy/tracker/")
    page.select_option("#tracker-mineral", "gold")
    page.click("#tracker-filter button[type=submit]")
    page.wait_for_load_state()
    assert "mineral=gold" in page.url
    assert page.locator("#tracker tr.action").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    save_screenshot(page, "strategy-tracker-mineral-390")
    page.select_option("#tracker-mineral", "tin")
    page.click("#tracker-filter button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#tracker tr.action").count() == 0
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(indicator.get_absolute_url())
    page.wait_for_function("document.querySelector('canvas[data-chart]').width > 0")
    review = services.hold_review(editor, strategy, dt.date(2006, 7, 15), "First review", "", "")
    page.goto(review.get_absolute_url())
    assert "Hold the annual conference" in page.content()
    with page.expect_download() as download:
        page.click("text=Download PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    assert page.problems == []
