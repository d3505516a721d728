"""A brief in headless Chromium: an editor drafts the gender brief, edits the ask, publishes
it, and a visitor opens it, downloads its PDF and finds two printed pages or so, then
reads it in French and on a phone. No console error or CSP report on the way.

Runs with ``pytest -m browser``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from asmhub.briefs.tests.conftest import gender  # noqa: F401  (the records to draft from)
from asmhub.conftest import browser_page, make_user, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_publishes_the_gender_brief_and_a_visitor_downloads_its_pdf(
    browser: Any,
    gender: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    editor = make_user("editor", "editor")
    page = browser_page(browser, browser.base_url)
    page.goto("/accounts/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    page.goto("/briefs/")
    page.get_by_text("Draft a brief for another lever issue").click()
    page.get_by_role(
        "button", name="Draft the brief on Gender equality and women in mining"
    ).click()
    page.wait_for_load_state()
    assert "Working copy, not published." in page.inner_text("main")
    page.click("#section-ask p.small a")
    page.fill("#id_text", "Fund the leadership of women in cooperatives [1].")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "Fund the leadership of women in cooperatives" in page.inner_text("#section-ask")
    page.fill("#id_note", "First edition")
    page.get_by_role("button", name="Publish a new version").click()
    page.wait_for_load_state()
    assert "Version 1" in page.inner_text("main")
    assert page.problems == []

    visitor = browser_page(browser, browser.base_url)
    visitor.goto("/briefs/gender-brief/")
    assert "Fund the leadership of women in cooperatives" in visitor.inner_text("main")
    with visitor.expect_download() as caught:
        visitor.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "brief.pdf"
    caught.value.save_as(saved)
    pdf = pypdfium2.PdfDocument(saved)
    assert 1 <= len(pdf) <= 3, len(pdf)
    first = pdf[0].get_textpage().get_text_range()
    assert "Gender equality and women in mining" in first
    # The sources sit at the foot of each section, linked to the records' pages.
    links = [link for i in range(len(pdf)) for link in _links(pdf[i])]
    assert any("/library/" in link for link in links)
    save_screenshot(visitor, "brief-gender")
    assert visitor.problems == []

    visitor.context.add_cookies(
        [{"name": "django_language", "value": "fr", "url": browser.base_url}]
    )
    visitor.set_viewport_size({"width": 390, "height": 844})
    visitor.goto("/briefs/gender-brief/")
    assert "L'enjeu et pourquoi il compte" in visitor.inner_text("main")
    width = visitor.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert visitor.problems == []


def _links(page: Any) -> list[str]:
    """The addresses of a PDF page's link annotations."""
    import pypdfium2.raw as raw

    found = []
    for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annot = raw.FPDFPage_GetAnnot(page.raw, index)
        link = raw.FPDFAnnot_GetLink(annot)
        if link:
            action = raw.FPDFLink_GetAction(link)
            size = raw.FPDFAction_GetURIPath(page.pdf.raw, action, None, 0)
            if size:
                buffer = (raw.c_char * size)()
                raw.FPDFAction_GetURIPath(page.pdf.raw, action, buffer, size)
                found.append(buffer.value.decode("utf-8", "replace"))
        raw.FPDFPage_CloseAnnot(annot)
    return found
