from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import Programme
from asmhub.taxonomy.models import Country


class Command(BaseCommand):
    help = (
        "Create a monitoring programme (the holder of one survey's or scheme's data). "
        "--synthetic marks generated data, which the pages keep apart from real data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The programme's name")
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-2 code, e.g. CD")
        parser.add_argument("--synthetic", action="store_true", help="Its data are generated")
        parser.add_argument("--description", default="", help="What the programme is")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        if not name:
            raise CommandError("The programme's name is empty")
        code = options["country"].strip().upper()
        country = Country.objects.filter(code=code).first()
        if country is None:
            raise CommandError(f"--country: no country with the code {options['country']!r}")
        if Programme.objects.filter(name__iexact=name).exists():
            raise CommandError(f"A programme called {name!r} exists already")
        with transaction.atomic():
            programme = Programme.objects.create(
                name=name,
                country=country,
                is_synthetic=options["synthetic"],
                description=options["description"],
            )
            AuditEntry.record(
                None,
                "create",
                programme,
                {
                    "name": {"from": None, "to": name},
                    "country": {"from": None, "to": code},
                    "is_synthetic": {"from": None, "to": programme.is_synthetic},
                },
            )
        kind = "synthetic programme" if programme.is_synthetic else "programme"
        self.stdout.write(f"Created the {kind} {programme.name!r} ({code}): slug {programme.slug}")
