"""Reports: creation, replies through the outbox, rate limits, figures and public counts.

Every reply to a reporter goes into the outbox (``Outbound``) with the number in clear
only until ``deliver`` hands it to the gateway backend; status replies take the number
from the report's sealed copy, which is dropped when the report reaches a final state.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from asmhub.core.actions import audit
from asmhub.monitoring.access import Access
from asmhub.monitoring.models import Programme, Site
from asmhub.reports import protect
from asmhub.reports.models import Conversation, Outbound, Report
from asmhub.reports.words import say

log = logging.getLogger(__name__)
ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B: read aloud safely
PUBLIC_MIN_COUNT = 5
PUBLIC_MIN_AGE_DAYS = 30
ABANDONED_HOURS = 24
SENT: list[tuple[str, str]] = []  # the "memory" backend's outbox, for tests


class ChannelClosed(Exception):
    """No programme takes reports on this platform."""


def programme() -> Programme:
    """The programme that receives reports (``ASMHUB_REPORTS_PROGRAMME``, else the first)."""
    slug = settings.ASMHUB_REPORTS_PROGRAMME
    found = (
        Programme.objects.filter(slug=slug).first()
        if slug
        else Programme.objects.order_by("pk").first()
    )
    if found is None:
        raise ChannelClosed(slug)
    return found


def new_reference() -> str:
    while True:
        reference = "R" + "".join(secrets.choice(ALPHABET) for _ in range(6))
        if not Report.objects.filter(reference=reference).exists():
            return reference


def allow(kind: str, ident: str) -> bool:
    """At most ``ASMHUB_REPORTS_PER_HOUR`` messages or reports per number or address per hour."""
    return count(kind, ident) <= settings.ASMHUB_REPORTS_PER_HOUR


def count(kind: str, ident: str) -> int:
    """This hour's messages or reports from a number or an address, this one included."""
    hour = timezone.now().strftime("%Y%m%d%H")
    key = f"reports:{kind}:{protect.number_hash(ident)}:{hour}"
    cache.add(key, 0, 3600)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, 3600)
        return 1


def area_of(site: Site | None) -> Any:
    if site is None:
        return None
    return site.territory or site.province


def create(channel: str, values: dict[str, Any], number: str = "", language: str = "fr") -> Report:
    """A new report, its audit entry and, when a number is given, the "received" reply."""
    with transaction.atomic():
        site = values.get("site")
        report = Report(
            reference=new_reference(),
            programme=site.programme if site else programme(),
            channel=channel,
            language=language,
            area=area_of(site),
            number_hash=protect.number_hash(number) if number else "",
            number_sealed=protect.seal(number),
            **values,
        )
        report.full_clean()
        report.save()
        audit(None, "report:received", report, {"channel": channel})
        reply(report, "received")
    return report


def queue(number: str, text: str, report: Report | None = None) -> Outbound:
    return Outbound.objects.create(
        number_hash=protect.number_hash(number), number=number, text=text, report=report
    )


def reply(report: Report, key: str, **values: Any) -> Outbound | None:
    """Queue a status reply to the report's sender, in their language, if a number is kept."""
    number = protect.unseal(report.number_sealed)
    if not number:
        return None
    return queue(number, say(report.language, key, ref=report.reference, **values), report)


def _backend() -> Any:
    name = settings.ASMHUB_REPORTS_SMS_BACKEND
    if name == "console":
        return lambda number, text: log.warning("SMS to …%s: %s", number[-2:], text)
    if name == "memory":
        return lambda number, text: SENT.append((number, text))
    return import_string(name)


def deliver() -> int:
    """Hand every waiting reply to the gateway backend; drop each number once sent."""
    send = _backend()
    sent = 0
    for message in Outbound.objects.filter(sent_at=None).exclude(number="").order_by("pk"):
        try:
            send(message.number, message.text)
        except Exception:  # the gateway is down: keep the message for the next run
            log.exception("SMS reply %s not sent", message.pk)
            continue
        Outbound.objects.filter(pk=message.pk).update(sent_at=timezone.now(), number="")
        sent += 1
    return sent


def drop_abandoned(hours: int = ABANDONED_HOURS) -> int:
    """Drop the SMS exchanges nobody has answered for ``hours``: their answers go with them."""
    cutoff = timezone.now() - dt.timedelta(hours=hours)
    return Conversation.objects.filter(updated_at__lt=cutoff).delete()[0]


def deliver_after_commit() -> None:
    transaction.on_commit(deliver)


@dataclass
class Figures:
    """Reports received, verified, turned into incidents, and hours to a first response."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)

    COLUMNS = ("area", "month", "received", "verified", "incidents", "responded", "mean_hours")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def figures(access: Access) -> Figures:
    """Per area and month of receipt, over the programmes whose reports the user reads."""
    reports = Report.objects.filter(programme_id__in=access.restricted).select_related(
        "area", "area__parent"
    )
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"received": 0, "verified": 0, "incidents": 0, "hours": []}
    )
    everything: dict[str, Any] = {"received": 0, "verified": 0, "incidents": 0, "hours": []}
    for report in reports.only(
        "received_at", "first_response_at", "verified_at", "incident_id", "area"
    ):
        area = report.area.name if report.area else ""
        month = timezone.localtime(report.received_at).strftime("%Y-%m")
        for group in (groups[(area, month)], everything):
            group["received"] += 1
            group["verified"] += report.verified_at is not None
            group["incidents"] += report.incident_id is not None
            if report.first_response_at:
                seconds = (report.first_response_at - report.received_at).total_seconds()
                group["hours"].append(seconds / 3600)
    rows = [
        {
            "area": area,
            "month": month,
            "received": g["received"],
            "verified": g["verified"],
            "incidents": g["incidents"],
            "responded": len(g["hours"]),
            "mean_hours": _mean(g["hours"]),
        }
        for (area, month), g in sorted(
            groups.items(), key=lambda i: (i[0][1], i[0][0]), reverse=True
        )
    ]
    totals = {k: v for k, v in everything.items() if k != "hours"}
    totals["responded"] = len(everything["hours"])
    totals["mean_hours"] = _mean(everything["hours"])
    return Figures(rows, totals)


def public_counts(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Reports per area, only those at least 30 days old, only areas with at least 5."""
    cutoff = timezone.now() - dt.timedelta(days=PUBLIC_MIN_AGE_DAYS)
    if today is not None:
        cutoff = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=PUBLIC_MIN_AGE_DAYS), dt.time.max)
        )
    counts: dict[str, int] = defaultdict(int)
    for name in Report.objects.filter(received_at__lte=cutoff, duplicate_of=None).values_list(
        "area__name", flat=True
    ):
        counts[name or ""] += 1
    return [
        {"area": area, "reports": n} for area, n in sorted(counts.items()) if n >= PUBLIC_MIN_COUNT
    ]
