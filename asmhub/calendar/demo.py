"""The demo calendar (``data/demo/events.yaml``) and the calendar's figures on the home page."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from asmhub.calendar.models import Event
from asmhub.calendar.services import entries_for
from asmhub.core.models import Status
from asmhub.directory.models import Organization, Person
from asmhub.taxonomy.lookup import Lookup, all_found

DEMO_DIR = Path(__file__).resolve().parent / "data" / "demo"


class CalendarDataError(ValueError):
    """A calendar data file names something that does not exist, or holds a bad value."""


def _moment(value: Any, zone: str, where: str) -> tuple[dt.datetime, bool]:
    """A YAML date (all day) or 'YYYY-MM-DDTHH:MM' (local time in ``zone``)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC), False
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC), True
    try:
        local = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise CalendarDataError(f"{where}: {value!r} is not a date or a date and time") from exc
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).astimezone(dt.UTC), False


@transaction.atomic
def load_demo_calendar(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Create or update the seed events, matched by their UID; idempotent."""
    data = yaml.safe_load((directory / "events.yaml").read_text(encoding="utf-8"))
    lookup = Lookup()
    orgs = {o.slug: o for o in Organization.objects.all()}
    people = {p.slug: p for p in Person.objects.all()}
    if not orgs:
        raise CalendarDataError("load the demo directory first (asmhub load-demo)")
    owner = orgs.get("casm-secretariat")
    by_key: dict[str, Event] = {}
    for item in data["events"]:
        where = f"events.yaml {item['key']!r}"
        zone = item.get("timezone", "UTC")
        start, all_day = _moment(item["starts"], zone, where)
        end, _ = _moment(item.get("ends", item["starts"]), zone, where)
        if all_day:
            end += dt.timedelta(days=1)  # the file gives the last day; iCalendar counts past it
        event = Event.objects.filter(uid=item["uid"]).first() or Event(uid=item["uid"])
        values = {
            "title": item["title"],
            "kind": item["kind"],
            "description": item.get("description", "").strip(),
            "start": start,
            "end": end,
            "all_day": all_day,
            "month_only": bool(item.get("month_only")),
            "timezone": "UTC" if all_day else zone,
            "rule": item.get("rule", ""),
            "state": item.get("state", Event.State.CONFIRMED),
            "place": item.get("place", ""),
            "online_url": item.get("online_url", ""),
            "audience": item.get("audience", ""),
            "is_advocacy": bool(item.get("advocacy_message")),
            "advocacy_message": item.get("advocacy_message", "").strip(),
            "link": item.get("link", ""),
            "source": item.get("source", ""),
            "status": Status.PUBLISHED,
            "owner_organization": owner,
            "organizer": _find(orgs, item.get("organizer"), where, "organization"),
            "contact": _find(people, item.get("contact"), where, "person"),
            "parent": _find(by_key, item.get("parent"), where, "event key"),
        }
        for name, value in values.items():
            setattr(event, name, value)
        event.full_clean(exclude=["slug"])
        event.save()
        event.countries.set(_many(item, "countries", lookup.country, where))
        event.lever_issues.set(_many(item, "issues", lookup.issue, where))
        by_key[item["key"]] = event
    return {"events": len(by_key)}


def _find(mapping: dict[str, Any], key: str | None, where: str, what: str) -> Any:
    if not key:
        return None
    if key not in mapping:
        raise CalendarDataError(f"{where}: unknown {what} {key!r}")
    return mapping[key]


def _many(item: dict[str, Any], key: str, find: Any, where: str) -> list[Any]:
    try:
        return all_found(key, [str(v) for v in item.get(key) or []], find)
    except ValueError as exc:
        raise CalendarDataError(f"{where}: {exc}") from exc


def home_stats(user: Any) -> list[Any]:
    """The calendar's figures on the home page: what is coming in the next three months."""
    from django.utils.translation import gettext_lazy as _

    from asmhub.core.services import HomeStat

    today = timezone.localdate()
    coming = entries_for(user, {}, today, today + dt.timedelta(days=90))
    advocacy = [e for e in coming if e.advocacy]
    deadlines = [e for e in coming if e.origin != "event" or e.kind == "funding-deadline"]
    return [
        HomeStat(
            len({e.uid for e in coming}), _("dates in the next 90 days"), reverse("calendar:list")
        ),
        HomeStat(
            len({e.uid for e in advocacy}),
            _("advocacy opportunities ahead"),
            f"{reverse('calendar:list')}?advocacy=1",
        ),
        HomeStat(
            len({e.uid for e in deadlines}),
            _("funding deadlines and donor milestones ahead"),
            f"{reverse('calendar:list')}?kind=funding-deadline&kind=planning-milestone",
        ),
    ]
