"""The people's paths through the site in a browser, at a desk (1280 px) and on a phone
(390 px): the administrator told why a convening is refused, a member proposing a change
to their own organization's profile, a donor officer engaging with a concept, a curator
deciding tag suggestions. Runs with ``pytest -m browser``; screenshots go to
$ASMHUB_SCREENSHOTS when it is set."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.conftest import browser_page, make_org, make_person, make_user, save_screenshot
from asmhub.convenings.models import Convening
from asmhub.core.models import Revision
from asmhub.directory.models import ContactDetails
from asmhub.funding.engagement_models import Interest, SavedConcept
from asmhub.funding.tests.conftest import concept, donor
from asmhub.library.services import ingest_bytes
from asmhub.library.tests.conftest import REPORT
from asmhub.taxonomy.models import Country

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
PASSWORD = "a-long-pass-phrase-91"
ANA_EMAIL = "ana.quispe@cooperaccion.example"


def _page(browser: Any, width: int) -> Any:
    page = browser_page(browser, browser.base_url)
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(10000)
    return page


def _click_and_wait(page: Any, selector: str) -> None:
    """Click what submits a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.click(selector)


def _sign_in(page: Any, user: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    _click_and_wait(page, "main form button[type=submit]")


def _fits(page: Any, width: int) -> None:
    """Nothing on the page is wider than the screen (no sideways scrolling)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at {width} px"


def _sign_out(page: Any) -> None:
    page.context.clear_cookies()


@pytest.mark.parametrize("width", WIDTHS)
def test_without_an_organization_a_convening_is_refused_with_the_reason(
    browser: Any, width: int
) -> None:
    admin = make_user("secretariat", "secretariat-admin")
    page = _page(browser, width)
    _sign_in(page, admin)
    page.goto("/convenings/new/")
    _fits(page, width)
    page.fill("#id_title", "Donor round table on gold")
    page.fill("#id_short_title", "Gold round table")
    page.fill("#id_starts_on", "2027-03-02")
    page.fill("#id_ends_on", "2027-03-03")
    page.fill("#id_place", "Bukavu")
    page.fill("#id_goal", "To match field needs with donors' cycles.")
    _click_and_wait(page, "main form.form button[type=submit]")
    main = page.inner_text("main")
    assert "Join an organization before organizing a convening." in main
    assert page.input_value("#id_title") == "Donor round table on gold"
    assert page.input_value("#id_place") == "Bukavu"
    assert not Convening.objects.exists()
    _fits(page, width)
    save_screenshot(page, f"convening-refusal-{width}")

    admin.organization = make_org("CASM Secretariat", "network")
    admin.save()
    page.goto("/convenings/new/")
    page.fill("#id_title", "Donor round table on gold")
    page.fill("#id_short_title", "Gold round table")
    page.fill("#id_starts_on", "2027-03-02")
    page.fill("#id_ends_on", "2027-03-03")
    page.fill("#id_place", "Bukavu")
    page.fill("#id_goal", "To match field needs with donors' cycles.")
    _click_and_wait(page, "main form.form button[type=submit]")
    convening = Convening.objects.get()
    assert convening.title == "Donor round table on gold"
    assert "Donor round table on gold" in page.inner_text("main")
    _fits(page, width)
    save_screenshot(page, f"convening-created-{width}")
    assert page.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_member_proposes_a_profile_change_that_an_editor_approves(
    browser: Any, width: int
) -> None:
    secretariat = make_org("CASM Secretariat", "network")
    coop = make_org("CooperAcción", "national-ngo", owner_organization=secretariat)
    coop.countries.set(Country.objects.filter(code="PE"))
    member = make_user("ana", "member", coop)
    editor = make_user("editor", "editor")
    text = "Peruvian NGO that supports mining communities since 1997."

    page = _page(browser, width)
    _sign_in(page, member)
    page.goto(f"/directory/organizations/{coop.slug}/edit/")
    _fits(page, width)
    page.fill("#id_description", text)
    _click_and_wait(page, "main form.form button[type=submit]")
    assert "submitted for review" in page.inner_text("main")
    _fits(page, width)
    save_screenshot(page, f"profile-proposed-{width}")
    revision = Revision.objects.get(state=Revision.State.PENDING)

    visitor = _page(browser, width)
    visitor.goto(coop.get_absolute_url())
    assert "CooperAcción" in visitor.inner_text("main")
    assert text not in visitor.content()

    _sign_out(page)
    _sign_in(page, editor)
    page.goto("/changes/")
    _fits(page, width)
    save_screenshot(page, f"changes-{width}")
    page.goto(revision.get_absolute_url())
    assert text in page.inner_text("main")
    _fits(page, width)
    save_screenshot(page, f"change-review-{width}")
    _click_and_wait(page, "button[value=approve]")
    revision.refresh_from_db()
    assert revision.state == Revision.State.APPROVED

    visitor.goto(coop.get_absolute_url())
    assert text in visitor.inner_text("main")
    _fits(visitor, width)
    save_screenshot(visitor, f"profile-published-{width}")
    assert page.problems == [] and visitor.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_donor_officer_engages_without_seeing_the_proposers_email(
    browser: Any, width: int
) -> None:
    andes = donor("Andes Fund", {"mercury-chemicals": 1.0}, ("PE",))
    officer = make_user("officer", "member", andes.organization)
    coop = make_org("CooperAcción", "national-ngo")
    ana = make_user("ana", "member", coop)
    ana.email = ANA_EMAIL
    ana.save()
    person = make_person("Ana Quispe")
    ContactDetails.objects.create(person=person, email=ANA_EMAIL)
    need = concept("Mercury-free gold in Puno", ("mercury-chemicals",), ("PE",), coop)

    page = _page(browser, width)
    _sign_in(page, officer)
    seen: list[str] = []
    page.goto(need.get_absolute_url())
    seen.append(page.content())
    _fits(page, width)
    save_screenshot(page, f"concept-donor-{width}")
    _click_and_wait(page, "text=Save to my list")
    assert SavedConcept.objects.filter(user=officer, concept=need).exists()
    seen.append(page.content())
    _click_and_wait(page, "text=Express interest")
    assert Interest.objects.filter(concept=need, donor=andes.organization).exists()
    seen.append(page.content())
    page.goto("/funding/saved/")
    assert need.title in page.inner_text("main")
    seen.append(page.content())
    _fits(page, width)
    page.goto(need.get_absolute_url())
    _click_and_wait(page, "text=Write to the proposers")
    page.fill("#id_body", "We fund mercury-free processing. Can we talk?")
    _fits(page, width)
    _click_and_wait(page, "main form.form button[type=submit]")
    assert "Message sent to the proposers." in page.inner_text("main")
    seen.append(page.content())
    _fits(page, width)
    save_screenshot(page, f"concept-conversation-{width}")
    assert all(ANA_EMAIL not in html for html in seen)
    assert page.problems == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_curator_decides_several_tag_suggestions_at_once(browser: Any, width: int) -> None:
    outcome = ingest_bytes("report.md", REPORT.encode(), publish=True)
    resource = outcome.resource
    assert resource is not None
    editor = make_user("editor", "editor")
    page = _page(browser, width)
    _sign_in(page, editor)
    page.goto(resource.get_absolute_url())
    panel = page.locator("#suggestions")
    assert "Peru" in panel.inner_text() and "country:PE" not in panel.inner_text()
    _fits(page, width)
    peru = resource.suggestions.get(passage=None, label="country:PE")
    mercury = resource.suggestions.get(passage=None, label="issue:mercury-chemicals")
    page.check(f"#suggestion-{peru.pk}")
    page.check(f"#suggestion-{mercury.pk}")
    page.click("text=Accept ticked")  # htmx replaces the panel in place
    page.locator("#suggestions .status").first.wait_for()
    assert page.locator("#suggestions .status").count() == 2
    peru.refresh_from_db()
    mercury.refresh_from_db()
    assert peru.decision == mercury.decision == "accepted"
    assert resource.countries.filter(code="PE").exists()
    assert page.problems == []
    _fits(page, width)
    # last: a full-page screenshot makes the browser report an inline style of its own
    save_screenshot(page, f"tag-suggestions-{width}")
