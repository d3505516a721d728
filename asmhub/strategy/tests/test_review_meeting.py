"""A review's meeting is a convening: chosen or created with the review, linked both ways,
and named in the report."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.urls import reverse

from asmhub.convenings.models import Convening
from asmhub.convenings.tests.conftest import make_convening
from asmhub.core.models import AuditEntry, Status
from asmhub.strategy import review_render, services
from asmhub.strategy.models import Action, Review


def test_a_review_can_create_its_meeting_as_a_convening(
    action: Action, editor: Any, login: Any, client: Any
) -> None:
    strategy = action.objective.goal.strategy
    login(editor)
    response = client.post(
        reverse("strategy:review-create", args=[strategy.slug]),
        {"title": "Mid-term review", "held_on": "2027-11-15", "new_convening": "on"},
    )
    review = Review.objects.get()
    assert response.status_code == 302
    convening = review.convening
    assert convening is not None and convening.starts_on == dt.date(2027, 11, 15)
    assert AuditEntry.objects.filter(action="create", target_id=str(convening.pk)).exists()
    page = client.get(reverse("convenings:detail", args=[convening.slug])).content.decode()
    assert review.get_absolute_url() in page
    report = client.get(review.get_absolute_url()).content.decode()
    assert 'id="review-meeting"' in report and convening.title in report


def test_a_review_links_an_existing_convening_and_the_report_names_it(
    action: Action, editor: Any, org: Any
) -> None:
    strategy = action.objective.goal.strategy
    convening = make_convening(org, title="Annual members' meeting")
    review = services.hold_review(
        editor, strategy, dt.date(2027, 6, 16), "Review", "", "", convening=convening
    )
    assert review.convening == convening
    from docx import Document

    text = "\n".join(
        p.text for p in Document(io.BytesIO(review_render.docx(editor, review))).paragraphs
    )
    assert "Review meeting: Annual members' meeting" in text


def test_choosing_and_creating_a_meeting_at_once_is_refused(
    strategy: Any, editor: Any, org: Any, login: Any, client: Any
) -> None:
    convening = make_convening(org)
    login(editor)
    response = client.post(
        reverse("strategy:review-create", args=[strategy.slug]),
        {
            "title": "R",
            "held_on": "2027-01-01",
            "convening": convening.pk,
            "new_convening": "on",
        },
    )
    assert "Choose a convening or create one, not both." in response.content.decode()
    assert not Review.objects.exists()
    assert Convening.objects.count() == 1


def test_a_draft_meeting_is_not_named_to_the_public(
    action: Action, editor: Any, org: Any, client: Any
) -> None:
    strategy = action.objective.goal.strategy
    convening = make_convening(org, status=Status.DRAFT, title="Closed-door meeting")
    review = services.hold_review(
        editor, strategy, dt.date(2027, 6, 16), "Review", "", "", convening=convening
    )
    assert "Closed-door meeting" not in client.get(review.get_absolute_url()).content.decode()
