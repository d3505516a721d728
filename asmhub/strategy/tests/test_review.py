"""A review freezes the state of every action and indicator; its report renders as a page,
a PDF and a Word document, every figure linked to its record."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.strategy import services
from asmhub.strategy.models import (
    Action,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Progress,
    Review,
    Strategy,
)

pytestmark = pytest.mark.django_db
HELD = dt.date(2026, 7, 15)


@pytest.fixture
def review(strategy: Strategy, action: Action, objective: Objective, editor: User) -> Review:
    Action.objects.create(
        objective=objective,
        title="Hidden from the public",
        members_only=True,
        due_on=dt.date(2027, 1, 1),
    )
    survey = Indicator.objects.create(
        strategy=strategy,
        title="Donors naming ASM",
        source="Secretariat survey",
        baseline=2,
        baseline_on=dt.date(2025, 1, 1),
    )
    IndicatorValue.objects.create(indicator=survey, on=dt.date(2026, 6, 1), value=3, source="S1")
    IndicatorValue.objects.create(indicator=survey, on=dt.date(2026, 9, 1), value=9, source="S2")
    IndicatorTarget.objects.create(indicator=survey, due_on=dt.date(2027, 1, 1), value=5)
    return services.hold_review(
        editor, strategy, HELD, "Mid-term review", "Keep going.\nAsk for stories.", "None."
    )


def test_the_snapshot_holds_each_action_and_indicator_as_on_the_review_date(
    review: Review, action: Action
) -> None:
    snap = review.snapshot
    by_title = {a["title"]: a for a in snap["actions"]}
    assert by_title[action.title]["overdue"] is True  # due 30 June 2026, reviewed 15 July
    assert by_title[action.title]["id"] == action.pk
    assert by_title["Hidden from the public"]["overdue"] is False
    [indicator] = snap["indicators"]
    assert (indicator["actual"], indicator["actual_on"], indicator["source"]) == (
        "3.00",
        "2026-06-01",
        "S1",
    ), "the value of September is after the review"
    assert indicator["actual_id"] == IndicatorValue.objects.get(source="S1").pk
    assert (indicator["target"], indicator["target_on"]) == ("5.00", "2027-01-01")
    assert snap["overdue"] == 1 and snap["counts"]["proposed"] == 2


def test_the_snapshot_stays_as_it_was_when_the_framework_moves_on(
    review: Review, action: Action, editor: User
) -> None:
    services.change_status(editor, action, Progress.DONE)
    review.refresh_from_db()
    statuses = {a["title"]: a["status"] for a in review.snapshot["actions"]}
    assert statuses[action.title] == "proposed"


def test_only_editors_record_reviews(strategy: Strategy, owner: User) -> None:
    with pytest.raises(PermissionDenied):
        services.hold_review(owner, strategy, HELD, "x", "", "")
    assert not Review.objects.exists()


def test_the_review_page_links_every_figure_and_hides_members_only_items(
    review: Review, action: Action, owner: User, login: Callable[[User], Client]
) -> None:
    page = Client().get(review.get_absolute_url()).content.decode()
    assert reverse("strategy:action", args=[action.pk]) in page
    value = IndicatorValue.objects.get(source="S1")
    assert f"#value-{value.pk}" in page
    assert "Hidden from the public" not in page
    assert "Hidden from the public" in login(owner).get(review.get_absolute_url()).content.decode()


def test_the_review_renders_as_pdf(review: Review) -> None:
    import pypdfium2

    response = Client().get(reverse("strategy:review-pdf", args=[review.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Mid-term review" in text and "Donors naming ASM" in text


def test_the_review_renders_as_word(review: Review, action: Action) -> None:
    from docx import Document

    response = Client().get(reverse("strategy:review-docx", args=[review.pk]))
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert action.title in cells
    assert any(reverse("strategy:action", args=[action.pk]) in c for c in cells)
    assert any("3.00 (2026-06-01)" in c for c in cells)
    assert "Hidden from the public" not in cells
    assert "Ask for stories." in [p.text for p in doc.paragraphs]
