"""What protects a reporter: the keyed hash of a number, the sealed number, the signed webhook.

``number_hash`` is an HMAC-SHA256 of the number (digits only, with its leading +) under a
key derived from ``ASMHUB_REPORTS_NUMBER_KEY``: the same sender always gives the same
hash, and nobody without the key can go back from the hash to the number by trying
every number. ``seal``/``unseal`` encrypt the number (Fernet, under another key derived
from the same setting) for as long as replies are owed. ``verify_call`` checks a
gateway call: the signature is HMAC-SHA256 of the body with
``ASMHUB_REPORTS_WEBHOOK_SECRET``, the timestamp is at most five minutes old (or ahead).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

MAX_AGE_SECONDS = 300
NUMBER = re.compile(r"\+?\d{6,16}")


class Refused(Exception):
    """A gateway call refused before anything is read or written; ``status`` is the HTTP code."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


def _key(label: str) -> bytes:
    secret = settings.ASMHUB_REPORTS_NUMBER_KEY or settings.SECRET_KEY
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()


def normal_number(number: str) -> str:
    """The number as digits with its leading +, or "" when it is not a phone number."""
    compact = re.sub(r"[\s().-]", "", number or "")
    return compact if NUMBER.fullmatch(compact) else ""


def number_hash(number: str) -> str:
    return hmac.new(_key("number-hash"), number.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key("number-seal")))


def seal(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode() if number else ""


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""


def sign(body: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.ASMHUB_REPORTS_WEBHOOK_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_call(body: bytes, signature: str, timestamp: str, now: float | None = None) -> None:
    """Refuse an unsigned, wrongly signed or stale call; return quietly for a good one."""
    if not settings.ASMHUB_REPORTS_WEBHOOK_SECRET:
        raise Refused("The SMS gateway is not configured (ASMHUB_REPORTS_WEBHOOK_SECRET).", 503)
    if not signature:
        raise Refused("Unsigned call: the X-Signature header is missing.", 401)
    if not hmac.compare_digest(sign(body), signature.strip().lower().removeprefix("sha256=")):
        raise Refused("Bad signature: X-Signature is not HMAC-SHA256 of the body.", 401)
    try:
        sent = float(timestamp)
    except ValueError:
        raise Refused(
            "The X-Timestamp header is missing or not a number of seconds.", 400
        ) from None
    if abs((now if now is not None else time.time()) - sent) > MAX_AGE_SECONDS:
        raise Refused("Stale call: X-Timestamp is more than five minutes from now.", 403)
