"""Import events from an iCalendar (.ics) file or URL: checked whole, then written at once.

Every import is a dry run first. ``import_ics`` reads the file, checks each VEVENT and
plans what it would do (add, update, or leave an event unchanged, matched by UID); a
file with any problem is refused whole, each problem named with its line, and nothing
is written. With ``commit=True`` and no problem, the plan is written in one transaction,
each event through ``SaveContribution`` so that the audit trail records it.

Line numbers come from ``lib.icsfile``, which reads the file's layout; values come from
``icalendar``.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import socket
import ssl
import urllib.parse
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from icalendar import Calendar

from asmhub.calendar.ical import COUNTRIES_PROPERTY, ISSUES_PROPERTY, KIND_PROPERTY
from asmhub.calendar.models import Event, Kind
from asmhub.core import permissions
from asmhub.core.actions import SaveContribution
from asmhub.lib.icsfile import Component, LayoutError, layout
from asmhub.lib.recurrence import check_rule
from asmhub.taxonomy.lookup import Lookup

UTC = dt.UTC
COMPARED = (
    "title",
    "kind",
    "description",
    "start",
    "end",
    "all_day",
    "timezone",
    "rule",
    "state",
    "place",
    "online_url",
    "link",
)


class IcsError(ValueError):
    """An import that cannot start: the URL or file cannot be read at all."""


@dataclass
class Problem:
    line: int
    field: str
    message: str

    def where(self, source: str) -> str:
        return f"{source}:{self.line}: {self.field}: {self.message}"


@dataclass
class Planned:
    uid: str
    title: str
    line: int
    action: str  # "add", "update" or "unchanged"
    values: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, list[Any]] = field(default_factory=dict)
    existing: Event | None = None


@dataclass
class IcsReport:
    source: str
    planned: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)

    def summary(self) -> str:
        if self.problems:
            return f"{self.source}: refused, {len(self.problems)} problem(s); nothing imported"
        verb = "imported" if self.committed else "would import (dry run)"
        return (
            f"{self.source}: {verb}: {self.count('add')} new, {self.count('update')} updated, "
            f"{self.count('unchanged')} unchanged"
        )


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _value(prop: Any) -> Any:
    """The date or time of a DTSTART, DTEND or DURATION, or None when it cannot be read."""
    try:
        return None if prop is None else prop.dt
    except (AttributeError, ValueError):
        return None


def _kind(component: Any, default: str) -> str:
    own = _text(component, KIND_PROPERTY)
    if own in Kind.values:
        return own
    labels = {str(label).lower(): value for value, label in Kind.choices}
    categories = component.get("categories")
    for group in categories if isinstance(categories, list) else [categories]:
        for category in getattr(group, "cats", []) or []:
            text = str(category).strip().lower()
            if text in Kind.values:
                return text
            if text in labels:
                return labels[text]
    return default


def _zone_name(value: dt.datetime) -> str | None:
    key = getattr(value.tzinfo, "key", None)
    if key:
        return str(key)
    if value.utcoffset() == dt.timedelta(0):
        return "UTC"
    return None


class _Reader:
    def __init__(self, user: Any, default_kind: str, default_timezone: str) -> None:
        self.user = user
        self.default_kind = default_kind
        self.default_zone = zoneinfo.ZoneInfo(default_timezone)
        self.default_timezone = default_timezone
        self.lookup = Lookup()
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, line: int, name: str, message: str) -> None:
        self.problems.append(Problem(line, name, message))

    def warn(self, line: int, name: str, message: str) -> None:
        self.warnings.append(Problem(line, name, message))

    def moment(self, value: Any, where: Component, name: str) -> tuple[dt.datetime, bool, str]:
        """A DTSTART or DTEND as (aware UTC datetime, is a date, time zone name)."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                self.warn(
                    where.line_of(name),
                    name,
                    f"floating time read in {self.default_timezone}",
                )
                value = value.replace(tzinfo=self.default_zone)
                return value.astimezone(UTC), False, self.default_timezone
            zone = _zone_name(value)
            if zone is None:
                self.warn(
                    where.line_of(name),
                    name,
                    "the time zone is not a known IANA name; the time is kept and shown in UTC",
                )
                zone = "UTC"
            return value.astimezone(UTC), False, zone
        return dt.datetime.combine(value, dt.time(), tzinfo=UTC), True, "UTC"

    def read(self, component: Any, where: Component) -> Planned | None:
        line = where.line
        before = len(self.problems)
        for name, message in getattr(component, "errors", []):
            self.problem(where.line_of(name), name, f"cannot be read: {message}")
        uid = _text(component, "uid")
        if not uid:
            self.problem(line, "UID", "the event has no UID, so it could not be updated later")
        if where.has("RECURRENCE-ID"):
            self.warn(line, "RECURRENCE-ID", "a change to one occurrence is not imported")
            return None
        title = _text(component, "summary")
        if not title:
            self.problem(where.line_of("SUMMARY"), "SUMMARY", "the event has no title")
        start_value = _value(component.get("dtstart"))
        if start_value is None:
            if not where.has("DTSTART"):
                self.problem(line, "DTSTART", "the event has no start")
            return None
        start, start_is_date, zone = self.moment(start_value, where, "DTSTART")
        end_prop = component.get("dtend")
        end_value, duration = _value(end_prop), _value(component.get("duration"))
        if end_value is not None:
            end, end_is_date, _zone = self.moment(end_value, where, "DTEND")
            if end_is_date != start_is_date:
                self.problem(
                    where.line_of("DTEND"), "DTEND", "DTSTART and DTEND must both be dates or times"
                )
        elif isinstance(duration, dt.timedelta):
            end = start + duration
        else:
            end = start + (dt.timedelta(days=1) if start_is_date else dt.timedelta(0))
        if end < start or (start_is_date and end == start):
            what = "DTEND" if end_prop is not None else "DURATION"
            self.problem(
                where.line_of(what),
                what,
                f"the event ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})",
            )
        rule = ""
        if component.get("rrule") is not None:
            rules = component.get("rrule")
            if isinstance(rules, list):
                self.problem(where.line_of("RRULE"), "RRULE", "only one RRULE per event is kept")
                rules = rules[0]
            rule = rules.to_ical().decode()
            try:
                check_rule(rule, start.date())
            except ValueError as exc:
                self.problem(where.line_of("RRULE"), "RRULE", str(exc))
        for name in ("RDATE", "EXDATE"):
            if where.has(name):
                self.warn(where.line_of(name), name, "extra and excluded dates are not kept")
        if len(self.problems) > before:
            return None
        status = _text(component, "status").upper()
        location = _text(component, "location")
        location_is_link = location.startswith(("http://", "https://"))
        values: dict[str, Any] = {
            "uid": uid[:255],
            "title": title[:300],
            "kind": _kind(component, self.default_kind),
            "description": _text(component, "description"),
            "start": start,
            "end": end,
            "all_day": start_is_date,
            "timezone": zone,
            "rule": rule,
            "state": {"CANCELLED": "cancelled", "TENTATIVE": "tentative"}.get(status, "confirmed"),
            "place": "" if location_is_link else location[:300],
            "online_url": location[:500] if location_is_link else "",
            "link": _text(component, "url")[:500],
        }
        organizer = component.get("organizer")
        if organizer is not None:
            name = str(getattr(organizer, "params", {}).get("CN", "")).strip()
            found = self.lookup.organization(name) if name else None
            if found is not None:
                values["organizer"] = found
        relations: dict[str, list[Any]] = {
            "countries": [
                c
                for c in (
                    self.lookup.country(code)
                    for code in _text(component, COUNTRIES_PROPERTY).split(",")
                    if code.strip()
                )
                if c is not None
            ],
            "lever_issues": [
                i
                for i in (
                    self.lookup.issue(slug)
                    for slug in _text(component, ISSUES_PROPERTY).split(",")
                    if slug.strip()
                )
                if i is not None
            ],
        }
        sequence_text = _text(component, "sequence")
        sequence = int(sequence_text) if sequence_text.isdigit() else 0
        return self.plan(uid, title, line, values, relations, sequence)

    def plan(
        self,
        uid: str,
        title: str,
        line: int,
        values: dict[str, Any],
        relations: dict[str, list[Any]],
        sequence: int,
    ) -> Planned:
        existing = Event.objects.filter(uid=uid).first()
        if existing is None:
            return Planned(uid, title, line, "add", values, relations)
        if not permissions.can_change(self.user, existing):
            self.problem(
                line,
                "UID",
                f"{uid} is the event “{existing.title}”, which you may not change",
            )
            return Planned(uid, title, line, "unchanged", existing=existing)
        if sequence and sequence < existing.sequence:
            self.warn(line, "SEQUENCE", "older than the stored event; kept as it is")
            return Planned(uid, title, line, "unchanged", existing=existing)
        changed = any(getattr(existing, k) != values[k] for k in COMPARED) or (
            "organizer" in values and existing.organizer_id != values["organizer"].pk
        )
        changed_relations = {
            name: objects
            for name, objects in relations.items()
            if objects and set(getattr(existing, name).all()) != set(objects)
        }
        if not changed and not changed_relations:
            return Planned(uid, title, line, "unchanged", existing=existing)
        values.pop("uid")
        return Planned(uid, title, line, "update", values, changed_relations, existing)


def import_ics(
    data: bytes | str,
    *,
    source: str,
    user: Any,
    commit: bool = False,
    default_kind: str = Kind.CONFERENCE,
    default_timezone: str = "UTC",
) -> IcsReport:
    """Check ``data`` and plan its import; with ``commit``, write the plan if it is clean."""
    report = IcsReport(source)
    if not (permissions.can_contribute(user) or permissions.is_editor(user)):
        report.problems.append(Problem(1, "file", "you may not contribute events"))
        return report
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        report.problems.append(Problem(1, "file", f"not UTF-8 text ({exc.reason})"))
        return report
    try:
        roots = layout(text)
        parsed = Calendar.from_ical(text, multiple=True)
    except LayoutError as exc:
        report.problems.append(Problem(exc.line, "file", exc.message))
        return report
    except ValueError as exc:
        report.problems.append(Problem(1, "file", f"not an iCalendar file: {exc}"))
        return report
    places = [c for root in roots for c in root.walk("VEVENT")]
    components = [c for calendar in parsed for c in calendar.walk("VEVENT")]
    if len(places) != len(components):
        report.problems.append(Problem(1, "file", "the events could not be told apart"))
        return report
    reader = _Reader(user, default_kind, default_timezone)
    seen: dict[str, int] = {}
    for component, where in zip(components, places, strict=True):
        planned = reader.read(component, where)
        if planned is None:
            continue
        if planned.uid in seen:
            reader.problem(
                where.line_of("UID"),
                "UID",
                f"{planned.uid} is also used on line {seen[planned.uid]}",
            )
            continue
        seen[planned.uid] = where.line
        report.planned.append(planned)
    if not places:
        reader.warn(1, "file", "the file holds no event")
    report.problems, report.warnings = reader.problems, reader.warnings
    if commit and report.ok:
        _write(report, user)
    return report


def _write(report: IcsReport, user: Any) -> None:
    try:
        with transaction.atomic():
            for planned in report.planned:
                if planned.action == "unchanged":
                    continue
                target = planned.existing or Event()
                SaveContribution(user, target, planned.values, planned.relations).execute()
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.problems.append(Problem(1, "file", "; ".join(messages)))
        return
    report.committed = True


REDIRECTS = 5  # hops followed at most, each checked like the first address


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to the checked ``address``; the Host header keeps the name."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to the checked ``address``; Host, SNI and the certificate's
    name are those of the URL's host."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float) -> None:
        self.tls = _tls_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _pin(url: str) -> tuple[urllib.parse.SplitResult, str]:
    """The URL's parts and the one address it will be fetched from, looked up once.

    Refused unless http(s), and, unless ``ASMHUB_ICS_ALLOW_PRIVATE_URLS``, when any
    address of the host is not global (loopback, private, link-local...). The connection
    then goes to that address, so a second lookup cannot answer differently.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IcsError("give an http:// or https:// address")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except ValueError as exc:
        raise IcsError(f"{url}: {exc}") from exc
    except OSError as exc:
        raise IcsError(f"{parts.hostname}: the address cannot be found") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise IcsError(f"{parts.hostname}: the address cannot be found")
    if not settings.ASMHUB_ICS_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise IcsError(f"{parts.hostname} is on a private network; it is not fetched")
    return parts, addresses[0]


def fetch(url: str) -> bytes:
    """The body of an http(s) URL, refused when too large, slow, or on a private network.

    Each address (the first and every redirect's) is looked up once, checked, and
    connected to as checked: a name that answers differently on a second lookup (DNS
    rebinding) is never looked up a second time.
    """
    limit = settings.ASMHUB_ICS_MAX_BYTES
    current = url
    for _hop in range(REDIRECTS + 1):
        parts, address = _pin(current)
        kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
        connection = kind(parts.hostname or "", parts.port, address, timeout=15)
        target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            connection.request("GET", target, headers={"User-Agent": "ASM Hub calendar import"})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                current = urllib.parse.urljoin(current, location)
                continue
            if response.status != 200:
                raise IcsError(f"{current}: HTTP Error {response.status}: {response.reason}")
            body: bytes = response.read(limit + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise IcsError(f"{current}: {exc}") from exc
        finally:
            connection.close()
        if len(body) > limit:
            raise IcsError(f"{current}: larger than {limit:,} bytes")
        return body
    raise IcsError(f"{url}: more than {REDIRECTS} redirects")
