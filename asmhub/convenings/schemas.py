"""Schemas of the convenings API. A participant's name and contact details appear only as
their consent and the caller's rights allow (``access``); the schemas never read them
from the directory directly."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import WithJsonSchema

from asmhub.core.api_schemas import Ref
from asmhub.directory.api import ContactOut

# An RFC 3339 full-time (``08:00:00-04:00``), written by the API itself: a time that
# carries an offset is one the JSON encoder refuses.
PlaceTime = Annotated[str, WithJsonSchema({"type": "string", "format": "time"})]


class ConveningOut(Schema):
    slug: str
    title: str
    short_title: str
    status: str
    stage: str
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    place: str
    online: bool
    goal: str
    objectives: list[str]
    expected_outputs: list[str]
    expected_outcomes: list[str]
    organizers: list[Ref]
    url: str


class PresentationOut(Schema):
    id: int
    title: str
    speakers: list[str]
    organizations: list[Ref]
    theme: str
    mdg_goals: list[int]
    sdg_goals: list[int]
    lever_issues: list[Ref]
    summary: str
    notes: str
    url: str


class BreakoutOut(Schema):
    id: int
    name: str
    task: str
    guiding_questions: list[str]
    facilitator: str
    rapporteur: str
    report_back: str
    url: str


class SessionOut(Schema):
    id: int
    parent: int | None
    title: str
    kind: str
    day: dt.date
    starts_at: PlaceTime | None = Field(
        ..., description="Local time at the convening's place, with that day's UTC offset"
    )
    ends_at: PlaceTime | None = Field(..., description="Likewise")
    chairs: list[str]
    facilitators: list[str]
    guiding_questions: list[str]
    notes: str
    presentations: list[PresentationOut]
    breakouts: list[BreakoutOut]


class ParticipantOut(Schema):
    id: int
    name: str
    organization: Ref | None
    roles: list[str]
    contact: ContactOut | None


class StatementOut(Schema):
    id: int
    kind: str
    topic: str
    statement: str
    scope: str
    quote: str
    stakeholder_groups: list[Ref]
    lever_issues: list[Ref]
    mdg_goals: list[int]
    sdg_goals: list[int]
    source: str


class CommitmentOut(Schema):
    id: int
    who: str
    what: str
    due_on: dt.date | None
    state: str
