"""The public "is this tax legal?" page, in English and in French."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.tax_models import LevyingBody
from asmhub.monitoring.tests.taxdata import body, places, tax

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:tax-check")
QUOTE = (
    "Members suggested activities that could support engagement with government agents and "
    "communities to raise awareness about due diligence, DRC laws, and legal vs. illegal "
    "taxation. This could include the creation or curation of digital tools that can support "
    "communities and miners and enhance transparency."
)


@pytest.fixture
def schedule() -> dict[str, LevyingBody]:
    places()
    saemape = body(
        "saemape", name="SAEMAPE", translations={"fr": {"name": "SAEMAPE"}}, aliases=["SAESSCAM"]
    )
    tax(
        saemape,
        "5000",
        name="Supervision fee",
        translations={"fr": {"name": "Frais d'encadrement", "unit": "par sac"}},
        unit="per bag",
        legal_url="https://example.org/reglement-minier",
        is_illustrative=True,
    )
    army = body(
        "fardc",
        "army",
        False,
        name="FARDC (army)",
        translations={"fr": {"name": "FARDC (armée)"}},
    )
    return {"saemape": saemape, "fardc": army}


def ask(client: Client, **params: str) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_quotes_the_request_it_answers(client: Client, schedule: dict) -> None:
    page = ask(client)
    assert QUOTE in page
    assert "2020 PPA Member Meeting" in page
    assert 'list="tax-places"' in page and '<option value="Walikale, Nord-Kivu">' in page
    assert 'type="date"' in page


def test_a_legal_payment_answers_with_the_legal_text_and_the_example_warning(
    client: Client, schedule: dict
) -> None:
    page = ask(client, place="Walikale", body="saemape", amount="5000", currency="CDF")
    assert "Allowed by law" in page
    assert "Loi n° 007/2002" in page
    assert 'href="https://example.org/reglement-minier"' in page
    assert "is an example" in page
    assert "since 2018-01-01" in page
    assert f'value="{timezone.localdate().isoformat()}"' in page  # the date defaults to today


def test_an_excessive_payment(client: Client, schedule: dict) -> None:
    page = ask(client, place="Walikale", body="saemape", amount="7500", currency="CDF")
    assert "Allowed, but more than the law sets" in page


def test_the_army_may_not_levy(client: Client, schedule: dict) -> None:
    page = ask(client, place="Walikale", body="fardc", amount="2000", currency="CDF")
    assert "No law allows it" in page
    assert "No law allows FARDC (army) to levy any tax or fee." in page


def test_an_unknown_place_is_said_so(client: Client, schedule: dict) -> None:
    page = ask(client, place="Atlantis", body="saemape", amount="1", currency="CDF")
    assert "Cannot tell" in page and "Atlantis" in page


def test_htmx_gets_the_answer_only(client: Client, schedule: dict) -> None:
    response = client.get(
        URL,
        {"place": "Walikale", "body": "fardc"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tax-answer",
    )
    page = response.content.decode()
    assert "No law allows it" in page and "<html" not in page


def test_the_page_in_french_by_cookie(client: Client, schedule: dict) -> None:
    client.cookies["django_language"] = "fr"
    page = ask(client, place="Walikale", body="fardc", amount="2000", currency="CDF")
    assert '<html lang="fr">' in page
    assert (
        "Aucune loi n&#x27;autorise FARDC (armée) à percevoir la moindre taxe ou redevance." in page
    )
    assert '<option value="fardc" selected>FARDC (armée)</option>' in page


def test_the_page_in_french_by_accept_language(client: Client, schedule: dict) -> None:
    response = client.get(
        URL,
        {"place": "Walikale", "body": "saemape", "amount": "5000", "currency": "CDF"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert (
        "SAEMAPE peut percevoir « Frais d&#x27;encadrement » : jusqu&#x27;à 5\xa0000 CDF par sac."
        in page
    )
    assert "Où" in page  # a label the French catalogue already translates


def test_a_bad_amount_is_a_form_error_not_an_answer(client: Client, schedule: dict) -> None:
    page = ask(client, place="Walikale", body="saemape", amount="-3", currency="CDF")
    assert "has-error" in page and "tax-verdict" not in page


def test_the_schedule_page_filters_by_place_and_body(client: Client, schedule: dict) -> None:
    where = AdminUnit.objects.get(key="cd/sud-kivu")
    tax(schedule["saemape"], "9", "USD", where, name="South Kivu levy")
    url = reverse("monitoring:taxes")
    everything = client.get(url).content.decode()
    assert "Supervision fee" in everything and "South Kivu levy" in everything
    north = client.get(url, {"place": "Walikale"}).content.decode()
    assert "Supervision fee" in north and "South Kivu levy" not in north
    nobody = client.get(url, {"body": "fardc"}).content.decode()
    assert "Supervision fee" not in nobody and "Any payment asked for here is illegal" in nobody
    unknown = client.get(url, {"place": "Atlantis"}).content.decode()
    assert "No place called" in unknown


def test_the_schedule_page_in_french(client: Client, schedule: dict) -> None:
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("monitoring:taxes")).content.decode()
    assert "Frais d&#x27;encadrement" in page and "par sac" in page
    assert "Supervision fee" not in page
