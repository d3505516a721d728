"""Work plans: drafted from a convening's polls and priorities (the mapping), who may edit
which plan, visibility and the export."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from asmhub.convenings.models import Statement
from asmhub.convenings.poll_models import Answer, Option, Poll, Question, Response
from asmhub.convenings.tests.conftest import make_convening
from asmhub.core.models import AuditEntry, Status
from asmhub.strategy import workplans
from asmhub.strategy.models import Activity, WorkPlan

THEMES = ["Support for women in mining", "Addressing barriers for formalization", "Research"]


def _poll(convening: Any, illustrative: bool = False) -> tuple[Poll, Question, list[Option]]:
    poll = Poll.objects.create(
        convening=convening, title="Themes for next year", illustrative=illustrative
    )
    ranking = Question.objects.create(poll=poll, kind=Question.Kind.RANKING, text="Rank them")
    options = [
        Option.objects.create(question=ranking, label=label, position=n)
        for n, label in enumerate(THEMES)
    ]
    orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2]]
    for n, order in enumerate(orders):
        response = Response.objects.create(poll=poll, respondent_key=f"k{n}")
        for rank, index in enumerate(order, start=1):
            Answer.objects.create(
                response=response, question=ranking, option=options[index], rank=rank
            )
    return poll, ranking, options


@pytest.fixture
def convening(org: Any) -> Any:
    convening = make_convening(org, source="Summary of the meeting")
    _made, ranking, _options = _poll(convening)
    Statement.objects.create(
        convening=convening,
        kind=Statement.Kind.PRIORITY,
        topic="Support for women in mining",
        statement="High interest in support for women in mining.",
        quote="The member poll reflected high interest in this topic",
        question=ranking,
    )
    Statement.objects.create(
        convening=convening,
        kind=Statement.Kind.PRIORITY,
        topic="Artisanal gold",
        statement="Take further action on artisanal gold.",
    )
    Statement.objects.create(
        convening=convening, kind=Statement.Kind.LESSON, topic="Not a priority", statement="x"
    )
    return convening


def test_each_option_and_each_other_priority_becomes_one_proposed_activity(
    convening: Any,
) -> None:
    found = {p.title: p for p in workplans.proposals(convening)}
    assert set(found) == {*THEMES, "Artisanal gold"}  # the lesson is not a priority
    women = found["Support for women in mining"]
    assert women.option is not None and women.statement is not None
    assert women.description == "High interest in support for women in mining."
    assert women.result["summary"] == "The member poll reflected high interest in this topic"
    # Borda: women 3+3+2 = 8 points, first choice of two of three respondents
    assert women.result["figures"] == [
        {
            "question": "Rank them",
            "kind": "ranking",
            "answered": 3,
            "count": 3,
            "place": 1,
            "of": 3,
            "score": 8.0,
            "first": 2,
        }
    ]
    assert workplans.figure_text(women.result["figures"][0]) == (
        "ranked 1 of 3 (Borda score 8, first choice of 2 of 3 respondents)"
    )
    assert found["Research"].kind == Activity.Kind.RESEARCH
    gold = found["Artisanal gold"]
    assert gold.option is None and gold.statement is not None and gold.result == {}


def test_an_illustrative_poll_gives_no_figures_only_the_sources_words(org: Any) -> None:
    convening = make_convening(org)
    _poll(convening, illustrative=True)
    found = workplans.proposals(convening)
    assert found and all(p.result["figures"] == [] for p in found)
    assert all(p.result["illustrative"] and p.result["respondents"] is None for p in found)


def test_drafting_writes_a_draft_plan_with_activities_linked_back_audited(
    convening: Any, editor: Any
) -> None:
    plan = workplans.DraftWorkPlan(editor, convening, 2027, "Work plan 2027").execute()
    assert plan.status == Status.DRAFT and plan.convening == convening
    activities = list(plan.activities.all())
    assert len(activities) == 4
    women = next(a for a in activities if a.title == "Support for women in mining")
    assert women.from_option.label == women.title
    assert women.from_statement.topic == women.title
    assert "Borda score 8" in workplans.result_text(women.poll_result)
    entry = AuditEntry.objects.get(action="draft-from-convening")
    assert entry.target_id == str(plan.pk)


def test_only_editors_and_the_conveners_members_may_draft(
    convening: Any, owner: Any, outsider: Any
) -> None:
    with pytest.raises(PermissionDenied):
        workplans.DraftWorkPlan(outsider, convening, 2027, "Not mine").execute()
    assert not WorkPlan.objects.exists()
    plan = workplans.DraftWorkPlan(owner, convening, 2027, "Ours").execute()
    assert plan.owner_organization == convening.owner_organization


@pytest.fixture
def plan(convening: Any, editor: Any) -> WorkPlan:
    return workplans.DraftWorkPlan(editor, convening, 2027, "Work plan 2027").execute()


def test_who_edits_which_plan(
    plan: WorkPlan, login: Any, owner: Any, outsider: Any, editor: Any, client: Any
) -> None:
    activity = plan.activities.first()
    assert activity is not None
    url = reverse("strategy:activity-edit", args=[activity.pk])
    values = {
        "kind": "grant",
        "title": "Grants for women's cooperatives",
        "budget_amount": "25000",
        "budget_currency": "usd",
        "status": "agreed",
        "position": 1,
    }
    login(outsider)  # another organization: the draft is not even visible
    assert client.post(url, values).status_code == 404
    plan.status = Status.PUBLISHED
    plan.save()
    assert client.post(url, values).status_code == 403
    activity.refresh_from_db()
    assert activity.title != values["title"]
    login(owner)  # a member of the organization that contributed the plan
    assert client.post(url, values).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.budget_currency) == (values["title"], "USD")
    assert AuditEntry.objects.filter(action="update", target_id=str(activity.pk)).exists()


def test_a_budget_needs_a_currency_and_nothing_is_written_without(
    plan: WorkPlan, login: Any, editor: Any, client: Any
) -> None:
    activity = plan.activities.first()
    assert activity is not None
    login(editor)
    response = client.post(
        reverse("strategy:activity-edit", args=[activity.pk]),
        {"kind": "grant", "title": "X", "budget_amount": "10", "status": "agreed", "position": 1},
    )
    assert response.status_code == 200
    assert "A budget needs its currency." in response.content.decode()
    activity.refresh_from_db()
    assert activity.title != "X"


def test_drafts_and_members_only_plans_stay_hidden(
    plan: WorkPlan, client: Any, login: Any, outsider: Any
) -> None:
    url = plan.get_absolute_url()
    assert client.get(url).status_code == 404  # a draft
    plan.status = Status.PUBLISHED
    plan.members_only = True
    plan.save()
    assert client.get(url).status_code == 404
    assert plan.title not in client.get(reverse("strategy:plans")).content.decode()
    login(outsider)
    page = client.get(url).content.decode()
    assert "Support for women in mining" in page
    assert "The member poll reflected high interest in this topic" in page


def test_the_plan_page_and_export_show_the_poll_result(plan: WorkPlan, client: Any) -> None:
    plan.status = Status.PUBLISHED
    plan.save()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Borda score 8" in page and "Artisanal gold" in page
    csv = client.get(reverse("strategy:plan-export", args=[plan.slug, "csv"])).content
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("plan,year,kind,title")
    assert "Borda score 8" in text
    client.cookies["django_language"] = "fr"  # the figures are worded in the reader's language
    assert "score de Borda 8" in client.get(plan.get_absolute_url()).content.decode()


def test_the_convening_page_links_to_its_plans_for_those_who_may_see_them(
    plan: WorkPlan, convening: Any, client: Any
) -> None:
    url = reverse("convenings:detail", args=[convening.slug])
    assert plan.title not in client.get(url).content.decode()  # still a draft
    plan.status = Status.PUBLISHED
    plan.save()
    assert plan.get_absolute_url() in client.get(url).content.decode()


def test_removing_an_activity_is_for_plan_editors(
    plan: WorkPlan, login: Any, outsider: Any, client: Any
) -> None:
    plan.status = Status.PUBLISHED
    plan.save()
    activity = plan.activities.first()
    assert activity is not None
    login(outsider)
    url = reverse("strategy:activity-delete", args=[activity.pk])
    assert client.post(url).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_year_is_checked(editor: Any, login: Any, client: Any) -> None:
    login(editor)
    response = client.post(reverse("strategy:plan-create"), {"title": "Plan", "year": 1066})
    assert "A year between 1990 and 2100." in response.content.decode()
    assert not WorkPlan.objects.exists()


def test_the_api_lists_visible_plans_with_their_activities(
    plan: WorkPlan, client: Any, login: Any, outsider: Any
) -> None:
    assert client.get("/api/strategy/plans").json() == []  # a draft
    assert client.get(f"/api/strategy/plans/{plan.slug}").status_code == 404
    plan.status = Status.PUBLISHED
    plan.members_only = True
    plan.save()
    assert client.get("/api/strategy/plans").json() == []
    login(outsider)
    assert [p["slug"] for p in client.get("/api/strategy/plans").json()] == [plan.slug]
    body = client.get(f"/api/strategy/plans/{plan.slug}").json()
    women = next(a for a in body["activities"] if a["title"] == "Support for women in mining")
    assert women["from_poll_option"] is not None and women["from_priority"] is not None
    assert women["poll_result"]["figures"][0]["question"] == "Rank them"
