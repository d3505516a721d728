from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.accounts.models import User
from asmhub.core import personal_data


class Command(BaseCommand):
    help = (
        "Export a person's personal data as one JSON document, or erase it on request. "
        "PERSON is a directory person's slug or id; --user names a platform account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["export", "erase"])
        parser.add_argument("person", nargs="?", help="slug or id of the directory person")
        parser.add_argument("--user", help="username of the platform account")
        parser.add_argument("--output", help="export: write the JSON here, not to stdout")
        parser.add_argument(
            "--reason", default="", help="erase: the reference of the request (required)"
        )
        parser.add_argument(
            "--as",
            dest="actor",
            help="act as this account (a secretariat administrator); recorded in the audit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            subject = personal_data.find_subject(options["person"], options["user"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"--as: no account named {options['actor']!r}")
        try:
            if options["operation"] == "export":
                self._export(actor, subject, options["output"])
            else:
                self._erase(actor, subject, options["reason"])
        except (PermissionDenied, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, actor: Any, subject: personal_data.Subject, output: str | None) -> None:
        document = personal_data.export(actor, subject)
        if output:
            Path(output).write_text(document, encoding="utf-8")
            self.stderr.write(f"written to {output}")
        else:
            self.stdout.write(document)

    def _erase(self, actor: Any, subject: personal_data.Subject, reason: str) -> None:
        action = personal_data.ErasePersonalData(actor, subject, reason)
        action.execute()
        counts = ", ".join(f"{k} {v}" for k, v in action.counts.items() if v)
        self.stdout.write(self.style.SUCCESS(f"erased: {counts}"))
