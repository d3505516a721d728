"""Whole pages for anonymous visitors, kept until the data they show changes.

A public page is the same for every visitor who is not signed in, so the first anonymous
visitor's page is kept in the cache and given to the next ones. What makes this safe:

- **Who.** Only requests without a session, a pending message or an ``Authorization``
  header, by GET or HEAD, outside ``/api/``, ``/admin/`` and ``/accounts/``, use or fill
  the cache. Signing in creates a session, so a signed-in visitor never reads it.
- **What.** Only an HTML page answered 200 at an address without a file extension
  (downloads, feeds and data are not pages) is kept, and only when it set no cookie, used no CSRF
  token (the base template reads the token from its cookie in the page's script; a page
  whose own form carries one is not kept), and did not say ``private`` or ``no-store``.
- **Until when.** The key holds the path and query, the language, the host, the day, the
  htmx headers and every app's data version (``core.dataversions``): a write to any
  app's tables makes a new key, so a published, edited or withdrawn record shows at the
  next request; nothing needs to be deleted.

Kept pages carry an ``ETag`` and ``Last-Modified`` (a conditional GET is answered 304)
and ``Cache-Control: public, max-age`` so that a proxy may serve them for that long.
Answers to signed-in visitors say ``private, no-store``. ``ASMHUB_PAGE_CACHE=false``
turns the cache off (the headers stay).
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

from asmhub.core import dataversions

EXCLUDED = ("/api/", "/admin/", "/accounts/", "/i18n/", "/healthz", "/csrf/", "/static/")
FILE = re.compile(r"\.[A-Za-z0-9]{1,8}$")
MAX_BYTES = 2_000_000
VARY = ("Cookie", "Accept-Language", "HX-Request", "HX-Target")
_KEPT_HEADERS_SKIPPED = {"set-cookie", "etag", "last-modified", "cache-control", "vary"}


def is_anonymous_request(request: HttpRequest) -> bool:
    """Whether nothing in the request names a visitor: no session, message or credential."""
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def cacheable_request(request: HttpRequest) -> bool:
    if not (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(EXCLUDED)
        and is_anonymous_request(request)
    ):
        return False
    if FILE.search(request.path):  # downloads, feeds and data files: not pages
        return False
    try:
        resolve(request.path_info)
    except Resolver404:  # unknown addresses are not kept (nor the data versions read)
        return False
    return True


def page_key(request: HttpRequest) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        timezone.localdate().isoformat(),
        dataversions.key_of(dataversions.tokens()),
    ]
    return "asmhub-page:" + hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether the answer holds nothing of one visitor and may be given to any."""
    # A page that used a CSRF token sets (renews) the token's cookie, so it is never kept.
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # Pages only: other answers (the SMS tax check's text, data) may be throttled per call.
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    control = response.get("Cache-Control", "").lower()
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    return len(response.content) <= MAX_BYTES


def _public_headers(response: HttpResponse, etag: str, modified: float) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=settings.ASMHUB_PAGE_CACHE_SECONDS)
    patch_vary_headers(response, VARY)


def _conditional(
    request: HttpRequest, etag: str, modified: float, response: HttpResponse
) -> HttpResponse:
    """``response``, or 304 Not Modified when the request's validators still match."""
    answer = get_conditional_response(
        request, etag=etag, last_modified=int(modified), response=response
    )
    return response if answer is None else answer


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cacheable_request(request):
            response = self.get_response(request)
            if not response.has_header("Cache-Control"):
                if is_anonymous_request(request):
                    patch_cache_control(response, private=True, no_cache=True)
                else:
                    patch_cache_control(response, private=True, no_store=True)
            return response
        key = page_key(request) if settings.ASMHUB_PAGE_CACHE else ""
        if key:
            kept: dict[str, Any] | None = cache.get(key)
            if kept is not None:
                return self._from_kept(request, kept)
        response = self.get_response(request)
        if not storable(request, response):
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response
        etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
        modified = time.time()
        if key:
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in _KEPT_HEADERS_SKIPPED
            }
            cache.set(
                key,
                {
                    "content": response.content,
                    "headers": headers,
                    "etag": etag,
                    "modified": modified,
                },
                settings.ASMHUB_PAGE_CACHE_SECONDS * 10,
            )
        _public_headers(response, etag, modified)
        return _conditional(request, etag, modified, response)

    def _from_kept(self, request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
        response = HttpResponse(kept["content"])
        for name, value in kept["headers"].items():
            response[name] = value
        _public_headers(response, kept["etag"], kept["modified"])
        response["X-Cache"] = "hit"
        return _conditional(request, kept["etag"], kept["modified"], response)
