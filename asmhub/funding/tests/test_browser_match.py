"""The match address opened directly in a browser is the styled concept page, and a
donor officer writes to the proposers from it. Runs with ``pytest -m browser``."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.conftest import browser_page, make_org, make_user

from .conftest import concept, donor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_match_address_is_a_styled_page_and_the_officer_writes(browser: Any) -> None:
    andes = donor("Andes Fund", {"mercury-chemicals": 1.0}, ("PE",))
    officer = make_user("officer", "member", andes.organization)
    need = concept("Mercury-free gold in Puno", ("mercury-chemicals",), ("PE",), make_org("Coop"))
    page = browser_page(browser, browser.base_url)
    page.goto(f"/funding/concepts/{need.slug}/match/?w_priorities=0")
    assert page.locator("h1").inner_text() == need.title
    # The site's stylesheet applies: the body's font is not the browser's default serif.
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Times" not in family and family != "serif"
    assert page.locator("input[name=w_priorities]").input_value() == "0.0"

    page.goto("/accounts/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(need.get_absolute_url())
    page.click("text=Write to the proposers")
    page.fill("#id_body", "We fund mercury-free processing. Can we talk?")
    page.click("form.form button[type=submit]")
    assert "Message sent to the proposers." in page.inner_text("main")
    assert page.problems == []
