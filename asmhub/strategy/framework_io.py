"""The results framework as a spreadsheet: the export's rows, and the import that reads
them back.

Both use the same columns (``COLUMNS``): strategy, level (goal or action), title, term,
objective, owner, starts, due, status, overdue, minerals (names in the reader's language,
comma-separated; read by slug, English or translated name). Headers and the term and status values may
be in any language of the site, so a file exported in French imports whatever the
reader's language.
``overdue`` is computed and ignored on import.

An import is checked whole before anything is written (``plan_import``): every problem
names its row and column, and a file with any problem is refused entire. A clean file gives
a plan of what will be created and changed (the dry run); ``apply_import`` writes that plan
in one transaction through the audited ``services.save`` and ``services.change_status``.
Goals are matched by title within the strategy; an action row belongs to the goal row
above it, its objective is matched (or created) by title under that goal, and the action
by title under that objective.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.exports import FORMULA_STARTS
from asmhub.directory.models import Organization, Person
from asmhub.lib.tabular import ImportIssue, TabularError, normalise_header, read_table
from asmhub.strategy import services
from asmhub.strategy.models import Action, Goal, Objective, Progress, Strategy
from asmhub.taxonomy.models import Mineral

COLUMNS = [
    "strategy",
    "level",
    "title",
    "term",
    "objective",
    "owner",
    "starts",
    "due",
    "status",
    "overdue",
    "minerals",
]
REQUIRED = ["level", "title"]
MAX_BYTES = 5 * 1024 * 1024


class ImportRefused(ValueError):
    """The file has problems; nothing was written. ``problems`` names each one."""

    def __init__(self, problems: list[ImportIssue]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def headers() -> list[str]:
    """The column names in the reader's language."""
    return [_(c) for c in COLUMNS]


def export_rows(user: Any, strategies: Any, mineral: Mineral | None = None) -> list[list[object]]:
    """The framework of ``strategies`` as the user may see it, goal rows then their actions;
    with ``mineral``, the actions tagged with it (themselves, their objective or goal) under
    their goals."""
    rows: list[list[object]] = []
    kept: set[int] | None = None
    if mineral is not None:
        kept = set(
            services.with_mineral(services.visible_actions(user), mineral).values_list(
                "pk", flat=True
            )
        )
    for strategy in strategies:
        for goal in services.visible_goals(user, strategy).prefetch_related("minerals"):
            actions = [
                (objective, action)
                for objective in goal.objectives.all()
                for action in objective.actions.prefetch_related("minerals")
                if permissions.can_see_item(user, action) and (kept is None or action.pk in kept)
            ]
            tagged = {m.pk for m in goal.minerals.all()}
            if kept is not None and not actions and (mineral and mineral.pk) not in tagged:
                continue
            rows.append(_row(strategy, "goal", goal, goal, ""))
            for objective, action in actions:
                rows.append(_row(strategy, "action", action, goal, objective.title))
    return rows


def _mineral_names(item: Any) -> str:
    return ", ".join(m.tr("name") for m in item.minerals.all())


def _row(strategy: Strategy, level: str, item: Any, goal: Goal, objective: str) -> list[object]:
    return [
        strategy.title,
        level,
        item.title,
        goal.get_term_display(),
        objective,
        item.owner,
        item.starts_on,
        item.due_on,
        item.get_status_display(),
        item.is_overdue(),
        _mineral_names(item),
    ]


# Reading ------------------------------------------------------------------------------


def _unquote(value: str) -> str:
    """Undo the export's guard against formulas: a leading quote before a formula start."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def _choices(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Every way a value may be written (code, English label, label in the reader's
    language), lower case, to its code."""
    found: dict[str, str] = {}
    for code, label in choices:
        found[code.lower()] = code
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[str(label).lower()] = code
    return found


def _header_map() -> dict[str, str]:
    """Each column's name in every language of the site, normalised, to the column."""
    found = {}
    for column in COLUMNS:
        found[normalise_header(column)] = column
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[normalise_header(_(column))] = column
    return found


def _date(value: str) -> dt.date:
    text = value.strip()
    if " " in text:  # a spreadsheet's datetime, "2026-06-30 00:00:00"
        text = text.split(" ", 1)[0]
    return dt.date.fromisoformat(text)


def _mineral_lookup() -> dict[str, Mineral]:
    """Every way a mineral may be written (slug, English name, translated names, aliases),
    lower case, to the mineral."""
    found: dict[str, Mineral] = {}
    for mineral in Mineral.objects.all():
        names = [mineral.slug, mineral.name, *(mineral.aliases or [])]
        names += [str(t.get("name", "")) for t in (mineral.translations or {}).values()]
        for name in names:
            if name:
                found.setdefault(str(name).strip().lower(), mineral)
    return found


@dataclass
class Owners:
    """Owner names of the export (person, organization, working group) to records."""

    strategy: Strategy
    names: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for org in Organization.objects.all():
            self.names.setdefault(str(org).lower(), ("owner_organization", org))
            self.names.setdefault(org.name.lower(), ("owner_organization", org))
        for person in Person.objects.all():
            self.names.setdefault(str(person).lower(), ("owner_person", person))
        for group in self.strategy.groups.all():
            self.names.setdefault(group.name.lower(), ("owner_group", group))

    def parse(self, text: str) -> dict[str, Any] | str:
        """The owner fields ``text`` names, or the part no record matches."""
        found: dict[str, Any] = {
            "owner_person": None,
            "owner_organization": None,
            "owner_group": None,
        }
        parts = [p.strip() for p in text.split(",")]
        start = 0
        while start < len(parts):
            for end in range(len(parts), start, -1):  # the longest name first
                name = ", ".join(parts[start:end]).lower()
                if name in self.names:
                    field_name, record = self.names[name]
                    found[field_name] = record
                    start = end
                    break
            else:
                return parts[start]
        return found


@dataclass
class Change:
    """One line of the dry run: what happens to which item, and from which row."""

    row: int
    verb: str  # create or update
    level: str  # goal, objective or action
    title: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    status: str = ""
    relations: dict[str, list[Any]] = field(default_factory=dict)
    goal_title: str = ""
    objective_title: str = ""
    record: Any = None


@dataclass
class ImportPlan:
    strategy: Strategy
    changes: list[Change]

    @property
    def creates(self) -> int:
        return sum(1 for c in self.changes if c.verb == "create")

    @property
    def updates(self) -> int:
        return sum(1 for c in self.changes if c.verb == "update")


def plan_import(user: Any, strategy: Strategy, name: str, data: bytes) -> ImportPlan:
    """Read and check the whole file; raise ImportRefused listing every problem."""
    if not permissions.can_import_framework(user, strategy):
        raise PermissionDenied(_("Only an editor may import a results framework."))
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            [ImportIssue(name, 0, "", "", _("the file is larger than 5 MB, the limit"))]
        )
    try:
        table = read_table(name, data)
    except TabularError as error:
        raise ImportRefused([ImportIssue(name, 0, "", "", str(error))]) from None
    header_map = _header_map()
    columns = {h: header_map[h] for h in table.headers if h in header_map}
    problems: list[ImportIssue] = []
    unknown = [h for h in table.headers if h not in header_map]
    for h in unknown:
        problems.append(ImportIssue(name, 1, h, "", _("not a column of the framework")))
    for required in REQUIRED:
        if required not in columns.values():
            problems.append(
                ImportIssue(name, 1, required, "", _("the column is missing: it is required"))
            )
    if problems:
        raise ImportRefused(problems)
    terms = _choices(list(Goal.Term.choices))
    statuses = _choices(list(Progress.choices))
    owners = Owners(strategy)
    mineral_names = _mineral_lookup()
    owned = ("owner_organization", "owner_person", "owner_group")
    goals = {g.title.lower(): g for g in strategy.goals.select_related(*owned)}
    objectives = {
        (o.goal_id, o.title.lower()): o for o in Objective.objects.filter(goal__strategy=strategy)
    }
    actions = {
        (a.objective_id, a.title.lower()): a
        for a in Action.objects.filter(objective__goal__strategy=strategy).select_related(*owned)
    }
    changes: list[Change] = []
    seen_goals: set[str] = set()
    seen_actions: set[tuple[str, str, str]] = set()
    new_objectives: set[tuple[str, str]] = set()
    current_goal: str | None = None
    for number, raw in table.rows:
        row = {columns[h]: _unquote(v.strip()) for h, v in raw.items() if h in columns}

        def problem(
            column: str, reason: str, number: int = number, row: dict[str, str] = row
        ) -> None:
            problems.append(ImportIssue(name, number, column, row.get(column, "")[:80], reason))

        level = row.get("level", "").lower()
        title = row.get("title", "")
        if row.get("strategy") and row["strategy"] != strategy.title:
            problem("strategy", _("another strategy: import it on that strategy's page"))
        if level not in ("goal", "action"):
            problem("level", _("must be “goal” or “action”"))
            continue
        if not title:
            problem("title", _("a title is required"))
            continue
        if len(title) > 300:
            problem("title", _("longer than 300 characters"))
            continue
        values: dict[str, Any] = {}
        for column, target in (("starts", "starts_on"), ("due", "due_on")):
            if row.get(column):
                try:
                    values[target] = _date(row[column])
                except ValueError:
                    problem(column, _("not a date: write it as YYYY-MM-DD"))
        starts, due = values.get("starts_on"), values.get("due_on")
        if starts and due and due < starts:
            problem("due", _("the due date comes before the start date"))
        if row.get("owner"):
            parsed = owners.parse(row["owner"])
            if isinstance(parsed, str):
                problem(
                    "owner",
                    _("no organization, person or working group is called “%(name)s”")
                    % {"name": parsed},
                )
            else:
                values.update(parsed)
        relations: dict[str, list[Any]] = {}
        if "minerals" in row:  # the column is there: its cell is the item's minerals
            chosen: list[Mineral] = []
            for part in (p.strip() for p in row["minerals"].split(",")):
                if not part:
                    continue
                found = mineral_names.get(part.lower())
                if found is None:
                    problem("minerals", _("no mineral is called “%(name)s”") % {"name": part})
                elif found not in chosen:
                    chosen.append(found)
            relations["minerals"] = chosen
        status = ""
        if row.get("status"):
            status = statuses.get(row["status"].lower(), "")
            if not status:
                problem("status", _("not a status: one of %(s)s") % {"s": ", ".join(Progress)})
        if level == "goal":
            current_goal = title.lower()
            if current_goal in seen_goals:
                problem("title", _("this goal is named twice in the file"))
            seen_goals.add(current_goal)
            if row.get("term"):
                term = terms.get(row["term"].lower())
                if term is None:
                    problem("term", _("must be short or long term"))
                else:
                    values["term"] = term
            changes.append(
                _change(number, "goal", title, goals.get(current_goal), values, status, relations)
            )
            continue
        # an action
        if current_goal is None:
            problem("level", _("an action must come after the row of its goal"))
            continue
        objective_title = row.get("objective", "")
        if not objective_title:
            problem("objective", _("an action needs the objective it serves"))
            continue
        key = (current_goal, objective_title.lower(), title.lower())
        if key in seen_actions:
            problem("title", _("this action is named twice under the same objective"))
        seen_actions.add(key)
        goal = goals.get(current_goal)
        objective = objectives.get((goal.pk, objective_title.lower())) if goal else None
        existing = actions.get((objective.pk, title.lower())) if objective else None
        if objective is None and (current_goal, objective_title.lower()) not in new_objectives:
            new_objectives.add((current_goal, objective_title.lower()))
            changes.append(
                Change(number, "create", "objective", objective_title, goal_title=current_goal)
            )
        change = _change(number, "action", title, existing, values, status, relations)
        change.goal_title = current_goal
        change.objective_title = objective_title
        changes.append(change)
    if problems:
        raise ImportRefused(problems)
    return ImportPlan(strategy, changes)


def _names(records: Any) -> str:
    return ", ".join(sorted(r.tr("name") for r in records))


def _change(
    row: int,
    level: str,
    title: str,
    record: Any,
    values: dict[str, Any],
    status: str,
    relations: dict[str, list[Any]],
) -> Change:
    if record is None:
        shown = {k: (None, v) for k, v in values.items() if v is not None}
        shown.update({k: (None, _names(v)) for k, v in relations.items() if v})
        if status:
            shown["status"] = (None, status)
        return Change(row, "create", level, title, shown, values, status, relations)
    differ = {k: (getattr(record, k), v) for k, v in values.items() if getattr(record, k) != v}
    changed = {}
    for name, chosen in relations.items():
        before = set(getattr(record, name).all())
        if before != set(chosen):
            differ[name] = (_names(before), _names(chosen))
            changed[name] = chosen
    if status and status != record.status:
        differ["status"] = (record.status, status)
    return Change(
        row,
        "update" if differ else "same",
        level,
        title,
        differ,
        {k: v for k, v in values.items() if k in differ},
        status if status != record.status else "",
        changed,
        record=record,
    )


def apply_import(user: Any, plan: ImportPlan) -> ImportPlan:
    """Write the checked plan in one transaction; every write audited."""
    strategy = plan.strategy
    if not permissions.can_import_framework(user, strategy):
        raise PermissionDenied(_("Only an editor may import a results framework."))
    with transaction.atomic():
        goals = {g.title.lower(): g for g in strategy.goals.all()}
        position = strategy.goals.count()
        for change in plan.changes:
            if change.level == "goal":
                if change.verb == "create":
                    position += 1
                    goal = Goal(strategy=strategy, title=change.title, position=position)
                    services.save(
                        user, goal, {"title": change.title, **change.values}, change.relations, True
                    )
                    goals[change.title.lower()] = goal
                else:
                    goal = change.record
                    if change.values or change.relations:
                        services.save(user, goal, change.values, change.relations, True)
                if change.status and change.status != goal.status:
                    services.change_status(user, goal, change.status, _("Imported"))
            elif change.level == "objective":
                goal = goals[change.goal_title]
                objective = Objective(goal=goal, position=goal.objectives.count() + 1)
                services.save(user, objective, {"title": change.title}, None, True)
            elif change.level == "action":
                goal = goals[change.goal_title]
                objective = goal.objectives.get(title__iexact=change.objective_title)
                if change.verb == "create":
                    action = Action(objective=objective, position=objective.actions.count() + 1)
                    services.save(
                        user,
                        action,
                        {"title": change.title, **change.values},
                        change.relations,
                        True,
                    )
                else:
                    action = change.record
                    if change.values or change.relations:
                        services.save(user, action, change.values, change.relations, True)
                if change.status and change.status != action.status:
                    services.change_status(user, action, change.status, _("Imported"))
    return plan
