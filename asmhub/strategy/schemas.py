"""Schemas of the strategy API (names prefixed so they stay unique in the document)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class StrategyActionOut(Schema):
    id: int
    title: str
    objective: str
    owner: str
    starts_on: dt.date | None
    due_on: dt.date | None
    status: str
    overdue: bool
    commitment: int | None
    url: str


class StrategyGoalOut(Schema):
    id: int
    title: str
    term: str
    owner: str
    starts_on: dt.date | None
    due_on: dt.date | None
    status: str
    overdue: bool
    actions: list[StrategyActionOut]
    url: str


class StrategyIndicatorOut(Schema):
    id: int
    title: str
    unit: str
    computed_from: str
    currency: str
    source: str
    baseline: float
    baseline_on: dt.date
    latest: float | None
    latest_on: dt.date | None
    url: str


class StrategyOut(Schema):
    slug: str
    title: str
    summary: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    review_rule: str
    next_reviews: list[dt.date]
    url: str


class StrategyDetailOut(StrategyOut):
    goals: list[StrategyGoalOut]
    indicators: list[StrategyIndicatorOut]


class TrackerEntryOut(Schema):
    kind: str
    title: str
    owner: str
    due_on: dt.date | None
    status: str
    overdue: bool
    where: str
    url: str


class StrategyActivityOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    budget_amount: float | None
    budget_currency: str
    lead: str
    status: str
    goals: list[int]
    objectives: list[int]
    from_poll_option: int | None
    from_priority: int | None
    poll_result: dict[str, object]


class StrategyWorkPlanOut(Schema):
    slug: str
    title: str
    year: int
    status: str
    strategy: str | None
    convening: str | None
    url: str


class StrategyWorkPlanDetailOut(StrategyWorkPlanOut):
    summary: str
    source: str
    activities: list[StrategyActivityOut]
