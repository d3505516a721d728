"""Importing .ics files: checked whole, refused with the line, written at once, by UID."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from asmhub.calendar import ical, importers, services
from asmhub.calendar.importers import IcsError, fetch, import_ics
from asmhub.calendar.models import Event, Kind
from asmhub.calendar.tests.conftest import NEW_YORK, timed
from asmhub.core.models import AuditEntry, Status

pytestmark = pytest.mark.django_db


def ics(*events: str) -> str:
    body = "".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{body}END:VCALENDAR\r\n"


def vevent(uid: str = "a@example.org", summary: str = "Workshop", **extra: str) -> str:
    lines = {"UID": uid, "SUMMARY": summary, "DTSTART": "20261109T140000Z"}
    lines |= {k.replace("_", "-"): v for k, v in extra.items()}
    body = "".join(f"{k}:{v}\r\n" if ":" not in k else f"{k}{v}\r\n" for k, v in lines.items())
    return f"BEGIN:VEVENT\r\n{body}END:VEVENT\r\n"


NEW_YORK_FILE = ics(
    "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\nDTSTART:20071104T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
    "END:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\n"
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
    "END:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
    "BEGIN:VEVENT\r\nUID:ppa-2020@example.org\r\nSUMMARY:PPA member meeting\r\n"
    "DTSTART;TZID=America/New_York:20201109T090000\r\n"
    "DTEND;TZID=America/New_York:20201109T123000\r\n"
    "LOCATION:https://meet.example.org/ppa\r\nCATEGORIES:Member meeting\r\n"
    "STATUS:CONFIRMED\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:survey-2020@example.org\r\nSUMMARY:Survey closes\r\n"
    "DTSTART;VALUE=DATE:20201127\r\nEND:VEVENT\r\n"
)


def test_a_clean_file_imports_its_events_in_their_time_zones(owner: Any) -> None:
    report = import_ics(NEW_YORK_FILE, source="ppa.ics", user=owner, commit=True)
    assert report.ok and report.committed, report.problems
    meeting = Event.objects.get(uid="ppa-2020@example.org")
    assert meeting.timezone == "America/New_York"
    assert meeting.start == dt.datetime(2020, 11, 9, 14, 0, tzinfo=dt.UTC)
    assert meeting.end == dt.datetime(2020, 11, 9, 17, 30, tzinfo=dt.UTC)
    assert meeting.kind == Kind.MEMBER_MEETING  # from CATEGORIES
    assert meeting.online_url == "https://meet.example.org/ppa" and meeting.place == ""
    assert meeting.status == Status.DRAFT  # a member's import waits for an editor
    assert meeting.owner_organization == owner.organization
    survey = Event.objects.get(uid="survey-2020@example.org")
    assert survey.all_day and survey.last_day == dt.date(2020, 11, 27)
    assert AuditEntry.objects.filter(action="create").count() == 2


def test_a_dry_run_writes_nothing_and_says_what_it_would_do(owner: Any) -> None:
    report = import_ics(NEW_YORK_FILE, source="ppa.ics", user=owner)
    assert report.ok and not report.committed
    assert [p.action for p in report.planned] == ["add", "add"]
    assert report.summary() == "ppa.ics: would import (dry run): 2 new, 0 updated, 0 unchanged"
    assert Event.objects.count() == 0


def test_importing_again_updates_by_uid_and_never_duplicates(owner: Any) -> None:
    import_ics(NEW_YORK_FILE, source="ppa.ics", user=owner, commit=True)
    again = import_ics(NEW_YORK_FILE, source="ppa.ics", user=owner, commit=True)
    assert [p.action for p in again.planned] == ["unchanged", "unchanged"]
    moved = NEW_YORK_FILE.replace("20201109T090000", "20201109T100000")
    report = import_ics(moved, source="ppa.ics", user=owner, commit=True)
    assert [p.action for p in report.planned] == ["update", "unchanged"]
    meeting = Event.objects.get(uid="ppa-2020@example.org")
    assert meeting.start.hour == 15 and meeting.sequence == 1
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "line", "field", "says"),
    [
        (ics(vevent(), vevent(uid="", summary="No id")), 9, "UID", "no UID"),
        (ics(vevent(DTEND="20261109T130000Z")), 8, "DTEND", "ends"),
        (ics(vevent(DTSTART="2026-11-09")), 7, "DTSTART", "cannot be read"),
        (ics(vevent(), vevent()), 10, "UID", "also used on line 4"),
        (ics(vevent(RRULE="FREQ=SOMETIMES")), 8, "RRULE", "recurrence rule"),
        (ics(vevent(RRULE="FREQ=SECONDLY")), 8, "RRULE", "FREQ=SECONDLY repeats more often"),
        (ics(vevent(RRULE="FREQ=MINUTELY;COUNT=5")), 8, "RRULE", "FREQ=MINUTELY repeats"),
        (ics(vevent(), vevent("b@x", RRULE="FREQ=HOURLY")), 13, "RRULE", "FREQ=HOURLY repeats"),
        (ics(vevent(summary="")), 6, "SUMMARY", "no title"),
        (ics(vevent()).replace("END:VEVENT\r\n", ""), 8, "file", "closes BEGIN:VEVENT"),
        (ics(vevent())[:-15], 1, "file", "never closed"),
        ("BEGIN:VCALENDAR\r\nthis line is broken\r\nEND:VCALENDAR\r\n", 2, "file", "content line"),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_nothing_is_written(
    editor: Any, text: str, line: int, field: str, says: str
) -> None:
    report = import_ics(text, source="bad.ics", user=editor, commit=True)
    assert not report.ok and not report.committed
    assert any(
        p.line == line and p.field == field and says in p.message for p in report.problems
    ), [p.where("bad.ics") for p in report.problems]
    assert Event.objects.count() == 0


def test_an_error_in_the_third_event_keeps_the_first_two_out(editor: Any) -> None:
    text = ics(vevent("1@x"), vevent("2@x"), vevent("3@x", DTEND="20200101T000000Z"))
    report = import_ics(text, source="three.ics", user=editor, commit=True)
    assert [p.where("three.ics") for p in report.problems] == [
        "three.ics:18: DTEND: the event ends (2020-01-01 00:00) before it starts (2026-11-09 14:00)"
    ]
    assert Event.objects.count() == 0


def test_a_uid_of_another_organization_is_refused(owner: Any, outsider: Any) -> None:
    timed(
        "Theirs",
        dt.datetime(2026, 11, 9, 9, tzinfo=NEW_YORK),
        dt.datetime(2026, 11, 9, 10, tzinfo=NEW_YORK),
        uid="a@example.org",
        owner_organization=outsider.organization,
    )
    report = import_ics(ics(vevent()), source="x.ics", user=owner, commit=True)
    assert report.problems[0].field == "UID" and "may not change" in report.problems[0].message
    assert Event.objects.get(uid="a@example.org").title == "Theirs"


def test_visitors_may_not_import() -> None:
    report = import_ics(ics(vevent()), source="x.ics", user=AnonymousUser(), commit=True)
    assert not report.ok and Event.objects.count() == 0


def test_our_own_feed_imports_back_to_the_same_events(editor: Any) -> None:
    first = timed(
        "Monthly call",
        dt.datetime(2026, 1, 6, 10, tzinfo=NEW_YORK),
        dt.datetime(2026, 1, 6, 11, tzinfo=NEW_YORK),
        kind=Kind.WEBINAR,
        rule="FREQ=MONTHLY;BYDAY=1TU",
        place="Online",
    )
    feed = ical.write_feed(services.select(AnonymousUser(), {}), "Ours")
    expected = {f: getattr(first, f) for f in ("uid", "title", "kind", "start", "end", "timezone")}
    Event.objects.all().delete()
    report = import_ics(feed, source="ours.ics", user=editor, commit=True)
    assert report.ok, report.problems
    back = Event.objects.get()
    assert {f: getattr(back, f) for f in expected} == expected
    assert back.rule == "FREQ=MONTHLY;BYDAY=1TU"
    again = import_ics(feed, source="ours.ics", user=editor)
    assert [p.action for p in again.planned] == ["unchanged"]


class _Served(http.server.BaseHTTPRequestHandler):
    """Answers /moved with a redirect to the address in ``server.redirect``, else a file."""

    def do_GET(self) -> None:
        self.server.hosts.append(self.headers["Host"])  # type: ignore[attr-defined]
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", self.server.redirect)  # type: ignore[attr-defined]
            self.end_headers()
            return
        body = ics(vevent()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A resolver that answers from ``answers`` (one list per name, taken in turn) and
    connections that record the address asked for and reach a local server instead."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Served)
    server.hosts = []  # type: ignore[attr-defined]
    server.redirect = ""  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state: dict[str, Any] = {
        "answers": {},
        "lookups": [],
        "connected": [],
        "server": server,
    }

    def resolve(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        state["lookups"].append(host)
        address = state["answers"][host].pop(0)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        state["connected"].append(address)
        local = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        local.settimeout(5)
        local.connect(server.server_address[:2])
        return local

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    yield state
    server.shutdown()
    server.server_close()


def test_a_url_is_fetched_from_the_address_checked_not_a_second_lookup(
    network: dict[str, Any],
) -> None:
    # DNS rebinding: a public address for the check, then loopback for the fetch.
    network["answers"]["calendar.example.org"] = ["93.184.216.34", "127.0.0.1"]
    body = fetch("http://calendar.example.org/events.ics")
    assert b"BEGIN:VEVENT" in body
    assert network["connected"] == [("93.184.216.34", 80)]
    assert network["lookups"] == ["calendar.example.org"]
    assert network["server"].hosts == ["calendar.example.org"]


def test_every_redirect_is_checked_and_fetched_from_its_checked_address(
    network: dict[str, Any],
) -> None:
    network["answers"] |= {
        "calendar.example.org": ["93.184.216.34", "127.0.0.1"],
        "mirror.example.org": ["93.184.216.35", "127.0.0.1"],
        "intranet.example.org": ["10.0.0.5"],
    }
    network["server"].redirect = "http://mirror.example.org:8080/events.ics"
    assert b"BEGIN:VEVENT" in fetch("http://calendar.example.org/moved")
    assert network["connected"] == [("93.184.216.34", 80), ("93.184.216.35", 8080)]
    assert network["lookups"] == ["calendar.example.org", "mirror.example.org"]
    network["answers"]["feeds.example.org"] = ["93.184.216.36"]
    network["server"].redirect = "http://intranet.example.org/events.ics"
    network["connected"].clear()
    with pytest.raises(IcsError, match=r"intranet\.example\.org is on a private network"):
        fetch("http://feeds.example.org/moved")
    assert network["connected"] == [("93.184.216.36", 80)]  # the redirect is not followed
    assert network["server"].hosts[-1] == "feeds.example.org"


def test_https_connects_to_the_checked_address_with_the_name_for_tls(
    network: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    names: list[str | None] = []

    class Context(ssl.SSLContext):
        def wrap_socket(self, sock: Any, *args: Any, server_hostname: Any = None, **kw: Any) -> Any:
            names.append(server_hostname)
            sock.close()
            raise ssl.SSLError("stopped by the test")

    monkeypatch.setattr(importers, "_tls_context", lambda: Context(ssl.PROTOCOL_TLS_CLIENT))
    network["answers"]["calendar.example.org"] = ["93.184.216.34", "127.0.0.1"]
    with pytest.raises(IcsError, match="stopped by the test"):
        fetch("https://calendar.example.org/events.ics")
    assert network["connected"] == [("93.184.216.34", 443)]
    assert names == ["calendar.example.org"]
