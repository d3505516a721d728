"""The campaign kit (message chosen and ordered by editors, toolkit, choice pickings,
donors to target) and the public press kit with only the contacts the network chose to
publish."""

from __future__ import annotations

from typing import Any

import pytest

from asmhub.briefs import kit
from asmhub.briefs.models import MessageFact, NetworkResource, PressKit
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import ContactDetails
from asmhub.library.models import Fact

pytestmark = pytest.mark.django_db


def second_fact(gender: dict[str, Any]) -> Fact:
    return Fact.objects.create(
        statement="About 20 million people engage in ASM.",
        value=20000000,
        year=2005,
        resource=gender["resource"],
        quote="Approximately 20 million people",
        status=Status.PUBLISHED,
    )


def test_editors_choose_and_order_the_message(login: Any, editor: Any, gender: Any) -> None:
    other = second_fact(gender)
    client = login(editor)
    response = client.post(
        "/briefs/campaign/message/",
        {f"position-{other.pk}": "1", f"position-{gender['fact'].pk}": "2"},
    )
    assert response.status_code == 302
    page = client.get("/briefs/campaign/").content.decode()
    assert page.index("About 20 million") < page.index("approximately 30 percent")
    assert "A draft fact nobody may cite yet." not in page


def test_a_bad_position_is_named_and_nothing_is_written(
    login: Any, editor: Any, gender: Any
) -> None:
    response = login(editor).post(
        "/briefs/campaign/message/", {f"position-{gender['fact'].pk}": "first"}
    )
    assert "not “first”" in response.content.decode()
    assert not MessageFact.objects.exists()


def test_members_cannot_choose_the_message(login: Any, owner: Any, gender: Any) -> None:
    assert (
        login(owner)
        .post("/briefs/campaign/message/", {f"position-{gender['fact'].pk}": "1"})
        .status_code
        == 403
    )
    assert not MessageFact.objects.exists()


def test_the_kit_has_toolkit_pickings_and_donors(client: Any, gender: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    sections = {s["key"]: s for s in kit.campaign(AnonymousUser())}
    assert [i["title"] for i in sections["message"]["items"]] == [gender["fact"].statement]
    assert "Women's savings groups in Santa Filomena" in str(sections["toolkit"])
    assert sections["pickings"]["items"][0]["title"] == "Leadership of women in cooperatives"
    assert "World Bank" in str(sections["donors"])
    assert client.get("/briefs/campaign/kit.pdf")["Content-Type"] == "application/pdf"


def test_the_press_kit_shows_only_the_published_media_contact(client: Any, gender: Any) -> None:
    ContactDetails.objects.create(person=gender["champion"], email="private@example.org")
    PressKit.objects.create(
        about="A network of ASM practitioners.",
        media_name="Press office",
        media_email="press@example.org",
    )
    page = client.get("/briefs/press/").content.decode()
    assert "A network of ASM practitioners." in page
    assert "press@example.org" in page
    assert "private@example.org" not in page
    assert "approximately 30 percent" in page


def test_only_editors_change_the_press_kit(login: Any, owner: Any, editor: Any) -> None:
    data = {"about": "Changed", "media_email": "x@example.org"}
    assert login(owner).post("/briefs/press/edit/", data).status_code == 403
    assert not PressKit.objects.filter(about="Changed").exists()
    assert login(editor).post("/briefs/press/edit/", data).status_code == 302
    assert PressKit.objects.get().about == "Changed"


def test_editors_list_what_the_network_has_and_needs(login: Any, editor: Any, gender: Any) -> None:
    client = login(editor)
    response = client.post(
        "/briefs/campaign/resources/",
        {"side": "needs", "title": "A media officer", "detail": "Half time", "position": "1"},
    )
    assert response.status_code == 302
    row = NetworkResource.objects.get()
    assert AuditEntry.objects.filter(action="create", target_id=str(row.pk)).exists()
    page = client.get("/briefs/campaign/").content.decode()
    assert "what the network has and needs" in page
    assert "A media officer" in page
    assert client.get("/briefs/campaign/kit.docx").status_code == 200

    client.post(f"/briefs/campaign/resources/{row.pk}/", {"delete": "1"})
    assert not NetworkResource.objects.exists()
    assert "Not entered yet" in client.get("/briefs/campaign/").content.decode()


def test_a_resource_without_a_title_is_refused_and_members_may_not_list(
    login: Any, editor: Any, owner: Any, gender: Any
) -> None:
    response = login(editor).post("/briefs/campaign/resources/", {"side": "has", "title": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    member = login(owner)
    assert (
        member.post("/briefs/campaign/resources/", {"side": "has", "title": "x"}).status_code == 403
    )
    assert not NetworkResource.objects.exists()
