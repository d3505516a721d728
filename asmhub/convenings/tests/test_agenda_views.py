"""The agenda: sessions, presentations and their materials, breakout groups and whiteboards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.convenings.access import SESSION_KEY
from asmhub.convenings.models import Breakout, Convening, Material, Presentation, Session
from asmhub.convenings.tests.conftest import make_participant
from asmhub.core.models import AuditEntry, Status
from asmhub.library.models import Resource

pytestmark = pytest.mark.django_db


@pytest.fixture
def block(convening: Convening) -> Session:
    return Session.objects.create(
        convening=convening,
        title="Session One: Development Priorities",
        kind=Session.Kind.PRESENTATIONS,
        day=convening.starts_on,
    )


@pytest.fixture
def round_one(convening: Convening) -> Session:
    return Session.objects.create(
        convening=convening,
        title="Breakout Session One",
        kind=Session.Kind.BREAKOUTS,
        day=convening.ends_on,
    )


def test_an_organizer_adds_a_slot_inside_a_session(
    login: Any, owner: Any, convening: Convening, block: Session
) -> None:
    chair = make_participant(convening, "Jon Hobbs", roles=["chair"])
    response = login(owner).post(
        reverse("convenings:session-add", args=[convening.slug]) + f"?parent={block.pk}",
        {
            "title": "MDG 2: Achieve Universal Primary Education",
            "kind": "presentations",
            "parent": block.pk,
            "day": "2026-06-16",
            "starts_at": "10:00",
            "ends_at": "10:30",
            "position": 3,
            "chairs": [chair.pk],
            "guiding_questions": "What are your priorities?\nDo they match the global agenda?",
        },
    )
    assert response.status_code == 302
    slot = convening.sessions.get(parent=block)
    assert slot.starts_at == dt.time(10, 0)
    assert slot.guiding_questions == [
        "What are your priorities?",
        "Do they match the global agenda?",
    ]
    assert list(slot.chairs.all()) == [chair]
    agenda = login(owner).get(reverse("convenings:agenda", args=[convening.slug])).content.decode()
    assert "10:00–10:30" in agenda and "Jon Hobbs" in agenda


def test_a_session_outside_the_convening_days_is_refused(
    login: Any, owner: Any, convening: Convening
) -> None:
    response = login(owner).post(
        reverse("convenings:session-add", args=[convening.slug]),
        {
            "title": "Late",
            "kind": "plenary",
            "day": "2026-07-01",
            "starts_at": "11:00",
            "ends_at": "10:00",
            "position": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "day" in errors and "ends_at" in errors
    assert not convening.sessions.exists()


def test_a_briefing_may_come_before_the_meeting(
    login: Any, owner: Any, convening: Convening
) -> None:
    response = login(owner).post(
        reverse("convenings:session-add", args=[convening.slug]),
        {"title": "State of the alliance", "kind": "briefing", "day": "2026-05-30", "position": 0},
    )
    assert response.status_code == 302


def test_outsiders_and_visitors_cannot_change_the_agenda(
    client: Client, login: Any, outsider: Any, convening: Convening, block: Session
) -> None:
    url = reverse("convenings:session-edit", args=[convening.slug, block.pk])
    assert login(outsider).post(url, {"title": "Hijacked"}).status_code == 403
    assert Client().get(url).status_code == 302
    block.refresh_from_db()
    assert block.title.startswith("Session One")


def test_a_presentation_with_speakers_goals_and_a_library_material(
    login: Any, owner: Any, convening: Convening, block: Session
) -> None:
    speaker = make_participant(convening, "Antonio Pedro", roles=["presenter"])
    client = login(owner)
    response = client.post(
        reverse("convenings:presentation-add", args=[convening.slug]) + f"?session={block.pk}",
        {
            "title": "The contribution of ASM to economic development",
            "session": block.pk,
            "position": 0,
            "speakers": [speaker.pk],
            "notes": "ASM matters for growth.",
        },
    )
    assert response.status_code == 302
    presentation = Presentation.objects.get()
    resource = Resource.objects.create(title="Workshop report", status=Status.PUBLISHED)
    client.post(
        reverse("convenings:material-add", args=[convening.slug, presentation.pk]),
        {"resource": resource.pk, "kind": "paper", "page": 23},
    )
    assert Material.objects.filter(presentation=presentation, resource=resource, page=23).exists()
    client.post(
        reverse("convenings:material-add", args=[convening.slug, presentation.pk]),
        {"resource": resource.pk, "kind": "paper"},
    )
    assert Material.objects.count() == 1
    page = Client().get(presentation.get_absolute_url()).content.decode()
    assert "Workshop report" in page and "Antonio Pedro" in page


def test_a_draft_library_resource_is_not_shown_to_the_public(
    convening: Convening, block: Session
) -> None:
    presentation = Presentation.objects.create(session=block, title="Talk")
    resource = Resource.objects.create(title="Unpublished slides", status=Status.DRAFT)
    Material.objects.create(presentation=presentation, resource=resource, kind="slides")
    assert (
        "Unpublished slides" not in Client().get(presentation.get_absolute_url()).content.decode()
    )


def test_a_breakout_report_back_is_recorded_and_audited(
    login: Any, owner: Any, convening: Convening, round_one: Session
) -> None:
    rapporteur = make_participant(convening, "Mersie Ejigu")
    client = login(owner)
    client.post(
        reverse("convenings:breakout-add", args=[convening.slug]) + f"?session={round_one.pk}",
        {
            "name": "Group Two",
            "session": round_one.pk,
            "position": 1,
            "task": "Identify priority issues common to ASM communities",
            "members": [rapporteur.pk],
        },
    )
    group = Breakout.objects.get()
    response = client.post(
        reverse("convenings:breakout-report", args=[convening.slug, group.pk]),
        {
            "rapporteur": rapporteur.pk,
            "report_back": "Six priority issues: poverty, ...",
            "notes": "",
        },
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.report_back.startswith("Six priority issues") and group.rapporteur == rapporteur
    assert AuditEntry.for_object(group).filter(action="update").exists()
    assert "Six priority issues" in Client().get(group.get_absolute_url()).content.decode()


def test_participants_add_whiteboard_notes_and_visitors_cannot(
    convening: Convening, round_one: Session
) -> None:
    group = Breakout.objects.create(session=round_one, name="Breakout #2")
    member = make_participant(convening, "A member")
    url = reverse("convenings:whiteboard", args=[convening.slug, group.pk])
    assert Client().post(url, {"theme": "Gold", "text": "98-99% smuggled"}).status_code == 403
    client = Client()
    session = client.session
    session[SESSION_KEY] = {str(convening.pk): member.pk}
    session.save()
    fragment = client.post(
        url, {"theme": "Gold", "text": "98-99% smuggled"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200
    assert "98-99% smuggled" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    item = group.whiteboard.get()
    assert item.author == member and item.theme == "Gold"


def test_the_agenda_api_nests_presentations_and_groups(
    client: Client, convening: Convening, block: Session, round_one: Session
) -> None:
    Presentation.objects.create(session=block, title="Conflict and development")
    Breakout.objects.create(session=round_one, name="Group One", task="Convergent priorities")
    data = client.get(f"/api/convenings/{convening.slug}/agenda").json()
    assert [s["title"] for s in data] == [block.title, round_one.title]
    assert data[0]["presentations"][0]["title"] == "Conflict and development"
    assert data[1]["breakouts"][0]["task"] == "Convergent priorities"


def test_the_agenda_api_gives_times_with_the_offset_of_the_place(
    client: Client, convening: Convening, block: Session
) -> None:
    """The document says ``format: time``, an RFC 3339 full-time, which has an offset;
    the convening is in New York, on summer time on its first day."""
    block.starts_at, block.ends_at = dt.time(8, 0), dt.time(9, 30)
    block.save()
    Session.objects.create(
        convening=convening, title="Lunch", kind=Session.Kind.BREAK, day=convening.starts_on
    )
    data = client.get(f"/api/convenings/{convening.slug}/agenda").json()
    times = {s["title"]: (s["starts_at"], s["ends_at"]) for s in data}
    assert times == {block.title: ("08:00:00-04:00", "09:30:00-04:00"), "Lunch": (None, None)}


def test_the_api_hides_a_draft_convening(client: Client, draft_convening: Convening) -> None:
    assert client.get(f"/api/convenings/{draft_convening.slug}").status_code == 404
    assert client.get(f"/api/convenings/{draft_convening.slug}/agenda").status_code == 404
    assert draft_convening.slug not in str(client.get("/api/convenings/").json())
