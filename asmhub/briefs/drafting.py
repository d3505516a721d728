"""A lever-issue brief drafted from the records, section by section.

The sections and their order are in ``data/issue_brief.yaml``. Each builder returns a
``Draft`` (the convening report's: prose, items and the records cited by number), so
every statement of a brief names the record it comes from and links to its page.
Records are read as an anonymous visitor sees them, so a brief never carries a draft
fact, story, donor profile or project; field evidence is read only through monitoring's
public functions (``services.index_rows`` and ``present.matching_sites``), which give
aggregates by area and never a restricted field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override

from asmhub.convenings.report_sections import Draft
from asmhub.core import permissions
from asmhub.directory.models import Organization, Person
from asmhub.funding.iati_models import Activity
from asmhub.funding.models import Concept, DonorProfile, Priority, Project
from asmhub.library.models import Fact, SuccessStory
from asmhub.monitoring import need, present, services, snapshot
from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.scope import Scope, scope_from
from asmhub.taxonomy.models import LeverIssue

OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "issue_brief.yaml"
DONOR_INTEREST = 0.5  # a priority weight from which a donor counts as funding the issue


@cache
def config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(OUTLINE_FILE.read_text(encoding="utf-8"))
    for section in data["sections"]:
        if section["builder"] not in BUILDERS:
            raise ValueError(
                f"{OUTLINE_FILE.name}: section {section['key']!r} names builder "
                f"{section['builder']!r}, which does not exist"
            )
    return data


def limit(name: str) -> int:
    return int(config()["limits"][name])


def cite_page(draft: Draft, kind: str, label: str, url: str) -> int:
    """Cite a page that is not one record (an area of the need index, a list)."""
    for citation in draft.citations:
        if citation["url"] == url:
            return int(citation["n"])
    number = len(draft.citations) + 1
    draft.citations.append(
        {"n": number, "kind": "page", "type": kind, "id": None, "label": label, "url": url}
    )
    return number


def percent(share: float) -> str:
    return f"{round(100 * share):d} %"


def money(amount: Any, currency: str = "USD") -> str:
    return f"{currency} {float(amount):,.0f}"


class Context:
    def __init__(self, issue: LeverIssue) -> None:
        self.issue = issue
        self.viewer = AnonymousUser()

    def published(self, queryset: Any) -> Any:
        return permissions.visible(self.viewer, queryset)


def issue(context: Context) -> Draft:

    draft = Draft()
    number = draft.cite(context.issue, context.issue.tr("name"))
    draft.text = f"{context.issue.tr('definition')} [{number}]"
    facts = (
        context.published(Fact.objects.filter(lever_issues=context.issue))
        .select_related("resource")
        .order_by(F("value").asc(nulls_last=True), "-year", "id")[: limit("facts")]
    )
    for fact in facts:
        cites = [draft.cite(fact, Truncator(fact.statement).chars(80))]
        if fact.resource_id:
            cites.append(draft.cite(fact.resource))
        meta = " · ".join(
            p
            for p in (str(fact.year or ""), _("p. %(n)s") % {"n": fact.page} if fact.page else "")
            if p
        )
        draft.item(fact.statement, "", meta, cites)
    if not draft.items:
        draft.text += "\n\n" + _("The library holds no published fact on this issue yet.")
    return draft


def goals(context: Context) -> Draft:
    draft = Draft()
    targets = context.issue.sdg_targets.select_related("goal").order_by("goal__number", "position")
    for target in targets:
        number = draft.cite(target.goal, _("SDG %(n)s") % {"n": target.goal.number})
        draft.item(
            _("SDG target %(code)s") % {"code": target.code},
            target.tr("title"),
            target.goal.tr("short"),
            [number],
        )
    for goal in context.issue.mdg_goals.order_by("number"):
        number = draft.cite(goal, _("MDG %(n)s") % {"n": goal.number})
        draft.item(_("MDG %(n)s") % {"n": goal.number}, goal.tr("title"), "", [number])
    draft.text = _(
        "The Sustainable Development Goal targets this issue serves, and the Millennium "
        "Development Goals it was linked to in 2005, as the taxonomy records them."
    )
    return draft


def _programme_label(programme: Any) -> str:
    if programme.is_synthetic and "synthetic" not in programme.name.casefold():
        return f"{programme.name} · {_('synthetic data')}"
    return str(programme.name)


def _components(slug: str) -> list[Any]:

    return [c for c in need.components() if c.lever_issue == slug]


def evidence(context: Context) -> Draft:
    """Per programme: the need index's components that show the issue and the areas where
    each is most seen, then the map's observations that show it."""

    draft = Draft()
    slug = context.issue.slug
    components = _components(slug)
    flags = list(config().get("observations", {}).get(slug, []))
    min_sites = int(config().get("min_sites", 5))
    default = scope_from({})
    current = snapshot.current()
    labels = {
        "women": _("Women at the site"),
        "children": _("Children at the site"),
        "mercury": _("Mercury use"),
        "armed_presence": _("Armed presence"),
    }
    for programme in default.programmes:
        scope = Scope((programme,), default.available, asked=True)
        index_url = reverse("monitoring:index") + f"?level=province&programme={programme.slug}"
        if components:
            rows = services.index_rows(services.Choice(level="province", scope=scope))
            for position, component in enumerate(services.need.components()):
                if component not in components:
                    continue
                seen = []
                for row in rows:
                    part = row.index.parts[position]
                    if row.index.visited >= min_sites and part.counted and part.share is not None:
                        seen.append((part.share, row, part))
                seen.sort(key=lambda s: (-s[0], s[1].name))
                for share, row, part in seen[:2]:
                    cites = [
                        cite_page(
                            draft,
                            _("Need index"),
                            _("Need index by province: %(p)s") % {"p": programme.name},
                            index_url,
                        )
                    ]
                    if row.slug:
                        cites.append(
                            cite_page(
                                draft,
                                _("Area"),
                                row.name,
                                reverse("monitoring:area", args=[row.slug]),
                            )
                        )
                    draft.item(
                        f"{component.label}: {row.name}",
                        _(
                            "Seen at %(present)d of the %(known)d visited sites that recorded it (%(share)s)."
                        )
                        % {"present": part.present, "known": part.known, "share": percent(share)},
                        programme.name
                        + (" · " + _("synthetic data") if programme.is_synthetic else ""),
                        cites,
                    )
        for flag in flags:
            if flag not in present.MAP_FLAGS:
                continue
            yes = present.matching_sites(
                current, present.MapFilter(flags=((flag, True),), scope=scope)
            )
            no = present.matching_sites(
                current, present.MapFilter(flags=((flag, False),), scope=scope)
            )
            seen_in = Counter(s.province for s in yes if s.province)
            known_in = Counter(s.province for s in yes + no if s.province)
            units = AdminUnit.objects.in_bulk(list(known_in))
            ranked = sorted(
                ((seen_in[p] / n, p) for p, n in known_in.items() if n >= min_sites and p in units),
                key=lambda s: (-s[0], units[s[1]].name),
            )
            map_url = reverse("monitoring:map") + f"?programme={programme.slug}&{flag}=yes"
            for share, province in ranked[:2]:
                unit = units[province]
                cites = [
                    cite_page(
                        draft,
                        _("Map"),
                        _("Sites on the map: %(p)s") % {"p": programme.name},
                        map_url,
                    ),
                    cite_page(draft, _("Area"), unit.name, unit.get_absolute_url()),
                ]
                draft.item(
                    f"{labels.get(flag, flag)}: {unit.name}",
                    _(
                        "Seen at %(present)d of the %(known)d visited sites that recorded it (%(share)s)."
                    )
                    % {
                        "present": seen_in[province],
                        "known": known_in[province],
                        "share": percent(share),
                    },
                    programme.name
                    + (" · " + _("synthetic data") if programme.is_synthetic else ""),
                    cites,
                )
    if draft.items:
        draft.text = _(
            "Where the field monitoring sees this issue most, per programme: the share of "
            "visited sites in each province where the latest visit recorded it. Provinces "
            "with fewer than %(n)d visited sites are left out."
        ) % {"n": min_sites}
    else:
        draft.text = _(
            "No monitoring programme records an observation that shows this issue yet: a "
            "gap in the evidence to close."
        )
    return draft


def stories(context: Context) -> Draft:

    draft = Draft()
    found = context.published(SuccessStory.objects.filter(lever_issues=context.issue)).order_by(
        "-stage", "title"
    )[: limit("stories")]
    for story in found:
        number = draft.cite(story)
        draft.item(
            story.title,
            Truncator(story.results or story.intervention).chars(320),
            " · ".join(p for p in (story.place, story.get_stage_display()) if p),
            [number],
        )
    draft.text = (
        _("What has worked, from the library's success stories.")
        if draft.items
        else _("The library holds no published success story on this issue yet.")
    )
    return draft


def funding(context: Context) -> Draft:

    draft = Draft()
    profiles = context.published(DonorProfile.objects.all())
    priorities = (
        Priority.objects.filter(
            lever_issue=context.issue, weight__gte=DONOR_INTEREST, profile__in=profiles
        )
        .select_related("profile__organization")
        .order_by("-weight", "profile__organization__name")[: limit("donors")]
    )
    for priority in priorities:
        profile = priority.profile
        number = draft.cite(profile, profile.organization.name)
        ways = ", ".join(profile.entry_point_labels() + profile.instrument_labels())
        text = _("Weight given to the issue: %(w).1f of 1.") % {"w": priority.weight}
        if ways:
            text += " " + _("Entry points and instruments: %(list)s.") % {"list": ways}
        draft.item(profile.organization.name, text, _("Donor priority"), [number])
    activities = Activity.objects.filter(lever_issues=context.issue, is_asm=True)
    count = activities.count()
    for activity in activities.order_by("-total_budget", "iati_identifier")[: limit("activities")]:
        number = draft.cite(activity, Truncator(activity.title).chars(80))
        budget = (
            money(activity.total_budget, activity.default_currency or "USD")
            if activity.total_budget
            else ""
        )
        draft.item(
            Truncator(activity.title).chars(160),
            activity.reporting_org_name,
            " · ".join(p for p in (_("IATI activity"), budget) if p),
            [number],
        )
    text = _(
        "Donors whose published profiles give this issue a weight of %(w).1f or more, with "
        "the doors they open, then what donors already fund on it as they report to IATI."
    ) % {"w": DONOR_INTEREST}
    if count:
        number = cite_page(
            draft,
            _("IATI activities"),
            _("IATI activities on the issue"),
            reverse("funding:activities") + f"?issue={context.issue.slug}",
        )
        text += " " + _("%(n)d ASM activities reported to IATI are on this issue. [%(c)d]") % {
            "n": count,
            "c": number,
        }
    draft.text = text
    return draft


def champions(context: Context) -> Draft:

    draft = Draft()
    people = context.published(
        Person.objects.filter(is_champion=True, lever_issues=context.issue)
    ).order_by("name")[: limit("champions")]
    for person in people:
        number = draft.cite(person, person.name)
        draft.item(
            person.name,
            person.champion_of or Truncator(person.expertise).chars(200),
            _("Champion"),
            [number],
        )
    organizations = context.published(
        Organization.objects.filter(lever_issues=context.issue)
    ).order_by("name")[: limit("champions")]
    for organization in organizations:
        number = draft.cite(organization, organization.name)
        draft.item(organization.name, "", str(organization.stakeholder_type.tr("name")), [number])
    draft.text = (
        _(
            "People the directory records as champions of the issue, and organizations that work on it."
        )
        if draft.items
        else _("The directory names no champion of this issue yet.")
    )
    return draft


def projects(context: Context) -> Draft:

    draft = Draft()
    found = (
        context.published(Project.objects.filter(lever_issues=context.issue))
        .prefetch_related("funders")
        .order_by("-starts_on", "title")[: limit("projects")]
    )
    for project in found:
        number = draft.cite(project)
        funders = ", ".join(o.short_name for o in project.funders.all())
        draft.item(
            project.title,
            Truncator(project.description).chars(240),
            _("funded by %(list)s") % {"list": funders} if funders else "",
            [number],
        )
    draft.text = (
        _("Projects in the registry on this issue, the latest first.")
        if draft.items
        else _("The project registry holds no project on this issue yet.")
    )
    return draft


def ask(context: Context) -> Draft:

    draft = Draft()
    found = (
        context.published(Concept.objects.filter(lever_issues=context.issue))
        .filter(Q(budget__isnull=False) | ~Q(summary=""))
        .order_by("starts_on", "title")[: limit("concepts")]
    )
    for concept in found:
        number = draft.cite(concept)
        meta = money(concept.budget, concept.currency) if concept.budget else ""
        draft.item(concept.title, Truncator(concept.summary).chars(240), meta, [number])
    draft.text = (
        _(
            "The network asks partners to fund the concepts below, which answer this issue where the evidence shows it."
        )
        if draft.items
        else _("The secretariat writes the ask: what the network wants of the reader.")
    )
    return draft


BUILDERS: dict[str, Callable[[Context], Draft]] = {
    "issue": issue,
    "goals": goals,
    "evidence": evidence,
    "stories": stories,
    "funding": funding,
    "champions": champions,
    "projects": projects,
    "ask": ask,
}


def languages() -> list[str]:
    default = settings.LANGUAGE_CODE.split("-")[0]
    return [default] + [c for c, _name in settings.LANGUAGES if c != default]


def draft_issue(issue: LeverIssue) -> dict[str, list[dict[str, Any]]]:
    """Every section drafted in every language of the interface, nothing saved."""
    context = Context(issue)
    found: dict[str, list[dict[str, Any]]] = {}
    for code in languages():
        with override(code):
            found[code] = [
                {
                    "key": entry["key"],
                    "title": entry["title"].get(code) or entry["title"]["en"],
                    "text": (draft := BUILDERS[entry["builder"]](context)).text,
                    **draft.content(),
                    "citations": draft.citations,
                }
                for entry in config()["sections"]
            ]
    return found
