from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.accounts.models import User
from asmhub.calendar.forms import timezone_choices
from asmhub.calendar.importers import IcsError, fetch, import_ics
from asmhub.calendar.models import Kind


class Command(BaseCommand):
    help = (
        "Import calendar events from an iCalendar (.ics) file or http(s) URL, as a user. "
        "A file with any problem is refused whole; an event imported again (same UID) is updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="A path or an http(s) URL")
        parser.add_argument("--as", dest="username", required=True, help="The importing user")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing"
        )
        parser.add_argument("--kind", default=Kind.CONFERENCE, choices=Kind.values)
        parser.add_argument(
            "--timezone", default="UTC", help="Time zone of times given without one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}")
        if options["timezone"] not in dict(timezone_choices()):
            raise CommandError(f"Unknown time zone {options['timezone']!r}")
        source: str = options["source"]
        try:
            if source.startswith(("http://", "https://")):
                data = fetch(source)
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"No such file: {source}")
                data = path.read_bytes()
        except IcsError as exc:
            raise CommandError(str(exc)) from exc
        report = import_ics(
            data,
            source=source,
            user=user,
            commit=not options["dry_run"],
            default_kind=options["kind"],
            default_timezone=options["timezone"],
        )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning.where(source)}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem.where(source))
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
