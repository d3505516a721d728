"""Progress with evidence, goal status and reviews through the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.core.models import AuditEntry, Status
from asmhub.library.models import SuccessStory
from asmhub.strategy.models import Action, Goal, Progress, Review, Strategy

pytestmark = pytest.mark.django_db


def test_an_owner_reports_progress_with_a_story_as_evidence(
    action: Action, owner: User, login: Callable[[User], Client]
) -> None:
    story = SuccessStory.objects.create(title="Mercury-free gold", status=Status.PUBLISHED)
    client = login(owner)
    response = client.post(
        reverse("strategy:progress-add", args=[action.pk]),
        {"written_on": "2026-03-01", "text": "Catalogued twelve donors.", "stories": [story.pk]},
    )
    assert response.status_code == 302
    update = action.updates.get()
    assert list(update.stories.all()) == [story]
    assert AuditEntry.for_object(update).get().changes["stories"]["to"] == [story.title]
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Catalogued twelve donors." in page and story.get_absolute_url() in page


def test_an_editor_moves_a_goal_and_its_history_shows_it(
    goal: Goal, editor: User, owner: User, login: Callable[[User], Client]
) -> None:
    url = reverse("strategy:goal-status", args=[goal.pk])
    assert login(owner).post(url, {"status": "agreed"}).status_code == 403
    login(editor).post(url, {"status": "agreed", "note": "Agreed by the group"})
    goal.refresh_from_db()
    assert goal.status == Progress.AGREED
    page = login(editor).get(goal.get_absolute_url()).content.decode()
    assert "Agreed by the group" in page
    response = login(editor).post(url, {"status": "finished"})
    goal.refresh_from_db()
    assert goal.status == Progress.AGREED and response.status_code == 302


def test_an_editor_records_a_review_members_may_not(
    strategy: Strategy, action: Action, editor: User, owner: User, login: Callable[[User], Client]
) -> None:
    url = reverse("strategy:review-create", args=[strategy.slug])
    assert login(owner).get(url).status_code == 403
    response = login(editor).post(
        url, {"title": "Annual review", "held_on": "2026-07-15", "decisions": "Go on."}
    )
    review = Review.objects.get()
    assert response.url == review.get_absolute_url()
    assert review.snapshot["actions"][0]["overdue"] is True
    page = Client().get(review.get_absolute_url()).content.decode()
    assert "Annual review" in page and action.title in page
