"""The results framework from a spreadsheet: export → import round-trips, a dry run says
what will change, and a file with any problem is refused whole, naming row and column."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asmhub.core.models import AuditEntry
from asmhub.strategy import framework_io
from asmhub.strategy.models import Action, Goal, Objective, Strategy

HEADER = "strategy,level,title,term,objective,owner,starts,due,status,overdue\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _counts() -> tuple[int, int, int, int]:
    return (
        Goal.objects.count(),
        Objective.objects.count(),
        Action.objects.count(),
        AuditEntry.objects.count(),
    )


def test_export_then_import_changes_nothing(
    action: Action, editor: Any, login: Any, client: Any
) -> None:
    strategy = action.objective.goal.strategy
    for fmt in ("csv", "xlsx"):
        data = (
            login(editor)
            .get(reverse("strategy:export", args=[fmt]), {"strategy": strategy.slug})
            .content
        )
        plan = framework_io.plan_import(editor, strategy, f"framework.{fmt}", data)
        assert [c.verb for c in plan.changes] == ["same", "same"]
        before = _counts()
        framework_io.apply_import(editor, plan)
        assert _counts() == before


def test_a_dry_run_writes_nothing_and_the_import_writes_audited(
    goal: Goal, editor: Any, org: Any
) -> None:
    strategy = goal.strategy
    data = _csv(
        f"{strategy.title},goal,{goal.title},Short term,,{org},,2027-06-30,In progress,False",
        ",action,Map donor cycles,,Know the donors,,2026-01-01,2026-06-30,agreed,",
        ",goal,A new goal,long,,,,,,",
    )
    before = _counts()
    plan = framework_io.plan_import(editor, strategy, "f.csv", data)
    assert _counts() == before
    assert [(c.verb, c.level) for c in plan.changes] == [
        ("update", "goal"),
        ("create", "objective"),
        ("create", "action"),
        ("create", "goal"),
    ]
    assert plan.changes[0].changes == {"status": ("proposed", "in-progress")}
    framework_io.apply_import(editor, plan)
    goal.refresh_from_db()
    assert goal.status == "in-progress" and goal.history.count() == 1
    action = Action.objects.get(title="Map donor cycles")
    assert (action.objective.title, action.status, str(action.due_on)) == (
        "Know the donors",
        "agreed",
        "2026-06-30",
    )
    assert Goal.objects.get(title="A new goal").term == "long"
    assert AuditEntry.objects.filter(action="create").count() >= 3


@pytest.mark.parametrize(
    ("rows", "row", "column"),
    [
        ([",goal,G,,,,,not-a-date,,"], 2, "due"),
        ([",goal,G,,,,,,finished,"], 2, "status"),
        ([",goal,G,,,,,,,", ",action,A,,,,,,,"], 3, "objective"),
        ([",goal,G,,,Nobody Known,,,,"], 2, "owner"),
        ([",goal,G,medium,,,,,,"], 2, "term"),
        ([",goal,G,,,,,,,", ",task,A,,,,,,,"], 3, "level"),
        ([",goal,G,,,,2027-01-01,2026-01-01,,"], 2, "due"),
        (["Another strategy,goal,G,,,,,,,"], 2, "strategy"),
        ([",goal,G,,,,,,,", ",goal,G,,,,,,,"], 3, "title"),
    ],
)
def test_any_problem_refuses_the_whole_file_naming_row_and_column(
    strategy: Strategy, editor: Any, rows: list[str], row: int, column: str
) -> None:
    data = _csv(",goal,Fine goal,,,,,,,", *rows)
    before = _counts()
    with pytest.raises(framework_io.ImportRefused) as refused:
        framework_io.plan_import(editor, strategy, "f.csv", data)
    assert (row + 1, column) in [(p.row, p.column) for p in refused.value.problems]
    assert _counts() == before


def test_an_action_before_any_goal_is_refused(strategy: Strategy, editor: Any) -> None:
    with pytest.raises(framework_io.ImportRefused) as refused:
        framework_io.plan_import(editor, strategy, "f.csv", _csv(",action,A,,Obj,,,,,"))
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "level")]


def test_unknown_columns_and_unreadable_files_are_refused(strategy: Strategy, editor: Any) -> None:
    with pytest.raises(framework_io.ImportRefused) as refused:
        framework_io.plan_import(editor, strategy, "f.csv", b"level,title,colour\ngoal,G,red\n")
    assert [(p.row, p.column) for p in refused.value.problems] == [(1, "colour")]
    with pytest.raises(framework_io.ImportRefused) as refused:
        framework_io.plan_import(editor, strategy, "f.xlsx", b"not a workbook")
    assert "not a readable XLSX workbook" in str(refused.value)
    with pytest.raises(framework_io.ImportRefused):
        framework_io.plan_import(editor, strategy, "f.csv", b"title\nG\n")  # no level


def test_only_editors_import(strategy: Strategy, owner: Any, login: Any, client: Any) -> None:
    with pytest.raises(PermissionDenied):
        framework_io.plan_import(owner, strategy, "f.csv", _csv(",goal,G,,,,,,,"))
    login(owner)
    assert client.get(reverse("strategy:import", args=[strategy.slug])).status_code == 403


def test_the_page_shows_the_dry_run_then_imports_on_confirmation(
    strategy: Strategy, editor: Any, login: Any, client: Any
) -> None:
    login(editor)
    url = reverse("strategy:import", args=[strategy.slug])
    upload = SimpleUploadedFile("f.csv", _csv(",goal,Imported goal,,,,,,,"))
    page = client.post(url, {"file": upload}).content.decode()
    assert 'id="dry-run"' in page and "Imported goal" in page
    assert not Goal.objects.filter(title="Imported goal").exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Goal.objects.filter(title="Imported goal", strategy=strategy).exists()
    bad = SimpleUploadedFile("f.csv", _csv(",goal,G,,,,,someday,,"))
    page = client.post(url, {"file": bad}).content.decode()
    assert "Row 2, column due" in page and "nothing was written" in page


def test_a_formula_guard_of_the_export_is_undone(strategy: Strategy, editor: Any) -> None:
    plan = framework_io.plan_import(editor, strategy, "f.csv", _csv(",goal,'=1+1 goal,,,,,,,"))
    assert plan.changes[0].title == "=1+1 goal"


def test_a_file_exported_in_french_imports_back(
    action: Action, editor: Any, login: Any, client: Any
) -> None:
    strategy = action.objective.goal.strategy
    client = login(editor)
    client.cookies["django_language"] = "fr"
    data = client.get(reverse("strategy:export", args=["csv"]), {"strategy": strategy.slug})
    header = data.content.decode("utf-8-sig").splitlines()[0]
    assert header != HEADER.strip()  # the French column names
    plan = framework_io.plan_import(editor, strategy, "cadre.csv", data.content)
    assert [c.verb for c in plan.changes] == ["same", "same"]
