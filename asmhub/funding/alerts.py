"""What funding tells followers of (``outreach.alerts``): an opportunity published, and
its call closing soon (the daily ``asmhub send-alerts``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from asmhub.core.alerts import AlertSource
from asmhub.funding.models import DonorProfile


def opportunity_topics(opportunity: Any) -> list[Model]:
    found: list[Model] = [
        *opportunity.lever_issues.all(),
        *opportunity.countries.all(),
        opportunity.donor,
    ]
    profile = DonorProfile.objects.filter(organization_id=opportunity.donor_id).first()
    if profile is not None:
        found.append(profile)
    return found


def alert_sources() -> list[AlertSource]:
    return [
        AlertSource(kind="opportunity", model="funding.Opportunity", topics=opportunity_topics),
        AlertSource(
            kind="deadline",
            model="funding.Opportunity",
            topics=opportunity_topics,
            on_publish=False,
        ),
    ]
