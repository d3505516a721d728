"""A convening from start to report in headless Chromium: a new organizer creates it,
builds the agenda and a breakout group, opens a poll that a participant answers from a
second browser while the results update, drafts the report, edits a section in place,
publishes it and downloads the PDF and the Word document. The PDF's pages are rendered
to images and checked (with $ASMHUB_SCREENSHOTS set they are saved beside the pages).

Runs with ``pytest -m browser``.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from asmhub.conftest import (
    SCREENSHOTS,
    browser_page,
    make_org,
    make_user,
    save_screenshot,
)
from asmhub.convenings.models import Convening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRAND = "#8a2be2"


def new_page(browser: Any) -> Any:
    return browser_page(browser, browser.base_url)


def submit(page: Any) -> None:
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()


def test_a_new_organizer_runs_a_convening_to_its_published_report(browser: Any) -> None:
    org = make_org("Artisanal Gold Council", acronym="AGC")
    make_user("amina", "member", org)
    page = new_page(browser)
    page.goto("/accounts/login/")
    page.fill("#id_username", "amina")
    page.fill("#id_password", "a-long-pass-phrase-91")
    page.click("main button[type=submit]")

    page.goto("/convenings/new/")
    page.fill("#id_title", "Donors and small-scale mining")
    page.fill("#id_starts_on", "2026-06-16")
    page.fill("#id_ends_on", "2026-06-17")
    page.select_option("#id_time_zone", "America/New_York")
    page.fill("#id_place", "Washington DC")
    page.fill("#id_goal", "To increase donor interest and investment in ASM.")
    page.fill("#id_brand_name", "Gold Council Secretariat")
    page.fill("#id_brand_colour", BRAND)
    save_screenshot(page, "convening-new")
    submit(page)
    save_screenshot(page, "convening-created")
    convening = Convening.objects.get()
    slug = convening.slug
    assert page.url.endswith(f"/convenings/{slug}/")

    page.goto(f"/convenings/{slug}/sessions/new/")
    page.fill("#id_title", "Breakout session two")
    page.select_option("#id_kind", "breakouts")
    page.fill("#id_day", "2026-06-16")
    page.fill("#id_starts_at", "14:00")
    page.fill("#id_ends_at", "15:30")
    submit(page)
    page.click("text=Add a breakout group")
    page.fill("#id_name", "Group Two")
    page.fill("#id_task", "Identify the common priorities among the ASM community.")
    submit(page)
    page.click("text=Record the notes and report-back")
    page.fill("#id_report_back", "Poverty, misperceptions and marginalization are common to all.")
    submit(page)
    assert "Poverty, misperceptions" in page.inner_text("main")

    page.goto(f"/convenings/{slug}/participants/new/")
    page.fill("#id_new_person", "Field Researcher")
    submit(page)
    save_screenshot(page, "convening-participant-added")
    page.goto(f"/convenings/{slug}/participants/links/")
    personal = page.locator("tr", has_text="Field Researcher").locator("input.copy-link")
    personal_link = personal.input_value()
    assert "/join/" in personal_link
    save_screenshot(page, "convening-links")

    page.goto(f"/convenings/{slug}/polls/new/")
    page.fill("#id_title", "Themes for next year")
    submit(page)
    page.click("text=Add a question")
    page.select_option("#id_kind", "single")
    page.fill("#id_text", "Which theme should come first?")
    page.fill("#id_options", "Women in mining\nBarriers to formalization\nConflict-free sourcing")
    submit(page)
    page.click("text=Open now")
    page.wait_for_selector("#poll-results [data-respondents='0']")

    other = new_page(browser)
    other.goto(personal_link)
    other.goto(page.url)
    other.check("text=Women in mining")
    other.click("text=Send my answers")
    assert "your answers are recorded" in other.inner_text("main")
    page.wait_for_selector("#poll-results [data-respondents='1']", timeout=10_000)
    assert "Women in mining" in page.inner_text("#poll-results")
    save_screenshot(page, "convening-poll-live")

    page.goto(f"/convenings/{slug}/report/")
    page.click("text=Draft the report")
    page.wait_for_selector("#section-secretariat")
    page.click("#section-secretariat >> text=Edit this section")
    page.wait_for_selector("#section-secretariat textarea")
    page.fill("#section-secretariat textarea", "The secretariat circulates this report.")
    page.click("#section-secretariat >> text=Save the section")
    page.wait_for_selector("#section-secretariat >> text=The secretariat circulates this report.")
    page.click("text=Publish")
    page.wait_for_load_state()
    assert "Published, edition 1" in page.inner_text("main")
    save_screenshot(page, "convening-report")

    with page.expect_download() as pdf_download:
        page.click("text=Download PDF")
    pdf_bytes = Path(pdf_download.value.path()).read_bytes()
    with page.expect_download() as word_download:
        page.click("text=Download Word")
    from docx import Document

    word = Document(str(word_download.value.path()))
    assert any("The secretariat circulates this report." in p.text for p in word.paragraphs)
    check_pdf_pages(pdf_bytes)
    assert page.problems == [] and other.problems == []


def check_pdf_pages(data: bytes) -> None:
    """Each page rendered to an image: the cover carries the brand colour along its top,
    every page has ink on it, and the section text is where it should be."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    assert len(document) >= 16  # cover, contents, fourteen sections
    want = tuple(int(BRAND[i : i + 2], 16) for i in (1, 3, 5))
    for number in range(len(document)):
        image = document[number].render(scale=1).to_pil().convert("RGB")
        if SCREENSHOTS:
            image.save(Path(SCREENSHOTS) / f"convening-report-pdf-{number + 1:02d}.png")
        width, height = image.size
        histogram = image.convert("L").histogram()
        ink = sum(histogram[:200]) / (width * height)
        assert ink > 0.001, f"page {number + 1} looks blank"
        if number == 0:
            band = image.getpixel((width // 2, int(height * 0.12)))
            assert all(abs(a - b) < 12 for a, b in zip(band, want, strict=True)), band
    text = document[len(document) - 1].get_textpage().get_text_range()
    assert "The secretariat circulates this report." in text
    contents = document[1].get_textpage().get_text_range()
    assert "Contents" in contents and "Common priorities among stakeholders" in contents
    assert io.BytesIO(data).getbuffer().nbytes > 0
