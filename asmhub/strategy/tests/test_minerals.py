"""Minerals on goals, objectives and actions: set in the forms, shown, filtered in the
tracker, its API and the export, and carried through the framework's export and import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.convenings.models import Commitment, Convening
from asmhub.core.models import Status
from asmhub.strategy import framework_io
from asmhub.strategy.models import Action, Goal, Objective
from asmhub.taxonomy.models import Mineral

pytestmark = pytest.mark.django_db


def mineral(slug: str) -> Mineral:
    return Mineral.objects.get(slug=slug)


@pytest.fixture
def tagged(goal: Goal, objective: Objective, action: Action) -> dict[str, Action]:
    """An action tagged gold itself; one whose objective is tagged tin; one whose goal is
    tagged cobalt (another goal); one untagged."""
    action.minerals.add(mineral("gold"))
    tin = Objective.objects.create(goal=goal, title="Tin traceability")
    tin.minerals.add(mineral("tin"))
    by_objective = Action.objects.create(objective=tin, title="Visit tin smelters")
    cobalt_goal = Goal.objects.create(strategy=goal.strategy, title="Cobalt sourcing")
    cobalt_goal.minerals.add(mineral("cobalt"))
    by_goal = Action.objects.create(
        objective=Objective.objects.create(goal=cobalt_goal, title="Know the buyers"),
        title="Meet cobalt buyers",
    )
    plain = Action.objects.create(objective=objective, title="Untagged action")
    return {"gold": action, "tin": by_objective, "cobalt": by_goal, "plain": plain}


def test_an_editor_tags_goal_objective_and_action_and_the_pages_show_them(
    goal: Goal, objective: Objective, action: Action, editor: User, login: Callable[[User], Client]
) -> None:
    client = login(editor)
    gold, tin = mineral("gold"), mineral("tin")
    response = client.post(
        reverse("strategy:goal-edit", args=[goal.pk]),
        {"title": goal.title, "term": "short", "position": 0, "minerals": [gold.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(goal.minerals.all()) == [gold]
    response = client.post(
        reverse("strategy:objective-create", args=[goal.pk]),
        {"title": "Tin work", "minerals": [tin.pk], "position": 2},
    )
    assert response.status_code == 302
    assert list(Objective.objects.get(title="Tin work").minerals.all()) == [tin]
    response = client.post(
        reverse("strategy:action-edit", args=[action.pk]),
        {"objective": objective.pk, "title": action.title, "minerals": [tin.pk], "position": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(action.minerals.all()) == [tin]
    goal_page = Client().get(goal.get_absolute_url()).content.decode()
    assert f'href="{gold.get_absolute_url()}"' in goal_page
    assert f'href="{tin.get_absolute_url()}"' in goal_page, "the objective's mineral"
    action_page = Client().get(action.get_absolute_url()).content.decode()
    assert f'href="{tin.get_absolute_url()}"' in action_page


def test_the_tracker_keeps_actions_tagged_with_the_mineral_at_any_level(
    tagged: dict[str, Action], org: Any
) -> None:
    convening = Convening.objects.create(
        title="Annual meeting",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 1, 2),
        status=Status.PUBLISHED,
    )
    Commitment.objects.create(convening=convening, what="An untagged commitment", organization=org)
    url = reverse("strategy:tracker")
    everything = Client().get(url).content.decode()
    assert "An untagged commitment" in everything and "Untagged action" in everything
    for slug in ("gold", "tin", "cobalt"):
        page = Client().get(url, {"mineral": slug}).content.decode()
        assert tagged[slug].title in page
        others = [a.title for key, a in tagged.items() if key != slug]
        assert not [t for t in others if t in page], slug
        assert "An untagged commitment" not in page
        assert f'<option value="{slug}" selected>' in page
        api = Client().get("/api/strategy/tracker", {"mineral": slug}).json()
        assert [e["title"] for e in api] == [tagged[slug].title]


def test_the_tracker_api_names_an_unknown_mineral(tagged: dict[str, Action]) -> None:
    response = Client().get("/api/strategy/tracker", {"mineral": "kryptonite"})
    assert response.status_code == 404
    assert "kryptonite" in response.json()["detail"]


def test_the_export_writes_minerals_and_filters_by_one(
    tagged: dict[str, Action], editor: User, login: Callable[[User], Client]
) -> None:
    strategy = tagged["gold"].objective.goal.strategy
    client = login(editor)
    url = reverse("strategy:export", args=["csv"])
    text = client.get(url, {"strategy": strategy.slug}).content.decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",overdue,minerals")
    rows = {line.split(",")[2]: line for line in text.splitlines()[1:]}
    assert rows["Catalog donor funding cycles"].endswith(",Gold")
    assert rows["Cobalt sourcing"].endswith(",Cobalt")
    tin = client.get(url, {"strategy": strategy.slug, "mineral": "tin"}).content.decode("utf-8-sig")
    titles = [line.split(",")[2] for line in tin.splitlines()[1:]]
    assert titles == ["Raise donor awareness", "Visit tin smelters"]
    assert client.get(url, {"mineral": "kryptonite"}).status_code == 404


def test_minerals_round_trip_and_import_by_any_name(
    tagged: dict[str, Action], editor: User, login: Callable[[User], Client]
) -> None:
    strategy = tagged["gold"].objective.goal.strategy
    client = login(editor)
    for fmt in ("csv", "xlsx"):
        data = client.get(reverse("strategy:export", args=[fmt]), {"strategy": strategy.slug})
        plan = framework_io.plan_import(editor, strategy, f"f.{fmt}", data.content)
        assert {c.verb for c in plan.changes} == {"same"}
    goal = tagged["gold"].objective.goal
    header = "strategy,level,title,term,objective,owner,starts,due,status,overdue,minerals\n"
    french = mineral("gold").tr("name", "fr")
    data = (
        header
        + f',goal,{goal.title},,,,,,,,"Tin, cobalt"\n'
        + f",action,{tagged['gold'].title},,{tagged['gold'].objective.title},,,,,,\n"
        + f",action,New gold action,,Know the donors,,,,,,{french}\n"
    ).encode()
    plan = framework_io.plan_import(editor, strategy, "f.csv", data)
    assert plan.changes[0].changes == {"minerals": ("", "Cobalt, Tin")}
    assert plan.changes[1].changes == {"minerals": ("Gold", "")}, "an empty cell clears"
    framework_io.apply_import(editor, plan)
    assert set(goal.minerals.values_list("slug", flat=True)) == {"tin", "cobalt"}
    assert not tagged["gold"].minerals.exists()
    assert list(Action.objects.get(title="New gold action").minerals.all()) == [mineral("gold")]


def test_an_unknown_mineral_refuses_the_file_naming_row_and_column(
    goal: Goal, editor: User
) -> None:
    header = "level,title,minerals\n"
    data = (header + f"goal,{goal.title},Gold\ngoal,Another,Unobtainium\n").encode()
    with pytest.raises(framework_io.ImportRefused) as refused:
        framework_io.plan_import(editor, goal.strategy, "f.csv", data)
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "minerals")]
    assert "Unobtainium" in str(refused.value)
    assert not goal.minerals.exists()
