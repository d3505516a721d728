from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from asmhub.core.management_helpers import demo_loaders


class Command(BaseCommand):
    help = "Load the demo dataset drawn from the seed documents (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, loader in demo_loaders():
            try:
                counts = loader()
            except ValueError as exc:
                raise CommandError(f"{label}: {exc}") from exc
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(f"{label}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
