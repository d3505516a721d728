"""The demo convenings (``data/demo/*.yaml``) and the convenings' figure on the home page.

Each file holds one convening with its participants, agenda, polls, statements and
commitments (``conference-2005.yaml`` describes the layout). Records name one another by
keys unique in their file; people, organizations and library resources by slug, calendar
events by UID, taxonomy terms by slug or number. Loading matches the convening by its
slug and rebuilds everything that belongs to it, so loading again gives the same rows; a
name that does not exist stops the whole load with a ``ConveningDataError``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse

from asmhub.calendar.models import Event
from asmhub.convenings import report
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
    Report,
    Response,
    Session,
    Statement,
    WhiteboardItem,
)
from asmhub.core.models import Status
from asmhub.directory.models import Organization, Person
from asmhub.library.models import Resource
from asmhub.taxonomy.lookup import Lookup

if TYPE_CHECKING:
    from asmhub.core.services import HomeStat

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"
# Fields holding taxonomy terms, and the Lookup method that finds each term.
TERMS = {"country": "country", "countries": "country", "lever_issue": "issue"}
TERMS |= {"lever_issues": "issue", "mdg_goals": "mdg_goal", "sdg_goals": "sdg_goal"}
TERMS |= {"stakeholder_group": "type", "stakeholder_groups": "type"}
M = TypeVar("M", bound=models.Model)


class ConveningDataError(ValueError):
    """A convening data file names something that does not exist, or holds a bad value."""


def _text(item: dict[str, Any], name: str) -> str:
    return str(item.get(name) or "").strip()


def _fill(record: M, item: dict[str, Any], texts: str, lists: str = "") -> M:
    """``record`` with the texts and the lists of ``item`` named (space-separated)."""
    for name in texts.split():
        setattr(record, name, _text(item, name))
    for name in lists.split():
        setattr(record, name, list(item.get(name) or []))
    return record


@dataclass
class _File:
    """What one file's records may name, and the records made from it so far, by key."""

    name: str
    lookup: Lookup
    orgs: dict[str, Organization]
    people: dict[str, Person]
    resources: dict[str, Resource]
    zone: dt.tzinfo = dt.UTC
    keyed: dict[str, models.Model] = field(default_factory=dict)
    position: int = 0

    def fail(self, key: str, name: str, problem: str) -> NoReturn:
        raise ConveningDataError(f"{self.name} {key!r} {name}: {problem}")

    def key(self, item: dict[str, Any], fallback: str = "") -> str:
        key = item.get("key") or fallback
        return str(key) if key else self.fail(str(item.get("title", "?")), "key", "missing")

    def find(self, key: str, name: str, table: dict[str, Any], value: Any, what: str) -> Any:
        if value in (None, ""):
            return None
        if str(value) not in table:
            self.fail(key, name, f"unknown {what} {value!r}")
        return table[str(value)]

    def org(self, key: str, name: str, value: Any) -> Any:
        return self.find(key, name, self.orgs, value, "organization")

    def orgs_of(self, key: str, item: dict[str, Any], name: str) -> list[Organization]:
        return [self.org(key, name, v) for v in item.get(name) or []]

    def term(self, key: str, name: str, value: Any) -> Any:
        if value in (None, ""):
            return None
        found = getattr(self.lookup, TERMS[name])(str(value))
        return found if found is not None else self.fail(key, name, f"unknown value {value!r}")

    def tag(self, record: models.Model, key: str, item: dict[str, Any], names: str) -> None:
        for name in names.split():
            getattr(record, name).set([self.term(key, name, v) for v in item.get(name) or []])

    def ref(self, key: str, name: str, value: Any, *kinds: type[models.Model]) -> Any:
        record = self.find(key, name, self.keyed, value, "record key")
        if record is not None and not isinstance(record, kinds):
            wanted = " or ".join(k.__name__.lower() for k in kinds)
            self.fail(key, name, f"{value!r} is not a {wanted}")
        return record

    def refs(self, key: str, item: dict[str, Any], name: str) -> list[Participant]:
        return [self.ref(key, name, v, Participant) for v in item.get(name) or []]

    def save(self, record: models.Model, key: str, keep: bool = False) -> None:
        """Validate and save ``record``; ``keep`` it under ``key`` for others to name."""
        try:
            record.full_clean()
        except ValidationError as exc:
            name, problems = next(iter(exc.message_dict.items()))
            self.fail(key, name, "; ".join(problems))
        record.save()
        if keep:
            if key in self.keyed:
                self.fail(key, "key", "used twice in the file")
            self.keyed[key] = record

    def when(self, key: str, name: str, value: Any, parse: Any) -> Any:
        """A time 'HH:MM' (``dt.time``) or a local 'YYYY-MM-DDTHH:MM' (``dt.datetime``,
        in the convening's time zone), or None."""
        if value in (None, ""):
            return None
        try:
            found = parse.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(key, name, f"{value!r} is not a quoted {parse.__name__} in ISO format")
        return found.replace(tzinfo=self.zone) if parse is dt.datetime else found


@transaction.atomic
def load_demo_convenings(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Create or rebuild each convening of ``directory``; idempotent, all or nothing."""
    orgs = {o.slug: o for o in Organization.objects.all()}
    if not orgs:
        raise ConveningDataError("load the demo directory first (asmhub load-demo)")
    lookup = Lookup()
    people = {p.slug: p for p in Person.objects.all()}
    resources = {r.slug: r for r in Resource.objects.all()}
    loaded = []
    for path in sorted(directory.glob("*.yaml")):
        ctx = _File(path.name, lookup, orgs, people, resources)
        loaded.append(_load(ctx, yaml.safe_load(path.read_text(encoding="utf-8")) or {}))
    return _counts([c.pk for c in loaded])


def _load(ctx: _File, data: dict[str, Any]) -> Convening:
    convening = _convening(ctx, data.get("convening") or {})
    for model in (Poll, Statement, Commitment, Session, Participant):
        model._default_manager.filter(convening=convening).delete()
    for item in data.get("participants") or []:
        _participant(ctx, convening, item)
    for item in data.get("sessions") or []:
        _session(ctx, convening, item, None)
    for item in data.get("polls") or []:
        _poll(ctx, convening, item)
    for n, item in enumerate(data.get("statements") or [], start=1):
        _statement(ctx, convening, item, n)
    for n, item in enumerate(data.get("commitments") or [], start=1):
        _commitment(ctx, convening, item, n)
    _publish_report(convening)
    return convening


def _publish_report(convening: Convening) -> None:
    """The demo meetings come with their report drafted from the records and published."""
    found, _stale = report.refresh(convening)
    found.state = Report.State.PUBLISHED
    found.published_at = found.generated_at
    found.edition = max(found.edition, 1)
    found.save()


def _convening(ctx: _File, item: dict[str, Any]) -> Convening:
    key = str(item.get("slug") or ctx.fail("convening", "slug", "missing"))
    zone = str(item.get("time_zone", "UTC"))
    try:
        ctx.zone = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        ctx.fail(key, "time_zone", f"unknown time zone {zone!r}")
    event = Event.objects.filter(uid=item["event"]).first() if item.get("event") else None
    if item.get("event") and event is None:
        ctx.fail(key, "event", f"no calendar event with UID {item['event']!r}")
    convening = Convening.objects.filter(slug=key).first() or Convening(slug=key)
    texts = "title short_title place goal description brand_name source"
    _fill(convening, item, texts, "objectives expected_outputs expected_outcomes")
    values: dict[str, Any] = {
        "starts_on": item.get("starts_on"),
        "ends_on": item.get("ends_on", item.get("starts_on")),
        "time_zone": zone,
        "country": ctx.term(key, "country", item.get("country")),
        "online": bool(item.get("online")),
        "stage": item.get("stage", Convening.Stage.HELD),
        "event": event,
        "secretariat": ctx.org(key, "secretariat", item.get("secretariat")),
        "status": Status.PUBLISHED,
        "owner_organization": ctx.org(key, "owner", item.get("owner")),
    }
    for name, value in values.items():
        setattr(convening, name, value)
    ctx.save(convening, key)
    convening.organizers.set(ctx.orgs_of(key, item, "organizers"))
    ctx.tag(convening, key, item, "countries lever_issues")
    return convening


def _participant(ctx: _File, convening: Convening, item: dict[str, Any]) -> None:
    key = ctx.key(item, item.get("person") or item.get("organization") or "")
    person = ctx.find(key, "person", ctx.people, item.get("person"), "person")
    participant = Participant(
        convening=convening,
        person=person,
        organization=ctx.org(key, "organization", item.get("organization")),
        roles=list(item.get("roles") or ["participant"]),
        title=_text(item, "title"),
        stakeholder_group=ctx.term(key, "stakeholder_group", item.get("stakeholder_group")),
        listing=item.get("listing", "name" if person else "organization"),
        attended=bool(item.get("attended", True)),
    )
    ctx.save(participant, key, keep=True)


def _session(ctx: _File, convening: Convening, item: dict[str, Any], parent: Any) -> None:
    key = ctx.key(item)
    ctx.position += 1
    session = Session(convening=convening, parent=parent, position=ctx.position)
    session.day = item.get("day") or (parent and parent.day)
    session.starts_at = ctx.when(key, "starts", item.get("starts"), dt.time)
    session.ends_at = ctx.when(key, "ends", item.get("ends"), dt.time)
    ctx.save(_fill(session, item, "title kind description notes", "guiding_questions"), key, True)
    session.chairs.set(ctx.refs(key, item, "chairs"))
    session.facilitators.set(ctx.refs(key, item, "facilitators"))
    for n, presentation in enumerate(item.get("presentations") or [], start=1):
        _presentation(ctx, session, presentation, n)
    for n, breakout in enumerate(item.get("breakouts") or [], start=1):
        _breakout(ctx, session, breakout, n)
    for part in item.get("parts") or []:
        _session(ctx, convening, part, session)


def _presentation(ctx: _File, session: Session, item: dict[str, Any], position: int) -> None:
    key = ctx.key(item)
    presentation = Presentation(session=session, position=position)
    ctx.save(_fill(presentation, item, "title theme notes transcript summary"), key, True)
    presentation.speakers.set(ctx.refs(key, item, "speakers"))
    presentation.organizations.set(ctx.orgs_of(key, item, "organizations"))
    ctx.tag(presentation, key, item, "mdg_goals sdg_goals lever_issues")
    for material in item.get("materials") or []:
        resource = ctx.find(key, "materials", ctx.resources, material.get("resource"), "resource")
        kind, page = material.get("kind", ""), material.get("page")
        ctx.save(Material(presentation=presentation, resource=resource, kind=kind, page=page), key)


def _breakout(ctx: _File, session: Session, item: dict[str, Any], position: int) -> None:
    key = ctx.key(item)
    breakout = Breakout(session=session, position=position)
    breakout.facilitator = ctx.ref(key, "facilitator", item.get("facilitator"), Participant)
    breakout.rapporteur = ctx.ref(key, "rapporteur", item.get("rapporteur"), Participant)
    _fill(breakout, item, "name task notes report_back", "guiding_questions")
    ctx.save(breakout, key, keep=True)
    breakout.members.set(ctx.refs(key, item, "members"))
    for n, note in enumerate(item.get("whiteboard") or [], start=1):
        author = ctx.ref(key, "whiteboard", note.get("author"), Participant)
        written = WhiteboardItem(breakout=breakout, author=author, position=n)
        ctx.save(_fill(written, note, "theme text"), key)


def _poll(ctx: _File, convening: Convening, item: dict[str, Any]) -> None:
    key = ctx.key(item)
    poll = Poll(
        convening=convening,
        session=ctx.ref(key, "session", item.get("session"), Session),
        kind=item.get("kind", Poll.Kind.POLL),
        anonymous=bool(item.get("anonymous", True)),
        results=item.get("results", Poll.Results.LIVE),
        opens_at=ctx.when(key, "opens_at", item.get("opens_at"), dt.datetime),
        closes_at=ctx.when(key, "closes_at", item.get("closes_at"), dt.datetime),
        illustrative=bool(item.get("illustrative")),
    )
    ctx.save(_fill(poll, item, "title introduction source", "reminder_days"), key, keep=True)
    options: dict[str, dict[str, Option]] = {}
    for n, spec in enumerate(item.get("questions") or [], start=1):
        qkey = ctx.key(spec)
        question = Question(poll=poll, position=n, required=bool(spec.get("required")))
        question.max_choices = spec.get("max_choices")
        ctx.save(_fill(question, spec, "kind text help_text"), qkey, keep=True)
        options[qkey] = {}
        for m, choice in enumerate(spec.get("options") or [], start=1):
            issue = ctx.term(qkey, "lever_issue", choice.get("lever_issue"))
            option = Option(question=question, position=m, lever_issue=issue)
            ctx.save(_fill(option, choice, "label"), qkey)
            options[qkey][str(choice.get("key") or m)] = option
    if item.get("responses") and not poll.illustrative:
        ctx.fail(key, "responses", "responses the seed does not record must be illustrative")
    for n, answers in enumerate(item.get("responses") or [], start=1):
        digest = hashlib.sha256(f"{poll.secret}:illustrative:{n}".encode()).hexdigest()
        response = Response.objects.create(poll=poll, respondent_key=digest, illustrative=True)
        for qkey, given in answers.items():
            question = ctx.ref(key, "responses", qkey, Question)
            _answer(ctx, key, response, question, options[qkey], given)


def _answer(
    ctx: _File, key: str, response: Response, question: Question, options: Any, given: Any
) -> None:
    """A text, or a list of option keys (in order of rank for a ranking question)."""
    if isinstance(given, str):
        Answer.objects.create(response=response, question=question, text=given)
        return
    ranked = question.kind == Question.Kind.RANKING
    for rank, choice in enumerate(given, start=1):
        option = ctx.find(key, "responses", options, choice, "option")
        Answer.objects.create(
            response=response, question=question, option=option, rank=rank if ranked else None
        )


def _source(ctx: _File, key: str, value: Any) -> dict[str, Any]:
    """The source fields of a statement or commitment, from the source's record key."""
    record = ctx.ref(key, "source", value, Session, Presentation, Breakout, Question)
    if isinstance(record, Breakout):
        return {"breakout": record, "session": record.session}
    if isinstance(record, Presentation):
        return {"presentation": record, "session": record.session}
    if isinstance(record, Question):
        return {"question": record, "session": record.poll.session}
    return {"session": record}


def _statement(ctx: _File, convening: Convening, item: dict[str, Any], position: int) -> None:
    key = ctx.key(item, f"statements[{position}]")
    statement = Statement(
        convening=convening,
        kind=item.get("kind", Statement.Kind.PRIORITY),
        scope=item.get("scope", Statement.Scope.HELD),
        position=position,
        **_source(ctx, key, item.get("source")),
    )
    ctx.save(_fill(statement, item, "topic statement quote"), key)
    ctx.tag(statement, key, item, "stakeholder_groups lever_issues sdg_goals mdg_goals")


def _commitment(ctx: _File, convening: Convening, item: dict[str, Any], position: int) -> None:
    key = ctx.key(item, f"commitments[{position}]")
    source = _source(ctx, key, item["source"]) if item.get("source") else {}
    commitment = Commitment(
        convening=convening,
        organization=ctx.org(key, "organization", item.get("organization")),
        person=ctx.find(key, "person", ctx.people, item.get("person"), "person"),
        due_on=item.get("due_on"),
        state=item.get("state", Commitment.State.PROPOSED),
        session=source.get("session"),
        breakout=source.get("breakout"),
        position=position,
    )
    ctx.save(_fill(commitment, item, "what notes"), key)
    ctx.tag(commitment, key, item, "lever_issues")


def _counts(pks: list[int]) -> dict[str, int]:
    """How many of each record the loaded convenings hold."""
    paths: dict[str, tuple[type[models.Model], str]] = {
        "participants": (Participant, "convening"),
        "sessions": (Session, "convening"),
        "presentations": (Presentation, "session__convening"),
        "breakouts": (Breakout, "session__convening"),
        "whiteboard notes": (WhiteboardItem, "breakout__session__convening"),
        "polls": (Poll, "convening"),
        "responses": (Response, "poll__convening"),
        "statements": (Statement, "convening"),
        "commitments": (Commitment, "convening"),
    }
    counts = {"convenings": len(pks)}
    for label, (model, path) in paths.items():
        counts[label] = model._default_manager.filter(**{f"{path}__in": pks}).count()
    return counts


def home_stats(user: Any) -> list[HomeStat]:
    """The convenings' figure on the home page: how many of them the user may see."""
    from django.utils.translation import gettext_lazy as _

    from asmhub.convenings.access import visible_convenings
    from asmhub.core.services import HomeStat

    count = visible_convenings(user).count()
    label = _("convenings with their agendas and outcomes")
    return [HomeStat(count, label, reverse("convenings:list"))]
