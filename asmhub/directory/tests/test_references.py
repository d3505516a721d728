"""References by slug resolve only within what the user may see, and parents never loop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from asmhub.accounts.models import ApiToken, User
from asmhub.calendar.tests.conftest import NEW_YORK, timed
from asmhub.conftest import make_org
from asmhub.core.models import Status
from asmhub.directory.importers import import_directory
from asmhub.directory.models import Organization
from asmhub.funding.models import Concept

pytestmark = pytest.mark.django_db


def _api(user: User) -> Client:
    _, raw = ApiToken.issue(user, "script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _patch(client: Client, slug: str, payload: dict[str, object]) -> object:
    return client.patch(
        f"/api/directory/organizations/{slug}", payload, content_type="application/json"
    )


@pytest.fixture
def hidden_draft(other_org: Organization) -> Organization:
    """Another organization's draft: outsiders to it may not learn that it exists."""
    return make_org("Secret Regional Office", status=Status.DRAFT, owner_organization=other_org)


def _detail(response: object, slug: str) -> str:
    return str(response.json()["detail"]).replace(slug, "SLUG")  # type: ignore[attr-defined]


def test_an_invisible_parent_answers_as_an_unknown_one(
    owner: User, hidden_draft: Organization
) -> None:
    client = _api(owner)
    payload = {"name": "Kivu Cooperative", "stakeholder_type": "miners-association"}
    hidden = client.post(
        "/api/directory/organizations",
        {**payload, "parent": hidden_draft.slug},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/directory/organizations",
        {**payload, "parent": "no-such-office"},
        content_type="application/json",
    )
    assert hidden.status_code == unknown.status_code == 422  # type: ignore[attr-defined]
    assert _detail(hidden, hidden_draft.slug) == _detail(unknown, "no-such-office")
    assert not Organization.objects.filter(name="Kivu Cooperative").exists()


def test_the_drafts_own_organization_may_name_it(
    outsider: User, hidden_draft: Organization
) -> None:
    response = _api(outsider).post(
        "/api/directory/organizations",
        {
            "name": "Field team",
            "stakeholder_type": "miners-association",
            "parent": hidden_draft.slug,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["parent"] == hidden_draft.slug


def test_a_published_record_does_not_name_its_draft_parent(
    client: Client, owner: User, org: Organization, hidden_draft: Organization
) -> None:
    org.parent = hidden_draft
    org.save()
    assert client.get(f"/api/directory/organizations/{org.slug}").json()["parent"] is None
    for page in (f"/directory/organizations/{org.slug}/", "/directory/organizations/"):
        assert "Secret Regional Office" not in client.get(page).content.decode()
    export = client.get("/directory/organizations/export.csv").content.decode()
    assert hidden_draft.slug not in export


def test_the_form_offers_no_invisible_parent(
    login: Callable[[User], Client], owner: User, org: Organization, hidden_draft: Organization
) -> None:
    client = login(owner)
    form = client.get(f"/directory/organizations/{org.slug}/edit/").content.decode()
    assert "Secret Regional Office" not in form
    response = client.post(
        "/directory/organizations/new/",
        {"name": "Kivu Cooperative", "stakeholder_type": _type_id(), "parent": hidden_draft.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Organization.objects.filter(name="Kivu Cooperative").exists()


def _type_id() -> int:
    from asmhub.taxonomy.models import StakeholderType

    return StakeholderType.objects.get(slug="miners-association").pk


def test_an_organization_cannot_be_its_own_parent(editor: User, org: Organization) -> None:
    response = _patch(_api(editor), org.slug, {"parent": org.slug})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "cannot be its own parent" in response.json()["detail"]  # type: ignore[attr-defined]
    org.refresh_from_db()
    assert org.parent is None


def test_a_loop_of_parents_is_refused_through_the_api(
    editor: User, org: Organization, other_org: Organization
) -> None:
    other_org.parent = org
    other_org.save()
    response = _patch(_api(editor), org.slug, {"parent": other_org.slug})
    assert response.status_code == 422  # type: ignore[attr-defined]
    detail = response.json()["detail"]  # type: ignore[attr-defined]
    assert "parent" in detail and "Pact is already part of Artisanal Gold Council" in detail
    org.refresh_from_db()
    assert org.parent is None


def test_a_loop_of_parents_is_refused_by_the_form(
    login: Callable[[User], Client], editor: User, org: Organization, other_org: Organization
) -> None:
    third = make_org("Kinshasa office", parent=other_org)
    other_org.parent = org
    other_org.save()
    response = login(editor).post(
        f"/directory/organizations/{org.slug}/edit/",
        {"name": org.name, "stakeholder_type": org.stakeholder_type_id, "parent": third.pk},
    )
    assert response.status_code == 200
    assert "Kinshasa office is already part of Artisanal Gold Council" in response.content.decode()
    org.refresh_from_db()
    assert org.parent is None


def test_the_importer_refuses_a_loop_of_parents_and_writes_nothing(org: Organization) -> None:
    looped = (
        "name,acronym,stakeholder_type,parent\n"
        "Alpha Office,ALPHA,research-agency,BETA\n"
        "Beta Office,BETA,research-agency,Alpha Office\n"
        "Gamma Office,GAMMA,research-agency,GAMMA\n"
    )
    before = Organization.objects.count()
    result = import_directory("orgs.csv", looped.encode())
    assert not result.ok
    loops = [i for i in result.issues if i.column == "parent"]
    assert [i.row for i in loops] == [2, 3, 4]
    assert "alpha → beta → alpha" in loops[0].reason
    assert "gamma → gamma" in loops[2].reason
    assert Organization.objects.count() == before


def test_the_importer_sees_a_loop_through_the_directory(org: Organization) -> None:
    child = make_org("AGC Ghana", parent=org)
    result = import_directory(
        "orgs.csv",
        f"name,stakeholder_type,parent,slug\n{org.name},international-ngo,{child.slug},{org.slug}\n".encode(),
    )
    assert [i.column for i in result.issues] == ["parent"]
    org.refresh_from_db()
    assert org.parent is None


def test_calendar_references_resolve_only_to_visible_records(
    owner: User, other_org: Organization, hidden_draft: Organization
) -> None:
    start = dt.datetime(2026, 10, 6, 10, tzinfo=NEW_YORK)
    draft_event = timed(
        "Closed meeting", start, start, status=Status.DRAFT, owner_organization=other_org
    )
    client = _api(owner)
    payload = {"title": "Talks", "kind": "webinar", "start_day": "2026-10-06"}
    for field, hidden in (("parent", draft_event.slug), ("organizer", hidden_draft.slug)):
        answers = [
            client.post(
                "/api/calendar/events", {**payload, field: slug}, content_type="application/json"
            )
            for slug in (hidden, "no-such-thing")
        ]
        assert [a.status_code for a in answers] == [422, 422]
        assert _detail(answers[0], hidden) == _detail(answers[1], "no-such-thing")


def test_a_concept_cannot_name_an_invisible_proposer(
    owner: User, hidden_draft: Organization
) -> None:
    response = _api(owner).post(
        "/api/funding/concepts",
        {"title": "Savings groups", "proposers": [hidden_draft.slug]},
        content_type="application/json",
    )
    assert response.status_code == 422 and "proposers" in response.json()["detail"]
    assert not Concept.objects.filter(title="Savings groups").exists()
