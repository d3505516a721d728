"""In a browser: a page from the anonymous cache carries no token, and its language form
still works, with the token fetched into the cookie by the page's script."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.conftest import browser_page

pytestmark = pytest.mark.browser


def test_the_language_form_of_a_cached_page_gets_its_token_from_the_cookie(
    browser: Any, live_server: Any
) -> None:
    first = browser_page(browser, live_server.url)
    first.goto("/directory/organizations/")  # kept for the next anonymous visitor
    page = browser_page(browser, live_server.url)
    answer = page.goto("/directory/organizations/")
    assert answer is not None and answer.headers.get("x-cache") == "hit"
    assert not [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    assert page.locator("input[data-csrf-from-cookie]").get_attribute("value") == ""
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert [c for c in page.context.cookies() if c["name"] == "csrftoken"]
    assert page.problems == []
