"""Report sections that join the convening's priorities to the rest of the platform: donor
profiles and cycles, the project registry, the library's facts and success stories, and
the concept notes. Only published records are used (read as an anonymous visitor).

The lever issues that link them are those the convening's priorities and challenges are
tagged with (``Context.lever_issues``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from asmhub.convenings.models import Session
from asmhub.convenings.report_sections import Context, Draft, statement_item
from asmhub.core import permissions
from asmhub.funding.matching import rank_donors
from asmhub.funding.models import Concept, DonorProfile, Opportunity, Priority, Project
from asmhub.funding.services import cycle_dates
from asmhub.library.models import Fact, Resource, ResourceType, SuccessStory
from asmhub.taxonomy.models import LeverIssue, MDGGoal, SDGGoal, SDGIndicator

DONOR_INTEREST = 0.5  # a donor weight from which a priority counts as the donor's own
MAX_DONORS = 8


def _issue_ids(context: Context) -> set[int]:
    return {i.pk for i in context.lever_issues}


def _published(context: Context, queryset: Any) -> Any:
    return permissions.visible(context.viewer, queryset)


def _dated(day: dt.date, field: str, year: bool = False) -> Q:
    """Dated on or before ``day`` by ``field``; undated records by when they were entered."""
    bound = day.year if year else day
    return Q(**{f"{field}__lte": bound}) | Q(
        **{f"{field}__isnull": True}, created_at__date__lte=day
    )


def as_of(context: Context, queryset: Any) -> Any:
    """The records of ``queryset`` that existed at the convening (dated on or before its
    last day, or entered by then when undated), and those an editor added to its report
    explicitly. A report on 2005 does not cite a call of 2021 or a project of 2027."""
    day = context.convening.ends_on
    model = queryset.model
    condition = {
        Project: _dated(day, "starts_on"),
        Opportunity: _dated(day, "opens_on"),
        Fact: _dated(day, "year", year=True),
        Resource: _dated(day, "year", year=True),
        SuccessStory: Q(evidence_resources__year__lte=day.year) | Q(created_at__date__lte=day),
        Concept: Q(created_at__date__lte=day),
    }.get(model)
    if condition is None:
        return queryset
    return queryset.filter(condition | Q(pk__in=context.included(model)))


def donor_profiles(context: Context) -> list[DonorProfile]:
    """Donors who took part, or else the donors most interested in the convening's issues."""
    return context.once("donor_profiles", lambda: _find_donor_profiles(context))


def _find_donor_profiles(context: Context) -> list[DonorProfile]:
    profiles = _published(context, DonorProfile.objects.all()).select_related("organization")
    taking_part = profiles.filter(
        organization__in=context.convening.participants.values("organization")
    )
    if taking_part.exists():
        chosen = taking_part
    else:
        chosen = (
            profiles.filter(priorities__lever_issue__in=_issue_ids(context))
            .annotate(n=Count("priorities"))
            .order_by("-n", "organization__name")
        )
    return list(chosen.prefetch_related("priorities__lever_issue", "cycles")[:MAX_DONORS])


def donors(context: Context) -> Draft:
    draft = Draft()
    sessions = context.convening.sessions.filter(kind=Session.Kind.DONOR_DISCUSSION)
    for session in sessions:
        number = draft.cite(session)
        if session.notes:
            draft.item(session.title, session.notes, _("Donor discussion"), [number])
    for statement in context.statements:
        if statement.session_id in {s.pk for s in sessions}:
            statement_item(draft, statement)
    start = context.convening.starts_on
    for profile in donor_profiles(context):
        number = draft.cite(profile, profile.organization.name)
        top = [p for p in profile.priorities.all() if p.lever_issue_id][:3]
        parts = []
        if top:
            parts.append(
                _("Priorities: %(list)s.")
                % {"list": ", ".join(f"{p.term.tr('name')} ({p.weight:.1f})" for p in top)}
            )
        dates = cycle_dates(list(profile.cycles.all()), start, start + dt.timedelta(days=365))
        if dates:
            parts.append(
                _("Cycles in the year from the convening: %(list)s.")
                % {"list": "; ".join(f"{d.cycle.title} {d.date:%d %b %Y}" for d in dates[:4])}
            )
        framework = ", ".join(profile.instrument_labels() + profile.entry_point_labels())
        if framework:
            parts.append(_("Works through: %(list)s.") % {"list": framework})
        if profile.decision_process:
            parts.append(profile.decision_process)
        if profile.shies_away:
            parts.append(_("Why it shies away from ASM: %(why)s") % {"why": profile.shies_away})
        draft.item(profile.organization.name, " ".join(parts), _("Donor profile"), [number])
    draft.text = _(
        "What donors said in the donor discussion, and what their profiles record: "
        "priorities (weighted 0 to 1), funding cycles, working frameworks and the reasons "
        "they give for shying away from artisanal and small-scale mining."
    )
    return draft


def _goal_issues(goal: SDGGoal | MDGGoal) -> set[int]:
    sdg_ids = (
        [goal.pk]
        if isinstance(goal, SDGGoal)
        else list(goal.sdg_goals.values_list("pk", flat=True))
    )
    return set(
        LeverIssue.objects.filter(sdg_targets__goal__in=sdg_ids).values_list("pk", flat=True)
    )


def compatibility(context: Context) -> Draft:
    draft = Draft()
    use_mdg = context.convening.starts_on.year < 2016
    goals: list[Any] = list(
        MDGGoal.objects.order_by("number") if use_mdg else SDGGoal.objects.order_by("number")
    )
    profiles = donor_profiles(context)
    weights = {
        p.pk: {q.lever_issue_id or -(q.sdg_goal_id or 0): q.weight for q in p.priorities.all()}
        for p in profiles
    }
    chosen = context.of_kind("priority", "challenge")
    rows = []
    compatible = []
    for goal in goals:
        issues = _goal_issues(goal)
        direct = "mdg_goals" if use_mdg else "sdg_goals"
        said = [
            s
            for s in chosen
            if goal in getattr(s, direct).all() or issues & {i.pk for i in s.lever_issues.all()}
        ]
        values = []
        for profile in profiles:
            stated = weights[profile.pk]
            via_goal = 0.0 if use_mdg else stated.get(-goal.pk, 0.0)
            values.append(max([via_goal] + [stated.get(i, 0.0) for i in issues]))
        label = f"{'MDG' if use_mdg else 'SDG'} {goal.number}: {goal.tr('short')}"
        rows.append([label, len(said)] + [f"{v:.1f}" if v else "—" for v in values])
        if said and any(v >= DONOR_INTEREST for v in values):
            compatible.append(label)
    draft.table = {
        "head": [_("Goal"), _("Priorities here")] + [p.organization.short_name for p in profiles],
        "rows": rows,
    }
    for profile in profiles:
        draft.cite(profile, profile.organization.name)
    draft.text = _(
        "For each goal: how many of the convening's priorities and challenges address it "
        "(tagged with the goal, or with a lever issue linked to one of its targets), and each "
        "donor's interest in it (its highest weight on the goal or on such a lever issue)."
    )
    if compatible:
        draft.text += "\n\n" + _("Stakeholders and at least one donor meet on: %(goals)s.") % {
            "goals": "; ".join(compatible)
        }
    return draft


def _interested(context: Context, issue_ids: set[int]) -> dict[int, list[Priority]]:
    found: dict[int, list[Priority]] = defaultdict(list)
    priorities = Priority.objects.filter(
        lever_issue__in=issue_ids,
        weight__gte=DONOR_INTEREST,
        profile__in=_published(context, DonorProfile.objects.all()),
    ).select_related("profile__organization")
    for priority in priorities.order_by("-weight"):
        if priority.lever_issue_id is not None:
            found[priority.lever_issue_id].append(priority)
    return found


def common_donors(context: Context) -> Draft:
    draft = Draft()
    issue_ids = {i.pk for p in context.common for i in p.lever_issues}
    interested = _interested(context, issue_ids)
    untagged = []
    for priority in context.common:
        ids = {i.pk for i in priority.lever_issues}
        if not ids:
            untagged.append(priority.topic)
            continue
        shared = sorted(
            {p.profile: p.weight for i in ids for p in interested.get(i, [])}.items(),
            key=lambda item: -item[1],
        )
        if not shared:
            continue
        cites = [draft.cite(profile, profile.organization.name) for profile, _w in shared]
        names = ", ".join(f"{p.organization.short_name} ({w:.1f})" for p, w in shared)
        issues = ", ".join(str(i.tr("name")) for i in priority.lever_issues)
        draft.item(
            priority.topic,
            _("Donors that give it weight: %(names)s.") % {"names": names},
            issues,
            cites,
        )
    draft.text = _(
        "The common priorities of the stakeholders that published donor profiles weight at "
        "%(floor).1f or more, through the lever issues they are tagged with."
    ) % {"floor": DONOR_INTEREST}
    if untagged:
        draft.text += " " + _("Not tagged with a lever issue, so not compared: %(list)s.") % {
            "list": ", ".join(untagged)
        }
    return draft


def projects(context: Context) -> Draft:
    draft = Draft()
    ids = _issue_ids(context)
    start = context.convening.starts_on
    running = Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    found = (
        as_of(context, _published(context, Project.objects.filter(running, lever_issues__in=ids)))
        .annotate(overlap=Count("lever_issues", filter=Q(lever_issues__in=ids)))
        .prefetch_related("funders", "implementers")
        .order_by("-overlap", "-budget", "title")[:10]
    )
    for project in found:
        number = draft.cite(project)
        funders = ", ".join(o.short_name for o in project.funders.all())
        implementers = ", ".join(o.short_name for o in project.implementers.all())
        meta = " · ".join(
            p
            for p in (
                _("funded by %(list)s") % {"list": funders} if funders else "",
                _("run by %(list)s") % {"list": implementers} if implementers else "",
            )
            if p
        )
        draft.item(project.title, project.description[:400], meta, [number])
    openings = (
        as_of(context, _published(context, Opportunity.objects.filter(lever_issues__in=ids)))
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=start))
        .select_related("donor")
        .distinct()
        .order_by("closes_on", "title")[:5]
    )
    for opportunity in openings:
        number = draft.cite(opportunity)
        closes = (
            _("closes %(day)s") % {"day": opportunity.closes_on.isoformat()}
            if opportunity.closes_on
            else _("open")
        )
        draft.item(
            opportunity.title,
            opportunity.description[:300],
            f"{opportunity.donor.short_name} · {closes}",
            [number],
        )
    draft.text = _(
        "Projects and programmes in the registry that had started by the convening and were "
        "still running, on the lever issues of its priorities; then the funding "
        "opportunities on them that were known by then and still open."
    )
    return draft


def _facts(context: Context) -> list[Fact]:
    return context.once("facts", lambda: _find_facts(context))


def _find_facts(context: Context) -> list[Fact]:
    ids = _issue_ids(context)
    return list(
        as_of(context, _published(context, Fact.objects.filter(lever_issues__in=ids)))
        .annotate(overlap=Count("lever_issues", filter=Q(lever_issues__in=ids)))
        .select_related("resource")
        .order_by("-overlap", "value", "id")[:8]
    )


def message(context: Context) -> Draft:
    draft = Draft()
    facts = sorted(
        _facts(context), key=lambda f: (-getattr(f, "overlap", 0), f.value is None, f.pk)
    )
    for fact in facts:
        cites = [draft.cite(fact, fact.statement[:80])]
        if fact.resource_id:
            cites.append(draft.cite(fact.resource))
        meta = f"p. {fact.page}" if fact.page else ""
        draft.item(fact.statement, "", meta, cites)
    draft.text = (
        _(
            "The sourced facts of the library on the convening's lever issues, those with a "
            "figure first: the message to take to donors."
        )
        if facts
        else _("The library holds no published fact on the convening's lever issues yet.")
    )
    return draft


def _stories(context: Context) -> list[SuccessStory]:
    return context.once("stories", lambda: _find_stories(context))


def _find_stories(context: Context) -> list[SuccessStory]:
    ids = _issue_ids(context)
    return list(
        as_of(context, _published(context, SuccessStory.objects.filter(lever_issues__in=ids)))
        .distinct()
        .order_by("-stage", "title")[:6]
    )


def toolkit(context: Context) -> Draft:
    draft = Draft()
    for story in _stories(context):
        number = draft.cite(story)
        draft.item(
            story.title,
            story.results[:300],
            _("Success story · %(stage)s") % {"stage": story.get_stage_display()},
            [number],
        )
    materials = {m.resource for p in context.presentations for m in p.material_set.all()}
    kits = as_of(
        context,
        _published(
            context,
            Resource.objects.filter(
                resource_type=ResourceType.TOOLKIT, lever_issues__in=_issue_ids(context)
            ),
        ),
    ).distinct()[:6]
    for resource in list(materials) + [r for r in kits if r not in materials]:
        number = draft.cite(resource)
        draft.item(
            str(resource), resource.summary[:240], resource.get_resource_type_display(), [number]
        )
    indicators = SDGIndicator.objects.filter(
        target__lever_issues__in=_issue_ids(context)
    ).distinct()[:8]
    for indicator in indicators:
        draft.item(indicator.code, indicator.title, _("SDG indicator"))
    draft.text = _(
        "Success stories, materials (those presented at the convening and the library's "
        "toolkits) and the SDG indicators of the targets its lever issues are linked to."
    )
    return draft


def _years(concept: Concept) -> float:
    if concept.starts_on and concept.ends_on and concept.ends_on > concept.starts_on:
        return max((concept.ends_on - concept.starts_on).days / 365.25, 0.25)
    return 2.0


def choice_pickings(context: Context) -> Draft:
    draft = Draft()
    ids = _issue_ids(context)
    concepts = (
        as_of(context, _published(context, Concept.objects.filter(lever_issues__in=ids)))
        .annotate(overlap=Count("lever_issues", filter=Q(lever_issues__in=ids)))
        .order_by("title")
    )
    ranked = []
    for concept in concepts:
        best = rank_donors(concept, limit=1)
        match = best[0].score if best else 0.0
        donor = best[0].donor.short_name if best and best[0].donor else "—"
        score = concept.overlap * (1 + match / 100) / _years(concept)
        ranked.append((score, concept, match, donor))
    ranked.sort(key=lambda r: (-r[0], r[1].title))
    rows = []
    for place, (score, concept, match, donor) in enumerate(ranked, start=1):
        number = draft.cite(concept)
        budget = f"{concept.budget:,.0f} {concept.currency}" if concept.budget else "—"
        rows.append(
            [
                place,
                f"{concept.title} [{number}]",
                f"{_years(concept) * 12:.0f}",
                budget,
                f"{donor} ({match:.0f})",
                f"{score:.2f}",
            ]
        )
    draft.table = {
        "head": [
            _("Rank"),
            _("Concept"),
            _("Months"),
            _("Budget"),
            _("Best-matched donor"),
            _("Score"),
        ],
        "rows": rows,
    }
    draft.text = (
        _(
            "Concept notes on the convening's lever issues, ranked by gain in a short time: the "
            "lever issues they share with its priorities, raised by the best donor match (0–100), "
            "divided by their length in years."
        )
        if rows
        else _("No published concept note on the convening's lever issues yet.")
    )
    return draft


def strategy(context: Context) -> Draft:
    draft = Draft()
    interested = _interested(context, _issue_ids(context))
    totals: dict[DonorProfile, float] = defaultdict(float)
    for priorities in interested.values():
        for priority in priorities:
            totals[priority.profile] += priority.weight
    start = context.convening.starts_on
    for profile, _total in sorted(totals.items(), key=lambda item: -item[1])[:6]:
        number = draft.cite(profile, profile.organization.name)
        how = ", ".join(profile.entry_point_labels()) or _("no entry point recorded")
        dates = cycle_dates(list(profile.cycles.all()), start, start + dt.timedelta(days=365))
        when = (
            f"{dates[0].cycle.title}, {dates[0].date:%d %b %Y}" if dates else _("no cycle recorded")
        )
        issues = [
            str(p.term.tr("name")) for ps in interested.values() for p in ps if p.profile == profile
        ]
        draft.item(
            profile.organization.name,
            _("Approach through: %(how)s. Next moment: %(when)s.") % {"how": how, "when": when},
            ", ".join(issues),
            [number],
        )
    facts, stories = _facts(context), _stories(context)
    covered = {i.pk for f in facts for i in f.lever_issues.all()} | {
        i.pk for s in stories for i in s.lever_issues.all()
    }
    needed = [str(i.tr("name")) for i in context.lever_issues if i.pk not in covered]
    draft.text = _(
        "Which donors to target, first those whose priorities cover most of the convening's "
        "lever issues, and through which door and when. At hand: %(facts)d sourced facts and "
        "%(stories)d success stories on these issues."
    ) % {"facts": len(facts), "stories": len(stories)}
    if needed:
        draft.text += " " + _("Needed: evidence on %(list)s.") % {"list": ", ".join(sorted(needed))}
    for statement in context.of_kind("recommendation"):
        statement_item(draft, statement)
    return draft


BUILDERS: dict[str, Callable[[Context], Draft]] = {
    "donors": donors,
    "compatibility": compatibility,
    "common_donors": common_donors,
    "projects": projects,
    "message": message,
    "toolkit": toolkit,
    "choice_pickings": choice_pickings,
    "strategy": strategy,
}
