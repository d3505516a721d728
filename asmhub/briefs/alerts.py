"""What the briefs tell followers of (``outreach.alerts``): a new version of a brief,
announced to the followers of its lever issue when ``brief_published`` is sent."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from asmhub.briefs.signals import brief_published
from asmhub.core.alerts import AlertSource


def version_topics(version: Any) -> list[Model]:
    return [version.brief.lever_issue]


def _public(user: Any, version: Any) -> bool:
    """A published version is public: drafts are never versions."""
    return True


def _always(version: Any) -> bool:
    return True


def alert_sources() -> list[AlertSource]:
    return [
        AlertSource(
            kind="brief",
            model="briefs.BriefVersion",
            topics=version_topics,
            signal=brief_published,
            signal_item="version",
            is_published=_always,
            may_see=_public,
        )
    ]
