"""Convenings API: polls with their results (when the visitor may see them) and the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from asmhub.accounts.auth import PUBLIC
from asmhub.convenings import access, polls, report
from asmhub.core.api_schemas import answers

router = Router(tags=["convenings"], auth=PUBLIC)


class OptionResultOut(Schema):
    label: str
    count: int
    share: float
    score: float
    mean: float | None


class QuestionResultOut(Schema):
    id: int
    kind: str
    text: str
    answered: int
    options: list[OptionResultOut]
    texts: list[str]


class PollOut(Schema):
    id: int
    kind: str
    title: str
    state: str
    anonymous: bool
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    illustrative: bool
    url: str


class PollResultsOut(Schema):
    poll: PollOut
    respondents: int
    illustrative: bool
    questions: list[QuestionResultOut]


class SectionOut(Schema):
    key: str
    title: str
    text: str
    content: dict[str, Any]
    citations: list[dict[str, Any]]


class ReportOut(Schema):
    title: str
    state: str
    edition: int
    published_at: dt.datetime | None
    sections: list[SectionOut]


def _poll(poll: Any) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "kind": poll.kind,
        "title": poll.title,
        "state": poll.state,
        "anonymous": poll.anonymous,
        "opens_at": poll.opens_at,
        "closes_at": poll.closes_at,
        "illustrative": poll.illustrative,
        "url": poll.get_absolute_url(),
    }


@router.get("/{slug}/polls", response=answers(list[PollOut], 404), summary="Polls and surveys")
def list_polls(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    return [_poll(p) for p in convening.polls.order_by("opens_at", "id")]


@router.get(
    "/{slug}/polls/{poll_id}/results",
    response=answers(PollResultsOut, 404),
    summary="A poll's results, when its setting lets the visitor see them",
)
def poll_results(request: HttpRequest, slug: str, poll_id: int) -> Any:
    convening = access.convening_for(request, slug)
    poll = get_object_or_404(convening.polls, pk=poll_id)
    if not polls.can_see_results(request, poll):
        raise Http404
    found = polls.results(poll)
    return {
        "poll": _poll(poll),
        "respondents": found.respondents,
        "illustrative": found.illustrative,
        "questions": [
            {
                "id": q.question.pk,
                "kind": q.question.kind,
                "text": q.question.text,
                "answered": q.answered,
                "options": [
                    {
                        "label": o.option.label,
                        "count": o.count,
                        "share": round(o.share, 4),
                        "score": o.score,
                        "mean": o.mean,
                    }
                    for o in q.options
                ],
                "texts": q.texts,
            }
            for q in found.questions
        ],
    }


@router.get(
    "/{slug}/report",
    response=answers(ReportOut, 404),
    summary="The report: published, or the draft for its organizers",
)
def get_report(request: HttpRequest, slug: str) -> Any:
    convening = access.convening_for(request, slug)
    found = report.visible_report(request, convening)
    if found is None:
        raise Http404
    return {
        "title": found.title,
        "state": found.state,
        "edition": found.edition,
        "published_at": found.published_at,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "text": s.text,
                "content": s.content,
                "citations": s.citations,
            }
            for s in found.sections.order_by("position")
        ],
    }
