"""The results framework's business: audited writes, computed indicators, the tracker,
reviews and reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from asmhub.convenings.models import Commitment, Convening
from asmhub.core import permissions
from asmhub.core.actions import SaveContribution
from asmhub.core.models import AuditEntry
from asmhub.core.services import HomeStat
from asmhub.funding.models import Project
from asmhub.library.models import Resource, SuccessStory
from asmhub.strategy import metrics
from asmhub.strategy.models import (
    CLOSED,
    Action,
    Goal,
    Indicator,
    IndicatorValue,
    Objective,
    Progress,
    Review,
    StatusChange,
    Strategy,
    today,
)

COMMITMENT_STATES = {
    "proposed": Progress.PROPOSED,
    "committed": Progress.AGREED,
    "in-progress": Progress.IN_PROGRESS,
    "done": Progress.DONE,
    "dropped": Progress.DROPPED,
}


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def save(
    user: Any,
    instance: models.Model,
    values: dict[str, Any],
    relations: dict[str, Any] | None = None,
    allowed: bool = False,
) -> models.Model:
    """Create or edit ``instance`` with ``values``, audited; ``allowed`` is the caller's
    permission answer, so a refused write leaves nothing behind."""
    if not allowed:
        raise PermissionDenied(_("You may not change this part of the strategy."))
    creating = instance.pk is None
    with transaction.atomic():
        changes: dict[str, Any] = {}
        for field, value in values.items():
            old = None if creating else getattr(instance, field)
            if creating or old != value:
                changes[field] = {"from": _plain(old), "to": _plain(value)}
                setattr(instance, field, value)
        instance.full_clean(exclude=list(relations or {}))
        instance.save()
        for field, objects in (relations or {}).items():
            manager = getattr(instance, field)
            before = set() if creating else set(manager.all())
            if before != set(objects):
                manager.set(objects)
                changes[field] = {"from": _plain(before), "to": _plain(set(objects))}
        AuditEntry.record(user, "create" if creating else "update", instance, changes)
    return instance


def change_status(user: Any, item: Goal | Action, target: str, note: str = "") -> StatusChange:
    """Move a goal or an action to ``target``, keeping the history and the audit trail."""
    if target not in Progress.values:
        raise ValidationError(_("Unknown status “%(s)s”.") % {"s": target})
    allowed = (
        permissions.can_edit_goal(user, item)
        if isinstance(item, Goal)
        else permissions.can_edit_action(user, item)
    )
    if not allowed:
        raise PermissionDenied(_("You may not change this part of the strategy."))
    with transaction.atomic():
        old = item.status
        item.status = target
        item.save(update_fields=["status"])
        change = StatusChange.objects.create(
            goal=item if isinstance(item, Goal) else None,
            action=item if isinstance(item, Action) else None,
            from_status=old,
            to_status=target,
            note=note,
            changed_by=user if user.is_authenticated else None,
        )
        AuditEntry.record(user, f"status:{target}", item, {"status": {"from": old, "to": target}})
    return change


def adopt_commitment(user: Any, commitment: Any, objective: Objective) -> Action:
    """Make a convening commitment an action of ``objective``'s goal, in one audited step."""
    if not permissions.can_add_action(user, objective.goal):
        raise PermissionDenied(_("You may not add actions to this goal."))
    if Action.objects.filter(commitment=commitment).exists():
        raise ValidationError(_("This commitment is already an action of the strategy."))
    with transaction.atomic():
        action = Action.objects.create(
            objective=objective,
            commitment=commitment,
            title=commitment.what[:300],
            description=commitment.notes,
            owner_organization=commitment.organization,
            owner_person=commitment.person,
            due_on=commitment.due_on,
            starts_on=commitment.convening.starts_on,
            status=COMMITMENT_STATES.get(commitment.state, Progress.PROPOSED),
        )
        action.lever_issues.set(commitment.lever_issues.all())
        AuditEntry.record(
            user,
            "adopt-commitment",
            action,
            {"commitment": {"from": None, "to": commitment.pk}, "objective": str(objective)},
        )
    return action


# Visibility -------------------------------------------------------------------------


def strategies(user: Any) -> QuerySet[Strategy]:
    return permissions.visible(user, Strategy.objects.all())


def visible_goals(user: Any, strategy: Strategy) -> QuerySet[Goal]:
    goals = strategy.goals.all()
    return goals if permissions.is_member(user) else goals.filter(members_only=False)


def visible_actions(user: Any) -> QuerySet[Action]:
    actions = Action.objects.filter(objective__goal__strategy__in=strategies(user)).select_related(
        "objective__goal__strategy", "owner_organization", "owner_person"
    )
    if not permissions.is_member(user):
        actions = actions.filter(members_only=False, objective__goal__members_only=False)
    return actions


def visible_indicators(user: Any, strategy: Strategy) -> list[Indicator]:
    """The indicators the user may see: members-only ones for members, and those computed
    from restricted records only for the audience of their metric."""
    return [i for i in strategy.indicators.all() if permissions.can_see_item(user, i)]


def evidence(user: Any, action: Action) -> list[dict[str, Any]]:
    """The action's progress updates, each with the evidence the user may see: library
    resources and stories, monitoring areas (their public pages of aggregates), IATI
    activities and the funded projects the user may see."""

    found = []
    for update in action.updates.prefetch_related(
        "resources", "stories", "areas", "activities", "projects"
    ):
        found.append(
            {
                "update": update,
                "resources": permissions.visible(
                    user, Resource.objects.filter(pk__in=[r.pk for r in update.resources.all()])
                ),
                "stories": permissions.visible(
                    user,
                    SuccessStory.objects.filter(pk__in=[s.pk for s in update.stories.all()]),
                ),
                "areas": list(update.areas.all()),
                "activities": list(update.activities.all()),
                "projects": permissions.visible(
                    user, Project.objects.filter(pk__in=[p.pk for p in update.projects.all()])
                ),
            }
        )
    return found


# Computed indicators ----------------------------------------------------------------


def metric_value(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:
    """What the indicator's metric counts of the platform's records after ``start`` up to
    ``end`` (``metrics.py``)."""

    metric = metrics.get(indicator.metric)
    if metric is None:
        raise ValueError(f"unknown metric {indicator.metric!r}")
    return metric.compute(indicator, start, end)


def refresh(indicator: Indicator, on: dt.date | None = None) -> IndicatorValue | None:
    """Write the computed actual of ``indicator`` for ``on`` (today), replacing that day's."""
    if not indicator.metric:
        return None
    day = on or today()
    value = metric_value(indicator, indicator.baseline_on, day)
    saved, _created = IndicatorValue.objects.update_or_create(
        indicator=indicator,
        on=day,
        computed=True,
        defaults={"value": value, "source": _("Computed from the platform's records")},
    )
    return saved


def refresh_metric(metric: str) -> int:
    """Refresh every indicator computed from ``metric``; how many."""
    found = list(Indicator.objects.filter(metric=metric))
    for indicator in found:
        refresh(indicator)
    return len(found)


def chart_rows(indicator: Indicator) -> dict[str, Any]:
    """Actuals and targets by date for charts.js."""
    return {
        "labels": sorted(
            {str(indicator.baseline_on)}
            | {str(v.on) for v in indicator.values.all()}
            | {str(t.due_on) for t in indicator.targets.all()}
        ),
        "rows": [{"label": str(indicator.baseline_on), "amount": float(indicator.baseline)}]
        + [{"label": str(v.on), "amount": float(v.value)} for v in indicator.values.all()],
    }


# The tracker ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the tracker: an action, or a commitment not yet made an action."""

    kind: str  # "action" or "commitment"
    title: str
    owner: str
    due_on: dt.date | None
    status: str
    overdue: bool
    url: str
    record: Any
    where: str


def _commitment_overdue(commitment: Any, on: dt.date) -> bool:
    return bool(
        commitment.due_on and commitment.due_on < on and commitment.state not in ("done", "dropped")
    )


def visible_commitments(user: Any) -> QuerySet[Any]:

    convenings = permissions.visible(user, Convening.objects.all())
    return Commitment.objects.filter(convening__in=convenings).select_related(
        "convening", "organization", "person"
    )


def with_mineral(actions: QuerySet[Action], mineral: Any) -> QuerySet[Action]:
    """The actions tagged with ``mineral``, themselves or through their objective or goal."""
    return actions.filter(
        Q(minerals=mineral) | Q(objective__minerals=mineral) | Q(objective__goal__minerals=mineral)
    ).distinct()


def tracker(
    user: Any, mine: bool = False, on: dt.date | None = None, mineral: Any = None
) -> list[Entry]:
    """Every action and every convening commitment the user may see, soonest due first;
    ``mine`` keeps those owned by the user's organization, ``mineral`` the actions tagged
    with that mineral (commitments carry no minerals, so none is kept)."""
    day = on or today()
    org_id = getattr(user, "organization_id", None) if user.is_authenticated else None
    actions = visible_actions(user)
    commitments = visible_commitments(user).filter(strategy_action__isnull=True)
    if mineral is not None:
        actions = with_mineral(actions, mineral)
        commitments = commitments.none()
    if mine:
        actions = actions.filter(owner_organization_id=org_id) if org_id else actions.none()
        commitments = commitments.filter(organization_id=org_id) if org_id else commitments.none()
    entries = [
        Entry(
            "action",
            a.title,
            a.owner,
            a.due_on,
            a.get_status_display(),
            a.is_overdue(day),
            a.get_absolute_url(),
            a,
            str(a.objective.goal.strategy),
        )
        for a in actions
    ]
    from django.urls import reverse

    entries += [
        Entry(
            "commitment",
            c.what,
            c.who,
            c.due_on,
            c.get_state_display(),
            _commitment_overdue(c, day),
            reverse("convenings:commitments", args=[c.convening.slug]),
            c,
            str(c.convening),
        )
        for c in commitments
    ]
    return sorted(entries, key=lambda e: (e.due_on or dt.date.max, e.title))


# Reviews ----------------------------------------------------------------------------


def snapshot(strategy: Strategy, on: dt.date) -> dict[str, Any]:
    """The status of every action and indicator of ``strategy`` on ``on``, with the id of
    each record a figure comes from."""
    actions = []
    for action in Action.objects.filter(objective__goal__strategy=strategy).select_related(
        "objective__goal", "owner_organization", "owner_person"
    ):
        actions.append(
            {
                "id": action.pk,
                "title": action.title,
                "goal": action.objective.goal.title,
                "owner": action.owner,
                "due_on": str(action.due_on) if action.due_on else None,
                "status": action.status,
                "overdue": action.is_overdue(on),
                "members_only": action.members_only or action.objective.goal.members_only,
                "commitment": action.commitment_id,
            }
        )
    indicators = []
    for indicator in strategy.indicators.all():
        latest = indicator.latest(on)
        target = indicator.targets.filter(due_on__gte=on).first()
        indicators.append(
            {
                "id": indicator.pk,
                "title": indicator.title,
                "unit": indicator.unit,
                "baseline": str(indicator.baseline),
                "baseline_on": str(indicator.baseline_on),
                "actual": str(latest.value) if latest else None,
                "actual_on": str(latest.on) if latest else None,
                "actual_id": latest.pk if latest else None,
                "source": (latest.source if latest else "") or indicator.source,
                "target": str(target.value) if target else None,
                "target_on": str(target.due_on) if target else None,
                "target_id": target.pk if target else None,
                "members_only": indicator.members_only,
                "audience": indicator.audience,
            }
        )
    counts = {s: sum(1 for a in actions if a["status"] == s) for s in Progress.values}
    return {
        "on": str(on),
        "actions": actions,
        "indicators": indicators,
        "counts": counts,
        "overdue": sum(1 for a in actions if a["overdue"]),
    }


def hold_review(
    user: Any,
    strategy: Strategy,
    held_on: dt.date,
    title: str,
    decisions: str,
    changes: str,
    convening: Any = None,
    new_convening: bool = False,
) -> Review:
    """Record a review and its snapshot; its meeting is ``convening``, or with
    ``new_convening`` a convening created for it on ``held_on`` (audited, like any)."""
    if not permissions.is_editor(user):
        raise PermissionDenied(_("Only an editor may record a review."))
    with transaction.atomic():
        if new_convening:
            convening = SaveContribution(
                user,
                Convening(),
                {
                    "title": (_("Review meeting: %(t)s") % {"t": title})[:300],
                    "starts_on": held_on,
                    "ends_on": held_on,
                    "goal": _("Review of the strategy “%(s)s”.") % {"s": strategy.title},
                    "owner_organization": strategy.owner_organization,
                },
            ).execute()
        for indicator in strategy.indicators.exclude(metric=""):
            refresh(indicator, held_on)
        review = Review.objects.create(
            strategy=strategy,
            held_on=held_on,
            title=title,
            decisions=decisions,
            changes=changes,
            snapshot=snapshot(strategy, held_on),
            convening=convening,
            created_by=user if user.is_authenticated else None,
        )
        AuditEntry.record(
            user,
            "create",
            review,
            {
                "held_on": {"from": None, "to": str(held_on)},
                "convening": {"from": None, "to": str(convening) if convening else None},
            },
        )
    return review


def review_view(user: Any, review: Review) -> dict[str, Any]:
    """What a reader of the review may see of its snapshot."""
    data = review.snapshot or {}
    member = permissions.is_member(user)
    return {
        **data,
        "actions": [a for a in data.get("actions", []) if member or not a.get("members_only")],
        "indicators": [
            i
            for i in data.get("indicators", [])
            if (member or not i.get("members_only"))
            and permissions.can_see_audience(user, i.get("audience", "public"))
        ],
    }


def home_stats(user: Any) -> list[HomeStat]:
    from django.urls import reverse

    return [
        HomeStat(
            visible_actions(user).exclude(status__in=CLOSED).count(),
            _("open strategic actions"),
            reverse("strategy:tracker"),
        )
    ]
