"""Work plans: a year's activities, drafted from a convening's polls and priorities.

``proposals(convening)`` reads the convening and says which activities it suggests,
writing nothing; ``DraftWorkPlan`` writes a draft plan holding them, in one audited step,
for an editor to edit. Each drafted activity keeps the poll option or priority it came
from and the poll result as it stood then:

- every option of a choice or ranking question of the convening's polls is one proposed
  activity (options with the same label in several questions are one), with each
  question's result for it: rank and Borda score, or how many chose it, of how many
  answered. A poll whose responses are marked illustrative gives no figures: only the
  words of the priority recorded from the source (below), so no made-up count reaches a
  plan;
- every priority statement (``Statement.Kind.PRIORITY``) is one proposed activity, unless
  its topic is the label of an option above, in which case it is that option's account of
  what the poll showed (its source's words, cited by the convening's source).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from asmhub.convenings import polls
from asmhub.convenings.models import Statement
from asmhub.convenings.poll_models import Question
from asmhub.core import permissions
from asmhub.core.actions import Action as CoreAction
from asmhub.core.actions import audit
from asmhub.core.models import Status
from asmhub.strategy import services
from asmhub.strategy.models import Activity, Strategy, WorkPlan

# Words that suggest an activity's kind; the editor decides in the end.
KIND_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (Activity.Kind.RESEARCH, ("research", "study", "data")),
    (Activity.Kind.GRANT, ("grant", "finance", "funding", "business")),
    (Activity.Kind.ADVOCACY, ("policy", "awareness", "advoca", "formaliz", "formalis")),
    (Activity.Kind.ENGAGEMENT, ("government", "stakeholder", "engagement", "communities")),
    (Activity.Kind.CO_CREATION, ("co-creation", "pool funds", "donor coordination")),
]


def suggest_kind(text: str) -> str:
    lowered = text.lower()
    for kind, words in KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return Activity.Kind.COLLABORATION


@dataclass
class Proposal:
    """One activity a convening suggests, with where it came from."""

    title: str
    description: str = ""
    kind: str = Activity.Kind.COLLABORATION
    option: Any = None
    statement: Any = None
    lever_issues: list[Any] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)


def _figures(question_result: Any, option_id: int) -> dict[str, Any] | None:
    """What ``question_result`` says of the option, as numbers kept with the activity
    (``figure_text`` words them in the reader's language); None without answers."""

    answered = question_result.answered
    if not answered:
        return None
    kind = question_result.question.kind
    for place, found in enumerate(question_result.options, start=1):
        if found.option.pk != option_id:
            continue
        figures: dict[str, Any] = {
            "question": question_result.question.text,
            "kind": kind,
            "answered": answered,
            "count": found.count,
        }
        if kind == Question.Kind.RANKING:
            figures.update(
                place=place,
                of=len(question_result.options),
                score=found.score,
                first=found.first,
            )
        elif kind == Question.Kind.RATING:
            figures["mean"] = found.mean
        return figures
    return None


def figure_text(figures: dict[str, Any]) -> str:
    """One question's result for an activity, in the reader's language."""
    kind = figures.get("kind")
    if kind == "ranking":
        return _(
            "ranked %(place)s of %(count)s (Borda score %(score)s, first choice of %(first)s"
            " of %(answered)s respondents)"
        ) % {
            "place": figures["place"],
            "count": figures["of"],
            "score": f"{figures['score']:g}",
            "first": figures["first"],
            "answered": figures["answered"],
        }
    if kind == "rating":
        mean = "—" if figures.get("mean") is None else f"{figures['mean']:.1f}"
        return _("mean rating %(mean)s from %(n)s respondents") % {
            "mean": mean,
            "n": figures["count"],
        }
    return _("chosen by %(count)s of %(answered)s respondents") % {
        "count": figures["count"],
        "answered": figures["answered"],
    }


def proposals(convening: Any) -> list[Proposal]:
    """The activities ``convening`` suggests, options of its polls first; writes nothing."""

    priorities = list(
        convening.statements.filter(kind=Statement.Kind.PRIORITY)
        .select_related("question__poll")
        .prefetch_related("lever_issues")
    )
    by_topic = {s.topic.strip().lower(): s for s in priorities}
    found: dict[str, Proposal] = {}
    choice_kinds = [Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING]
    for poll in convening.polls.prefetch_related("questions__options__lever_issue"):
        outcome = polls.results(poll)
        for question_result in outcome.questions:
            question = question_result.question
            if question.kind not in choice_kinds:
                continue
            for option in question.options.all():
                key = option.label.strip().lower()
                statement = by_topic.get(key)
                proposal = found.get(key)
                if proposal is None:
                    proposal = found[key] = Proposal(
                        title=option.label[:300],
                        description=statement.statement if statement else "",
                        kind=suggest_kind(
                            option.label + " " + (statement.statement if statement else "")
                        ),
                        option=option,
                        statement=statement,
                        lever_issues=(
                            list(statement.lever_issues.all())
                            if statement
                            else [option.lever_issue]
                            if option.lever_issue
                            else []
                        ),
                        result={
                            "poll": poll.title,
                            "poll_id": poll.pk,
                            "illustrative": outcome.illustrative,
                            "respondents": None if outcome.illustrative else outcome.respondents,
                            "figures": [],
                            "summary": statement.quote if statement else "",
                            "source": convening.source or poll.source,
                        },
                    )
                if not outcome.illustrative:
                    figures = _figures(question_result, option.pk)
                    if figures:
                        proposal.result["figures"].append(figures)
    for statement in priorities:
        key = statement.topic.strip().lower()
        if key in found:
            continue
        found[key] = Proposal(
            title=statement.topic[:300],
            description=statement.statement,
            kind=suggest_kind(statement.topic + " " + statement.statement),
            statement=statement,
            lever_issues=list(statement.lever_issues.all()),
            result=(
                {
                    "poll": statement.question.poll.title,
                    "poll_id": statement.question.poll_id,
                    "illustrative": statement.question.poll.illustrative,
                    "respondents": None,
                    "figures": [],
                    "summary": statement.quote,
                    "source": convening.source,
                }
                if statement.question_id
                else {}
            ),
        )
    return list(found.values())


class DraftWorkPlan(CoreAction[WorkPlan]):
    """A draft work plan for ``year`` holding the activities ``convening`` suggests."""

    def __init__(
        self,
        user: Any,
        convening: Any,
        year: int,
        title: str,
        strategy: Strategy | None = None,
    ) -> None:
        super().__init__(
            user,
            WorkPlan(
                title=title,
                year=year,
                strategy=strategy,
                convening=convening,
                owner_organization=convening.owner_organization,
                source=convening.source[:400],
                status=Status.DRAFT,
            ),
        )
        self.convening = convening
        self.verb = "draft-from-convening"

    def check(self) -> None:
        if not permissions.can_draft_plan(self.user, self.convening):
            raise PermissionDenied(_("You may not draft a work plan from this convening."))
        strategy = self.instance.strategy
        if strategy is not None and not permissions.can_view(self.user, strategy):
            raise PermissionDenied(_("You may not link a work plan to this strategy."))

    def apply(self) -> dict[str, Any]:
        plan = self.instance
        plan.created_by = self.user if self.user.is_authenticated else None
        plan.full_clean()
        plan.save()
        made = []
        for position, proposal in enumerate(proposals(self.convening), start=1):
            activity = Activity.objects.create(
                plan=plan,
                kind=proposal.kind,
                title=proposal.title,
                description=proposal.description,
                from_option=proposal.option,
                from_statement=proposal.statement,
                poll_result=proposal.result,
                position=position,
            )
            activity.lever_issues.set(proposal.lever_issues)
            made.append(activity.title)
        return {
            "convening": {"from": None, "to": str(self.convening)},
            "year": {"from": None, "to": plan.year},
            "activities": {"from": None, "to": made},
        }


def visible_plans(user: Any) -> QuerySet[WorkPlan]:
    plans = permissions.visible(user, WorkPlan.objects.all())
    if not permissions.is_member(user):
        plans = plans.filter(members_only=False)
    return plans.select_related("strategy", "convening", "owner_organization")


def visible_activities(user: Any, plan: WorkPlan) -> list[Activity]:
    return [
        a
        for a in plan.activities.select_related(
            "lead_organization", "lead_person", "lead_group", "from_statement", "from_option"
        ).prefetch_related("goals", "objectives")
        if permissions.can_see_item(user, a)
    ]


def save_activity(
    user: Any, activity: Activity, values: dict[str, Any], relations: dict[str, Any]
) -> Activity:
    """Create or edit an activity, audited; for those who may edit its plan."""

    allowed = permissions.can_edit_plan(user, activity.plan)
    saved = services.save(user, activity, values, relations, allowed=allowed)
    assert isinstance(saved, Activity)
    return saved


def delete_activity(user: Any, activity: Activity) -> None:
    if not permissions.can_edit_plan(user, activity.plan):
        raise PermissionDenied(_("You may not change this work plan."))
    from django.db import transaction

    with transaction.atomic():
        audit(user, "delete", activity, {"title": {"from": activity.title, "to": None}})
        activity.delete()


EXPORT_COLUMNS = [
    gettext_noop("plan"),
    gettext_noop("year"),
    gettext_noop("kind"),
    gettext_noop("title"),
    gettext_noop("description"),
    gettext_noop("budget"),
    gettext_noop("currency"),
    gettext_noop("lead"),
    gettext_noop("status"),
    gettext_noop("goals"),
    gettext_noop("from"),
    gettext_noop("poll result"),
]


def export_rows(user: Any, plan: WorkPlan) -> list[list[object]]:
    rows: list[list[object]] = []
    for a in visible_activities(user, plan):
        came_from = ""
        if a.from_option_id:
            came_from = _("poll option: %(o)s") % {"o": a.from_option}
        elif a.from_statement is not None:
            came_from = _("priority: %(s)s") % {"s": a.from_statement.topic}
        rows.append(
            [
                plan.title,
                plan.year,
                a.get_kind_display(),
                a.title,
                a.description,
                a.budget_amount,
                a.budget_currency,
                a.lead,
                a.get_status_display(),
                "; ".join(g.title for g in a.goals.all() if permissions.can_see_item(user, g)),
                came_from,
                result_text(a.poll_result),
            ]
        )
    return rows


def result_text(result: dict[str, Any]) -> str:
    """The poll result of a drafted activity in one line."""
    if not result:
        return ""
    parts = [f"{f['question']}: {figure_text(f)}" for f in result.get("figures") or []]
    if result.get("summary"):
        parts.append(f"“{result['summary']}”")
    if result.get("illustrative"):
        parts.append(_("(the poll's responses are illustrative: no figures are shown)"))
    return f"{result.get('poll', '')}: " + "; ".join(parts)
