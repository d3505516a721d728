"""The demo strategy (``data/demo/*.yaml``): goals, objectives, actions, indicators, the
convening commitments made actions, and one review.

Loading matches each strategy by its slug and rebuilds it, so loading again gives the same
rows; a name that does not exist stops the whole load with a ``StrategyDataError`` naming
the file and the name. Run after the directory and convenings demos (INSTALLED_APPS order).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from asmhub.core.models import Status
from asmhub.directory.models import Organization, Person
from asmhub.strategy import metrics, services, workplans
from asmhub.strategy.models import (
    Action,
    Activity,
    Goal,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Review,
    Strategy,
    WorkingGroup,
    WorkPlan,
)
from asmhub.taxonomy.models import LeverIssue, MDGTarget

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


class StrategyDataError(ValueError):
    pass


class _Names:
    def __init__(self, file: str) -> None:
        self.file = file
        self.orgs = {o.slug: o for o in Organization.objects.all()}
        self.people = {p.slug: p for p in Person.objects.all()}
        self.issues = {i.slug: i for i in LeverIssue.objects.all()}
        self.mdg = {t.code: t for t in MDGTarget.objects.all()}

    def fail(self, what: str, name: Any) -> StrategyDataError:
        return StrategyDataError(f"{self.file}: unknown {what} {name!r}")

    def org(self, slug: str | None) -> Organization | None:
        if not slug:
            return None
        if slug not in self.orgs:
            raise self.fail("organization", slug)
        return self.orgs[slug]

    def person(self, slug: str | None) -> Person | None:
        if not slug:
            return None
        if slug not in self.people:
            raise self.fail("person", slug)
        return self.people[slug]

    def terms(self, what: str, table: dict[str, Any], names: list[str] | None) -> list[Any]:
        missing = [n for n in names or [] if n not in table]
        if missing:
            raise self.fail(what, missing[0])
        return [table[n] for n in names or []]


@transaction.atomic
def load_demo_strategy(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Create or rebuild each strategy of ``directory``; idempotent, all or nothing."""
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        loaded.append(_load(_Names(path.name), data))
    plans = [
        _load_plan(_Names(path.name), yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        for path in sorted((directory / "plans").glob("*.yaml"))
    ]
    return {
        "work plans": len(plans),
        "strategies": len(loaded),
        "goals": Goal.objects.filter(strategy__in=loaded).count(),
        "actions": Action.objects.filter(objective__goal__strategy__in=loaded).count(),
        "indicators": Indicator.objects.filter(strategy__in=loaded).count(),
        "reviews": Review.objects.filter(strategy__in=loaded).count(),
    }


def _tag(item: Goal | Action, names: _Names, data: dict[str, Any]) -> None:
    item.lever_issues.set(names.terms("lever issue", names.issues, data.get("lever_issues")))
    item.mdg_targets.set(names.terms("MDG target", names.mdg, data.get("mdg_targets")))


def _load(names: _Names, data: dict[str, Any]) -> Strategy:
    head = data.get("strategy") or {}
    if not head.get("slug"):
        raise StrategyDataError(f"{names.file}: the strategy needs a slug")
    Strategy.objects.filter(slug=head["slug"]).delete()
    strategy = Strategy.objects.create(
        slug=head["slug"],
        title=head["title"],
        summary=head.get("summary", ""),
        starts_on=head["starts_on"],
        ends_on=head["ends_on"],
        source=head.get("source", ""),
        owner_organization=names.org(head.get("owner")),
        status=Status.PUBLISHED,
    )
    groups: dict[str, WorkingGroup] = {}
    for item in data.get("groups") or []:
        group = WorkingGroup.objects.create(
            strategy=strategy,
            name=item["name"],
            mandate=item.get("mandate", ""),
            chair=names.person(item.get("chair")),
        )
        group.members.set([o for o in (names.org(s) for s in item.get("members") or []) if o])
        groups[item["key"]] = group
    goals: dict[str, Goal] = {}
    for position, item in enumerate(data.get("goals") or [], start=1):
        goals[item["key"]] = _goal(names, strategy, groups, item, position)
    for position, item in enumerate(data.get("indicators") or [], start=1):
        _indicator(names, strategy, goals, item, position)
    for item in data.get("reviews") or []:
        held_on: dt.date = item["held_on"]
        for indicator in strategy.indicators.exclude(metric=""):
            services.refresh(indicator, held_on)
        Review.objects.create(
            strategy=strategy,
            held_on=held_on,
            title=item["title"],
            decisions=item.get("decisions", ""),
            changes=item.get("changes", ""),
            snapshot=services.snapshot(strategy, held_on),
        )
    return strategy


def _goal(
    names: _Names,
    strategy: Strategy,
    groups: dict[str, WorkingGroup],
    item: dict[str, Any],
    position: int,
) -> Goal:
    if item.get("group") and item["group"] not in groups:
        raise names.fail("working group", item["group"])
    goal = Goal.objects.create(
        strategy=strategy,
        term=item.get("term", Goal.Term.SHORT),
        title=item["title"],
        description=item.get("description", ""),
        owner_organization=names.org(item.get("owner")),
        owner_group=groups.get(item.get("group") or ""),
        starts_on=item.get("starts_on"),
        due_on=item.get("due_on"),
        status=item.get("status", "proposed"),
        members_only=bool(item.get("members_only")),
        position=position,
    )
    _tag(goal, names, item)
    for n, part in enumerate(item.get("objectives") or [], start=1):
        objective = Objective.objects.create(goal=goal, title=part["title"], position=n)
        for m, entry in enumerate(part.get("actions") or [], start=1):
            action = Action.objects.create(
                objective=objective,
                title=entry["title"],
                owner_organization=names.org(entry.get("owner")),
                owner_person=names.person(entry.get("person")),
                starts_on=entry.get("starts_on") or goal.starts_on,
                due_on=entry.get("due_on"),
                status=entry.get("status", "proposed"),
                members_only=bool(entry.get("members_only")),
                position=m,
            )
            _tag(action, names, entry)
        for entry in part.get("commitments") or []:
            _adopt(names, objective, entry)
    return goal


def _adopt(names: _Names, objective: Objective, entry: dict[str, Any]) -> None:
    from asmhub.convenings.models import Commitment

    found = Commitment.objects.filter(
        convening__slug=entry["convening"], what__startswith=entry["what"]
    ).first()
    if found is None:
        raise names.fail("commitment", f"{entry['convening']}: {entry['what']}")
    Action.objects.filter(commitment=found).update(commitment=None)
    action = Action.objects.create(
        objective=objective,
        commitment=found,
        title=found.what[:300],
        description=found.notes,
        owner_organization=found.organization,
        owner_person=found.person,
        starts_on=found.convening.starts_on,
        due_on=found.due_on,
        status=services.COMMITMENT_STATES.get(found.state, "proposed"),
        position=objective.actions.count() + 1,
    )
    action.lever_issues.set(found.lever_issues.all())


def _indicator(
    names: _Names, strategy: Strategy, goals: dict[str, Goal], item: dict[str, Any], position: int
) -> None:
    if item.get("goal") and item["goal"] not in goals:
        raise names.fail("goal", item["goal"])
    metric = item.get("metric", "")
    if metric and metrics.get(metric) is None:
        raise names.fail("metric", metric)
    indicator = Indicator.objects.create(
        strategy=strategy,
        goal=goals.get(item.get("goal") or ""),
        title=item["title"],
        unit=item.get("unit", ""),
        metric=metric,
        currency=item.get("currency", ""),
        source=item.get("source", ""),
        baseline=item.get("baseline", 0),
        baseline_on=item["baseline_on"],
        position=position,
    )
    for target in item.get("targets") or []:
        IndicatorTarget.objects.create(
            indicator=indicator, due_on=target["due_on"], value=target["value"]
        )
    for value in item.get("values") or []:
        IndicatorValue.objects.create(
            indicator=indicator, on=value["date"], value=value["value"], source=value["source"]
        )
    services.refresh(indicator)


def _load_plan(names: _Names, data: dict[str, Any]) -> WorkPlan:
    """Draft the plan from its convening as an editor would, then apply the file's edits."""
    from asmhub.convenings.models import Convening

    head = data.get("plan") or {}
    convening = Convening.objects.filter(slug=head.get("convening", "")).first()
    if convening is None:
        raise names.fail("convening", head.get("convening"))
    WorkPlan.objects.filter(slug=head["slug"]).delete()
    plan = WorkPlan.objects.create(
        slug=head["slug"],
        title=head["title"],
        year=head["year"],
        summary=head.get("summary", ""),
        source=head.get("source", ""),
        convening=convening,
        owner_organization=convening.owner_organization,
        members_only=bool(head.get("members_only")),
        status=Status.PUBLISHED,
    )
    for position, proposal in enumerate(workplans.proposals(convening), start=1):
        activity = Activity.objects.create(
            plan=plan,
            kind=proposal.kind,
            title=proposal.title,
            description=proposal.description,
            from_option=proposal.option,
            from_statement=proposal.statement,
            poll_result=proposal.result,
            position=position,
        )
        activity.lever_issues.set(proposal.lever_issues)
    for edit in data.get("activities") or []:
        edited = plan.activities.filter(title=edit["title"]).first()
        if edited is None:
            raise names.fail("drafted activity", edit["title"])
        for key in ("kind", "description", "status"):
            if key in edit:
                setattr(edited, key, edit[key])
        if "lead_organization" in edit:
            edited.lead_organization = names.org(edit["lead_organization"])
        edited.full_clean()
        edited.save()
    return plan
