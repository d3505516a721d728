"""Pages of the results framework: thin, asking ``core.permissions`` and calling services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.core import crud, permissions
from asmhub.core.actions import SaveContribution
from asmhub.core.exports import download
from asmhub.strategy import forms, framework_io, groups, services, workplans
from asmhub.strategy.models import (
    Action,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Progress,
    ProgressUpdate,
    Strategy,
)
from asmhub.taxonomy.models import Mineral


def _strategy(request: HttpRequest, slug: str) -> Strategy:
    found = permissions.find_visible(request.user, Strategy.objects.all(), slug=slug)
    if found is None:
        raise Http404
    return found


def _goal(request: HttpRequest, pk: int) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("strategy"), pk=pk)
    if not (
        permissions.can_view(request.user, goal.strategy)
        and permissions.can_see_item(request.user, goal)
    ):
        raise Http404
    return goal


def _action(request: HttpRequest, pk: int) -> Action:
    action = get_object_or_404(Action.objects.select_related("objective__goal__strategy"), pk=pk)
    goal = action.objective.goal
    if not (
        permissions.can_view(request.user, goal.strategy)
        and permissions.can_see_item(request.user, goal)
        and permissions.can_see_item(request.user, action)
    ):
        raise Http404
    return action


def _indicator(request: HttpRequest, pk: int) -> Indicator:
    indicator = get_object_or_404(Indicator.objects.select_related("strategy"), pk=pk)
    if not (
        permissions.can_view(request.user, indicator.strategy)
        and permissions.can_see_item(request.user, indicator)
    ):
        raise Http404
    return indicator


def _form_page(
    request: HttpRequest,
    form: Any,
    heading: str,
    back: str,
    save: Any,
) -> HttpResponse:
    """Show ``form``; on a valid POST call ``save(form)`` and go to the URL it returns."""
    if request.method == "POST" and form.is_valid():
        try:
            target: str = save(form)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("Saved."))
            return redirect(target)
    return render(request, "strategy/form.html", {"form": form, "heading": heading, "back": back})


def strategy_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "strategy/list.html",
        {
            "strategies": services.strategies(request.user),
            "can_create": permissions.is_editor(request.user),
            "join_requests": len(groups.pending_requests(request.user)),
        },
    )


@login_required
def strategy_create(request: HttpRequest) -> HttpResponse:
    return _strategy_form(request, Strategy(), _("New strategy"))


@login_required
def strategy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    return _strategy_form(request, _strategy(request, slug), _("Strategy"))


def _strategy_form(request: HttpRequest, strategy: Strategy, heading: str) -> HttpResponse:
    """Editors create (published at once) and edit strategies, audited by SaveContribution."""
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    form = forms.StrategyForm(request.POST or None, instance=strategy)

    def save(form: forms.StrategyForm) -> str:
        values, _rel = forms.split(form, list(form.fields))
        target = Strategy.objects.get(pk=strategy.pk) if strategy.pk else Strategy()
        return SaveContribution(request.user, target, values).execute().get_absolute_url()

    back = strategy.get_absolute_url() if strategy.pk else reverse("strategy:list")
    return _form_page(request, form, heading, back, save)


@login_required
def strategy_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish, unpublish or archive a strategy (core moderation rules)."""
    return crud.change_status(request, _strategy(request, slug))


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    user = request.user
    goals = []
    owners = ("owner_person", "owner_organization", "owner_group")
    actions = services.visible_actions(user).select_related(*owners)
    for goal in (
        services.visible_goals(user, strategy)
        .select_related(*owners)
        .prefetch_related(Prefetch("objectives__actions", queryset=actions), "lever_issues")
    ):
        objectives = [
            (o, [a for a in o.actions.all() if permissions.can_see_item(user, a)])
            for o in goal.objectives.all()
        ]
        goals.append({"goal": goal, "objectives": objectives})
    return render(
        request,
        "strategy/detail.html",
        {
            "strategy": strategy,
            "goals": goals,
            "indicators": services.visible_indicators(user, strategy),
            "groups": _groups(user, strategy),
            "reviews": strategy.reviews.select_related("convening"),
            "plans": workplans.visible_plans(user).filter(strategy=strategy),
            "next_reviews": strategy.next_reviews(timezone.localdate()),
            "can_edit": permissions.is_editor(user),
        },
    )


def _groups(user: Any, strategy: Strategy) -> list[dict[str, Any]]:
    """Each working group with its members, chair, and the goals and actions it owns."""
    goals = list(services.visible_goals(user, strategy).exclude(owner_group=None))
    actions = list(
        services.visible_actions(user)
        .filter(objective__goal__strategy=strategy)
        .exclude(owner_group=None)
    )
    return [
        {
            "group": group,
            "owns": [g for g in goals if g.owner_group_id == group.pk]
            + [a for a in actions if a.owner_group_id == group.pk],
        }
        for group in strategy.groups.select_related("chair").prefetch_related("members")
    ]


@login_required
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    goal = Goal(strategy=strategy)
    if not permissions.can_edit_goal(request.user, goal):
        raise PermissionDenied
    return _goal_form(request, goal, _("New strategic goal"))


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if not permissions.can_edit_goal(request.user, goal):
        raise PermissionDenied
    return _goal_form(request, goal, _("Strategic goal"))


def _goal_form(request: HttpRequest, goal: Goal, heading: str) -> HttpResponse:
    form = forms.GoalForm(request.POST or None, instance=goal, strategy=goal.strategy)

    def save(form: forms.GoalForm) -> str:
        values, relations = forms.split(form, list(form.fields))
        services.save(request.user, goal, values, relations, allowed=True)
        return goal.get_absolute_url()

    return _form_page(request, form, heading, goal.strategy.get_absolute_url(), save)


def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    user = request.user
    objectives = [
        (o, [a for a in o.actions.all() if permissions.can_see_item(user, a)])
        for o in goal.objectives.prefetch_related("actions")
    ]
    return render(
        request,
        "strategy/goal.html",
        {
            "goal": goal,
            "objectives": objectives,
            "indicators": [i for i in goal.indicators.all() if permissions.can_see_item(user, i)],
            "history": goal.history.select_related("changed_by"),
            "statuses": Progress.choices,
            "can_edit": permissions.can_edit_goal(user, goal),
            "can_add_action": permissions.can_add_action(user, goal),
        },
    )


@login_required
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if not permissions.can_edit_goal(request.user, goal):
        raise PermissionDenied
    objective = Objective(goal=goal, position=goal.objectives.count() + 1)
    form = forms.ObjectiveForm(request.POST or None, instance=objective)

    def save(form: forms.ObjectiveForm) -> str:
        values, relations = forms.split(form, list(form.fields))
        services.save(request.user, objective, values, relations, allowed=True)
        return goal.get_absolute_url()

    return _form_page(request, form, _("New objective"), goal.get_absolute_url(), save)


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if not permissions.can_add_action(request.user, goal):
        raise PermissionDenied
    return _action_form(request, goal, Action(), _("New action"))


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied
    return _action_form(request, action.objective.goal, action, _("Action"))


def _action_form(request: HttpRequest, goal: Goal, action: Action, heading: str) -> HttpResponse:
    form = forms.ActionForm(request.POST or None, instance=action, goal=goal)

    def save(form: forms.ActionForm) -> str:
        values, relations = forms.split(form, list(form.fields))
        services.save(request.user, action, values, relations, allowed=True)
        return action.get_absolute_url()

    return _form_page(request, form, heading, goal.get_absolute_url(), save)


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return render(
        request,
        "strategy/action.html",
        {
            "action": action,
            "goal": action.objective.goal,
            "history": action.history.select_related("changed_by"),
            "updates": services.evidence(request.user, action),
            "statuses": Progress.choices,
            "can_edit": permissions.can_edit_action(request.user, action),
        },
    )


@login_required
@require_POST
def status(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item: Goal | Action = _goal(request, pk) if kind == "goal" else _action(request, pk)
    try:
        services.change_status(
            request.user, item, request.POST.get("status", ""), request.POST.get("note", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status changed."))
    return redirect(item.get_absolute_url())


@login_required
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not permissions.can_edit_action(request.user, action):
        raise PermissionDenied
    update = ProgressUpdate(action=action, author_id=request.user.pk)
    form = forms.ProgressForm(request.POST or None, instance=update, user=request.user)

    def save(form: forms.ProgressForm) -> str:
        values, relations = forms.split(form, list(form.fields))
        services.save(request.user, update, values, relations, allowed=True)
        return action.get_absolute_url()

    return _form_page(request, form, _("Progress update"), action.get_absolute_url(), save)


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    return render(
        request,
        "strategy/indicator.html",
        {
            "indicator": indicator,
            "values": indicator.values.all(),
            "targets": indicator.targets.all(),
            "chart": services.chart_rows(indicator)["rows"],
            "target_chart": [
                {"label": str(t.due_on), "amount": float(t.value)} for t in indicator.targets.all()
            ],
            "can_edit": permissions.can_edit_goal(request.user, indicator),
        },
    )


@login_required
def indicator_create(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    if not permissions.is_editor(request.user):
        raise PermissionDenied
    indicator = Indicator(strategy=strategy)
    form = forms.IndicatorForm(request.POST or None, instance=indicator, strategy=strategy)

    def save(form: forms.IndicatorForm) -> str:
        values, _rel = forms.split(form, list(form.fields))
        services.save(request.user, indicator, values, allowed=True)
        services.refresh(indicator)
        return indicator.get_absolute_url()

    return _form_page(request, form, _("New indicator"), strategy.get_absolute_url(), save)


@login_required
def indicator_entry(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Enter an actual (with its source) or a target of an indicator."""
    indicator = _indicator(request, pk)
    if not permissions.can_edit_goal(request.user, indicator):
        raise PermissionDenied
    record: Model
    if kind == "value":
        if indicator.computed:
            raise Http404
        record = IndicatorValue(indicator=indicator)
        form: Any = forms.ValueForm(request.POST or None, instance=record)
        heading = _("New actual")
    else:
        record = IndicatorTarget(indicator=indicator)
        form = forms.TargetForm(request.POST or None, instance=record)
        heading = _("New target")

    def save(form: Any) -> str:
        values, _rel = forms.split(form, list(form.fields))
        services.save(request.user, record, values, allowed=True)
        return indicator.get_absolute_url()

    return _form_page(request, form, heading, indicator.get_absolute_url(), save)


def tracker(request: HttpRequest) -> HttpResponse:

    mine = request.GET.get("mine") == "1" and request.user.is_authenticated
    mineral = Mineral.objects.filter(slug=request.GET.get("mineral", "")).first()
    entries = services.tracker(request.user, mine=mine, mineral=mineral)
    objectives = []
    if permissions.is_member(request.user):
        objectives = [
            o
            for o in Objective.objects.filter(
                goal__strategy__in=services.strategies(request.user)
            ).select_related("goal__strategy")
            if permissions.can_add_action(request.user, o.goal)
        ]
    return render(
        request,
        "strategy/tracker.html",
        {
            "entries": entries,
            "mine": mine,
            "mineral": mineral,
            "minerals": Mineral.objects.all(),
            "objectives": objectives,
            "overdue": sum(1 for e in entries if e.overdue),
        },
    )


@login_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    commitment = services.visible_commitments(request.user).filter(pk=pk).first()
    if commitment is None:
        raise Http404
    objective = (
        Objective.objects.filter(
            pk=request.POST.get("objective") or 0,
            goal__strategy__in=services.strategies(request.user),
        )
        .select_related("goal")
        .first()
    )
    if objective is None:
        messages.error(request, _("Choose the objective the commitment serves."))
        return redirect("strategy:tracker")
    try:
        action = services.adopt_commitment(request.user, commitment, objective)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("strategy:tracker")
    messages.success(request, _("The commitment is now an action of the strategy."))
    return redirect(action.get_absolute_url())


def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The framework of every strategy the user may see (or of ``?strategy=slug``; with
    ``?mineral=slug`` the actions tagged with that mineral), in the columns the import
    reads back (``framework_io``)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    chosen = services.strategies(request.user)
    if request.GET.get("strategy"):
        chosen = chosen.filter(slug=request.GET["strategy"])
    mineral = None
    if request.GET.get("mineral"):
        mineral = get_object_or_404(Mineral, slug=request.GET["mineral"])
    rows = framework_io.export_rows(request.user, chosen, mineral)
    return download(framework_io.headers(), rows, "strategy", fmt)
