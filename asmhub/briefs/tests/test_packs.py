"""Donor packs: the matching's reasons, evidence, entry point and timing for a donor and
concepts; contact details only for a user with the grant; members only."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from asmhub.directory.models import Affiliation, ContactDetails

pytestmark = pytest.mark.django_db

EMAIL = "secret.officer@example.org"


@pytest.fixture
def pack_url(gender: dict[str, Any]) -> str:
    profile = gender["profile"]
    person = gender["champion"]
    Affiliation.objects.create(person=person, organization=profile.organization, title="Officer")
    ContactDetails.objects.create(person=person, email=EMAIL, phone="+1 555 0100")
    return f"/briefs/packs/{profile.organization.slug}/?concept={gender['concept'].slug}"


def test_the_pack_gives_reasons_evidence_door_and_timing(
    login: Any, owner: Any, pack_url: str, gender: Any
) -> None:
    page = login(owner).get(pack_url).content.decode()
    for wanted in ("Why they fit", "Leadership of women in cooperatives", "match ",
                   "The evidence", "Women make up approximately 30 percent",
                   "The entry point", "Timing", "Contacts", "Mayra Buvinic"):  # fmt: skip
        assert wanted in page, wanted


def test_contact_details_need_the_grant(
    login: Any, owner: Any, editor: Any, pack_url: str, client: Any
) -> None:
    member = login(owner)
    page = member.get(pack_url).content.decode()
    assert "Mayra Buvinic" in page
    assert EMAIL not in page
    word = member.get(pack_url.replace("/?", "/pack.docx?"))
    with zipfile.ZipFile(io.BytesIO(word.content)) as docx:
        assert EMAIL not in docx.read("word/document.xml").decode()
    client.logout()
    assert EMAIL in login(editor).get(pack_url).content.decode()


def test_packs_are_for_members(client: Any, pack_url: str) -> None:
    assert client.get(pack_url).status_code == 302
    assert client.get("/briefs/packs/").status_code == 302


def test_an_unknown_donor_is_404(login: Any, owner: Any, gender: Any) -> None:
    assert login(owner).get("/briefs/packs/nobody/").status_code == 404
