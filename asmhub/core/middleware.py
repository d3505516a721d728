"""Request and response middleware of the site shell.

``RejectNulCharactersMiddleware`` refuses request parameters that no database can
store: PostgreSQL text cannot hold NUL (U+0000) characters; a parameter carrying one
would fail deep inside a query. It is refused at the door instead: 422 with the
parameter named for the API, 400 for pages.

``PermissionsPolicyMiddleware`` says on every response which browser features its pages
may use (``Permissions-Policy``, from ``settings.PERMISSIONS_POLICY``): none of the pages
asks for the camera, the microphone, the visitor's location, payment or devices, so
those are denied.

``SiteAddressMiddleware`` remembers the address each request was served at, so that
links written into files and e-mails during it (``core.services.site_url``) point where
the visitor is, unless ``ASMHUB_SITE_URL`` fixes the address once for all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from asmhub.core.services import served_origin


def _nul_parameter(request: HttpRequest) -> str | None:
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for params in sources:
        for key, values in params.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "\\0")
    return None


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _nul_parameter(request)
        if name is None:
            return self.get_response(request)
        message = f"parameter '{name}' contains a NUL character"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=422)
        return HttpResponseBadRequest(message)


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """The header value of ``{feature: [allowlist]}``: ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class SiteAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = served_origin.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            served_origin.reset(token)
