"""How API clients authenticate: a bearer token, the browser session, or nobody.

Read endpoints accept all three (``PUBLIC``); anonymous callers see only public
data. Write endpoints need a token or a session (``SIGNED_IN``); session writes
are CSRF-checked by django-ninja's session auth. A token that is present but
wrong is refused with 401 rather than treated as anonymous.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from asmhub.accounts.models import User
from asmhub.accounts.services import authenticate_token


def signed_in(request: HttpRequest) -> User:
    """The account of a request that only signed-in users reach (``login_required``, or
    ``SIGNED_IN`` on the API): a typed ``User`` rather than ``User | AnonymousUser``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal API token (Authorization: Bearer asmh_...), made on the account page."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is None:
            raise AuthenticationError(401, "Invalid or expired API token")
        request.user = user
        return user


def anonymous(request: HttpRequest) -> Any:
    if not request.user.is_authenticated:
        request.user = AnonymousUser()
    return request.user or True


token_auth = TokenAuth()
PUBLIC = [token_auth, django_auth, anonymous]
SIGNED_IN = [token_auth, django_auth]
