"""Unsubscribe links: signed tokens that name an address by its keyed hash.

A token is ``Signer.sign_object`` (no timestamp: the same address always gets the same
link) of ``{"l": list, "h": hash}`` (for the alerts, ``h`` is the
account's key) under its own salt, so it
cannot be forged or altered without the site's secret key, and it carries no readable
address. Tokens do not expire: a link in an old newsletter still unsubscribes.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import signing

SALT = "asmhub.outreach.unsubscribe"


class BadToken(Exception):
    """The token was altered, truncated or made with another key."""


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def address_hash(address: str) -> str:
    key = hashlib.sha256(f"{SALT}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, address.strip().lower().encode(), hashlib.sha256).hexdigest()


def make(address: str, list_name: str = "newsletter") -> str:
    return _signer().sign_object({"l": list_name, "h": address_hash(address)}, compress=True)


def make_for_alerts(user_id: int) -> str:
    """The link that turns a user's alert e-mails off: names the account, not the address."""
    return _signer().sign_object({"l": "alerts", "h": str(user_id)}, compress=True)


def make_for_email_follow(follow_id: int, list_name: str = "email-follow") -> str:
    """The link that confirms (``confirm-follow``) or ends (``email-follow``) a follow by
    e-mail address: names the follow, not the address."""
    return _signer().sign_object({"l": list_name, "h": str(follow_id)}, compress=True)


def read(token: str) -> tuple[str, str]:
    """The (list, address hash) a token names (for ``alerts``, the account's key);
    ``BadToken`` for anything else."""
    try:
        data = _signer().unsign_object(token)
    except signing.BadSignature as exc:
        raise BadToken(str(exc)) from exc
    if not isinstance(data, dict) or not {"l", "h"} <= set(data):
        raise BadToken("incomplete token")
    return str(data["l"]), str(data["h"])
