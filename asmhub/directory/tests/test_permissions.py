"""Who may change what: members change their organization's records; editors publish."""

from collections.abc import Callable

import pytest
from django.test import Client

from asmhub.accounts.models import ApiToken, User
from asmhub.conftest import make_org
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import Organization


@pytest.fixture
def contributed(org: Organization) -> Organization:
    return make_org("Mining Health Initiative", owner_organization=org)


def test_a_member_cannot_edit_another_organizations_record(
    login: Callable[[User], Client], outsider: User, contributed: Organization
) -> None:
    client = login(outsider)
    assert client.get("/directory/organizations/mining-health-initiative/edit/").status_code == 403
    response = client.post(
        "/directory/organizations/mining-health-initiative/edit/",
        {"name": "Taken over", "stakeholder_type": contributed.stakeholder_type_id},
    )
    assert response.status_code == 403
    contributed.refresh_from_db()
    assert contributed.name == "Mining Health Initiative"


def test_a_member_cannot_edit_another_organizations_record_through_the_api(
    client: Client, outsider: User, contributed: Organization
) -> None:
    _, raw = ApiToken.issue(outsider, "script")
    response = client.patch(
        "/api/directory/organizations/mining-health-initiative",
        {"name": "Taken over"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403
    contributed.refresh_from_db()
    assert contributed.name == "Mining Health Initiative"
    assert not AuditEntry.objects.filter(action="update").exists()


def test_members_of_the_contributing_organization_can_edit(
    login: Callable[[User], Client], colleague: User, contributed: Organization
) -> None:
    response = login(colleague).post(
        "/directory/organizations/mining-health-initiative/edit/",
        {
            "name": "Mining Health Initiative",
            "acronym": "MHI",
            "stakeholder_type": contributed.stakeholder_type_id,
            "description": "Health at mine sites.",
        },
    )
    assert response.status_code == 302
    contributed.refresh_from_db()
    assert contributed.acronym == "MHI"
    entry = AuditEntry.for_object(contributed).get()
    assert entry.actor == colleague
    assert entry.changes["acronym"] == {"from": "", "to": "MHI"}


def test_a_members_new_record_is_a_draft_that_only_its_organization_sees(
    client: Client, login: Callable[[User], Client], owner: User, outsider: User
) -> None:
    from asmhub.taxonomy.models import StakeholderType

    ngo = StakeholderType.objects.get(slug="national-ngo")
    response = login(owner).post(
        "/directory/organizations/new/",
        {"name": "Santa Filomena Women's Group", "stakeholder_type": ngo.pk},
    )
    assert response.status_code == 302
    created = Organization.objects.get(name="Santa Filomena Women's Group")
    assert created.status == Status.DRAFT
    assert created.owner_organization == owner.organization
    url = created.get_absolute_url()
    assert client.get(url).status_code == 200  # the owner, still signed in
    client.logout()
    assert client.get(url).status_code == 404
    assert "Santa Filomena" not in client.get("/directory/organizations/").content.decode()
    assert (
        "Santa Filomena"
        not in client.get("/api/directory/organizations?q=Filomena").content.decode()
    )
    assert login(outsider).get(url).status_code == 404


def test_members_submit_and_editors_publish(
    login: Callable[[User], Client], owner: User, editor: User, org: Organization
) -> None:
    draft = make_org("Women in Mining Peru", status=Status.DRAFT, owner_organization=org)
    status_url = f"/directory/organizations/{draft.slug}/status/"
    login(owner).post(status_url, {"status": "published"})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # members may not publish
    login(owner).post(status_url, {"status": "submitted"})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    login(editor).post(status_url, {"status": "published"})
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert [e.action for e in AuditEntry.for_object(draft)] == [
        "status:published",
        "status:submitted",
    ]


def test_anonymous_visitors_cannot_write(client: Client, contributed: Organization) -> None:
    assert client.get("/directory/organizations/new/").status_code == 302  # to sign-in
    response = client.post(
        "/api/directory/organizations",
        {"name": "X", "stakeholder_type": "media"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_api_create_reports_unknown_values_by_field(client: Client, owner: User) -> None:
    _, raw = ApiToken.issue(owner, "script")
    response = client.post(
        "/api/directory/organizations",
        {
            "name": "Kivu Miners' Cooperative",
            "stakeholder_type": "miners-association",
            "countries": ["CD", "XX"],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert "countries" in response.json()["detail"] and "XX" in response.json()["detail"]
    assert not Organization.objects.filter(name="Kivu Miners' Cooperative").exists()


def test_api_create_makes_a_draft_of_the_members_organization(client: Client, owner: User) -> None:
    _, raw = ApiToken.issue(owner, "script")
    response = client.post(
        "/api/directory/organizations",
        {
            "name": "Kivu Miners' Cooperative",
            "stakeholder_type": "miners-association",
            "countries": ["CD"],
            "lever_issues": ["formalization-rights"],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert [c["id"] for c in body["countries"]] == ["CD"]
    created = Organization.objects.get(slug=body["slug"])
    assert created.owner_organization == owner.organization
