"""Who edits which goal and action, and who sees what of a strategy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.core import permissions
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import Organization
from asmhub.strategy import services
from asmhub.strategy.models import Action, Goal, Objective, Progress, StatusChange, Strategy
from asmhub.strategy.tests.conftest import make_goal, make_strategy

pytestmark = pytest.mark.django_db


def test_editors_and_the_secretariat_edit_every_goal_members_none(
    goal: Goal, editor: User, admin_user: User, owner: User, outsider: User
) -> None:
    assert permissions.can_edit_goal(editor, goal)
    assert permissions.can_edit_goal(admin_user, goal)
    assert not permissions.can_edit_goal(owner, goal)
    assert not permissions.can_edit_goal(AnonymousUser(), goal)


def test_the_goal_owners_members_edit_its_actions_others_do_not(
    action: Action, owner: User, colleague: User, outsider: User, editor: User
) -> None:
    assert permissions.can_edit_action(owner, action)
    assert permissions.can_edit_action(colleague, action)
    assert permissions.can_edit_action(editor, action)
    assert not permissions.can_edit_action(outsider, action)
    assert not permissions.can_edit_action(AnonymousUser(), action)
    assert permissions.can_add_action(owner, action.objective.goal)
    assert not permissions.can_add_action(outsider, action.objective.goal)


def test_an_action_owned_by_another_organization_is_theirs_too(
    action: Action, other_org: Organization, outsider: User
) -> None:
    action.owner_organization = other_org
    action.save()
    assert permissions.can_edit_action(outsider, action)


def test_a_refused_status_change_writes_nothing(action: Action, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.change_status(outsider, action, Progress.DONE)
    action.refresh_from_db()
    assert action.status == Progress.PROPOSED
    assert not StatusChange.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_status_change_keeps_its_history_and_is_audited(action: Action, owner: User) -> None:
    services.change_status(owner, action, Progress.IN_PROGRESS, "started")
    services.change_status(owner, action, Progress.DONE)
    assert [(h.from_status, h.to_status) for h in action.history.all()] == [
        ("proposed", "in-progress"),
        ("in-progress", "done"),
    ]
    assert AuditEntry.for_object(action).count() == 2


def test_the_public_sees_published_strategies_only(db: None, owner: User, editor: User) -> None:
    make_strategy()
    draft = make_strategy(status=Status.DRAFT, title="Still a draft")
    assert draft not in services.strategies(AnonymousUser())
    assert draft not in services.strategies(owner)
    assert draft in services.strategies(editor)
    assert Client().get(reverse("strategy:detail", args=[draft.slug])).status_code == 404


def test_members_only_goals_and_actions_stay_with_members(
    strategy: Strategy,
    objective: Objective,
    action: Action,
    owner: User,
    login: Callable[[User], Client],
) -> None:
    hidden = make_goal(strategy, None, title="Members' own goal", members_only=True)
    secret = Action.objects.create(
        objective=objective, title="A members' action", members_only=True
    )
    anonymous = Client()
    page = anonymous.get(strategy.get_absolute_url()).content.decode()
    assert "Members&#x27; own goal" not in page and "A members&#x27; action" not in page
    assert action.title in page
    assert anonymous.get(hidden.get_absolute_url()).status_code == 404
    assert anonymous.get(secret.get_absolute_url()).status_code == 404
    assert secret not in services.visible_actions(AnonymousUser())
    page = login(owner).get(strategy.get_absolute_url()).content.decode()
    assert "Members&#x27; own goal" in page and "A members&#x27; action" in page
    api = anonymous.get(f"/api/strategy/{strategy.slug}").json()
    titles = [a["title"] for g in api["goals"] for a in g["actions"]]
    assert titles == [action.title]


def test_an_editor_builds_a_goal_with_actions(
    strategy: Strategy, org: Organization, editor: User, login: Callable[[User], Client]
) -> None:
    client = login(editor)
    response = client.post(
        reverse("strategy:goal-create", args=[strategy.slug]),
        {
            "term": "long",
            "title": "ASM on the 2010 CSD agenda",
            "owner_organization": org.pk,
            "due_on": "2010-05-31",
            "status": "proposed",
            "position": 1,
        },
    )
    goal = Goal.objects.get(title="ASM on the 2010 CSD agenda")
    assert response.status_code == 302
    client.post(
        reverse("strategy:objective-create", args=[goal.pk]),
        {"title": "Build the profile", "position": 1},
    )
    objective = goal.objectives.get()
    response = client.post(
        reverse("strategy:action-create", args=[goal.pk]),
        {
            "objective": objective.pk,
            "title": "Write the ASM profile",
            "owner_organization": org.pk,
            "starts_on": "2026-01-01",
            "due_on": "2026-12-31",
            "position": 1,
        },
    )
    assert response.status_code == 302
    created = Action.objects.get(title="Write the ASM profile")
    assert created.objective == objective and created.owner_organization == org
    assert AuditEntry.for_object(created).get().action == "create"
    page = client.get(strategy.get_absolute_url()).content.decode()
    assert "Write the ASM profile" in page


def test_bad_dates_are_refused_with_a_message_and_nothing_saved(
    goal: Goal, objective: Objective, editor: User, login: Callable[[User], Client]
) -> None:
    response = login(editor).post(
        reverse("strategy:action-create", args=[goal.pk]),
        {
            "objective": objective.pk,
            "title": "Backwards",
            "starts_on": "2026-12-31",
            "due_on": "2026-01-01",
            "position": 1,
        },
    )
    assert response.status_code == 200
    assert "The due date comes before the start date." in response.content.decode()
    assert not Action.objects.filter(title="Backwards").exists()


def test_members_outside_the_goal_cannot_add_or_edit_actions(
    goal: Goal, action: Action, outsider: User, owner: User, login: Callable[[User], Client]
) -> None:
    client = login(outsider)
    assert client.get(reverse("strategy:action-create", args=[goal.pk])).status_code == 403
    assert client.get(reverse("strategy:action-edit", args=[action.pk])).status_code == 403
    assert client.get(reverse("strategy:goal-edit", args=[goal.pk])).status_code == 403
    response = client.post(reverse("strategy:action-status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Progress.PROPOSED
    owner_client = login(owner)
    assert owner_client.get(reverse("strategy:action-edit", args=[action.pk])).status_code == 200
    assert owner_client.get(reverse("strategy:goal-edit", args=[goal.pk])).status_code == 403


def test_an_editor_creates_a_published_strategy_and_can_unpublish_it(
    editor: User, owner: User, login: Callable[[User], Client]
) -> None:
    assert login(owner).get(reverse("strategy:create")).status_code == 403
    client = login(editor)
    client.post(
        reverse("strategy:create"),
        {"title": "Towards 2030", "starts_on": "2026-01-01", "ends_on": "2030-12-31"},
    )
    made = Strategy.objects.get(title="Towards 2030")
    assert made.status == Status.PUBLISHED
    assert AuditEntry.for_object(made).get().action == "create"
    client.post(reverse("strategy:status", args=[made.slug]), {"status": "draft"})
    made.refresh_from_db()
    assert made.status == Status.DRAFT
    response = client.post(
        reverse("strategy:create"),
        {"title": "Backwards", "starts_on": "2030-01-01", "ends_on": "2026-12-31"},
    )
    assert "A strategy cannot end before it starts." in response.content.decode()
    assert not Strategy.objects.filter(title="Backwards").exists()


def test_a_working_group_shows_its_members_chair_and_what_it_owns(
    strategy: Strategy, goal: Goal, action: Action, org: Organization
) -> None:
    from asmhub.conftest import make_person
    from asmhub.strategy.models import WorkingGroup

    group = WorkingGroup.objects.create(
        strategy=strategy, name="Donor working group", chair=make_person("Jon Hobbs")
    )
    group.members.add(org)
    action.owner_group = group
    action.save()
    hidden = make_goal(strategy, None, title="Members' goal", members_only=True, owner_group=group)
    page = Client().get(strategy.get_absolute_url()).content.decode()
    groups = page[page.index('<ul class="groups">') :]
    assert "Donor working group" in groups and "Jon Hobbs" in groups
    assert "Artisanal Gold Council" in groups
    assert f'<a href="{action.get_absolute_url()}">{action.title}</a>' in groups
    assert hidden.title not in groups.replace("&#x27;", "'")
