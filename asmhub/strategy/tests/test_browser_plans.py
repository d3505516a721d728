"""Work plans, working groups and the framework import in headless Chromium: an editor
drafts a work plan from a convening's poll and priorities and edits an activity; a member
asks to join a working group and the secretariat accepts; the new pages fit 1280 and
390 px in English and French. No console error or CSP report on the way.

Runs with ``pytest -m browser``; with ASMHUB_SCREENSHOTS set, each page is saved there.
"""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.conftest import browser_page, make_org, make_user, save_screenshot
from asmhub.convenings.models import Statement
from asmhub.convenings.poll_models import Answer, Option, Poll, Question, Response
from asmhub.convenings.tests.conftest import make_convening
from asmhub.strategy.models import JoinRequest, WorkingGroup, WorkPlan
from asmhub.strategy.tests.conftest import make_goal, make_strategy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-pass-phrase-91"


def _sign_in(page: Any, user: Any) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def _fits(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


def _convening(org: Any) -> Any:
    convening = make_convening(org, title="Member meeting")
    poll = Poll.objects.create(convening=convening, title="Themes for next year")
    question = Question.objects.create(poll=poll, kind=Question.Kind.MULTIPLE, text="Which?")
    options = [
        Option.objects.create(question=question, label=label)
        for label in ("Support for women in mining", "Addressing barriers for formalization")
    ]
    response = Response.objects.create(poll=poll, respondent_key="k")
    Answer.objects.create(response=response, question=question, option=options[0])
    Statement.objects.create(
        convening=convening,
        kind=Statement.Kind.PRIORITY,
        topic="Artisanal gold",
        statement="Take further action on artisanal gold.",
    )
    return convening


def test_an_editor_drafts_a_work_plan_and_a_member_joins_a_group(browser: Any) -> None:
    org = make_org("Public-Private Alliance", acronym="PPA")
    editor = make_user("editor", "editor")
    admin = make_user("secretariat", "secretariat-admin")
    member = make_user("member", "member", make_org("Pact"))
    strategy = make_strategy()
    goal = make_goal(strategy, org, title="Responsible sourcing")
    group = WorkingGroup.objects.create(strategy=strategy, name="Projects and Resources")
    convening = _convening(org)

    page = browser_page(browser, browser.base_url)
    _sign_in(page, editor)
    page.goto(convening.get_absolute_url())
    with page.expect_navigation():
        page.click("#strategy-links a")
    page.fill("#id_year", "2021")
    page.fill("#id_title", "Work plan 2021")
    page.select_option("#id_strategy", str(strategy.pk))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    plan = WorkPlan.objects.get()
    assert page.url.endswith(plan.get_absolute_url())
    women = plan.activities.get(title="Support for women in mining")
    card = page.locator(f"#activity-{women.pk}")
    assert "chosen by 1 of 1 respondents" in card.inner_text()
    assert page.locator(".activity").count() == 3
    with page.expect_navigation():
        card.locator("a:has-text('Edit')").click()
    page.select_option("#id_kind", "grant")
    page.fill("#id_budget_amount", "25000")
    page.fill("#id_budget_currency", "usd")
    page.select_option("#id_goals", str(goal.pk))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    women.refresh_from_db()
    assert (women.kind, women.budget_currency, list(women.goals.all())) == ("grant", "USD", [goal])
    assert "25000 USD" in page.locator(f"#activity-{women.pk}").inner_text()

    _sign_in(page, member)
    page.goto(f"/strategy/groups/{group.pk}/")
    page.fill("#id_message", "We run projects in South Kivu.")
    with page.expect_navigation():
        page.click("#join button[type=submit]")
    assert "Waiting for the secretariat" in page.locator("#my-request").inner_text()
    _sign_in(page, admin)
    page.goto("/strategy/groups/requests/")
    with page.expect_navigation():
        page.click("button[value=accept]")
    assert JoinRequest.objects.get().state == "accepted"
    assert group.memberships.filter(user=member).exists()
    assert page.problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_new_pages_fit_the_screen(browser: Any, width: int, language: str) -> None:
    org = make_org("Public-Private Alliance", acronym="PPA")
    editor = make_user("editor", "editor")
    strategy = make_strategy()
    make_goal(strategy, org)
    group = WorkingGroup.objects.create(
        strategy=strategy, name="Projects and Resources Work Group", mandate="Scope the grants."
    )
    group.members.set([org])
    convening = _convening(org)
    from asmhub.strategy import workplans

    plan = workplans.DraftWorkPlan(editor, convening, 2021, "Work plan 2021", strategy).execute()
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=browser.base_url
    )
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    _sign_in(page, editor)
    context.add_cookies([{"name": "django_language", "value": language, "url": browser.base_url}])
    pages = {
        "plans": "/strategy/plans/",
        "plan": plan.get_absolute_url(),
        "draft": f"/strategy/plans/draft/?convening={convening.pk}",
        "group": f"/strategy/groups/{group.pk}/",
        "import": f"/strategy/{strategy.slug}/import/",
    }
    for name, url in pages.items():
        page.goto(url)
        _fits(page, width)
        save_screenshot(page, f"strategy-{name}-{width}-{language}")
    page.goto(pages["plan"])
    assert ("Plan de travail pour 2021" if language == "fr" else "Work plan for 2021") in (
        page.content()
    )
    assert page.problems == []
