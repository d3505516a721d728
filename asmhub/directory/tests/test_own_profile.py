"""Organizations maintain their own profile: members propose, editors approve, the public
page stays as published until then (core.permissions.change_needs_review)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.core.models import AuditEntry, Revision, Status
from asmhub.directory.models import Organization
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def cooperaccion(editor: User) -> Organization:
    """A published profile the secretariat contributed, not the organization itself."""
    secretariat = make_org("CASM Secretariat", "network")
    org = make_org("CooperAcción", "national-ngo", owner_organization=secretariat)
    org.countries.set(Country.objects.filter(code="PE"))
    return org


def _form(org: Organization, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": org.name,
        "acronym": org.acronym,
        "stakeholder_type": org.stakeholder_type_id,
        "hq_country": org.hq_country_id or "",
        "countries": [c.pk for c in org.countries.all()],
        "website": org.website,
        "description": org.description,
        "lever_issues": [i.pk for i in org.lever_issues.all()],
        "parent": "",
    }
    data.update(changes)
    return data


def test_a_member_proposes_a_change_the_public_page_stays_and_an_editor_approves(
    login: Callable[[User], Client], cooperaccion: Organization, editor: User
) -> None:
    member = make_user("ana", "member", cooperaccion)
    client = login(member)
    edit = reverse("directory:organization-edit", args=[cooperaccion.slug])
    assert client.get(edit).status_code == 200
    text = "Peruvian NGO that supports mining communities since 1997."
    response = client.post(edit, _form(cooperaccion, description=text), follow=True)
    assert response.status_code == 200
    assert "submitted for review" in response.content.decode()
    cooperaccion.refresh_from_db()
    assert cooperaccion.status == Status.PUBLISHED and cooperaccion.description == ""
    public = Client().get(cooperaccion.get_absolute_url()).content.decode()
    assert "CooperAcción" in public and text not in public
    revision = Revision.objects.get(state=Revision.State.PENDING)
    assert revision.values == {"description": text} and revision.proposed_by == member
    assert AuditEntry.for_object(cooperaccion).filter(action="propose").exists()
    assert "awaits an editor" in client.get(cooperaccion.get_absolute_url()).content.decode()

    reviewer = Client()
    reviewer.force_login(editor)
    page = reviewer.get(revision.get_absolute_url()).content.decode()
    assert text in page and "Approve and publish" in page
    reviewer.post(revision.get_absolute_url(), {"decision": "approve"})
    cooperaccion.refresh_from_db()
    revision.refresh_from_db()
    assert cooperaccion.description == text and cooperaccion.status == Status.PUBLISHED
    assert revision.state == Revision.State.APPROVED and revision.decided_by == editor
    actions = set(AuditEntry.for_object(cooperaccion).values_list("action", flat=True))
    assert {"propose", "update", "revision:approved"} <= actions
    assert text in Client().get(cooperaccion.get_absolute_url()).content.decode()


def test_a_member_cannot_approve_their_own_proposal_and_a_rejection_changes_nothing(
    login: Callable[[User], Client], cooperaccion: Organization, editor: User
) -> None:
    member = make_user("ana", "member", cooperaccion)
    client = login(member)
    edit = reverse("directory:organization-edit", args=[cooperaccion.slug])
    client.post(edit, _form(cooperaccion, website="https://cooperaccion.org.pe"))
    revision = Revision.objects.get()
    assert client.get(reverse("core:revisions")).status_code == 403
    client.post(revision.get_absolute_url(), {"decision": "approve"})
    revision.refresh_from_db()
    assert revision.state == Revision.State.PENDING
    reviewer = Client()
    reviewer.force_login(editor)
    reviewer.post(revision.get_absolute_url(), {"decision": "reject", "note": "Give a source."})
    revision.refresh_from_db()
    cooperaccion.refresh_from_db()
    assert revision.state == Revision.State.REJECTED and revision.note == "Give a source."
    assert cooperaccion.website == ""


def test_other_members_and_visitors_may_not_edit_or_see_the_proposal(
    login: Callable[[User], Client], cooperaccion: Organization, outsider: User
) -> None:
    member = make_user("ana", "member", cooperaccion)
    edit = reverse("directory:organization-edit", args=[cooperaccion.slug])
    login(member).post(edit, _form(cooperaccion, acronym="CA"))
    revision = Revision.objects.get()
    other = Client()
    other.force_login(outsider)
    assert other.get(edit).status_code == 403
    assert other.post(edit, _form(cooperaccion, acronym="XX")).status_code == 403
    assert other.get(revision.get_absolute_url()).status_code == 404
    assert Client().get(revision.get_absolute_url()).status_code == 302  # sign in first
    assert Revision.objects.count() == 1


def test_a_draft_profile_of_their_own_is_changed_directly(
    login: Callable[[User], Client], editor: User
) -> None:
    org = make_org("Cooperativa Minera", "miners-association", status=Status.DRAFT)
    member = make_user("rosa", "member", org)
    edit = reverse("directory:organization-edit", args=[org.slug])
    login(member).post(edit, _form(org, acronym="CM"))
    org.refresh_from_db()
    assert org.acronym == "CM" and not Revision.objects.exists()


def test_an_editor_changes_a_published_profile_directly(
    login: Callable[[User], Client], cooperaccion: Organization, editor: User
) -> None:
    edit = reverse("directory:organization-edit", args=[cooperaccion.slug])
    login(editor).post(edit, _form(cooperaccion, acronym="CA"))
    cooperaccion.refresh_from_db()
    assert cooperaccion.acronym == "CA" and not Revision.objects.exists()
