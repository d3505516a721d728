"""What the home and about pages show: the platform's holdings and its mandate."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from asmhub.core import permissions

MANDATE_FILE = Path(__file__).resolve().parent / "data" / "mandate.yaml"


@cache
def mandate() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANDATE_FILE.read_text(encoding="utf-8"))
    return data


def home_context(user: Any) -> dict[str, Any]:
    from asmhub.directory.models import Organization, Person
    from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, SDGGoal

    organizations = permissions.visible(user, Organization.objects.all())
    return {
        "counts": {
            "organizations": organizations.count(),
            "people": permissions.visible(user, Person.objects.all()).count(),
            "countries": Country.objects.filter(organizations__in=organizations).distinct().count(),
            "lever_issues": LeverIssue.objects.count(),
        },
        "lever_issues": LeverIssue.objects.all(),
        "sdg_goals": SDGGoal.objects.all(),
        "mdg_goals": MDGGoal.objects.all(),
        "mandate": mandate(),
        "recent": organizations.select_related("stakeholder_type").order_by("-updated_at")[:6],
    }
