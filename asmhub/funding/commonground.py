"""Common ground, as seed 000 asks the convening to report it, computed from the records.

- Stakeholder interest: for each stakeholder group (a non-donor stakeholder type), the
  share of its published organizations that list a lever issue among their interests.
- Donor interest: for each lever issue, the mean weight that published donor profiles
  give it (a donor that does not name it counts 0).
- "The common priorities amongst the ASM stakeholders": lever issues that at least
  ``GROUP_SHARE`` of the organizations list in at least a third of the groups (groups of
  ``MIN_GROUP`` organizations or more).
- "The common priorities between the ASM stakeholders and donors": lever issues whose
  mean stakeholder interest and mean donor interest are both at or above the median of
  their side (the upper half of both lists), ranked by their product.
- The compatibility matrix: for each SDG (or MDG) goal, each donor's interest (its weight
  on the goal, or on a lever issue linked to one of the goal's targets, whichever is
  higher) and each stakeholder group's (the share of its organizations interested in a
  lever issue linked to the goal). MDG rows take the highest value of the SDG goals the
  crosswalk links them to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from asmhub.core import permissions
from asmhub.directory.models import Organization
from asmhub.funding.models import DonorProfile, Priority
from asmhub.taxonomy.models import LeverIssue, MDGGoal, SDGGoal, StakeholderType

GROUP_SHARE = 0.2
MIN_GROUP = 3


@dataclass
class IssueRow:
    issue: LeverIssue
    stakeholder: float  # mean share over groups
    donor: float  # mean donor weight
    groups: int  # groups in which the issue reaches GROUP_SHARE

    @property
    def product(self) -> float:
        return self.stakeholder * self.donor


@dataclass
class Column:
    key: str
    label: str
    kind: str  # donor or group
    size: int = 0


@dataclass
class MatrixRow:
    goal: Any
    label: str
    values: list[float]


@dataclass
class CommonGround:
    groups: list[Column]
    donors: list[Column]
    issues: list[IssueRow]
    among_stakeholders: list[IssueRow]
    stakeholders_and_donors: list[IssueRow]
    matrix: list[MatrixRow] = field(default_factory=list)

    @property
    def columns(self) -> list[Column]:
        return self.donors + self.groups


def _group_interest(user: Any) -> tuple[list[Column], dict[str, dict[int, float]]]:
    organizations = permissions.visible(user, Organization.objects.all()).filter(
        stakeholder_type__is_donor=False
    )
    sizes: dict[str, int] = defaultdict(int)
    for slug in organizations.values_list("stakeholder_type__slug", flat=True):
        sizes[slug] += 1
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for slug, issue in organizations.filter(lever_issues__isnull=False).values_list(
        "stakeholder_type__slug", "lever_issues"
    ):
        counts[slug][issue] += 1
    types = StakeholderType.objects.filter(slug__in=[s for s, n in sizes.items() if n >= MIN_GROUP])
    groups = [Column(t.slug, t.tr("name"), "group", sizes[t.slug]) for t in types]
    shares = {
        g.key: {issue: n / sizes[g.key] for issue, n in counts[g.key].items()} for g in groups
    }
    return groups, shares


def _donor_interest(user: Any) -> tuple[list[Column], dict[str, dict[tuple[str, int], float]]]:
    profiles = list(
        permissions.visible(user, DonorProfile.objects.all()).select_related("organization")
    )
    donors = [Column(p.organization.slug, p.organization.short_name, "donor") for p in profiles]
    weights: dict[str, dict[tuple[str, int], float]] = {d.key: {} for d in donors}
    by_pk = {p.pk: p.organization.slug for p in profiles}
    for pid, issue, goal, weight in Priority.objects.filter(profile__in=profiles).values_list(
        "profile_id", "lever_issue_id", "sdg_goal_id", "weight"
    ):
        weights[by_pk[pid]][("issue", issue) if issue else ("goal", goal)] = weight
    return donors, weights


def _issue_goals() -> dict[int, set[int]]:
    """Lever issue id: the SDG goal ids its targets belong to."""
    links: dict[int, set[int]] = defaultdict(set)
    for issue, goal in LeverIssue.sdg_targets.through.objects.values_list(
        "leverissue_id", "sdgtarget__goal_id"
    ):
        links[issue].add(goal)
    return links


def _mean(values: Iterable[float], n: int) -> float:
    return sum(values) / n if n else 0.0


def compute(user: Any, goals: str = "sdg") -> CommonGround:
    groups, shares = _group_interest(user)
    donors, weights = _donor_interest(user)
    issues = list(LeverIssue.objects.order_by("position"))
    rows = []
    for issue in issues:
        group_values = [shares[g.key].get(issue.pk, 0.0) for g in groups]
        donor_values = [weights[d.key].get(("issue", issue.pk), 0.0) for d in donors]
        rows.append(
            IssueRow(
                issue=issue,
                stakeholder=_mean(group_values, len(groups)),
                donor=_mean(donor_values, len(donors)),
                groups=sum(1 for v in group_values if v >= GROUP_SHARE),
            )
        )
    among = sorted(
        (r for r in rows if groups and r.groups and r.groups * 3 >= len(groups)),
        key=lambda r: (-r.groups, -r.stakeholder),
    )
    stakeholder_median = median([r.stakeholder for r in rows]) if rows else 0.0
    donor_median = median([r.donor for r in rows]) if rows else 0.0
    both = sorted(
        (
            r
            for r in rows
            if r.product > 0 and r.stakeholder >= stakeholder_median and r.donor >= donor_median
        ),
        key=lambda r: -r.product,
    )
    ground = CommonGround(groups, donors, rows, among, both)
    ground.matrix = _matrix(ground, shares, weights, goals)
    return ground


def _sdg_values(
    ground: CommonGround,
    shares: dict[str, dict[int, float]],
    weights: dict[str, dict[tuple[str, int], float]],
) -> dict[int, list[float]]:
    links = _issue_goals()
    per_goal: dict[int, list[float]] = {}
    for goal in SDGGoal.objects.all():
        issues = {i for i, linked in links.items() if goal.pk in linked}
        values = []
        for donor in ground.donors:
            stated = weights[donor.key]
            via_issue = max((stated.get(("issue", i), 0.0) for i in issues), default=0.0)
            values.append(max(stated.get(("goal", goal.pk), 0.0), via_issue))
        for group in ground.groups:
            values.append(max((shares[group.key].get(i, 0.0) for i in issues), default=0.0))
        per_goal[goal.pk] = values
    return per_goal


def _matrix(
    ground: CommonGround,
    shares: dict[str, dict[int, float]],
    weights: dict[str, dict[tuple[str, int], float]],
    goals: str,
) -> list[MatrixRow]:
    per_sdg = _sdg_values(ground, shares, weights)
    width = len(ground.columns)
    if goals == "mdg":
        rows = []
        for mdg in MDGGoal.objects.prefetch_related("sdg_goals").order_by("number"):
            linked = [per_sdg[g.pk] for g in mdg.sdg_goals.all() if g.pk in per_sdg]
            values = [max((v[i] for v in linked), default=0.0) for i in range(width)]
            rows.append(MatrixRow(mdg, f"MDG {mdg.number}: {mdg.tr('short')}", values))
        return rows
    return [
        MatrixRow(goal, f"SDG {goal.number}: {goal.tr('short')}", per_sdg[goal.pk])
        for goal in SDGGoal.objects.order_by("number")
    ]


def matrix_rows(ground: CommonGround) -> tuple[list[str], list[list[Any]]]:
    columns = ["goal"] + [f"{c.kind}:{c.key}" for c in ground.columns]
    return columns, [[row.label, *(round(v, 2) for v in row.values)] for row in ground.matrix]
