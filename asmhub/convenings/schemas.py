"""Schemas of the convenings API. A participant's name and contact details appear only as
their consent and the caller's rights allow (``access``); the schemas never read them
from the directory directly."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from asmhub.core.api_schemas import Ref
from asmhub.directory.api import ContactOut


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
    starts_at: dt.time | None
    ends_at: dt.time | None
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
