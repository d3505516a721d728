import io
from collections.abc import Callable

import pytest
from django.test import Client
from openpyxl import load_workbook

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_person
from asmhub.core.models import Status
from asmhub.directory.models import Affiliation, ContactDetails, Organization


@pytest.fixture
def people(org: Organization) -> None:
    person = make_person("Mercy Kiprop")
    Affiliation.objects.create(
        person=person, organization=org, title="Programme lead", is_primary=True
    )
    ContactDetails.objects.create(
        person=person, email="m.kiprop@example.org", phone="+254 20 699 3000"
    )
    make_person("Hidden Draft", status=Status.DRAFT)


def test_people_exports_carry_no_contact_columns_for_the_public(
    client: Client, people: None
) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/directory/people/export.{fmt}")
        assert response.status_code == 200
        body = response.content
        if fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(body)).active
            assert sheet is not None
            body = "\n".join(
                ",".join(str(c or "") for c in row) for row in sheet.iter_rows(values_only=True)
            ).encode()
        text = body.decode("utf-8-sig")
        assert "Mercy Kiprop" in text and "Hidden Draft" not in text
        assert (
            "m.kiprop" not in text
            and "699 3000" not in text
            and "email" not in text.splitlines()[0]
        )


def test_members_without_the_permission_get_no_contact_columns(
    login: Callable[[User], Client], owner: User, people: None
) -> None:
    text = login(owner).get("/directory/people/export.csv").content.decode("utf-8-sig")
    assert "m.kiprop" not in text and "email" not in text.splitlines()[0]


def test_editors_export_contact_details(
    login: Callable[[User], Client], editor: User, people: None
) -> None:
    text = login(editor).get("/directory/people/export.csv").content.decode("utf-8-sig")
    assert text.splitlines()[0].endswith("email,phone")
    assert "m.kiprop@example.org" in text and "Hidden Draft" in text


def test_organization_exports_follow_the_filters(client: Client, db: None) -> None:
    make_org("CooperAcción", "national-ngo")
    make_org("IPIS", "research-agency")
    text = client.get("/directory/organizations/export.csv?type=national-ngo").content.decode(
        "utf-8-sig"
    )
    assert "CooperAcción" in text and "IPIS" not in text
    assert client.get("/directory/organizations/export.pdf").status_code == 404
