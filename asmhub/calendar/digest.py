"""The weekly e-mail digest of a saved filter: what is coming, with links back."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone, translation

from asmhub.calendar import services
from asmhub.calendar.models import Kind, SavedFilter
from asmhub.core.services import site_url

DIGEST_DAYS = 14
DEADLINE_DAYS = 45
# A digest goes out at most once in this many days, however often the command runs.
MIN_INTERVAL = dt.timedelta(days=6)


def compose(saved: SavedFilter, today: dt.date) -> tuple[str, str] | None:
    """The subject and text of the digest, or None when there is nothing to tell."""
    user = saved.user
    selection = services.select(user, saved.params)
    coming = services.entries(selection, today, today + dt.timedelta(days=DIGEST_DAYS))
    deadlines = [
        e
        for e in services.entries(selection, today, today + dt.timedelta(days=DEADLINE_DAYS))
        if e.kind in (Kind.FUNDING_DEADLINE, Kind.DEADLINE)
        and e.first_day > today + dt.timedelta(days=DIGEST_DAYS)
    ]
    if not coming and not deadlines:
        return None
    with translation.override(getattr(user, "language", None) or "en"):
        context = {
            "saved": saved,
            "coming": coming,
            "deadlines": deadlines,
            "today": today,
            "days": DIGEST_DAYS,
            "calendar_url": site_url("/calendar/list/"),
            "feeds_url": site_url("/calendar/feeds/"),
            "site_url": site_url(""),
        }
        body = render_to_string("calendar/digest.txt", context)
        subject = f"ASM Hub · {saved.name}: {len(coming)} in the next {DIGEST_DAYS} days"
    return subject, body


def due(now: dt.datetime | None = None) -> list[SavedFilter]:
    """The saved filters whose digest is due: subscribed, with an address, not sent lately."""
    now = now or timezone.now()
    return [
        s
        for s in SavedFilter.objects.filter(weekly_digest=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        if s.last_digest_at is None or now - s.last_digest_at >= MIN_INTERVAL
    ]
