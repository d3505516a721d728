"""Reports by SMS through the signed webhook: the guided exchange, keywords and bad input."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from asmhub.core.models import AuditEntry
from asmhub.reports import protect, services
from asmhub.reports.models import Conversation, InboundMessage, Outbound, Report
from asmhub.reports.tests.conftest import NUMBER, Phone, signed

pytestmark = pytest.mark.django_db


def _exchange(phone: Phone, keyword: str, where: str = "kamituga ") -> list[Any]:
    return [
        phone.send(f"{keyword} Soldiers took gold at the pit"),
        phone.send(where),
        phone.send("12/03/2024"),
        phone.send("FARDC"),
        phone.send("3"),
    ]


def test_a_guided_exchange_in_french_writes_a_report_and_replies_with_its_reference(
    client: Client, monitoring: dict[str, Any]
) -> None:
    answers = _exchange(Phone(client), "SIGNALER")
    assert [a.status_code for a in answers] == [200] * 5
    assert "Où?" in answers[0].json()["reply"]
    report = Report.objects.get()
    assert report.channel == "sms" and report.language == "fr"
    assert report.site == monitoring["kamituga"]
    assert report.text == "Soldiers took gold at the pit"
    assert str(report.happened_on) == "2024-03-12" and report.actor == "FARDC"
    assert report.risk_category.slug == "security-forces"
    assert report.number_hash == protect.number_hash(NUMBER)
    assert NUMBER not in report.number_sealed and protect.unseal(report.number_sealed) == NUMBER
    last = answers[-1].json()["reply"]
    assert f"Votre référence est {report.reference}" in last and len(last) <= 160
    assert not Conversation.objects.exists()
    # every answer went out through the outbox, and no number stays there once sent
    assert Outbound.objects.filter(sent_at=None).count() == 5
    assert services.deliver() == 5
    assert [text for number, text in services.SENT][-1] == last
    assert {number for number, _text in services.SENT} == {NUMBER}
    assert not Outbound.objects.exclude(number="").exists()
    assert AuditEntry.objects.filter(action="report:received", target_id=str(report.pk)).exists()


def test_swahili_keywords_answer_in_swahili_and_a_place_or_coordinates_are_kept(
    client: Client, monitoring: dict[str, Any]
) -> None:
    answers = _exchange(Phone(client), "RIPOTI", where="-1.5, 28.9")
    assert "Wapi?" in answers[0].json()["reply"]
    assert "Imepokelewa" in answers[-1].json()["reply"]
    report = Report.objects.get()
    assert (report.latitude, report.longitude, report.site) == (-1.5, 28.9, None)
    assert report.language == "sw"
    _exchange(Phone(client, "+243990009999"), "RIPOTI", where="Kwa Mzee")
    assert Report.objects.get(place="Kwa Mzee").site is None


def test_status_and_stop_keywords(client: Client, monitoring: dict[str, Any]) -> None:
    phone = Phone(client)
    _exchange(phone, "SIGNALER")
    reference = Report.objects.get().reference
    assert "enregistré" in phone.send(f"STATUT {reference}").json()["reply"]
    assert "Hakuna ripoti RXXXXXX" in phone.send("HALI RXXXXXX").json()["reply"]
    phone.send("SIGNALER")
    assert Conversation.objects.exists()
    assert "Annulé" in phone.send("ANNULER").json()["reply"]
    assert not Conversation.objects.exists() and Report.objects.count() == 1


def test_bad_answers_are_asked_again_and_unknown_words_get_the_usage(
    client: Client, monitoring: dict[str, Any]
) -> None:
    phone = Phone(client)
    assert "Envoyez SIGNALER" in phone.send("hello there").json()["reply"]
    phone.send("SIGNALER something happened")
    phone.send("Kamituga")
    assert "pas une date" in phone.send("sometime").json()["reply"]
    assert "pas une date" in phone.send("01/01/2999").json()["reply"]  # the future
    phone.send("hier")
    phone.send("0")
    assert "un seul numéro" in phone.send("99").json()["reply"]
    assert not Report.objects.exists()
    phone.send("1")
    assert Report.objects.get().actor == ""


def test_unsigned_wrongly_signed_stale_and_replayed_calls_are_refused(
    client: Client, monitoring: dict[str, Any]
) -> None:
    payload = {"id": "m-1", "from": NUMBER, "text": "SIGNALER"}
    unsigned = signed(client, payload, signature="")
    assert unsigned.status_code == 401 and "Unsigned" in unsigned.json()["error"]
    forged = signed(client, payload, secret="not-the-secret")
    assert forged.status_code == 401 and "Bad signature" in forged.json()["error"]
    stale = signed(client, payload, at=time.time() - 301)
    assert stale.status_code == 403 and "Stale" in stale.json()["error"]
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()
    assert signed(client, payload).status_code == 200
    replayed = signed(client, payload)
    assert replayed.status_code == 409 and "m-1" in replayed.json()["error"]
    assert InboundMessage.objects.count() == 1 and Outbound.objects.count() == 1


def test_the_webhook_refuses_everything_without_a_configured_secret(
    client: Client, settings: Any, monitoring: dict[str, Any]
) -> None:
    settings.ASMHUB_REPORTS_WEBHOOK_SECRET = ""
    answer = signed(client, {"id": "m-1", "from": NUMBER, "text": "SIGNALER"}, secret="")
    assert answer.status_code == 503 and "ASMHUB_REPORTS_WEBHOOK_SECRET" in answer.json()["error"]


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        (b"not json", 400, "not JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"from": "+243990001122", "text": "x"}', 400, "Field id"),
        (b'{"id": "a", "from": "alice", "text": "x"}', 400, "Field from"),
        (b'{"id": "a", "from": "+243990001122", "text": 5}', 400, "Field text"),
        (b'{"id": "a", "from": "+243990001122", "text": "' + b"x" * 5000 + b'"}', 413, "too large"),
    ],
)
def test_malformed_calls_are_refused_naming_the_field(
    client: Client, monitoring: dict[str, Any], payload: bytes, status: int, words: str
) -> None:
    answer = signed(client, payload)
    assert answer.status_code == status and words in answer.json()["error"]
    assert not InboundMessage.objects.exists() and not Outbound.objects.exists()


def test_an_oversized_message_is_refused_and_the_exchange_stays_where_it_was(
    client: Client, monitoring: dict[str, Any]
) -> None:
    phone = Phone(client)
    phone.send("SIGNALER")
    answer = phone.send("x" * 481)
    assert answer.status_code == 413 and "trop long" in answer.json()["reply"]
    assert Conversation.objects.get().step == "what"
    assert phone.send("Theft at the pit").status_code == 200
    assert Conversation.objects.get().answers == {"text": "Theft at the pit"}


def test_a_flood_from_one_number_is_refused_without_stopping_others(
    client: Client, settings: Any, monitoring: dict[str, Any]
) -> None:
    settings.ASMHUB_REPORTS_PER_HOUR = 3
    phone = Phone(client)
    statuses = [phone.send("hello").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refusals = Outbound.objects.filter(text__contains="Trop de messages")
    assert refusals.count() == 1  # told once, not once per message
    assert phone.send("SIGNALER").json()["accepted"] is False
    assert not Conversation.objects.exists()
    assert Phone(client, "+243990007777").send("hello").status_code == 200


def test_the_command_sends_waiting_replies_and_drops_abandoned_exchanges(
    client: Client, monitoring: dict[str, Any]
) -> None:
    import datetime as dt
    import io

    from django.core.management import call_command
    from django.utils import timezone

    Phone(client).send("SIGNALER")
    Phone(client, "+243990004444").send("RIPOTI")
    Conversation.objects.filter(language="sw").update(
        updated_at=timezone.now() - dt.timedelta(hours=25)
    )
    out = io.StringIO()
    call_command("send-report-replies", stdout=out)
    assert out.getvalue().strip() == "sent 2 replies; dropped 1 unfinished exchanges"
    assert len(services.SENT) == 2 and Conversation.objects.get().language == "fr"
    assert not Outbound.objects.exclude(number="").exists()


def test_a_reply_the_gateway_fails_to_take_stays_queued_with_its_number(
    client: Client, settings: Any, monitoring: dict[str, Any]
) -> None:
    Phone(client).send("SIGNALER")
    settings.ASMHUB_REPORTS_SMS_BACKEND = "asmhub.reports.tests.test_sms.gateway_down"
    assert services.deliver() == 0
    assert Outbound.objects.get().number == NUMBER
    settings.ASMHUB_REPORTS_SMS_BACKEND = "memory"
    assert services.deliver() == 1 and Outbound.objects.get().number == ""


def gateway_down(number: str, text: str) -> None:
    raise ConnectionError("the gateway does not answer")
