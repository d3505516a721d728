"""The rules of polls and surveys: who may answer, what an answer must be, who sees results.

An answer comes in as one value per question, keyed by the question's id:
an option id (single choice), a list of option ids (multiple choice), the option ids in
the order ranked (ranking), ``{option id: rating}`` (rating) or a text (free text).
``submit`` checks it against the questions and stores it as the participant's one
response, replacing any earlier one. Answers are not written to the audit trail: for an
anonymous poll that would tie a person to what they answered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asmhub.convenings import access, services
from asmhub.convenings.models import Convening, Participant
from asmhub.convenings.poll_models import Answer, Option, Poll, Question, Response
from asmhub.core.actions import Action

TEXT_LIMIT = 4000


class PollClosed(ValidationError):
    """The poll is not open for answers."""


def can_answer(poll: Poll, participant: Participant | None) -> bool:
    return participant is not None and poll.state == Poll.State.OPEN


def response_of(poll: Poll, participant: Participant | None) -> Response | None:
    if participant is None:
        return None
    return poll.responses.filter(respondent_key=poll.respondent_key(participant)).first()


def can_see_results(request: HttpRequest, poll: Poll) -> bool:
    """Organizers always; others as the poll's results setting says."""
    convening = poll.convening
    if access.is_organizer(request.user, convening):
        return True
    if not access.can_view_page(request, convening):
        return False
    rule = poll.results
    if rule == Poll.Results.LIVE:
        return True
    if rule == Poll.Results.AFTER_CLOSE:
        return poll.state == Poll.State.CLOSED
    if rule == Poll.Results.AFTER_ANSWER:
        participant = access.current_participant(request, convening)
        return poll.state == Poll.State.CLOSED or response_of(poll, participant) is not None
    return False


def _options(question: Question) -> dict[int, Option]:
    return {o.pk: o for o in question.options.all()}


def _as_id(value: Any, options: dict[int, Option], question: Question) -> int:
    try:
        chosen = int(value)
    except (TypeError, ValueError):
        chosen = -1
    if chosen not in options:
        raise ValidationError(
            _("“%(question)s”: %(value)s is not one of its choices.")
            % {"question": question.text, "value": value}
        )
    return chosen


def _check_question(question: Question, value: Any) -> list[dict[str, Any]]:
    """The answer rows for one question, or a ValidationError naming the question."""
    options = _options(question)
    empty = value in (None, "", [], {})
    if empty:
        if question.required:
            raise ValidationError(
                _("“%(question)s” needs an answer.") % {"question": question.text}
            )
        return []
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        if isinstance(value, list | tuple):
            if len(value) != 1:
                raise ValidationError(
                    _("“%(question)s” takes one choice.") % {"question": question.text}
                )
            value = value[0]
        return [{"option_id": _as_id(value, options, question)}]
    if kind in (Question.Kind.MULTIPLE, Question.Kind.RANKING):
        chosen = [_as_id(v, options, question) for v in value]
        if len(set(chosen)) != len(chosen):
            raise ValidationError(
                _("“%(question)s”: each choice may be given once.") % {"question": question.text}
            )
        if question.max_choices and len(chosen) > question.max_choices:
            raise ValidationError(
                ngettext(
                    "“%(question)s” takes at most %(n)d choice.",
                    "“%(question)s” takes at most %(n)d choices.",
                    question.max_choices,
                )
                % {"question": question.text, "n": question.max_choices}
            )
        if kind == Question.Kind.MULTIPLE:
            return [{"option_id": c} for c in chosen]
        return [{"option_id": c, "rank": n} for n, c in enumerate(chosen, start=1)]
    if kind == Question.Kind.RATING:
        rows = []
        for key, rating in dict(value).items():
            option_id = _as_id(key, options, question)
            try:
                number = int(rating)
            except (TypeError, ValueError):
                number = question.scale_min - 1
            if not question.scale_min <= number <= question.scale_max:
                raise ValidationError(
                    _("“%(question)s”: a rating runs from %(low)d to %(high)d.")
                    % {
                        "question": question.text,
                        "low": question.scale_min,
                        "high": question.scale_max,
                    }
                )
            rows.append({"option_id": option_id, "rating": number})
        return rows
    text = str(value).strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            _("“%(question)s”: at most %(n)d characters.")
            % {"question": question.text, "n": TEXT_LIMIT}
        )
    return [{"text": text}] if text else []


def check_answers(poll: Poll, values: dict[int, Any]) -> dict[int, list[dict[str, Any]]]:
    """Every question's answer rows; all errors at once, each naming its question."""
    questions = list(poll.questions.prefetch_related("options"))
    known = {q.pk for q in questions}
    errors: list[ValidationError] = []
    unknown = [k for k in values if k not in known]
    if unknown:
        errors.append(
            ValidationError(_("Question %(id)s is not part of this poll.") % {"id": unknown[0]})
        )
    rows: dict[int, list[dict[str, Any]]] = {}
    for question in questions:
        try:
            rows[question.pk] = _check_question(question, values.get(question.pk))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return rows


def submit(
    poll: Poll,
    participant: Participant,
    values: dict[int, Any],
    *,
    moment: dt.datetime | None = None,
    illustrative: bool = False,
) -> Response:
    """Store the participant's answers as their one response to the poll."""
    if participant.convening_id != poll.convening_id:
        raise ValidationError(_("Only the convening's participants may answer."))
    if not illustrative and poll.state_at(moment) != Poll.State.OPEN:
        raise PollClosed(_("This poll is not open for answers."))
    rows = check_answers(poll, values)
    key = poll.respondent_key(participant)
    with transaction.atomic():
        response = (
            Response.objects.select_for_update().filter(poll=poll, respondent_key=key).first()
        )
        if response is None:
            try:
                with transaction.atomic():
                    response = Response.objects.create(
                        poll=poll,
                        respondent_key=key,
                        participant=None if poll.anonymous else participant,
                        illustrative=illustrative,
                    )
            except IntegrityError:
                response = Response.objects.get(poll=poll, respondent_key=key)
        else:
            response.answers.all().delete()
            response.save(update_fields=["updated_at"])
        Answer.objects.bulk_create(
            Answer(response=response, question_id=qid, **row)
            for qid, question_rows in rows.items()
            for row in question_rows
        )
    return response


def answers_of(response: Response | None) -> dict[int, Any]:
    """A stored response back in the shape ``submit`` takes, to fill the form again."""
    if response is None:
        return {}
    found: dict[int, Any] = {}
    for answer in response.answers.select_related("question").order_by("question", "rank", "id"):
        question = answer.question
        if question.kind == Question.Kind.SINGLE:
            found[question.pk] = answer.option_id
        elif question.kind in (Question.Kind.MULTIPLE, Question.Kind.RANKING):
            found.setdefault(question.pk, []).append(answer.option_id)
        elif question.kind == Question.Kind.RATING:
            found.setdefault(question.pk, {})[answer.option_id] = answer.rating
        else:
            found[question.pk] = answer.text
    return found


@dataclass
class OptionResult:
    option: Option
    count: int = 0
    share: float = 0.0
    score: float = 0.0
    first: int = 0
    mean: float | None = None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def top(self) -> OptionResult | None:
        return self.options[0] if self.options else None


@dataclass
class PollResults:
    poll: Poll
    respondents: int
    illustrative: bool
    questions: list[QuestionResult]


def results(poll: Poll) -> PollResults:
    """Counts and shares (choice questions), Borda scores (ranking: a first place among n
    options is worth n points, the last 1), means (rating) and the texts (free text).

    The database tallies the answers per option and rank; Python only adds up those few
    rows, since the page asks again every few seconds while the poll is open.
    """
    questions = list(poll.questions.prefetch_related("options"))
    answers = Answer.objects.filter(response__poll=poll).order_by()
    answered = dict(
        answers.values_list("question_id").annotate(n=Count("response_id", distinct=True))
    )
    tallies: dict[int, list[tuple[int | None, int, int, int]]] = defaultdict(list)
    for option_id, rank, n, rating_sum, rated in (
        answers.exclude(option=None)
        .values_list("option_id", "rank")
        .annotate(n=Count("id"), rating_sum=Sum("rating"), rated=Count("rating"))
    ):
        tallies[option_id].append((rank, n, rating_sum or 0, rated))
    texts: dict[int, list[str]] = defaultdict(list)
    for question_id, text in (
        answers.filter(question__kind=Question.Kind.TEXT)
        .exclude(text="")
        .order_by("id")
        .values_list("question_id", "text")
    ):
        texts[question_id].append(text)
    found = [
        _question_result(question, answered.get(question.pk, 0), tallies, texts[question.pk])
        for question in questions
    ]
    illustrative = poll.illustrative or poll.responses.filter(illustrative=True).exists()
    return PollResults(poll, poll.responses.count(), illustrative, found)


def _question_result(
    question: Question,
    answered: int,
    tallies: dict[int, list[tuple[int | None, int, int, int]]],
    texts: list[str],
) -> QuestionResult:
    result = QuestionResult(question, answered, texts=texts)
    if question.kind == Question.Kind.TEXT:
        return result
    options = list(question.options.all())
    for option in options:
        rows = tallies.get(option.pk, [])
        count = sum(n for _rank, n, _sum, _rated in rows)
        if question.kind == Question.Kind.RATING:
            rated = sum(r for _rank, _n, _sum, r in rows)
            total = sum(t for _rank, _n, t, _rated in rows)
            result.options.append(
                OptionResult(option, rated, mean=total / rated if rated else None)
            )
            continue
        points = sum(n * (len(options) - rank + 1) for rank, n, _s, _r in rows if rank)
        result.options.append(
            OptionResult(
                option,
                count,
                share=count / answered if answered else 0.0,
                score=float(points),
                first=sum(n for rank, n, _s, _r in rows if rank == 1),
            )
        )
    if question.kind == Question.Kind.RATING:
        result.options.sort(key=lambda o: -(o.mean or 0))
    elif question.kind == Question.Kind.RANKING:
        result.options.sort(key=lambda o: (-o.score, -o.first))
    else:
        result.options.sort(key=lambda o: -o.count)
    return result


def set_state(poll: Poll, state: str, moment: dt.datetime | None = None) -> dict[str, Any]:
    """The field values that open or close the poll now, for ``services.SaveRecord``."""
    now = moment or timezone.now()
    if state == Poll.State.OPEN:
        closes = poll.closes_at if poll.closes_at and poll.closes_at > now else None
        return {"opens_at": now, "closes_at": closes}
    opens = poll.opens_at if poll.opens_at and poll.opens_at <= now else now
    return {"opens_at": opens, "closes_at": now}


class SaveQuestion(Action[Any]):
    """A question and its choices, in one step; organizers only.

    ``labels`` are the choices in order (none for free text); choices no longer listed are
    removed and the others keep their answers. ``None`` leaves the choices as they are,
    as once a question has answers.
    """

    def __init__(
        self,
        user: Any,
        convening: Convening,
        question: Question,
        values: dict[str, Any],
        labels: list[str] | None,
    ) -> None:
        super().__init__(user, question)
        self.convening = convening
        self.values = values
        self.labels = labels

    def check(self) -> None:
        access.check_organizer(self.user, self.convening)

    def execute(self) -> Any:
        self.check()
        user, convening = self.user, self.convening
        with transaction.atomic():
            saved = services.SaveRecord(user, convening, self.instance, self.values).execute()
            if self.labels is not None:
                labels = [] if saved.kind == Question.Kind.TEXT else self.labels
                existing = {o.label: o for o in saved.options.all()}
                for stale in set(existing) - set(labels):
                    services.DeleteRecord(user, convening, existing[stale]).execute()
                for position, label in enumerate(labels):
                    option = existing.get(label) or Option(question=saved, label=label)
                    services.SaveRecord(
                        user, convening, option, {"label": label, "position": position}
                    ).execute()
        return saved
