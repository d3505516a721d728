"""The demo's briefs and country figures (``data/demo.yaml``), loaded by ``asmhub load-demo``
after the library, whose resources the figures cite by title. Idempotent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from asmhub.briefs import drafting, services
from asmhub.briefs.models import (
    Brief,
    BriefVersion,
    CountryFacts,
    CountryFigure,
    NetworkResource,
)
from asmhub.library.models import Resource
from asmhub.taxonomy.models import Country, LeverIssue, Mineral

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.yaml"


def _resource(title: str) -> Any:

    found = Resource.objects.filter(title=title).first()
    if found is None:
        raise ValueError(f"{DEMO_FILE.name}: no library resource is titled {title!r}")
    return found


@transaction.atomic
def load_demo_briefs(path: Path = DEMO_FILE) -> dict[str, int]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    figures = 0
    for row in data.get("figures", []):
        country = Country.objects.get(code=row["country"])
        mineral = (
            Mineral.objects.filter(slug=row.get("mineral")).first() if row.get("mineral") else None
        )
        CountryFigure.objects.update_or_create(
            country=country,
            kind=row["kind"],
            mineral=mineral,
            year=row["year"],
            defaults={
                "label": row.get("label", ""),
                "value": row["value"],
                "value_max": row.get("value_max"),
                "unit": row.get("unit", ""),
                "source": _resource(row["source"]),
                "quote": row.get("quote", ""),
            },
        )
        figures += 1
    for row in data.get("facts", []):
        CountryFacts.objects.update_or_create(
            country=Country.objects.get(code=row["country"]),
            defaults={
                "formalization": row.get("formalization", ""),
                "legal_framework": row.get("legal_framework", ""),
                "legal_source": _resource(row["legal_source"]) if row.get("legal_source") else None,
            },
        )
    briefs = 0
    for slug in data.get("briefs", []):
        issue = LeverIssue.objects.get(slug=slug)
        brief = Brief.objects.filter(lever_issue=issue).first() or Brief(
            lever_issue=issue, slug=f"{slug}-brief", title=f"{issue.name}: a brief for donors"
        )
        brief.drafted = drafting.draft_issue(issue)
        brief.drafted_at = timezone.now()
        brief.save()
        if not brief.versions.exists():
            BriefVersion.objects.create(
                brief=brief,
                number=1,
                title=brief.title,
                document=services.snapshot(brief),
                published_at=timezone.now(),
            )
        briefs += 1
    resources = 0
    for position, row in enumerate(data.get("resources", []), start=1):
        NetworkResource.objects.update_or_create(
            side=row["side"],
            title=row["title"],
            defaults={"detail": row.get("detail", ""), "position": position},
        )
        resources += 1
    return {"country figures": figures, "briefs": briefs, "campaign resources": resources}
