"""Strategy API: strategies with their goals, actions and indicators, and the tracker."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from asmhub.accounts.auth import PUBLIC
from asmhub.core import permissions
from asmhub.core.api_schemas import answers
from asmhub.strategy import services, workplans
from asmhub.strategy.models import Action, Goal, Indicator, Strategy, WorkPlan
from asmhub.strategy.schemas import (
    StrategyDetailOut,
    StrategyOut,
    StrategyWorkPlanDetailOut,
    StrategyWorkPlanOut,
    TrackerEntryOut,
)
from asmhub.taxonomy.models import Mineral

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
        "currency": i.currency,
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
    response=answers(list[TrackerEntryOut], 404),
    summary="Every action and convening commitment, with its owner, due date and overdue flag",
)
def get_tracker(request: HttpRequest, mine: bool = False, mineral: str = "") -> Any:
    """``mineral`` (a mineral's slug) keeps the actions tagged with it."""

    chosen = None
    if mineral:
        chosen = Mineral.objects.filter(slug=mineral).first()
        if chosen is None:
            raise HttpError(404, f"No mineral has the slug “{mineral}”.")
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
        for e in services.tracker(request.user, mine=mine, mineral=chosen)
    ]


def _plan(user: Any, p: WorkPlan) -> dict[str, Any]:
    strategy_seen = p.strategy is not None and permissions.can_view(user, p.strategy)
    convening_seen = p.convening is not None and permissions.can_view(user, p.convening)
    return {
        "slug": p.slug,
        "title": p.title,
        "year": p.year,
        "status": p.status,
        "strategy": p.strategy.slug if strategy_seen and p.strategy else None,
        "convening": p.convening.slug if convening_seen and p.convening else None,
        "url": p.get_absolute_url(),
    }


@router.get("/plans", response=answers(list[StrategyWorkPlanOut]), summary="List work plans")
def list_plans(request: HttpRequest) -> Any:
    return [_plan(request.user, p) for p in workplans.visible_plans(request.user)]


@router.get(
    "/plans/{slug}",
    response=answers(StrategyWorkPlanDetailOut, 404),
    summary="One work plan: its activities with budget, lead, goals served and origin",
)
def get_plan(request: HttpRequest, slug: str) -> Any:
    plan = workplans.visible_plans(request.user).filter(slug=slug).first()
    if plan is None:
        raise Http404
    user = request.user
    return {
        **_plan(user, plan),
        "summary": plan.summary,
        "source": plan.source,
        "activities": [
            {
                "id": a.pk,
                "kind": a.kind,
                "title": a.title,
                "description": a.description,
                "budget_amount": float(a.budget_amount) if a.budget_amount is not None else None,
                "budget_currency": a.budget_currency,
                "lead": a.lead,
                "status": a.status,
                "goals": [g.pk for g in a.goals.all() if permissions.can_see_item(user, g)],
                "objectives": [o.pk for o in a.objectives.all()],
                "from_poll_option": a.from_option_id,
                "from_priority": a.from_statement_id,
                "poll_result": a.poll_result,
            }
            for a in workplans.visible_activities(user, plan)
        ],
    }


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
