"""The anonymous page cache: what it keeps, for whom, and until when.

A kept page is given to every visitor who is not signed in, so each test here checks
one way it could show somebody what they may not see, or something out of date.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_person
from asmhub.core import dataversions
from asmhub.core.models import DataVersion, Status
from asmhub.directory.models import ContactDetails, Organization

ORGS = "/directory/organizations/"
TOKEN_IN_PAGE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|X-CSRFToken": "[^"]+"')


def get(client: Client, path: str, **headers: Any) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code in (200, 304), (path, response.status_code)
    return response


@pytest.mark.django_db
def test_an_anonymous_page_is_kept_and_answered_from_the_cache_with_validators() -> None:
    make_org("Kept Mining Cooperative")
    first = get(Client(), ORGS)
    assert "X-Cache" not in first
    second = get(Client(), ORGS)
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "public" in second["Cache-Control"] and "max-age=60" in second["Cache-Control"]
    assert second["ETag"] == first["ETag"] and second["Last-Modified"]
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]
    again = Client().get(ORGS, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.django_db
def test_pages_carry_no_csrf_token_and_set_no_cookie() -> None:
    response = get(Client(), "/")
    body = response.content.decode()
    assert not TOKEN_IN_PAGE.search(body)
    assert "data-csrf-from-cookie" in body  # the language form gets it from the cookie
    assert not response.cookies
    assert get(Client(), "/")["X-Cache"] == "hit"


@pytest.mark.django_db
def test_a_post_without_the_token_is_still_refused_and_the_cookie_endpoint_sets_it() -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert refused.status_code == 403
    given = client.get(reverse("core:csrf"))
    assert given.status_code == 204 and "no-store" in given["Cache-Control"]
    token = client.cookies["csrftoken"].value
    wrong = client.post(
        reverse("set_language"), {"language": "fr", "next": "/", "csrfmiddlewaretoken": "x" * 32}
    )
    assert wrong.status_code == 403
    accepted = client.post(
        reverse("set_language"), {"language": "fr", "next": "/"}, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 302


@pytest.mark.django_db
def test_the_cache_is_keyed_by_language() -> None:
    english = get(Client(), ORGS)
    french_client = Client()
    french_client.cookies["django_language"] = "fr"
    french = get(french_client, ORGS)
    assert "X-Cache" not in french
    assert french.content != english.content
    assert 'lang="fr"' in french.content.decode()
    assert get(french_client, ORGS)["X-Cache"] == "hit"


@pytest.mark.parametrize("persona", ["owner", "editor", "admin_user"])
def test_a_signed_in_visitor_bypasses_the_cache_and_leaves_nothing_in_it(
    persona: str, request: pytest.FixtureRequest, org: Organization
) -> None:
    """Per role: what a member, an editor or a secretariat administrator is shown (their
    name, their token, contact details, drafts) never reaches the next anonymous visitor,
    and a page kept for anonymous visitors is never shown to them."""
    user: User = request.getfixturevalue(persona)
    person = make_person("Amina Kessy")
    ContactDetails.objects.create(person=person, email="amina@example.org", phone="+255 700 1")
    make_org("Unpublished Draft Cooperative", status=Status.DRAFT)
    path = reverse("directory:person", args=[person.slug])
    anonymous_before = get(Client(), path)  # kept for anonymous visitors

    signed_in = Client()
    signed_in.force_login(user)
    for page in (path, ORGS, "/"):
        response = get(signed_in, page)
        assert "X-Cache" not in response, f"{page} came from the anonymous cache"
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert user.username in response.content.decode()
    mine = signed_in.get(path).content.decode()
    token = signed_in.cookies["csrftoken"].value if "csrftoken" in signed_in.cookies else ""

    for page in (path, ORGS, "/"):
        kept = get(Client(), page)
        body = kept.content.decode()
        assert user.username not in body
        assert "amina@example.org" not in body and "+255 700 1" not in body
        assert "Unpublished Draft Cooperative" not in body
        assert not TOKEN_IN_PAGE.search(body)
        if token:
            assert token not in body
    assert get(Client(), path).content == anonymous_before.content
    if persona in ("editor", "admin_user"):  # editors and administrators see contacts
        assert "amina@example.org" in mine


@pytest.mark.django_db
def test_a_visitor_with_a_session_or_a_message_is_not_served_from_the_cache() -> None:
    get(Client(), ORGS)
    assert get(Client(), ORGS)["X-Cache"] == "hit"
    for cookie in ("sessionid", "messages"):
        client = Client()
        client.cookies[cookie] = "anything"
        assert "X-Cache" not in get(client, ORGS)
    assert "X-Cache" not in get(Client(), ORGS, Authorization="Bearer x")


def test_drafts_never_enter_the_cache_and_a_publish_shows_at_once(owner: User) -> None:
    draft = make_org("Lake Victoria Gold Draft", status=Status.DRAFT)
    detail = reverse("directory:organization", args=[draft.slug])
    assert Client().get(detail).status_code == 404
    assert Client().get(detail).status_code == 404  # a refusal is not kept either
    signed_in = Client()
    signed_in.force_login(owner)
    signed_in.get(detail)
    assert "Lake Victoria Gold Draft" not in get(Client(), ORGS).content.decode()
    assert get(Client(), ORGS)["X-Cache"] == "hit"

    draft.status = Status.PUBLISHED
    draft.save()
    listed = get(Client(), ORGS)
    assert "X-Cache" not in listed
    assert "Lake Victoria Gold Draft" in listed.content.decode()
    assert get(Client(), detail).status_code == 200

    Organization.objects.filter(pk=draft.pk).update(status=Status.ARCHIVED)  # no signals
    assert "Lake Victoria Gold Draft" not in get(Client(), ORGS).content.decode()


@pytest.mark.django_db
def test_every_write_replaces_its_apps_token_and_a_rollback_keeps_it() -> None:
    make_org("Token Cooperative")
    before = dataversions.tokens()
    assert before.get("directory")
    Organization.objects.filter(name="Token Cooperative").update(acronym="TC")
    after = dataversions.tokens()
    assert after["directory"] != before["directory"]
    assert {k: v for k, v in after.items() if k != "directory"} == {
        k: v for k, v in before.items() if k != "directory"
    }
    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.filter(name="Token Cooperative").update(acronym="XX")
        raise RuntimeError
    assert dataversions.tokens() == after
    assert dataversions.written_app('UPDATE "accounts_user" SET "last_login" = %s WHERE x') is None
    assert dataversions.written_app('SELECT * FROM "directory_organization"') is None
    assert dataversions.written_app('DELETE FROM "django_session" WHERE 1') is None
    assert dataversions.written_app('INSERT INTO "library_resource" (a) VALUES (1)') == "library"
    assert not DataVersion.objects.filter(app="core_dataversion").exists()


@pytest.mark.django_db
def test_remember_computes_once_per_change() -> None:
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return Organization.objects.count()

    assert dataversions.remember("orgs", ["directory"], build) == 0
    assert dataversions.remember("orgs", ["directory"], build) == 0
    assert len(calls) == 1
    make_org("Counted Cooperative")
    assert dataversions.remember("orgs", ["directory"], build) == 1
    assert len(calls) == 2


@pytest.mark.django_db
def test_with_the_cache_off_every_page_is_rendered(settings: Any) -> None:
    settings.ASMHUB_PAGE_CACHE = False
    get(Client(), ORGS)
    second = get(Client(), ORGS)
    assert "X-Cache" not in second and "public" in second["Cache-Control"]


@pytest.mark.django_db
def test_pages_with_their_own_form_token_are_not_kept() -> None:
    login = reverse("accounts:login")
    first = Client().get(login)
    assert "csrfmiddlewaretoken" in first.content.decode()
    second = Client().get(login)
    assert "X-Cache" not in second
    assert "public" not in second.get("Cache-Control", "")
    returning = Client()  # a visitor who has the cookie already
    returning.cookies["csrftoken"] = first.cookies["csrftoken"].value
    for _ in range(2):
        again = returning.get(login)
        assert "X-Cache" not in again and "csrfmiddlewaretoken" in again.content.decode()


@pytest.mark.django_db
def test_only_html_pages_are_kept(settings: Any) -> None:
    """Other answers (the SMS tax check's text, throttled per call; files) are not kept."""
    settings.API_THROTTLE_ANONYMOUS = "2/m"
    url = reverse("monitoring:sms-tax-check")
    answers = [Client().get(url, {"text": "TAX FARDC"}) for _ in range(3)]
    assert all("X-Cache" not in a for a in answers)
    assert answers[-1].status_code == 429
