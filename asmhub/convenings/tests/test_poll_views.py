"""The poll pages: an organizer sets up a poll, a participant answers through their
personal link in another browser, results refresh; survey reminders go once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from asmhub.convenings import reminders
from asmhub.convenings.models import Convening
from asmhub.convenings.poll_models import Poll, Question, Reminder
from asmhub.convenings.tests.conftest import make_participant

pytestmark = pytest.mark.django_db


def setup_poll(client: Client, convening: Convening) -> Poll:
    create = reverse("convenings:poll-create", args=[convening.slug])
    response = client.post(
        create, {"kind": "poll", "title": "Themes for 2021", "anonymous": "on", "results": "live"}
    )
    assert response.status_code == 302, response.context["form"].errors
    poll = Poll.objects.get()
    add = reverse("convenings:question-add", args=[convening.slug, poll.pk])
    response = client.post(
        add,
        {
            "kind": "single",
            "text": "Which theme first?",
            "options": "Women in mining\nBarriers to formalization",
            "scale_min": 1,
            "scale_max": 5,
            "position": 0,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return poll


def test_organizer_sets_up_opens_and_a_participant_answers(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    organizer = login(owner)
    poll = setup_poll(organizer, convening)
    assert [o.label for o in poll.questions.get().options.all()] == [
        "Women in mining",
        "Barriers to formalization",
    ]
    organizer.post(reverse("convenings:poll-open", args=[convening.slug, poll.pk]))
    poll.refresh_from_db()
    assert poll.state == Poll.State.OPEN

    member = make_participant(convening, "Field Researcher", org)
    browser = Client()
    joined = browser.get(
        reverse("convenings:join", args=[convening.slug, member.token]) + f"?next=poll-{poll.pk}"
    )
    assert joined.status_code == 302 and joined["Location"] == poll.get_absolute_url()
    page = browser.get(poll.get_absolute_url())
    assert b"Send my answers" in page.content
    question = poll.questions.get()
    chosen = question.options.get(label="Women in mining")
    browser.post(poll.get_absolute_url(), {f"q{question.pk}": chosen.pk})
    assert poll.responses.count() == 1
    fragment = organizer.get(reverse("convenings:poll-results", args=[convening.slug, poll.pk]))
    assert b'data-respondents="1"' in fragment.content and b"Women in mining" in fragment.content


def test_answering_needs_the_personal_link(login: Any, owner: Any, convening: Convening) -> None:
    poll = setup_poll(login(owner), convening)
    login(owner).post(reverse("convenings:poll-open", args=[convening.slug, poll.pk]))
    visitor = Client()
    question = poll.questions.get()
    visitor.post(poll.get_absolute_url(), {f"q{question.pk}": question.options.first().pk})  # type: ignore[union-attr]
    assert poll.responses.count() == 0
    assert b"personal link" in visitor.get(poll.get_absolute_url()).content


def test_only_organizers_set_up_polls(
    login: Any, outsider: Any, colleague: Any, convening: Convening
) -> None:
    create = reverse("convenings:poll-create", args=[convening.slug])
    assert login(outsider).get(create).status_code == 403
    assert login(colleague).get(create).status_code == 200


def test_the_question_form_names_what_is_wrong(
    login: Any, owner: Any, convening: Convening
) -> None:
    poll = Poll.objects.create(convening=convening, title="Check")
    add = reverse("convenings:question-add", args=[convening.slug, poll.pk])
    response = login(owner).post(
        add,
        {
            "kind": "single",
            "text": "Pick",
            "options": "Only one",
            "scale_min": 1,
            "scale_max": 5,
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "options" in response.context["form"].errors
    assert not Question.objects.exists()


def test_a_draft_convening_hides_its_polls_from_visitors(draft_convening: Convening) -> None:
    poll = Poll.objects.create(convening=draft_convening, title="Hidden")
    assert Client().get(poll.get_absolute_url()).status_code == 404


def test_survey_reminders_go_once_to_those_who_have_not_answered(
    convening: Convening, org: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    survey = Poll.objects.create(
        convening=convening,
        kind=Poll.Kind.SURVEY,
        title="Follow-up survey",
        opens_at=now - dt.timedelta(days=10),
        closes_at=now + dt.timedelta(days=1),
        reminder_days=[7, 2],
    )
    question = Question.objects.create(poll=survey, kind="text", text="Anything else?")
    quiet = make_participant(convening, "Not Yet", org, email="notyet@example.org")
    done = make_participant(convening, "Answered", org, email="answered@example.org")
    make_participant(convening, "No Address", org)
    from asmhub.convenings import polls

    polls.submit(survey, done, {question.pk: "All said"})
    due = reminders.due(now)
    assert [(d.participant, d.days_before) for d in due] == [(quiet, 2)]
    for item in due:
        reminders.send(item)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["notyet@example.org"]
    assert quiet.token in mail.outbox[0].body
    assert reminders.due(now) == []
    assert Reminder.objects.count() == 1


def test_the_api_gives_results_only_when_the_setting_allows(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    poll = setup_poll(login(owner), convening)
    url = f"/api/convenings/{convening.slug}/polls/{poll.pk}/results"
    assert Client().get(url).status_code == 200
    Poll.objects.filter(pk=poll.pk).update(results=Poll.Results.ORGANIZERS)
    assert Client().get(url).status_code == 404
    body = login(owner).get(url).json()
    assert body["respondents"] == 0 and body["questions"][0]["text"] == "Which theme first?"
    listing = Client().get(f"/api/convenings/{convening.slug}/polls").json()
    assert [p["title"] for p in listing] == ["Themes for 2021"]


def test_the_poll_form_names_bad_times_and_reminders_and_saves_nothing(
    login: Any, owner: Any, convening: Convening
) -> None:
    create = reverse("convenings:poll-create", args=[convening.slug])
    response = login(owner).post(
        create,
        {
            "kind": "survey",
            "title": "Follow-up",
            "results": "live",
            "opens_at": "2026-06-17T10:00",
            "closes_at": "2026-06-16T10:00",
            "reminder_days": "7, soon",
        },
    )
    errors = response.context["form"].errors
    assert "closes_at" in errors and "reminder_days" in errors
    assert "soon" in str(errors["reminder_days"])
    no_deadline = login(owner).post(
        create, {"kind": "survey", "title": "Follow-up", "results": "live", "reminder_days": "2"}
    )
    assert "Reminders need a deadline" in str(no_deadline.context["form"].errors)
    assert not Poll.objects.exists()


def test_a_ranking_with_two_choices_in_one_place_is_refused(
    login: Any, owner: Any, convening: Convening, org: Any
) -> None:
    poll = Poll.objects.create(
        convening=convening, title="Rank", opens_at=timezone.now() - dt.timedelta(minutes=1)
    )
    from asmhub.convenings.poll_models import Option

    question = Question.objects.create(poll=poll, kind="ranking", text="Rank the themes")
    first, second = (
        Option.objects.create(question=question, label=label, position=n)
        for n, label in enumerate(["Women in mining", "Formalization"])
    )
    member = make_participant(convening, "Ranker", org)
    browser = Client()
    browser.get(reverse("convenings:join", args=[convening.slug, member.token]))
    response = browser.post(
        poll.get_absolute_url(),
        {f"q{question.pk}_o{first.pk}": "1", f"q{question.pk}_o{second.pk}": "1"},
    )
    assert response.status_code == 200
    assert "different place" in response.content.decode()
    assert not poll.responses.exists()
