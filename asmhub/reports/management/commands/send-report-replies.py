from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from asmhub.reports import services


class Command(BaseCommand):
    help = (
        "Hand the waiting replies to reporters to the SMS gateway backend "
        "(ASMHUB_REPORTS_SMS_BACKEND), dropping each number once sent, and drop SMS "
        "exchanges left unfinished for a day. Run it every few minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.deliver()
        dropped = services.drop_abandoned()
        self.stdout.write(f"sent {sent} replies; dropped {dropped} unfinished exchanges")
