"""A small strategy to reason about: one goal owned by ``org`` (the owner's and
colleague's organization), one objective, one action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.strategy.models import Action, Goal, Objective, Strategy


def make_strategy(status: str = Status.PUBLISHED, **fields: Any) -> Strategy:
    values: dict[str, Any] = {
        "title": "Putting ASM on the agenda",
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2030, 12, 31),
        "status": status,
    }
    values.update(fields)
    return Strategy.objects.create(**values)


def make_goal(strategy: Strategy, owner: Organization | None, **fields: Any) -> Goal:
    return Goal.objects.create(
        strategy=strategy,
        title=fields.pop("title", "Raise donor awareness"),
        owner_organization=owner,
        **fields,
    )


@pytest.fixture
def strategy(db: Any) -> Strategy:
    return make_strategy()


@pytest.fixture
def goal(strategy: Strategy, org: Organization) -> Goal:
    return make_goal(strategy, org, due_on=dt.date(2027, 6, 30))


@pytest.fixture
def objective(goal: Goal) -> Objective:
    return Objective.objects.create(goal=goal, title="Know the donors")


@pytest.fixture
def action(objective: Objective) -> Action:
    return Action.objects.create(
        objective=objective, title="Catalog donor funding cycles", due_on=dt.date(2026, 6, 30)
    )
