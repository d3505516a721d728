from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from asmhub.accounts.auth import SIGNED_IN, signed_in
from asmhub.core import permissions
from asmhub.core.api_schemas import answers

router = Router(tags=["accounts"], auth=SIGNED_IN)


class MeOut(Schema):
    username: str
    name: str
    organization: str | None
    roles: list[str]
    can_contribute: bool
    is_editor: bool
    can_view_contact_details: bool


@router.get(
    "/me",
    response=answers(MeOut),
    summary="The signed-in user, their organization and roles",
)
def me(request: HttpRequest) -> Any:
    user = signed_in(request)
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "organization": user.organization.slug if user.organization else None,
        "roles": user.roles(),
        "can_contribute": permissions.can_contribute(user),
        "is_editor": permissions.is_editor(user),
        "can_view_contact_details": permissions.can_view_contact_details(user),
    }
