"""What the library tells followers of (``outreach.alerts``): a resource published."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from asmhub.core.alerts import AlertSource


def resource_topics(resource: Any) -> list[Model]:
    return [
        *resource.lever_issues.all(),
        *resource.countries.all(),
        *resource.minerals.all(),
        *resource.publishers.all(),
        *resource.organizations.all(),
    ]


def alert_sources() -> list[AlertSource]:
    return [AlertSource(kind="resource", model="library.Resource", topics=resource_topics)]
