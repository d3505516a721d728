"""The demo strategy from the 2005 workshop report and the 2020 PPA meeting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from asmhub.calendar.demo import load_demo_calendar
from asmhub.convenings.demo import load_demo_convenings
from asmhub.convenings.models import Commitment
from asmhub.directory.services import load_demo_directory
from asmhub.funding.services import load_demo_funding
from asmhub.library.services import load_demo_library
from asmhub.strategy import services
from asmhub.strategy.demo import DEMO_DIR, StrategyDataError, load_demo_strategy
from asmhub.strategy.models import Action, Goal, Indicator, Review, Strategy

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: Any) -> dict[str, int]:
    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    load_demo_calendar()
    load_demo_convenings()
    return load_demo_strategy()


def test_the_demo_strategy_loads_reloads_and_refuses_unknown_names(
    demo: dict[str, int], tmp_path: Path
) -> None:
    assert demo == {
        "work plans": 1,
        "strategies": 1,
        "goals": 3,
        "actions": 12,
        "indicators": 7,
        "reviews": 1,
    }
    strategy = Strategy.objects.get()
    assert strategy.is_public and "Workshop Report" in strategy.source
    milestone = Goal.objects.get(term="long")
    assert milestone.due_on == dt.date(2010, 5, 31) and "Commission" in milestone.title
    # Commitments from both demo convenings are actions; the 2005 conference one is overdue.
    adopted = Action.objects.exclude(commitment=None)
    assert {a.commitment.convening.slug for a in adopted} == {  # type: ignore[union-attr]
        "2005-mdg-small-scale-mining",
        "2020-ppa-member-meeting",
    }
    bahia = adopted.get(commitment__due_on=dt.date(2005, 9, 30))
    assert bahia.is_overdue() and bahia.status == "proposed"
    # The other commitments are still in the tracker, as commitments.
    kinds = {e.kind for e in services.tracker(AnonymousUser())}
    assert kinds == {"action", "commitment"}
    assert Commitment.objects.filter(strategy_action__isnull=True).exists()
    # Every computed indicator has an actual; the entered one its source.
    for indicator in Indicator.objects.exclude(metric=""):
        assert indicator.latest() is not None
    assert Indicator.objects.get(metric="").latest().source.startswith("Secretariat")  # type: ignore[union-attr]
    review = Review.objects.get()
    assert len(review.snapshot["actions"]) == 12 and review.held_on == dt.date(2006, 7, 15)
    # Loading again gives the same rows.
    assert load_demo_strategy() == demo
    assert Action.objects.count() == 12
    # A name that does not exist stops the load and leaves the data as it was.
    broken = tmp_path / "broken.yaml"
    text = (DEMO_DIR / "casm-strategy-2005.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("owner: casm-secretariat", "owner: nobody-here", 1))
    with pytest.raises(
        StrategyDataError, match=r"broken\.yaml: unknown organization 'nobody-here'"
    ):
        load_demo_strategy(tmp_path)
    assert Action.objects.count() == 12 and Strategy.objects.count() == 1


def test_the_ppa_2021_work_plan_is_drafted_from_the_meetings_themes_and_poll(
    demo: dict[str, int],
) -> None:
    from asmhub.strategy.models import WorkPlan

    plan = WorkPlan.objects.get(slug="ppa-work-plan-2021")
    assert plan.is_public and plan.year == 2021
    assert plan.convening is not None and plan.convening.slug == "2020-ppa-member-meeting"
    themes = [a for a in plan.activities.all() if a.from_option_id]
    assert [a.title for a in themes] == [
        "Business operations support",
        "Addressing barriers for formalization",
        "Support for women in mining",
        "ASM community-level interventions",
        "Increased sourcing of conflict-free artisanal minerals, with increased local"
        " retention of value",
    ]
    women = themes[2]
    # the poll's responses are illustrative: the summary's words, and no figures
    assert women.poll_result["summary"] == "The member poll reflected high interest in this topic"
    assert all(a.poll_result["figures"] == [] for a in themes)
    assert all(a.budget_amount is None for a in plan.activities.all())
    assert themes[0].kind == "grant" and str(themes[0].lead_organization).startswith("RESOLVE")
    others = [a.title for a in plan.activities.all() if not a.from_option_id]
    assert "Artisanal gold" in others and "Child labour" in others
    again = load_demo_strategy()
    assert again["work plans"] == 1 and WorkPlan.objects.count() == 1
