"""Polls and surveys: setting them up, answering, live results, and the personal link."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.convenings import access, polls, services
from asmhub.convenings.models import Convening
from asmhub.convenings.poll_forms import AnswerForm, PollForm, QuestionForm
from asmhub.convenings.poll_models import Poll, Question, Response
from asmhub.convenings.views_forms import form_page, save_part


def _zone(convening: Convening) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(convening.time_zone)


def poll_list(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    me = access.current_participant(request, convening)
    found = list(
        convening.polls.annotate(response_count=Count("responses"))
        .prefetch_related("questions")
        .order_by("opens_at", "id")
    )
    keys = [poll.respondent_key(me) for poll in found] if me else []
    answered = set(
        Response.objects.filter(respondent_key__in=keys).values_list("poll_id", flat=True)
    )
    rows = [{"poll": poll, "answered": poll.pk in answered} for poll in found]
    return render(
        request, "convenings/polls.html", access.page_context(request, convening, rows=rows)
    )


def _poll_form(request: HttpRequest, convening: Convening, poll: Poll) -> HttpResponse:
    access.require_organizer(request, convening)
    with timezone.override(_zone(convening)):  # times are typed in the convening's zone
        form = PollForm(request.POST or None, instance=poll, convening=convening)
        back = reverse("convenings:polls", args=[convening.slug])
        return save_part(
            request,
            convening,
            form,
            _("Poll or survey"),
            back,
            done=_("Saved. Now add its questions."),
        )


@login_required
def poll_create(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    return _poll_form(request, convening, Poll(convening=convening))


@login_required
def poll_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    return _poll_form(request, convening, get_object_or_404(convening.polls, pk=pk))


def _results_context(request: HttpRequest, poll: Poll) -> dict[str, object]:
    visible = polls.can_see_results(request, poll)
    organizer = access.is_organizer(request.user, poll.convening)
    named = []
    if organizer and not poll.anonymous:
        named = list(
            poll.responses.select_related("participant__person", "participant__organization")
        )
    return {
        "poll": poll,
        "visible": visible,
        "results": polls.results(poll) if visible else None,
        "named": named,
    }


def poll_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The poll: the answer form for a participant while it is open, and the results."""
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    me = access.current_participant(request, convening)
    response = polls.response_of(poll, me)
    form = None
    if polls.can_answer(poll, me):
        form = AnswerForm(
            request.POST or None, poll=poll, initial_answers=polls.answers_of(response)
        )
        if request.method == "POST" and form.is_valid():
            values = form.values()
            if not form.errors and me is not None:
                try:
                    polls.submit(poll, me, values)
                except ValidationError as exc:
                    for message in exc.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Thank you: your answers are recorded."))
                    return redirect(poll)
    elif request.method == "POST":
        messages.error(
            request,
            _("This poll is not open.")
            if me
            else _("Only the convening's participants may answer."),
        )
    context = access.page_context(
        request,
        convening,
        form=form,
        answered=response is not None,
        questions=poll.questions.prefetch_related("options"),
        zone=convening.time_zone,
        **_results_context(request, poll),
    )
    return render(request, "convenings/poll.html", context)


def poll_results(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The results fragment that the poll page reloads every few seconds while open."""
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    return render(request, "convenings/_poll_results.html", _results_context(request, poll))


@login_required
@require_POST
def poll_state(request: HttpRequest, slug: str, pk: int, state: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    if not poll.questions.exists() and state == Poll.State.OPEN:
        messages.error(request, _("Add a question before opening it."))
        return redirect(poll)
    values = polls.set_state(poll, state)
    services.SaveRecord(request.user, convening, poll, values).execute()
    messages.success(request, _("Opened.") if state == Poll.State.OPEN else _("Closed."))
    return redirect(poll)


def _question_form(request: HttpRequest, poll: Poll, question: Question) -> HttpResponse:
    convening = poll.convening
    access.require_organizer(request, convening)
    if question.pk is None:
        question.position = services.next_position(poll.questions.all())
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in QuestionForm.Meta.fields}
        labels = None if form.answered else data["options"]
        polls.SaveQuestion(request.user, convening, question, values, labels).execute()
        messages.success(request, _("Question saved."))
        return redirect(poll)
    return form_page(request, convening, form, question, _("Question"), poll.get_absolute_url())


@login_required
def question_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    return _question_form(request, poll, Question(poll=poll))


@login_required
def question_edit(request: HttpRequest, slug: str, pk: int, question: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    return _question_form(request, poll, get_object_or_404(poll.questions, pk=question))


@login_required
@require_POST
def question_remove(request: HttpRequest, slug: str, pk: int, question: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=pk)
    target = get_object_or_404(poll.questions, pk=question)
    if target.answers.exists():
        messages.error(request, _("This question has answers; it can no longer be removed."))
    else:
        services.DeleteRecord(request.user, convening, target).execute()
        messages.success(request, _("Question removed."))
    return redirect(poll)


def join(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """A participant's personal link: remembers who they are in this browser, then moves on
    to a page without the token in its address."""
    convening = get_object_or_404(Convening, slug=slug)
    participant = get_object_or_404(convening.participants, token=token)
    access.remember_participant(request, participant)
    target = request.GET.get("next", "")
    if target.startswith("poll-") and target[5:].isdigit():
        poll = convening.polls.filter(pk=int(target[5:])).first()
        if poll is not None:
            return redirect(poll)
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    messages.success(
        request,
        _("Welcome, %(name)s: this browser now answers polls as you.")
        % {"name": participant.person or participant.organization},
    )
    return redirect(convening)
