from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from asmhub.accounts.services import ensure_demo_admin


class Command(BaseCommand):
    help = "Set up the demo platform (database, taxonomy, demo data, administrator) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="Where to serve (default 127.0.0.1:8000)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Set up only; do not start the server"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        call_command("load-taxonomy", verbosity=1, stdout=self.stdout)
        call_command("load-demo", verbosity=1, stdout=self.stdout)
        user, password = ensure_demo_admin()
        if password:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo administrator: username '{user.username}', password '{password}' (shown once)"
                )
            )
        else:
            self.stdout.write(
                f"Demo administrator '{user.username}' exists already; its password is unchanged "
                "(asmhub changepassword admin sets a new one)."
            )
        if options["no_serve"]:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Serving ASM Hub on http://{options['addrport']}/ (Ctrl-C stops)")
        )
        call_command("runserver", options["addrport"], use_reloader=False, use_threading=True)
