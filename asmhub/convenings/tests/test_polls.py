"""Poll rules: open and close, one answer per participant, the shape of each kind of
answer, anonymity, and who sees the results when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from asmhub.convenings import polls
from asmhub.convenings.models import Convening, Participant
from asmhub.convenings.poll_models import Option, Poll, Question, Response
from asmhub.convenings.tests.conftest import make_participant

pytestmark = pytest.mark.django_db

NOW = timezone.now()
THEMES = [
    "Business operations support",
    "Barriers to formalization",
    "Women in mining",
    "Community-level interventions",
    "Conflict-free sourcing with local value retention",
]


def make_poll(convening: Convening, **fields: Any) -> Poll:
    values: dict[str, Any] = {
        "title": "Themes for 2021",
        "opens_at": NOW - dt.timedelta(hours=1),
        "closes_at": NOW + dt.timedelta(hours=1),
    }
    values.update(fields)
    return Poll.objects.create(convening=convening, **values)


def make_question(poll: Poll, kind: str, labels: list[str], **fields: Any) -> Question:
    question = Question.objects.create(poll=poll, kind=kind, text=f"A {kind} question", **fields)
    for position, label in enumerate(labels):
        Option.objects.create(question=question, label=label, position=position)
    return question


def ids(question: Question) -> list[int]:
    return list(question.options.values_list("pk", flat=True))


@pytest.fixture
def voters(convening: Convening, org: Any) -> list[Participant]:
    return [make_participant(convening, f"Member {n}", org) for n in range(4)]


def test_state_follows_the_open_and_close_times(convening: Convening) -> None:
    poll = make_poll(convening, opens_at=None, closes_at=None)
    assert poll.state_at(NOW) == Poll.State.DRAFT
    poll.opens_at = NOW - dt.timedelta(minutes=5)
    assert poll.state_at(NOW) == Poll.State.OPEN
    poll.closes_at = NOW
    assert poll.state_at(NOW) == Poll.State.CLOSED
    assert polls.set_state(poll, Poll.State.OPEN, NOW) == {"opens_at": NOW, "closes_at": None}


def test_answers_are_refused_outside_the_open_window(
    convening: Convening, voters: list[Participant]
) -> None:
    poll = make_poll(convening, opens_at=NOW + dt.timedelta(hours=1), closes_at=None)
    question = make_question(poll, Question.Kind.SINGLE, THEMES)
    with pytest.raises(polls.PollClosed):
        polls.submit(poll, voters[0], {question.pk: ids(question)[0]})
    poll.opens_at, poll.closes_at = NOW - dt.timedelta(hours=2), NOW - dt.timedelta(hours=1)
    poll.save()
    with pytest.raises(polls.PollClosed):
        polls.submit(poll, voters[0], {question.pk: ids(question)[0]})
    assert not Response.objects.exists()


def test_one_response_per_participant_the_latest_counts(
    convening: Convening, voters: list[Participant]
) -> None:
    poll = make_poll(convening)
    question = make_question(poll, Question.Kind.SINGLE, THEMES)
    first, second = ids(question)[:2]
    polls.submit(poll, voters[0], {question.pk: first})
    polls.submit(poll, voters[0], {question.pk: second})
    assert poll.responses.count() == 1
    result = polls.results(poll).questions[0]
    assert result.top is not None and result.top.option.pk == second and result.top.count == 1


def test_a_participant_of_another_convening_may_not_answer(
    convening: Convening, draft_convening: Convening, org: Any
) -> None:
    poll = make_poll(convening)
    question = make_question(poll, Question.Kind.TEXT, [])
    stranger = make_participant(draft_convening, "Elsewhere", org)
    with pytest.raises(ValidationError):
        polls.submit(poll, stranger, {question.pk: "hello"})


def test_anonymous_responses_keep_no_link_to_the_participant(
    convening: Convening, voters: list[Participant]
) -> None:
    poll = make_poll(convening, anonymous=True)
    question = make_question(poll, Question.Kind.TEXT, [])
    response = polls.submit(poll, voters[0], {question.pk: "Finance"})
    assert response.participant is None
    other = make_poll(convening, title="Another anonymous poll")
    assert other.respondent_key(voters[0]) != response.respondent_key  # not linkable across polls
    assert Response.objects.filter(participant=voters[0]).count() == 0
    named = make_poll(convening, anonymous=False, title="Named")
    named_question = make_question(named, Question.Kind.TEXT, [])
    assert polls.submit(named, voters[0], {named_question.pk: "x"}).participant == voters[0]


def test_each_kind_checks_its_answer(convening: Convening, voters: list[Participant]) -> None:
    poll = make_poll(convening)
    single = make_question(poll, Question.Kind.SINGLE, THEMES, required=True)
    multiple = make_question(poll, Question.Kind.MULTIPLE, THEMES, max_choices=2)
    ranking = make_question(poll, Question.Kind.RANKING, THEMES)
    rating = make_question(poll, Question.Kind.RATING, ["Usefulness"], scale_min=1, scale_max=5)
    foreign = make_question(make_poll(convening, title="Other"), Question.Kind.SINGLE, ["x", "y"])
    good = {
        single.pk: ids(single)[0],
        multiple.pk: ids(multiple)[:2],
        ranking.pk: ids(ranking)[::-1],
        rating.pk: {ids(rating)[0]: 4},
    }
    polls.submit(poll, voters[0], good)
    bad_cases = [
        ({**good, single.pk: None}, "needs an answer"),
        ({**good, multiple.pk: ids(multiple)[:3]}, "at most 2"),
        ({**good, ranking.pk: [ids(ranking)[0], ids(ranking)[0]]}, "once"),
        ({**good, rating.pk: {ids(rating)[0]: 9}}, "from 1 to 5"),
        ({**good, single.pk: ids(foreign)[0]}, "not one of its choices"),
    ]
    for values, words in bad_cases:
        with pytest.raises(ValidationError) as caught:
            polls.submit(poll, voters[1], values)
        assert any(words in m for m in caught.value.messages), caught.value.messages
        assert any(
            single.text in m or multiple.text in m or ranking.text in m or rating.text in m
            for m in caught.value.messages
        )
    assert poll.responses.count() == 1


def test_ranking_scores_and_shares(convening: Convening, voters: list[Participant]) -> None:
    poll = make_poll(convening)
    ranking = make_question(poll, Question.Kind.RANKING, THEMES[:3])
    choice = make_question(poll, Question.Kind.MULTIPLE, THEMES[:3])
    a, b, c = ids(ranking)
    x, y, _z = ids(choice)
    polls.submit(poll, voters[0], {ranking.pk: [a, b, c], choice.pk: [x]})
    polls.submit(poll, voters[1], {ranking.pk: [b, a], choice.pk: [x, y]})
    polls.submit(poll, voters[2], {ranking.pk: [b], choice.pk: [y]})
    result = polls.results(poll)
    assert result.respondents == 3
    ranked = result.questions[0].options
    # b: 2 + 3 + 3 = 8; a: 3 + 2 = 5; c: 1
    assert [(o.option.pk, o.score, o.first) for o in ranked] == [(b, 8, 2), (a, 5, 1), (c, 1, 0)]
    shares = {o.option.pk: round(o.share, 2) for o in result.questions[1].options}
    assert shares[x] == 0.67 and shares[y] == 0.67


def test_results_visibility_follows_the_setting(
    convening: Convening, voters: list[Participant], rf: Any, owner: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from asmhub.convenings.access import remember_participant

    def request_as(participant: Participant | None, user: Any = None) -> Any:
        request = rf.get("/")
        request.user = user or AnonymousUser()
        request.session = SessionStore()
        if participant is not None:
            remember_participant(request, participant)
        return request

    poll = make_poll(convening, results=Poll.Results.AFTER_ANSWER)
    question = make_question(poll, Question.Kind.TEXT, [])
    assert not polls.can_see_results(request_as(voters[0]), poll)
    polls.submit(poll, voters[0], {question.pk: "Finance"})
    assert polls.can_see_results(request_as(voters[0]), poll)
    assert polls.can_see_results(request_as(None, owner), poll)
    poll.results = Poll.Results.AFTER_CLOSE
    assert not polls.can_see_results(request_as(voters[0]), poll)
    poll.closes_at = NOW - dt.timedelta(minutes=1)
    assert polls.can_see_results(request_as(voters[0]), poll)
    poll.results = Poll.Results.ORGANIZERS
    assert not polls.can_see_results(request_as(voters[0]), poll)
    assert polls.can_see_results(request_as(None, owner), poll)
