from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from asmhub.accounts.models import User
from asmhub.accounts.services import assign_role
from asmhub.directory.models import Organization


class Command(BaseCommand):
    help = "Give a user a role (member, editor, secretariat-admin) and optionally an organization."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role")
        parser.add_argument("--organization", help="Slug of the user's organization")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}")
        try:
            assign_role(user, options["role"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["organization"]:
            org = Organization.objects.filter(slug=options["organization"]).first()
            if org is None:
                raise CommandError(f"No organization with slug {options['organization']!r}")
            user.organization = org
            user.save(update_fields=["organization"])
        self.stdout.write(
            self.style.SUCCESS(f"{user.username} now has the role {options['role']}.")
        )
