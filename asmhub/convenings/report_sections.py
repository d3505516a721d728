"""Report sections drawn from what the convening itself recorded.

The common priorities among stakeholders are computed, not typed. A topic is common when
(a) a group stated it as shared among stakeholders (a "shared" priority, as breakout
Group Two did in 2005), or (b) priorities or challenges with that topic came from two or
more stakeholder groups, or from two or more sources (groups, presentations, sessions,
poll questions), or (c) at least half of the respondents chose it in a poll, or it
ranked in the upper half of a ranking question. Each topic lists the records it rests on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from asmhub.convenings import polls
from asmhub.convenings.models import Convening, Presentation, Statement
from asmhub.convenings.poll_models import Option, Question
from asmhub.lib.summarize import summarize
from asmhub.taxonomy.models import LeverIssue, MDGGoal, SDGGoal

T = TypeVar("T")


@dataclass
class Draft:
    """One drafted section: prose, then items or a table, and the records cited by number."""

    text: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    table: dict[str, Any] | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)

    def cite(self, record: models.Model, label: str = "") -> int:
        kind = record._meta.model_name or ""
        for citation in self.citations:
            if citation["kind"] == kind and citation["id"] == record.pk:
                return int(citation["n"])
        url = record.get_absolute_url() if hasattr(record, "get_absolute_url") else ""
        number = len(self.citations) + 1
        self.citations.append(
            {
                "n": number,
                "kind": kind,
                "type": str(record._meta.verbose_name),
                "id": record.pk,
                "label": label or str(record),
                "url": url,
            }
        )
        return number

    def item(
        self, title: str, text: str = "", meta: str = "", cites: list[int] | None = None
    ) -> None:
        self.items.append({"title": title, "text": text, "meta": meta, "cites": cites or []})

    def content(self) -> dict[str, Any]:
        return {"items": self.items, "table": self.table}


def topic_key(topic: str) -> str:
    return " ".join(topic.casefold().split()).rstrip(".")


@dataclass
class CommonPriority:
    topic: str
    reasons: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    options: list[tuple[Option, str]] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)

    @property
    def lever_issues(self) -> set[LeverIssue]:
        found = {i for s in self.statements for i in s.lever_issues.all()}
        found.update(o.lever_issue for o, _why in self.options if o.lever_issue)
        return found


def _source_key(statement: Statement) -> str:
    for name in ("breakout", "presentation", "question", "session"):
        value = getattr(statement, f"{name}_id")
        if value:
            return f"{name}:{value}"
    return f"statement:{statement.pk}"


def goal_label(goal: MDGGoal | SDGGoal) -> str:
    """ "MDG 1" or "SDG 8" in the active language ("OMD 1", "ODD 8" in French)."""
    if isinstance(goal, MDGGoal):
        return _("MDG %(n)s") % {"n": goal.number}
    return _("SDG %(n)s") % {"n": goal.number}


class Context:
    """The convening's records, read once for all the builders."""

    def __init__(self, convening: Convening) -> None:
        self.convening = convening
        self.viewer = AnonymousUser()
        self._found: dict[str, Any] = {}

    def included(self, model: type[models.Model]) -> list[Any]:
        """The keys of the ``model`` records an editor added to the report explicitly,
        whatever their date."""
        from asmhub.convenings.report_models import Report

        report = Report.objects.filter(convening=self.convening).first()
        label = model._meta.label_lower
        return [i["pk"] for i in (report.included if report else []) if i.get("model") == label]

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for; what several sections share."""
        if key not in self._found:
            self._found[key] = compute()
        found: T = self._found[key]
        return found

    @cached_property
    def statements(self) -> list[Statement]:
        return list(
            self.convening.statements.select_related(
                "breakout__session", "presentation__session", "session", "question__poll"
            )
            .prefetch_related("stakeholder_groups", "lever_issues", "sdg_goals", "mdg_goals")
            .order_by("kind", "position", "id")
        )

    def of_kind(self, *kinds: str) -> list[Statement]:
        return [s for s in self.statements if s.kind in kinds]

    @cached_property
    def presentations(self) -> list[Presentation]:
        return list(
            Presentation.objects.filter(session__convening=self.convening)
            .select_related("session")
            .prefetch_related(
                "speakers__person",
                "organizations",
                "mdg_goals",
                "sdg_goals",
                "lever_issues",
                "material_set__resource",
            )
            .order_by("session__day", "session__position", "session__starts_at", "position", "id")
        )

    @cached_property
    def common(self) -> list[CommonPriority]:
        return common_priorities(self)

    @cached_property
    def lever_issues(self) -> set[LeverIssue]:
        """The lever issues the convening's priorities and challenges are tagged with."""
        found = {i for s in self.of_kind("priority", "challenge") for i in s.lever_issues.all()}
        for priority in self.common:
            found |= priority.lever_issues
        return found or set(self.convening.lever_issues.all())


def _poll_choices(context: Context) -> list[tuple[Option, str]]:
    """Options most respondents chose, or ranked in the upper half, in polls with answers."""
    found = []
    for poll in context.convening.polls.all():
        result = polls.results(poll)
        if not result.respondents:
            continue
        for question_result in result.questions:
            kind = question_result.question.kind
            if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
                for o in question_result.options:
                    if o.share >= 0.5:
                        why = _("chosen by %(share)d%% of respondents") % {
                            "share": round(o.share * 100)
                        }
                        found.append((o.option, why))
            elif kind == Question.Kind.RANKING:
                upper = question_result.options[: max(1, len(question_result.options) // 2)]
                for place, o in enumerate(upper, start=1):
                    if o.score:
                        why = _("ranked %(place)d of %(n)d") % {
                            "place": place,
                            "n": len(question_result.options),
                        }
                        found.append((o.option, why))
    return found


def common_priorities(context: Context) -> list[CommonPriority]:
    by_topic: dict[str, CommonPriority] = {}
    for statement in context.of_kind("priority", "challenge"):
        entry = by_topic.setdefault(topic_key(statement.topic), CommonPriority(statement.topic))
        entry.statements.append(statement)
        entry.groups.update(str(g.tr("name")) for g in statement.stakeholder_groups.all())
    for option, why in _poll_choices(context):
        entry = by_topic.setdefault(topic_key(option.label), CommonPriority(option.label))
        entry.options.append((option, why))
    found: list[tuple[int, int, CommonPriority]] = []
    for entry in by_topic.values():
        shared = [s for s in entry.statements if s.scope == Statement.Scope.SHARED]
        sources = {_source_key(s) for s in entry.statements}
        if shared:
            entry.reasons.append(
                _("stated as shared among stakeholders by %(source)s")
                % {"source": ", ".join(sorted({s.source_label() for s in shared}))}
            )
        if len(entry.groups) >= 2:
            entry.reasons.append(_("raised by %(n)d stakeholder groups") % {"n": len(entry.groups)})
        elif len(sources) >= 2:
            entry.reasons.append(_("raised in %(n)d separate sources") % {"n": len(sources)})
        entry.reasons.extend(why for _option, why in entry.options)
        if entry.reasons:
            found.append((0 if shared else 1, -len(sources), entry))
    return [entry for _shared, _sources, entry in sorted(found, key=lambda f: f[:2])]


def presentations(context: Context) -> Draft:
    draft = Draft()
    if not context.presentations:
        draft.text = _("No presentation has been recorded for this convening.")
        return draft
    for presentation in context.presentations:
        number = draft.cite(presentation)
        cites = [number] + [
            draft.cite(m.resource, f"{m.resource} ({m.get_kind_display()})")
            for m in presentation.material_set.all()
        ]
        speakers = ", ".join(str(p.person or p.organization) for p in presentation.speakers.all())
        organizations = ", ".join(o.short_name for o in presentation.organizations.all())
        goals = [goal_label(g) for g in presentation.mdg_goals.all()]
        goals += [goal_label(g) for g in presentation.sdg_goals.all()]
        meta = " · ".join(
            p for p in (speakers, organizations, presentation.theme, ", ".join(goals)) if p
        )
        if presentation.summary:
            text = presentation.summary
        else:
            source = presentation.notes or presentation.transcript
            text = " ".join(summarize(source, max_sentences=3, max_words=110)) if source else ""
        draft.item(presentation.title, text or _("No notes or transcript yet."), meta, cites)
    count = len(context.presentations)
    draft.text = (
        ngettext("%(n)d presentation.", "%(n)d presentations.", count) % {"n": count}
        + " "
        + _(
            "Each summary is taken from the presentation's notes or transcript (its most "
            "representative sentences) unless a person wrote one."
        )
    )
    return draft


def statement_item(draft: Draft, statement: Statement) -> None:
    source = statement.source
    cites = [draft.cite(statement, statement.topic)]
    if source is not None:
        cites.append(draft.cite(source, statement.source_label()))
    groups = ", ".join(str(g.tr("name")) for g in statement.stakeholder_groups.all())
    tags = [str(i.tr("name")) for i in statement.lever_issues.all()]
    tags += [goal_label(g) for g in statement.mdg_goals.all()]
    tags += [goal_label(g) for g in statement.sdg_goals.all()]
    meta = " · ".join(p for p in (statement.get_kind_display(), groups, ", ".join(tags)) if p)
    draft.item(statement.topic, statement.statement, meta, cites)


def stakeholders(context: Context) -> Draft:
    draft = Draft()
    chosen = context.of_kind("priority", "challenge", "lesson")
    for statement in chosen:
        statement_item(draft, statement)
    goals = sorted(
        {goal_label(g) for s in chosen for g in s.mdg_goals.all()}
        | {goal_label(g) for s in chosen for g in s.sdg_goals.all()}
    )
    counts = {k: len(context.of_kind(k)) for k in ("priority", "challenge", "lesson")}
    draft.text = (
        _(
            "Recorded: priorities for action, %(priority)d; challenges, %(challenge)d; "
            "lessons, %(lesson)d."
        )
        % counts
    )
    if goals:
        draft.text += " " + _("They address %(goals)s of the global agenda.") % {
            "goals": ", ".join(goals)
        }
    return draft


def common_stakeholders(context: Context) -> Draft:
    draft = Draft()
    for priority in context.common:
        cites = []
        for statement in priority.statements:
            cites.append(draft.cite(statement, statement.topic))
            if statement.source is not None:
                cites.append(draft.cite(statement.source, statement.source_label()))
        for option, _why in priority.options:
            cites.append(draft.cite(option.question.poll))
        texts = [s.statement for s in priority.statements[:2]]
        meta = "; ".join(priority.reasons)
        draft.item(priority.topic, " ".join(texts), meta, sorted(set(cites)))
    draft.text = (
        ngettext(
            "%(n)d priority is common among the stakeholders.",
            "%(n)d priorities are common among the stakeholders.",
            len(context.common),
        )
        % {"n": len(context.common)}
        + " "
        + _(
            "A topic is counted as common when a group stated it as shared, when two or more "
            "stakeholder groups or sources raised it, or when most poll respondents chose it."
        )
        if context.common
        else _("No common priority can be computed yet: capture priorities with their sources.")
    )
    return draft


def campaign(context: Context) -> Draft:
    draft = Draft()
    for statement in context.of_kind("campaign", "recommendation"):
        statement_item(draft, statement)
    draft.text = (
        _("The ideas for a campaign and the recommendations recorded at the convening.")
        if draft.items
        else _("No campaign idea or recommendation has been recorded yet.")
    )
    return draft


def commitments(context: Context) -> Draft:
    draft = Draft()
    rows = []
    records = context.convening.commitments.select_related(
        "organization", "person", "session", "breakout"
    ).order_by("due_on", "position", "id")
    for commitment in records:
        number = draft.cite(commitment, commitment.what[:80])
        rows.append(
            [
                commitment.who or "—",
                commitment.what,
                commitment.due_on.isoformat() if commitment.due_on else "—",
                str(commitment.get_state_display()),
                f"[{number}]",
            ]
        )
    draft.table = {
        "head": [_("Who"), _("What"), _("By when"), _("Status"), _("Record")],
        "rows": rows,
    }
    draft.text = (
        ngettext(
            "%(n)d commitment for action was recorded.",
            "%(n)d commitments for action were recorded.",
            len(rows),
        )
        % {"n": len(rows)}
        if rows
        else _("No commitment has been recorded yet.")
    )
    return draft


def secretariat(context: Context) -> Draft:
    draft = Draft()
    for statement in context.of_kind("secretariat"):
        statement_item(draft, statement)
    organization = context.convening.secretariat
    if organization is not None:
        number = draft.cite(organization)
        draft.text = _("%(name)s serves as the secretariat. [%(n)d]") % {
            "name": organization.name,
            "n": number,
        }
        if organization.description:
            draft.text += "\n\n" + organization.description
    elif not draft.items:
        draft.text = _("No role of the secretariat has been recorded yet.")
    return draft


BUILDERS: dict[str, Callable[[Context], Draft]] = {
    "presentations": presentations,
    "stakeholders": stakeholders,
    "common_stakeholders": common_stakeholders,
    "campaign": campaign,
    "commitments": commitments,
    "secretariat": secretariat,
}
