"""The Follow button on followable pages and the page of what one follows."""

from __future__ import annotations

import pytest
from django.test import Client

from asmhub.accounts.models import User
from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.funding.models import DonorProfile
from asmhub.outreach import follows
from asmhub.outreach.models import AlertSettings, Follow
from asmhub.taxonomy.models import LeverIssue

pytestmark = pytest.mark.django_db


def test_every_followable_page_has_the_button(client: Client, follower: User) -> None:
    donor = make_org("Swiss Development Cooperation", "bilateral-donor")
    DonorProfile.objects.create(organization=donor, status=Status.PUBLISHED)
    pages = [
        "/taxonomy/lever-issues/mercury-chemicals/",
        "/taxonomy/minerals/gold/",
        "/taxonomy/countries/CD/",
        donor.get_absolute_url(),
        f"/funding/donors/{donor.slug}/",
    ]
    for url in pages:
        anonymous = client.get(url)
        assert anonymous.status_code == 200, url
        assert b"Sign in to follow" in anonymous.content, url
    client.force_login(follower)
    for url in pages:
        page = client.get(url).content.decode()
        assert 'hx-post="/outreach/follow/"' in page and ">Follow<" in page, url


def test_follow_and_unfollow_by_htmx_and_the_following_page(
    client: Client, follower: User, mercury: LeverIssue
) -> None:
    client.force_login(follower)
    data = {"type": "taxonomy.leverissue", "pk": str(mercury.pk), "do": "follow"}
    response = client.post("/outreach/follow/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b"Unfollow" in response.content
    assert b"<html" not in response.content  # the button alone
    assert Follow.objects.filter(user=follower).count() == 1
    client.post("/outreach/follow/", data, HTTP_HX_REQUEST="true")  # twice is once
    assert Follow.objects.filter(user=follower).count() == 1
    page = client.get("/outreach/following/").content.decode()
    assert "Mercury and chemical exposure" in page
    response = client.post(
        "/outreach/follow/", {**data, "do": "unfollow", "next": "/outreach/following/"}
    )
    assert response.status_code == 302 and response["Location"] == "/outreach/following/"
    assert not Follow.objects.filter(user=follower).exists()


def test_following_is_refused_without_an_account_or_for_an_unknown_kind(
    client: Client, follower: User, mercury: LeverIssue
) -> None:
    data = {"type": "taxonomy.leverissue", "pk": str(mercury.pk), "do": "follow"}
    assert client.post("/outreach/follow/", data).status_code == 403
    assert client.get("/outreach/following/").status_code == 302
    client.force_login(follower)
    bad = client.post("/outreach/follow/", {**data, "type": "directory.person"})
    assert bad.status_code == 400 and b"cannot be followed" in bad.content
    missing = client.post("/outreach/follow/", {**data, "pk": "no-such"})
    assert missing.status_code == 400 and b"no-such" in missing.content
    assert not Follow.objects.exists()


def test_alert_settings_are_saved_from_the_page(client: Client, follower: User) -> None:
    client.force_login(follower)
    page = client.get("/outreach/following/").content.decode()
    assert "You follow nothing yet." in page
    response = client.post(
        "/outreach/following/", {"kinds": ["resource", "deadline"], "frequency": "weekly"}
    )
    assert response.status_code == 302
    chosen = AlertSettings.objects.get(user=follower)
    assert chosen.kinds == ["resource", "deadline"] and chosen.frequency == "weekly"
    bad = client.post("/outreach/following/", {"kinds": ["gossip"], "frequency": "hourly"})
    assert bad.status_code == 200 and b"gossip" in bad.content
    assert AlertSettings.objects.get(user=follower).frequency == "weekly"


def test_a_follow_of_a_record_later_hidden_is_not_listed(
    client: Client, follower: User, editor: User
) -> None:
    org = make_org("Soon archived")
    follows.follow(follower, org)
    client.force_login(follower)
    assert "Soon archived" in client.get("/outreach/following/").content.decode()
    org.status = Status.ARCHIVED
    org.save()
    assert "Soon archived" not in client.get("/outreach/following/").content.decode()


def test_the_account_page_links_the_outreach_pages_by_role(
    client: Client, follower: User, editor: User, admin_user: User
) -> None:
    client.force_login(follower)
    page = client.get("/accounts/profile/").content.decode()
    assert "/outreach/following/" in page and "/outreach/moderation/" not in page
    client.force_login(editor)
    page = client.get("/accounts/profile/").content.decode()
    assert "/outreach/moderation/" in page and "/outreach/newsletters/" not in page
    client.force_login(admin_user)
    assert "/outreach/newsletters/" in client.get("/accounts/profile/").content.decode()


def test_pages_show_no_contact_details(
    client: Client, follower: User, editor: User, admin_user: User
) -> None:
    from asmhub.conftest import make_person
    from asmhub.directory.models import Affiliation, ContactDetails

    org = make_org("Contactful")
    person = make_person("Jane Private")
    Affiliation.objects.create(person=person, organization=org)
    ContactDetails.objects.create(person=person, email="jane@private.example", phone="+33 1 23")
    follows.follow(follower, org)
    for user in (follower, editor, admin_user):
        client.force_login(user)
        for url in ("/outreach/following/", "/outreach/moderation/", "/outreach/newsletters/"):
            response = client.get(url)
            assert b"jane@private.example" not in response.content, (user, url)
            assert b"+33 1 23" not in response.content
