"""The monitoring analyses the pages show: the index by area, areas of most need, and
the aggregates of incidents and corrective action plans."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import h3
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Status
from asmhub.monitoring import need, snapshot
from asmhub.monitoring.models import AdminUnit, CorrectiveAction, Incident
from asmhub.monitoring.scope import Scope, scope_from
from asmhub.taxonomy.models import LeverIssue

LEVEL_CHOICES = (
    ("province", _("Province")),
    ("territory", _("Territory")),
    ("collectivite", _("Chiefdom or sector")),
    ("groupement", _("Groupement")),
    ("h3", _("Hexagons (H3)")),
)
H3_RESOLUTIONS = range(3, 9)


@dataclass(frozen=True)
class Period:
    """The years whose visits count: each site's latest on-site visit between them."""

    first: int | None = None
    last: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, list[str]]) -> Period:
        def year(key: str) -> int | None:
            value = (params.get(key) or [""])[-1]
            return (
                int(value)
                if value.isascii() and value.isdigit() and 1900 < int(value) < 2200
                else None
            )

        first, last = year("from"), year("to")
        if first and last and first > last:
            first, last = last, first
        return cls(first, last)

    @property
    def start(self) -> dt.date | None:
        return dt.date(self.first, 1, 1) if self.first else None

    @property
    def end(self) -> dt.date | None:
        return dt.date(self.last, 12, 31) if self.last else None


@dataclass(frozen=True)
class Choice:
    level: str = "territory"
    resolution: int = 5
    period: Period = Period()
    weights: Mapping[str, float] = field(default_factory=dict)
    scope: Scope | None = None  # the programmes read (scope.py); None: every programme

    @classmethod
    def from_params(cls, params: Mapping[str, list[str]]) -> Choice:
        level = (params.get("level") or ["territory"])[-1]
        if level not in dict(LEVEL_CHOICES):
            level = "territory"
        raw = (params.get("resolution") or ["5"])[-1]
        resolution = int(raw) if raw.isascii() and raw.isdigit() else 5
        resolution = min(max(resolution, H3_RESOLUTIONS[0]), H3_RESOLUTIONS[-1])
        return cls(
            level,
            resolution,
            Period.from_params(params),
            need.weights(params),
            scope_from(params),
        )

    def params(self) -> dict[str, Any]:
        found: dict[str, Any] = {"level": self.level}
        if self.level == "h3":
            found["resolution"] = self.resolution
        if self.period.first:
            found["from"] = self.period.first
        if self.period.last:
            found["to"] = self.period.last
        defaults = need.weights()
        found.update({f"w_{k}": v for k, v in self.weights.items() if v != defaults.get(k)})
        if self.scope is not None and self.scope.asked:
            found["programme"] = [slug for _key, slug in self.scope.params()]
        return found

    @property
    def programmes(self) -> frozenset[int] | None:
        return None if self.scope is None else self.scope.ids

    def includes(self, site: snapshot.SiteEntry) -> bool:
        return self.scope is None or site.programme in self.scope.ids

    def unmeasured(self) -> list[need.Component]:
        """The components no programme in scope measures: the score cannot use them."""
        return need.unmeasured(snapshot.current(), self.programmes)


@dataclass
class AreaRow:
    """An area's index with what the pages need to name and link it."""

    index: need.AreaIndex
    name: str
    slug: str = ""
    parent: str = ""
    cell: str = ""
    centre: tuple[float, float] | None = None


def index_rows(choice: Choice) -> list[AreaRow]:
    """The need index of every area of the chosen level, highest first, named."""
    return list(iter_index_rows(choice))


def iter_index_rows(choice: Choice, chunk: int = 2000) -> Iterator[AreaRow]:
    """``index_rows`` one at a time: the areas' objects and names are made as they are
    read (administrative units loaded ``chunk`` at a time)."""
    found = need.compute(
        snapshot.current(),
        choice.level,
        choice.period.start,
        choice.period.end,
        choice.weights,
        choice.resolution,
        programmes=choice.programmes,
    )
    if choice.level == "h3":
        for a in found:
            yield AreaRow(a, str(a.key), cell=str(a.key), centre=h3.cell_to_latlng(str(a.key)))
        return
    for start in range(0, len(found), chunk):
        areas = found[start : start + chunk]
        units = AdminUnit.objects.select_related("parent").in_bulk([a.key for a in areas])
        for area in areas:
            unit = units.get(area.key)
            if unit is not None:
                yield AreaRow(area, unit.name, unit.slug, unit.parent.name if unit.parent else "")


def area_index(unit: AdminUnit, choice: Choice) -> need.AreaIndex | None:
    """The index of one administrative unit (over all sites beneath it)."""
    level = need.LEVELS[unit.level - 1]
    found = need.compute(
        snapshot.current(),
        level,
        choice.period.start,
        choice.period.end,
        choice.weights,
        programmes=choice.programmes,
    )
    return found.find(unit.pk)


@dataclass
class AreaNeed:
    row: AreaRow
    issues: list[LeverIssue]
    stories: list[Any]
    donors: list[tuple[Any, float]]  # (donor profile, score)


def most_need(choice: Choice, limit: int = 10, min_sites: int = 5) -> list[AreaNeed]:
    """The areas of highest index, each with its lever issues, stories and donors."""
    from asmhub.library.models import SuccessStory

    rows = [
        r for r in index_rows(choice) if r.index.visited >= min_sites and r.index.score is not None
    ][:limit]
    issues = {i.slug: i for i in LeverIssue.objects.all()}
    country_codes = {"CD"}
    stories = list(
        SuccessStory.objects.filter(status=Status.PUBLISHED)
        .prefetch_related("lever_issues", "countries")
        .order_by("title")
    )
    found = []
    for row in rows:
        wanted = [issues[s] for s in row.index.issues() if s in issues]
        wanted_ids = {i.pk for i in wanted}
        matching = sorted(
            (s for s in stories if wanted_ids & {i.pk for i in s.lever_issues.all()}),
            key=lambda s: (
                -len(wanted_ids & {i.pk for i in s.lever_issues.all()}),
                not (country_codes & {c.code for c in s.countries.all()}),
                s.title,
            ),
        )[:3]
        found.append(AreaNeed(row, wanted, matching, donors_for(wanted_ids, "CD")))
    return found


def donors_for(issue_ids: set[int], country: str, limit: int = 3) -> list[tuple[Any, float]]:
    """Donor profiles whose priorities cover the issues, those focused on the country first."""
    from asmhub.funding import index as matching_index
    from asmhub.funding.models import DonorProfile

    scored = []
    for donor in matching_index.current().donors:
        weight = sum(donor.priorities.get(("issue", i), 0.0) for i in issue_ids)
        if weight <= 0:
            continue
        if country in donor.focus:
            weight *= 1.5
        scored.append((weight, donor.pid))
    scored.sort(key=lambda item: (-item[0], item[1]))
    top = scored[:limit]
    profiles = DonorProfile.objects.select_related("organization").in_bulk([p for _w, p in top])
    return [(profiles[p], round(w, 2)) for w, p in top if p in profiles]


def incidents_for(access: Any) -> QuerySet[Incident]:
    """The incidents whose details the user may read."""
    return Incident.objects.filter(site__programme_id__in=access.restricted)


@dataclass
class CapSummary:
    by_category: list[dict[str, Any]]
    by_province: list[dict[str, Any]]
    by_owner: list[dict[str, Any]]
    by_state: list[dict[str, Any]]
    incidents_by_year: list[dict[str, Any]]
    actions_by_year: list[dict[str, Any]]
    overdue: int


def cap_summary(today: dt.date | None = None) -> CapSummary:
    """Counts of incidents and corrective actions, which everyone may read in aggregate."""
    today = today or dt.date.today()
    by_category = list(
        Incident.objects.values("risk_category__code", "risk_category__name")
        .annotate(
            incidents=Count("pk"),
            open=Count("pk", filter=Q(state__in=Incident.OPEN_STATES)),
        )
        .order_by("risk_category__position")
    )
    by_province = list(
        Incident.objects.values("site__province__name", "site__province__slug")
        .annotate(
            incidents=Count("pk"),
            open=Count("pk", filter=Q(state__in=Incident.OPEN_STATES)),
        )
        .order_by("-incidents", "site__province__name")
    )
    by_owner = list(
        CorrectiveAction.objects.values("owner__name", "owner__slug")
        .annotate(
            actions=Count("pk"),
            open=Count("pk", filter=Q(state__in=CorrectiveAction.OPEN_STATES)),
            verified=Count("pk", filter=Q(state=CorrectiveAction.State.VERIFIED)),
        )
        .order_by("-actions", "owner__name")
    )
    states = dict(CorrectiveAction.State.choices)
    by_state = [
        {
            "state": row["state"],
            "label": states.get(row["state"], row["state"]),
            "actions": row["n"],
        }
        for row in CorrectiveAction.objects.values("state")
        .annotate(n=Count("pk"))
        .order_by("state")
    ]
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    for day, state in Incident.objects.values_list("date", "state"):
        per_year[day.year][state] += 1
    incidents_by_year = [
        {"year": y, **{s: per_year[y][s] for s, _l in Incident.State.choices}}
        for y in sorted(per_year)
    ]
    due: dict[int, Counter[str]] = defaultdict(Counter)
    for day, state in CorrectiveAction.objects.values_list("due_on", "state"):
        due[day.year][state] += 1
    actions_by_year = [
        {"year": y, **{s: due[y][s] for s, _l in CorrectiveAction.State.choices}}
        for y in sorted(due)
    ]
    overdue = CorrectiveAction.objects.filter(
        state__in=CorrectiveAction.OPEN_STATES, due_on__lt=today
    ).count()
    return CapSummary(
        by_category, by_province, by_owner, by_state, incidents_by_year, actions_by_year, overdue
    )
