"""Creating, seeing and editing a convening: organizers, participants, outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.convenings.access import SESSION_KEY
from asmhub.convenings.models import Convening
from asmhub.convenings.tests.conftest import make_participant
from asmhub.core.models import AuditEntry, Status

pytestmark = pytest.mark.django_db


def _form(org_pk: int, **overrides: Any) -> dict[str, Any]:
    data = {
        "title": "Donor round table on gold",
        "short_title": "Gold round table",
        "organizers": [org_pk],
        "starts_on": "2027-03-02",
        "ends_on": "2027-03-03",
        "time_zone": "Africa/Kinshasa",
        "place": "Bukavu",
        "goal": "To match field needs with donors' cycles.",
        "objectives": "Learn donors' priorities\n- Agree on three joint asks\n",
        "expected_outputs": "A report",
        "expected_outcomes": "",
        "stage": "planned",
        "brand_colour": "#1f5f4a",
    }
    data.update(overrides)
    return data


def test_a_member_creates_a_draft_convening_and_takes_part_as_secretariat(
    login: Any, owner: Any, org: Any
) -> None:
    client = login(owner)
    response = client.post(reverse("convenings:create"), _form(org.pk))
    convening = Convening.objects.get()
    assert response.status_code == 302
    assert response["Location"] == convening.get_absolute_url()
    assert convening.status == Status.DRAFT
    assert convening.objectives == ["Learn donors' priorities", "Agree on three joint asks"]
    assert convening.owner_organization == org
    assert list(convening.organizers.all()) == [org]
    me = convening.participants.get()
    assert me.user == owner and me.roles == ["secretariat"]
    assert AuditEntry.for_object(convening).filter(action="create").exists()


def test_bad_dates_and_foreign_organizers_are_refused_with_a_message(
    login: Any, owner: Any, other_org: Any
) -> None:
    client = login(owner)
    response = client.post(
        reverse("convenings:create"),
        _form(other_org.pk, starts_on="2027-03-05", ends_on="2027-03-01", time_zone="Mars/Base"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "ends_on" in form.errors and "organizers" in form.errors
    assert "time_zone" in form.errors
    assert not Convening.objects.exists()


def test_anonymous_visitors_cannot_create(client: Client) -> None:
    response = client.get(reverse("convenings:create"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_draft_is_seen_by_organizers_and_participants_only(
    client: Client,
    login: Any,
    draft_convening: Convening,
    colleague: Any,
    outsider: Any,
    editor: Any,
) -> None:
    url = draft_convening.get_absolute_url()
    assert client.get(url).status_code == 404
    assert draft_convening.title not in client.get(reverse("convenings:list")).content.decode()
    assert login(outsider).get(url).status_code == 404
    assert login(colleague).get(url).status_code == 200
    assert login(editor).get(url).status_code == 200
    guest = Client()
    participant = make_participant(draft_convening, "Ian Smillie")
    session = guest.session
    session[SESSION_KEY] = {str(draft_convening.pk): participant.pk}
    session.save()
    page = guest.get(url)
    assert page.status_code == 200
    assert "You take part as" in page.content.decode()


def test_a_published_convening_is_public_and_lists_its_goal(
    client: Client, convening: Convening
) -> None:
    page = client.get(convening.get_absolute_url()).content.decode()
    assert convening.goal in page
    assert "Edit the convening" not in page
    assert convening.title in client.get(reverse("convenings:list")).content.decode()


def test_a_co_organizing_member_may_edit_but_an_outsider_may_not(
    login: Any, convening: Convening, other_org: Any, outsider: Any, org: Any
) -> None:
    url = reverse("convenings:edit", args=[convening.slug])
    assert login(outsider).get(url).status_code == 403
    convening.organizers.add(other_org)
    data = _form(org.pk, title="Renamed by the co-organizer")
    data["organizers"] = [org.pk, other_org.pk]
    response = login(outsider).post(url, data)
    assert response.status_code == 302
    convening.refresh_from_db()
    assert convening.title == "Renamed by the co-organizer"
    assert convening.status == Status.PUBLISHED
    entry = AuditEntry.for_object(convening).filter(action="update").get()
    assert entry.actor == outsider and "title" in entry.changes


def test_only_editors_publish(
    login: Any, draft_convening: Convening, owner: Any, editor: Any
) -> None:
    url = reverse("convenings:status", args=[draft_convening.slug])
    login(owner).post(url, {"status": "published"})
    draft_convening.refresh_from_db()
    assert draft_convening.status == Status.DRAFT
    Client().force_login(editor)
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(url, {"status": "published"})
    draft_convening.refresh_from_db()
    assert draft_convening.status == Status.PUBLISHED
