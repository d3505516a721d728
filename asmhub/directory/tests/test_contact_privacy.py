"""Personal contact details never reach anyone without the permission."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from asmhub.accounts.models import ApiToken, User
from asmhub.conftest import make_person
from asmhub.core.models import AuditEntry
from asmhub.directory.models import Affiliation, ContactDetails, Organization, Person
from asmhub.directory.services import SaveContactDetails

EMAIL = "m.kiprop@example.org"
PHONE = "+254 20 699 3000"


@pytest.fixture
def person(org: Organization) -> Person:
    person = make_person("Mercy Kiprop", expertise="Mine health")
    Affiliation.objects.create(
        person=person, organization=org, title="Programme lead", is_primary=True
    )
    ContactDetails.objects.create(person=person, email=EMAIL, phone=PHONE)
    return person


def _leaks(body: str) -> bool:
    return EMAIL in body or PHONE in body or "m.kiprop" in body


PUBLIC_URLS = [
    "/directory/people/",
    "/directory/people/mercy-kiprop/",
    "/directory/people/?q=Mercy",
    "/directory/organizations/agc/",
    "/api/directory/people",
    "/api/directory/people/mercy-kiprop",
    "/api/directory/people?q=kiprop",
    "/api/openapi.json",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_anonymous_visitors_never_see_contact_details(
    client: Client, person: Person, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert not _leaks(response.content.decode())


@pytest.mark.parametrize("url", PUBLIC_URLS[:7])
def test_members_without_the_permission_do_not_see_them(
    login: Callable[[User], Client], owner: User, person: Person, url: str
) -> None:
    response = login(owner).get(url)
    assert response.status_code == 200
    assert not _leaks(response.content.decode())


def test_the_contact_endpoint_refuses_anonymous_and_unpermitted_callers(
    client: Client, login: Callable[[User], Client], owner: User, person: Person
) -> None:
    assert client.get("/api/directory/people/mercy-kiprop/contact").status_code == 401
    response = login(owner).get("/api/directory/people/mercy-kiprop/contact")
    assert response.status_code == 403
    assert not _leaks(response.content.decode())


def test_editors_see_contact_details_on_the_page_and_in_the_api(
    login: Callable[[User], Client], editor: User, person: Person
) -> None:
    client = login(editor)
    assert EMAIL in client.get("/directory/people/mercy-kiprop/").content.decode()
    assert client.get("/api/directory/people/mercy-kiprop/contact").json() == {
        "person": "mercy-kiprop",
        "email": EMAIL,
        "phone": PHONE,
    }


def test_a_token_without_the_permission_cannot_read_contact_details(
    client: Client, owner: User, person: Person
) -> None:
    _, raw = ApiToken.issue(owner, "script")
    response = client.get(
        "/api/directory/people/mercy-kiprop/contact", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403


def test_the_edit_form_hides_contact_fields_from_members_without_the_permission(
    login: Callable[[User], Client], owner: User, org: Organization, person: Person
) -> None:
    person.owner_organization = org
    person.save()
    body = login(owner).get("/directory/people/mercy-kiprop/edit/").content.decode()
    assert 'name="name"' in body
    assert 'name="email"' not in body
    assert not _leaks(body)


def test_no_public_api_schema_has_an_email_or_phone_field(client: Client) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for name, schema in schemas.items():
        if name == "ContactOut":
            continue
        assert not {"email", "phone"} & set(schema.get("properties", {})), name


def test_an_editors_change_of_contact_details_is_audited_without_the_values(
    login: Callable[[User], Client], editor: User, person: Person, org: Organization
) -> None:
    form = {"name": person.name, "organization": org.pk, "title": "Programme lead"}
    form |= {"email": "mercy@example.org", "phone": PHONE, "expertise": person.expertise}
    response = login(editor).post("/directory/people/mercy-kiprop/edit/", form)
    assert response.status_code == 302
    assert ContactDetails.objects.get(person=person).email == "mercy@example.org"
    entry = AuditEntry.for_object(person).get(action="update:contact-details")
    assert (entry.actor, entry.changes) == (editor, {"email": {"changed": True}})
    # saving again with the same details records nothing more
    login(editor).post("/directory/people/mercy-kiprop/edit/", form)
    assert AuditEntry.for_object(person).filter(action="update:contact-details").count() == 1


def test_contact_details_cannot_be_saved_without_the_permission(
    owner: User, person: Person
) -> None:
    with pytest.raises(PermissionDenied):
        SaveContactDetails(owner, person, "other@example.org", "").execute()
    assert ContactDetails.objects.get(person=person).email == EMAIL
    assert not AuditEntry.for_object(person).exists()
