"""The demo convenings: the 2005 conference and the 2020 PPA member meeting."""

from __future__ import annotations

import datetime as dt
import shutil
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import models

from asmhub.accounts.models import User
from asmhub.accounts.services import assign_role
from asmhub.calendar.demo import load_demo_calendar
from asmhub.convenings import report
from asmhub.convenings.demo import DEMO_DIR, ConveningDataError, home_stats, load_demo_convenings
from asmhub.convenings.models import (
    Answer,
    Breakout,
    Commitment,
    Convening,
    Material,
    Option,
    Participant,
    Poll,
    Presentation,
    Question,
    Response,
    Session,
    Statement,
    WhiteboardItem,
)
from asmhub.directory.models import ContactDetails
from asmhub.directory.services import load_demo_directory
from asmhub.funding.services import load_demo_funding
from asmhub.library.services import load_demo_library

pytestmark = pytest.mark.django_db

CONFERENCE = "2005-mdg-small-scale-mining"
PPA = "2020-ppa-member-meeting"
MODELS: list[type[models.Model]] = [
    Convening,
    Participant,
    Session,
    Presentation,
    Material,
    Breakout,
    WhiteboardItem,
    Statement,
    Commitment,
    Poll,
    Question,
    Option,
    Response,
    Answer,
]
GROUP_TWO = [
    "Poverty",
    "Misperceptions",
    "Marginalization",
    "Vulnerability",
    "Mobility",
    "Conflict",
]
THEMES = {
    "Business operations support": "finance",
    "Addressing barriers for formalization": "formalization-rights",
    "Support for women in mining": "gender",
    "ASM community-level interventions": "poverty-livelihoods",
    "Increased sourcing of conflict-free artisanal minerals, with increased local retention of value": "traceability-due-diligence",
}


@pytest.fixture
def demo(db: Any) -> dict[str, int]:
    """The demo data the convenings build on, in the order ``load-demo`` loads it."""
    load_demo_directory()
    load_demo_library()
    load_demo_funding()
    load_demo_calendar()
    return load_demo_convenings()


def _rows() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in MODELS}


def check_both_convenings_load_with_their_agendas(demo: dict[str, int]) -> None:
    assert demo["convenings"] == 2
    conference = Convening.objects.get(slug=CONFERENCE)
    assert (conference.starts_on, conference.ends_on) == (
        dt.date(2005, 6, 16),
        dt.date(2005, 6, 17),
    )
    assert conference.time_zone == "America/New_York" and conference.is_public
    assert conference.event is not None and conference.event.uid == "mdg-asm-conference-2005@asmhub"
    assert conference.owner_organization is not None
    assert conference.owner_organization.slug == "casm-secretariat"
    assert len(conference.objectives) == 3 and conference.goal.startswith("To increase donor")
    donor = conference.sessions.get(kind=Session.Kind.DONOR_DISCUSSION)
    assert donor.starts_at == dt.time(14, 45) and donor.notes
    assert {p.person.slug for p in donor.chairs.all() if p.person} == {"jeffrey-davidson"}
    rounds = conference.sessions.filter(kind=Session.Kind.BREAKOUTS)
    assert [r.breakouts.count() for r in rounds] == [4, 4]
    assert all(b.report_back and b.notes and b.task for r in rounds for b in r.breakouts.all())
    pedro = Presentation.objects.get(
        session__convening=conference, speakers__person__slug="antonio-pedro"
    )
    assert [g.number for g in pedro.mdg_goals.all()] == [1] and len(pedro.notes) > 400
    material = Material.objects.get(presentation=pedro)
    assert (material.kind, material.page) == (Material.Kind.PAPER, 12)
    assert material.resource.file_name == "2005-mdg-asm-workshop-report.pdf"

    ppa = Convening.objects.get(slug=PPA)
    assert ppa.online and ppa.owner_organization and ppa.owner_organization.slug == "ppa"
    assert ppa.sessions.filter(kind=Session.Kind.BRIEFING).count() >= 3
    groups = Breakout.objects.filter(session__convening=ppa)
    assert groups.count() == 2 and all(g.whiteboard.exists() for g in groups)
    assert ppa.commitments.exists()
    assert all(s.source is not None for s in Statement.objects.all())


def test_loading_twice_changes_no_counts(demo: dict[str, int]) -> None:
    before = _rows()
    assert load_demo_convenings() == demo
    assert _rows() == before


def check_group_twos_six_priorities_among_the_asm_community(demo: dict[str, int]) -> None:
    group_two = Breakout.objects.get(
        session__convening__slug=CONFERENCE,
        session__title__startswith="Breakout Session One",
        name="Group Two",
    )
    priorities = Statement.objects.filter(breakout=group_two, kind=Statement.Kind.PRIORITY)
    assert sorted(s.topic for s in priorities) == sorted(GROUP_TWO)
    for statement in priorities:
        assert statement.scope == Statement.Scope.SHARED
        assert statement.quote.startswith(statement.topic + ":")
        assert statement.quote in " ".join(group_two.report_back.split())
        assert statement.source == group_two and statement.stakeholder_groups.exists()


def check_the_ppa_poll_offers_the_five_themes(demo: dict[str, int]) -> None:
    poll = Poll.objects.get(convening__slug=PPA, kind=Poll.Kind.POLL)
    assert poll.session is not None
    kinds = set(poll.questions.values_list("kind", flat=True))
    assert Question.Kind.RANKING in kinds
    for question in poll.questions.all():
        found = {
            o.label: o.lever_issue.slug if o.lever_issue else None for o in question.options.all()
        }
        assert found == THEMES


def check_the_survey_closes_at_the_end_of_27_november_2020(demo: dict[str, int]) -> None:
    survey = Poll.objects.get(convening__slug=PPA, kind=Poll.Kind.SURVEY)
    assert survey.closes_at is not None
    local = survey.closes_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert local.date() == dt.date(2020, 11, 27) and local.time() >= dt.time(23, 59)
    assert survey.reminder_days == [7, 2]
    assert survey.state_at(dt.datetime(2020, 11, 27, 12, tzinfo=dt.UTC)) == Poll.State.OPEN
    assert survey.state_at(dt.datetime(2020, 11, 28, 6, tzinfo=dt.UTC)) == Poll.State.CLOSED


def check_illustrative_responses_are_flagged(demo: dict[str, int]) -> None:
    responses = Response.objects.filter(poll__convening__slug=PPA)
    assert responses.exists() and demo["responses"] == responses.count()
    assert all(r.illustrative and r.participant is None for r in responses)
    assert all(r.poll.illustrative and "illustrative" in r.poll.source for r in responses)
    assert not Poll.objects.filter(illustrative=False, responses__isnull=False).exists()
    ranked = Answer.objects.filter(question__kind=Question.Kind.RANKING, response__in=responses)
    assert set(ranked.values_list("rank", flat=True)) == {1, 2, 3, 4, 5}


def test_a_bad_slug_names_file_and_key_and_changes_nothing(
    demo: dict[str, int], tmp_path: Path
) -> None:
    for path in DEMO_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "conference-2005.yaml"
    text = broken.read_text(encoding="utf-8")
    assert "lever_issues: [child-labour-education, health]\n" in text
    broken.write_text(
        text.replace(
            "lever_issues: [child-labour-education, health]\n",
            "lever_issues: [child-labour-education, no-such-issue]\n",
            1,
        ),
        encoding="utf-8",
    )
    before = _rows()
    tokens = set(Participant.objects.values_list("token", flat=True))
    with pytest.raises(ConveningDataError) as caught:
        load_demo_convenings(tmp_path)
    message = str(caught.value)
    assert "conference-2005.yaml" in message and "'jennings'" in message
    assert "lever_issues" in message and "no-such-issue" in message
    assert _rows() == before
    assert set(Participant.objects.values_list("token", flat=True)) == tokens
    single = tmp_path / "single"
    single.mkdir()
    check_an_unknown_person_is_named_too(single)


def check_an_unknown_person_is_named_too(tmp_path: Path) -> None:
    shutil.copy(DEMO_DIR / "ppa-2020.yaml", tmp_path / "ppa-2020.yaml")
    path = tmp_path / "ppa-2020.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("person: margaret-lee", "person: nobody"),
        encoding="utf-8",
    )
    with pytest.raises(ConveningDataError, match=r"ppa-2020\.yaml 'nobody' person"):
        load_demo_convenings(tmp_path)


def check_the_loader_creates_no_contact_details(demo: dict[str, int]) -> None:
    assert not ContactDetails.objects.exists()
    people = Participant.objects.exclude(person=None).values_list("person", flat=True)
    assert people and not ContactDetails.objects.filter(person__in=people).exists()
    assert not Participant.objects.filter(share_contact=True).exists()
    for path in DEMO_DIR.glob("*.yaml"):
        assert "@" not in path.read_text(encoding="utf-8").replace("@asmhub", ""), path.name


def check_home_stats_count_the_visible_convenings(demo: dict[str, int]) -> None:
    [stat] = home_stats(AnonymousUser())
    assert stat.count == 2 and stat.url == "/convenings/"
    Convening.objects.filter(slug=PPA).update(status="draft")
    assert home_stats(AnonymousUser())[0].count == 1


def check_the_2005_report_traces_group_twos_six(demo: dict[str, int]) -> None:
    conference = Convening.objects.get(slug=CONFERENCE)
    published = conference.report
    assert published.is_published and published.sections.count() == len(report.outline())
    editor = User.objects.create_user("report-editor")
    assign_role(editor, "editor")
    saved = report.DraftReport(editor, conference).execute()
    common = saved.sections.get(key="common-stakeholders")
    items = {item["title"]: item for item in common.content["items"]}
    assert set(GROUP_TWO) <= set(items)
    cited = {c["n"]: c for c in common.citations}
    group_two = Breakout.objects.get(
        session__convening=conference,
        session__title__startswith="Breakout Session One",
        name="Group Two",
    )
    for topic in GROUP_TWO:
        sources = [cited[n] for n in items[topic]["cites"]]
        assert {"kind": "breakout", "id": group_two.pk} in [
            {"kind": c["kind"], "id": c["id"]} for c in sources
        ], topic
        assert "Group Two" in items[topic]["meta"]
    presentations = saved.sections.get(key="presentations").content["items"]
    assert len(presentations) == Presentation.objects.filter(session__convening=conference).count()
    assert all(item["text"] for item in presentations)
    ppa = report.DraftReport(editor, Convening.objects.get(slug=PPA)).execute()
    ppa_common = [i["title"] for i in ppa.sections.get(key="common-stakeholders").content["items"]]
    assert any(title in THEMES for title in ppa_common)  # from the (illustrative) poll


def test_the_demo_convenings_and_their_reports(demo: dict[str, int]) -> None:
    """One load of the demo for every read of it: loading takes seconds."""
    check_both_convenings_load_with_their_agendas(demo)
    check_group_twos_six_priorities_among_the_asm_community(demo)
    check_the_ppa_poll_offers_the_five_themes(demo)
    check_the_survey_closes_at_the_end_of_27_november_2020(demo)
    check_illustrative_responses_are_flagged(demo)
    check_the_loader_creates_no_contact_details(demo)
    check_the_2005_report_traces_group_twos_six(demo)
    check_home_stats_count_the_visible_convenings(demo)
