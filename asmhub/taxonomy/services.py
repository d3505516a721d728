"""Questions about the taxonomy that pages and the API ask."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from asmhub.taxonomy.models import LeverIssue, MDGGoal, SDGGoal, SDGTarget


def sdg_goals_with_issue_counts() -> QuerySet[SDGGoal]:
    return SDGGoal.objects.annotate(
        issue_count=Count("targets__lever_issues", distinct=True)
    ).order_by("number")


def lever_issues_for_sdg(goal: SDGGoal) -> QuerySet[LeverIssue]:
    return LeverIssue.objects.filter(sdg_targets__goal=goal).distinct().order_by("position")


def lever_issues_for_mdg(goal: MDGGoal) -> QuerySet[LeverIssue]:
    return LeverIssue.objects.filter(mdg_goals=goal).order_by("position")


def targets_by_issue(issue: LeverIssue) -> QuerySet[SDGTarget]:
    return issue.sdg_targets.select_related("goal").order_by("goal__number", "position")


def compatibility_matrix() -> tuple[list[SDGGoal], list[tuple[LeverIssue, list[int]]]]:
    """Lever issues by SDG goal: how many of the goal's targets each issue carries."""
    goals = list(SDGGoal.objects.order_by("number"))
    issues = list(LeverIssue.objects.prefetch_related("sdg_targets__goal").order_by("position"))
    rows = []
    for issue in issues:
        per_goal = {g.number: 0 for g in goals}
        for target in issue.sdg_targets.all():
            per_goal[target.goal.number] += 1
        rows.append((issue, [per_goal[g.number] for g in goals]))
    return goals, rows
