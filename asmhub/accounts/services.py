"""Accounts: roles as groups, API tokens, and the demo administrator."""

from __future__ import annotations

import contextlib
import secrets
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from asmhub.accounts.models import ApiToken, User, hash_token

ROLES_FILE = Path(__file__).resolve().parent / "data" / "roles.yaml"


def role_definitions() -> list[dict[str, Any]]:
    roles: list[dict[str, Any]] = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))["roles"]
    return roles


@transaction.atomic
def sync_roles() -> dict[str, int]:
    """Make each role's group hold exactly the permissions roles.yaml lists."""
    result = {}
    for role in role_definitions():
        group, _ = Group.objects.get_or_create(name=role["name"])
        perms = []
        for dotted in role["permissions"]:
            app_label, codename = dotted.split(".", 1)
            try:
                perms.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )
            except Permission.DoesNotExist:
                raise ValueError(
                    f"roles.yaml: role {role['name']}: unknown permission {dotted}"
                ) from None
        group.permissions.set(perms)
        result[role["name"]] = len(perms)
    return result


def sync_roles_after_migrate(**kwargs: Any) -> None:
    # Permissions of apps migrated later in the same run may not exist yet; try quietly,
    # the last app's post_migrate (or ``asmhub load-taxonomy``) completes the sync.
    with contextlib.suppress(ValueError):
        sync_roles()


def assign_role(user: User, role: str) -> None:
    names = {r["name"] for r in role_definitions()}
    if role not in names:
        raise ValueError(f"unknown role {role!r}: use one of {', '.join(sorted(names))}")
    user.groups.add(Group.objects.get(name=role))


def authenticate_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None; records when it was used."""
    if not raw.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or token.expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# The organization the demo administrator works for: the network's secretariat.
DEMO_SECRETARIAT = "casm-secretariat"


def ensure_demo_admin(username: str = "admin") -> tuple[User, str | None]:
    """Create the demo secretariat administrator; return it and its new password.

    The administrator belongs to the secretariat's organization (when the demo data holds
    it), so that it can do what members do for it, such as organizing a convening. When
    the user exists already, its password is left alone and None is returned.
    """
    from asmhub.directory.models import Organization

    secretariat = Organization.objects.filter(slug=DEMO_SECRETARIAT).first()
    user = User.objects.filter(username=username).first()
    if user is not None:
        if user.organization_id is None and secretariat is not None:
            user.organization = secretariat
            user.save(update_fields=["organization"])
        return user, None
    password = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(
        username=username,
        email="admin@asmhub.localhost",
        password=password,
        organization=secretariat,
    )
    assign_role(user, "secretariat-admin")
    return user, password
