"""Strategy API: strategies with their goals, actions and indicators, and the tracker."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router

from asmhub.accounts.auth import PUBLIC
from asmhub.core import permissions
from asmhub.core.api_schemas import answers
from asmhub.strategy import services
from asmhub.strategy.models import Action, Goal, Indicator, Strategy
from asmhub.strategy.schemas import StrategyDetailOut, StrategyOut, TrackerEntryOut

router = Router(tags=["strategy"], auth=PUBLIC)


def _strategy(s: Strategy) -> dict[str, Any]:
    return {
        "slug": s.slug,
        "title": s.title,
        "summary": s.summary,
        "status": s.status,
        "starts_on": s.starts_on,
        "ends_on": s.ends_on,
        "review_rule": s.review_rule,
        "next_reviews": s.next_reviews(timezone.localdate()),
        "url": s.get_absolute_url(),
    }


def _action(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "objective": str(a.objective),
        "owner": a.owner,
        "starts_on": a.starts_on,
        "due_on": a.due_on,
        "status": a.status,
        "overdue": a.is_overdue(),
        "commitment": a.commitment_id,
        "url": a.get_absolute_url(),
    }


def _goal(user: Any, g: Goal) -> dict[str, Any]:
    actions = [
        a for o in g.objectives.all() for a in o.actions.all() if permissions.can_see_item(user, a)
    ]
    return {
        "id": g.pk,
        "title": g.title,
        "term": g.term,
        "owner": g.owner,
        "starts_on": g.starts_on,
        "due_on": g.due_on,
        "status": g.status,
        "overdue": g.is_overdue(),
        "actions": [_action(a) for a in actions],
        "url": g.get_absolute_url(),
    }


def _indicator(i: Indicator) -> dict[str, Any]:
    latest = i.latest()
    return {
        "id": i.pk,
        "title": i.title,
        "unit": i.unit,
        "computed_from": i.metric,
        "source": i.source,
        "baseline": float(i.baseline),
        "baseline_on": i.baseline_on,
        "latest": float(latest.value) if latest else None,
        "latest_on": latest.on if latest else None,
        "url": i.get_absolute_url(),
    }


@router.get("/", response=answers(list[StrategyOut]), summary="List strategies")
def list_strategies(request: HttpRequest) -> Any:
    return [_strategy(s) for s in services.strategies(request.user)]


@router.get(
    "/tracker",
    response=answers(list[TrackerEntryOut]),
    summary="Every action and convening commitment, with its owner, due date and overdue flag",
)
def get_tracker(request: HttpRequest, mine: bool = False) -> Any:
    return [
        {
            "kind": e.kind,
            "title": e.title,
            "owner": e.owner,
            "due_on": e.due_on,
            "status": e.status,
            "overdue": e.overdue,
            "where": e.where,
            "url": e.url,
        }
        for e in services.tracker(request.user, mine=mine)
    ]


@router.get(
    "/{slug}",
    response=answers(StrategyDetailOut, 404),
    summary="One strategy: its goals, their actions, and its indicators",
)
def get_strategy(request: HttpRequest, slug: str) -> Any:
    strategy = permissions.find_visible(request.user, Strategy.objects.all(), slug=slug)
    if strategy is None:
        raise Http404
    goals = services.visible_goals(request.user, strategy).prefetch_related("objectives__actions")
    return {
        **_strategy(strategy),
        "goals": [_goal(request.user, g) for g in goals],
        "indicators": [_indicator(i) for i in services.visible_indicators(request.user, strategy)],
    }
