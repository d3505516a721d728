"""The SMS endpoint: short plain-text answers, TAX in English, TAXE in French."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.monitoring.tax_sms import fit, read
from asmhub.monitoring.tests.taxdata import body, places, tax

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:sms-tax-check")


@pytest.fixture
def schedule(db: Any) -> None:
    where = places()
    from asmhub.monitoring.tests.taxdata import unit

    unit("cd/haut-uele", "Haut-Uélé")
    saemape = body("saemape", name="SAEMAPE", aliases=["SAESSCAM"])
    tax(
        saemape,
        "5000",
        name="Supervision fee",
        unit="per bag of ore",
        legal_text=(
            "Décret n° 038/2003 du 26 mars 2003 portant Règlement minier, tel que modifié et "
            "complété par le Décret n° 18/024 du 8 juin 2018"
        ),
        is_illustrative=True,
    )
    body(
        "fardc", "army", False, name="FARDC (army)", translations={"fr": {"name": "FARDC (armée)"}}
    )
    body("pnc", "police", False, name="PNC (police)", aliases=["police"])
    body("police-des-mines", "police", False, name="Mining police", aliases=["police des mines"])
    body("m23", "non-state", False, name="M23")
    chief = body("chefferie", "customary", name="Customary chief", aliases=["chef coutumier"])
    tax(chief, "1000", where=where["walikale"], name="Chiefdom tax", base="pit")


def sms(client: Client, text: str, method: str = "get", **extra: str) -> str:
    response = getattr(client, method)(URL, {"text": text, **extra})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    answer = response.content.decode()
    assert 0 < len(answer) <= 160, answer
    return answer


def test_tax_answers_in_english(client: Client, schedule: None) -> None:
    answer = sms(client, "TAX Walikale SAEMAPE 5000 CDF")
    assert answer.startswith(
        "LEGAL: SAEMAPE may levy Supervision fee: up to 5,000 CDF per bag of ore. "
        "(Example amount.) Source: Décret n° 038/2003"
    )


def test_too_much(client: Client, schedule: None) -> None:
    assert sms(client, "tax walikale saesscam 6 000 fc").startswith("TOO MUCH: ")


def test_taxe_answers_in_french(client: Client, schedule: None) -> None:
    answer = sms(client, "TAXE Walikale FARDC 2000 CDF")
    assert answer.startswith("ILLÉGAL: ")
    assert "FARDC (armée)" in answer


def test_the_lang_parameter_chooses_the_language(client: Client, schedule: None) -> None:
    assert "FARDC (armée)" in sms(client, "FARDC 2000", lang="fr")
    assert "FARDC (army)" in sms(client, "TAXE FARDC 2000", lang="en")


def test_a_gateway_may_post_without_a_csrf_token(schedule: None) -> None:
    gateway = Client(enforce_csrf_checks=True)
    assert sms(gateway, "TAX Walikale FARDC 2000 CDF", "post").startswith("ILLEGAL: ")


def test_the_longest_names_are_matched(schedule: None) -> None:
    message = read("TAX police des mines Haut-Uele 3.000 FC")
    assert getattr(message.body, "slug", None) == "police-des-mines"
    assert getattr(message.place, "key", None) == "cd/haut-uele"
    assert (message.amount, message.currency) == (3000, "CDF")
    multi = read("taxe chef coutumier nord kivu walikale 1 000 francs congolais")
    assert (
        getattr(multi.body, "slug", None),
        getattr(multi.place, "key", None),
        multi.amount,
        multi.currency,
    ) == (
        "chefferie",
        "cd/nord-kivu",
        1000,
        "CDF",
    )
    assert multi.language == "fr"


def test_glued_amounts_and_names_with_digits(schedule: None) -> None:
    message = read("TAX M23 Walikale $20")
    assert (getattr(message.body, "slug", None), message.amount, message.currency) == (
        "m23",
        20,
        "USD",
    )
    assert read("TAX SAEMAPE 5000FC").currency == "CDF"
    assert read("TAX SAEMAPE 12,50 USD").amount == pytest.approx(12.5)


def test_a_place_with_its_own_tax(client: Client, schedule: None) -> None:
    assert sms(client, "TAX Walikale chef coutumier 500 CDF").startswith("LEGAL: ")
    assert sms(client, "TAX Masisi chef coutumier 500 CDF").startswith("ILLEGAL: ")


@pytest.mark.parametrize(
    "text", ["", "hello", "TAX", "TAXE 5000 CDF", "TAX Walikale 200", "?" * 5000]
)
def test_unreadable_input_answers_how_to_write(client: Client, schedule: None, text: str) -> None:
    answer = sms(client, text)
    assert "Walikale SAEMAPE 5000 CDF" in answer
    assert answer.startswith(("Send: TAX", "Envoyez : TAXE"))


def test_the_usage_line_uses_the_keyword_of_the_language(client: Client, schedule: None) -> None:
    assert "TAXE Walikale SAEMAPE" in sms(client, "TAXE n'importe quoi")


def test_long_answers_are_cut_at_a_word() -> None:
    text = fit("word " * 50)
    assert len(text) <= 160 and text.endswith("word...")


def test_the_endpoint_is_rate_limited(client: Client, schedule: None, settings: Any) -> None:
    settings.API_THROTTLE_ANONYMOUS = "2/m"
    sms(client, "TAX FARDC")
    sms(client, "TAX FARDC")
    response = client.get(URL, {"text": "TAX FARDC"})
    assert response.status_code == 429
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_other_methods_are_refused(client: Client) -> None:
    assert client.put(URL).status_code == 405
