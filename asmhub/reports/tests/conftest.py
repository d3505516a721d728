"""Reports fixtures: the monitoring programme, a configured gateway, a granted officer."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.monitoring.models import ProgrammeGrant
from asmhub.monitoring.tests.conftest import monitoring  # noqa: F401  (a fixture)
from asmhub.reports import protect, services

SECRET = "gateway-shared-secret"
NUMBER = "+243990001122"
INBOUND = reverse("reports:sms-inbound")


@pytest.fixture(autouse=True)
def channel(settings: Any) -> None:
    settings.ASMHUB_REPORTS_WEBHOOK_SECRET = SECRET
    settings.ASMHUB_REPORTS_NUMBER_KEY = "number-key-for-tests"
    settings.ASMHUB_REPORTS_SMS_BACKEND = "memory"
    settings.ASMHUB_REPORTS_PROGRAMME = ""
    services.SENT.clear()


@pytest.fixture
def officer(monitoring: dict[str, Any]) -> User:  # noqa: F811
    """A member of the programme's field team (granted)."""
    organization = make_org("Field team")
    user = make_user("officer", "member", organization)
    ProgrammeGrant.objects.create(programme=monitoring["programme"], organization=organization)
    return user


def signed(
    client: Client,
    payload: dict[str, Any] | bytes,
    *,
    secret: str = SECRET,
    at: float | None = None,
    signature: str | None = None,
) -> Any:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"HTTP_X_TIMESTAMP": str(int(at if at is not None else time.time()))}
    sig = signature if signature is not None else protect.sign(body, secret)
    if sig:
        headers["HTTP_X_SIGNATURE"] = sig
    return client.post(INBOUND, body, content_type="application/json", **headers)


class Phone:
    """A sender talking to the webhook, one signed message at a time."""

    def __init__(self, client: Client, number: str = NUMBER) -> None:
        self.client, self.number, self.n = client, number, 0

    def send(self, text: str) -> Any:
        self.n += 1
        return signed(
            self.client, {"id": f"{self.number}-{self.n}", "from": self.number, "text": text}
        )
