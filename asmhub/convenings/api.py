"""Convenings API: convenings, their agenda, participants, statements and commitments.

Polls and the report are in ``api_polls``, whose router is added to this one.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.http import HttpRequest
from ninja import Router

from asmhub.accounts.auth import PUBLIC
from asmhub.convenings import access, services
from asmhub.convenings.api_polls import router as polls_router
from asmhub.convenings.models import Breakout, Convening, Participant, Presentation, Session
from asmhub.convenings.schemas import (
    CommitmentOut,
    ConveningOut,
    ParticipantOut,
    SessionOut,
    StatementOut,
)
from asmhub.core.api_schemas import answers, ref

router = Router(tags=["convenings"], auth=PUBLIC)
router.add_router("", polls_router)


def _convening(c: Convening) -> dict[str, Any]:
    return {
        **{f: getattr(c, f) for f in ConveningOut.model_fields if hasattr(c, f)},
        "organizers": [ref(o) for o in c.organizers.all()],
        "url": c.get_absolute_url(),
    }


def _names(participants: Any) -> list[str]:
    return [str(p) for p in participants]


def _presentation(p: Presentation) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "speakers": _names(p.speakers.all()),
        "organizations": [ref(o) for o in p.organizations.all()],
        "theme": p.theme,
        "mdg_goals": [g.number for g in p.mdg_goals.all()],
        "sdg_goals": [g.number for g in p.sdg_goals.all()],
        "lever_issues": [ref(i) for i in p.lever_issues.all()],
        "summary": p.summary,
        "notes": p.notes,
        "url": p.get_absolute_url(),
    }


def _breakout(b: Breakout) -> dict[str, Any]:
    return {
        "id": b.pk,
        "name": b.name,
        "task": b.task,
        "guiding_questions": b.guiding_questions,
        "facilitator": str(b.facilitator or ""),
        "rapporteur": str(b.rapporteur or ""),
        "report_back": b.report_back,
        "url": b.get_absolute_url(),
    }


def _at(day: dt.date, time: dt.time | None, zone: str) -> str | None:
    """A wall-clock time at the convening's place with that day's UTC offset, so that it
    is an RFC 3339 full-time (``08:00:00-04:00``) as the document's ``format: time`` says."""
    if time is None:
        return None
    offset = dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
    return time.replace(tzinfo=dt.timezone(offset or dt.timedelta(0))).isoformat("seconds")


def _session(s: Session, zone: str) -> dict[str, Any]:
    return {
        "id": s.pk,
        "parent": s.parent_id,
        "title": s.title,
        "kind": s.kind,
        "day": s.day,
        "starts_at": _at(s.day, s.starts_at, zone),
        "ends_at": _at(s.day, s.ends_at, zone),
        "chairs": _names(s.chairs.all()),
        "facilitators": _names(s.facilitators.all()),
        "guiding_questions": s.guiding_questions,
        "notes": s.notes,
        "presentations": [_presentation(p) for p in s.presentations.all()],
        "breakouts": [_breakout(b) for b in s.breakouts.all()],
    }


@router.get("/", response=answers(list[ConveningOut]), summary="List convenings")
def list_convenings(request: HttpRequest) -> Any:
    convenings = access.visible_convenings(request.user).prefetch_related("organizers")
    return [_convening(c) for c in convenings.order_by("-starts_on", "pk")]


@router.get("/{slug}", response=answers(ConveningOut, 404), summary="One convening")
def get_convening(request: HttpRequest, slug: str) -> Any:
    return _convening(access.convening_for(request, slug))


@router.get(
    "/{slug}/agenda",
    response=answers(list[SessionOut], 404),
    summary="The agenda: sessions with their presentations and breakout groups",
)
def get_agenda(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    sessions = [
        s
        for day in services.agenda(convening)
        for top in day.sessions
        for s in [top, *getattr(top, "children", [])]
    ]
    return [_session(s, convening.time_zone) for s in sessions]


@router.get(
    "/{slug}/participants",
    response=answers(list[ParticipantOut], 404),
    summary="Participants, as each one's consent allows",
    description=(
        "Organizers see every participant. Others see the participants who agreed to be "
        "listed, by name only where they agreed to it. E-mail and phone are given only to "
        "other participants and organizers where the participant agreed to share them, "
        "and otherwise only to users allowed to see the directory's contact details."
    ),
)
def list_participants(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    organizer = access.is_organizer(request.user, convening)
    queryset = (
        convening.participants.select_related("person", "organization")
        if organizer
        else access.public_participants(convening)
    )
    rows = []
    for p in queryset.order_by("pk"):
        contact = access.participant_contact(request, convening, p)
        rows.append(_participant(p, access.listed_name(organizer, p), contact))
    return rows


def _participant(p: Participant, name: str, contact: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": name,
        "organization": ref(p.organization) if p.organization_id else None,
        "roles": p.roles,
        "contact": (
            {"person": str(p.person), "email": contact.email, "phone": contact.phone}
            if contact
            else None
        ),
    }


@router.get(
    "/{slug}/statements",
    response=answers(list[StatementOut], 404),
    summary="Priorities, challenges, lessons and recommendations captured, with their source",
)
def list_statements(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    return [
        {
            "id": s.pk,
            "kind": s.kind,
            "topic": s.topic,
            "statement": s.statement,
            "scope": s.scope,
            "quote": s.quote,
            "stakeholder_groups": [ref(g) for g in s.stakeholder_groups.all()],
            "lever_issues": [ref(i) for i in s.lever_issues.all()],
            "mdg_goals": [g.number for g in s.mdg_goals.all()],
            "sdg_goals": [g.number for g in s.sdg_goals.all()],
            "source": s.source_label(),
        }
        for _kind, items in services.statements_by_kind(convening)
        for s in items
    ]


@router.get(
    "/{slug}/commitments",
    response=answers(list[CommitmentOut], 404),
    summary="Commitments for action: who, what, by when",
)
def list_commitments(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    return [
        {"id": c.pk, "who": c.who, "what": c.what, "due_on": c.due_on, "state": c.state}
        for c in convening.commitments.select_related("organization", "person")
    ]
