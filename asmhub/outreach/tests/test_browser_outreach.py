"""The outreach pages in headless Chromium, at 1280 and 390 pixels, in English and French:
a member follows the mercury lever issue with the htmx button, the secretariat composes a
newsletter and sees its recipient count change with the segment, an editor's moderation
queue, and an unsubscribe link. No console error, CSP report, page wider than the screen
or serious accessibility violation on the way.

Runs with ``pytest -m browser``; with $ASMHUB_SCREENSHOTS set, the pages are saved there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asmhub.conftest import browser_page, make_org, make_person, make_user, save_screenshot
from asmhub.core.models import Status
from asmhub.directory.models import Affiliation, ConsentRecord, ContactDetails
from asmhub.directory.services import record_consent
from asmhub.funding.models import DonorProfile
from asmhub.library.models import Resource
from asmhub.outreach import tokens
from asmhub.outreach.models import EmailFollow, Follow, Newsletter
from asmhub.taxonomy.models import LeverIssue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-pass-phrase-91"
AXE = Path(__file__).parents[2] / "core" / "tests" / "vendor" / "axe-core-4.14.1.min.js"
WIDTHS = (1280, 390)


def sign_in(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def set_language(page: Any, code: str) -> None:
    if page.locator("html").get_attribute("lang") != code:
        with page.expect_navigation():
            page.select_option("#lang-select", code)


def axe_problems(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {node['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def walk(page: Any, pages: dict[str, str], who: str) -> dict[str, Any]:
    """Each page at both widths in both languages: what is too wide or inaccessible."""
    found: dict[str, Any] = {}
    for language in ("en", "fr"):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})  # the switch is in view
        page.goto("/")
        set_language(page, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, url in pages.items():
                page.goto(url)
                page.wait_for_load_state("networkidle")
                assert page.locator("html").get_attribute("lang") == language
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    found[f"{who} {name} {language} {width}"] = f"{scroll}px wide"
                if width == WIDTHS[0]:
                    problems = axe_problems(page)
                    if problems:
                        found[f"{who} {name} {language} axe"] = problems
                save_screenshot(page, f"outreach-{name}-{language}-{width}")
    return found


def test_following_newsletters_and_the_queue_in_the_browser(browser: Any) -> None:
    mercury = LeverIssue.objects.get(slug="mercury-chemicals")
    org = make_org("Artisanal Gold Council", acronym="AGC")
    member = make_user("amina", "member", org)
    member.email = "amina@example.org"
    member.save()
    make_user("editor", "editor")
    make_user("secretariat", "secretariat-admin")
    donor = make_org("World Bank", "multilateral")
    DonorProfile.objects.create(organization=donor, status=Status.PUBLISHED)
    for name, email in (("Gotthard Walser", "walser@donor.example"), ("Anne Donor", "a@d.example")):
        person = make_person(name)
        Affiliation.objects.create(person=person, organization=donor)
        ContactDetails.objects.create(person=person, email=email)
        record_consent(
            purpose=ConsentRecord.Purpose.NEWSLETTER,
            granted=True,
            method=ConsentRecord.Method.IMPORT,
            recorded_by=None,
            person=person,
        )
    Resource.objects.create(title="Mercury-free gold processing", status=Status.PUBLISHED)
    Resource.objects.create(
        title="Retort field notes", status=Status.SUBMITTED, owner_organization=org
    )

    page = browser_page(browser, browser.base_url)
    sign_in(page, "amina")
    page.goto("/taxonomy/lever-issues/mercury-chemicals/")
    page.click("form.follow button[value=follow]")
    page.wait_for_selector("form.follow button[value=unfollow]")
    assert Follow.objects.filter(user=member, target_id=str(mercury.pk)).exists()
    found = walk(
        page,
        {
            "lever-issue": "/taxonomy/lever-issues/mercury-chemicals/",
            "following": "/outreach/following/",
        },
        "member",
    )

    sign_in(page, "editor")
    found |= walk(page, {"moderation": "/outreach/moderation/"}, "editor")
    assert "Retort field notes" in page.content()

    sign_in(page, "secretariat")
    page.goto("/outreach/newsletters/new/")
    page.fill("#id_subject", "Donor update")
    page.fill("#id_intro", "News for donors.")
    page.check("#id_donors_only")
    page.wait_for_function("document.querySelector('#segment-count').textContent.includes('2')")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    issue = Newsletter.objects.get(subject="Donor update")
    found |= walk(
        page,
        {
            "newsletters": "/outreach/newsletters/",
            "newsletter-form": "/outreach/newsletters/new/",
            "newsletter": f"/outreach/newsletters/{issue.pk}/",
            "newsletter-consent": "/outreach/newsletters/consent/",
        },
        "secretariat",
    )
    page.context.clear_cookies()
    found |= walk(
        page,
        {
            "unsubscribe": f"/outreach/unsubscribe/{tokens.make('walser@donor.example')}/",
            "lever-issue-anonymous": "/taxonomy/lever-issues/mercury-chemicals/",
        },
        "anyone",
    )
    page.goto("/taxonomy/lever-issues/mercury-chemicals/")
    page.fill("#follow-email", "visitor@example.org")
    page.click("form.follow-email button[type=submit]")
    page.wait_for_load_state()
    follow = EmailFollow.objects.get(address="visitor@example.org")
    confirm = (
        f"/outreach/follow/confirm/{tokens.make_for_email_follow(follow.pk, 'confirm-follow')}/"
    )
    found |= walk(page, {"confirm-follow": confirm}, "anyone")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    follow.refresh_from_db()
    assert follow.confirmed_at is not None
    assert found == {}, found
    assert page.problems == []
