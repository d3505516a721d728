"""The tax check API: /api/monitoring/tax-check and /api/monitoring/legal-taxes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from asmhub.monitoring.tests.taxdata import body, places, tax

pytestmark = pytest.mark.django_db
CHECK = "/api/monitoring/tax-check"
LIST = "/api/monitoring/legal-taxes"


@pytest.fixture
def schedule(db: Any) -> None:
    where = places()
    saemape = body("saemape", name="SAEMAPE", aliases=["SAESSCAM"])
    tax(
        saemape,
        "5000",
        name="Supervision fee",
        legal_url="https://example.org/rm",
        is_illustrative=True,
    )
    tax(saemape, "20", "USD", where["sud-kivu"], name="South Kivu levy")
    body("fardc", "army", False, name="FARDC (army)")


def test_a_legal_payment(client: Client, schedule: None) -> None:
    data = client.get(
        CHECK, {"place": "Walikale", "body": "SAESSCAM", "amount": "4000", "currency": "fc"}
    ).json()
    assert data["verdict"] == "legal" and data["verdict_label"] == "Allowed by law"
    assert data["place"] == {"id": "cd/nord-kivu/walikale", "name": "Walikale, Nord-Kivu"}
    assert data["levying_body"] == {"id": "saemape", "name": "SAEMAPE"}
    assert data["legal_tax"]["name"] == "Supervision fee"
    assert data["legal_tax"]["jurisdiction"] is None
    assert data["legal_url"] == "https://example.org/rm"
    assert data["valid_from"] == "2018-01-01" and data["valid_to"] is None
    assert data["is_illustrative"] is True


def test_an_illegal_body_and_the_date(client: Client, schedule: None) -> None:
    data = client.get(CHECK, {"place": "Walikale", "body": "fardc", "date": "2010-01-01"}).json()
    assert data["verdict"] == "illegal" and data["legal_tax"] is None
    old = client.get(
        CHECK, {"body": "saemape", "amount": "1", "currency": "CDF", "date": "2010-01-01"}
    )
    assert old.json()["verdict"] == "illegal"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"place": "Atlantis", "body": "saemape"},
        {"body": "nobody"},
        {"body": "saemape", "currency": "€"},
    ],
)
def test_what_cannot_be_told_is_a_200_answer(client: Client, schedule: None, params: dict) -> None:
    response = client.get(CHECK, {"amount": "5", **params})
    assert response.status_code == 200
    assert response.json()["verdict"] == "unknown" and response.json()["message"]


def test_a_negative_amount_does_not_validate(client: Client, schedule: None) -> None:
    assert client.get(CHECK, {"amount": "-1"}).status_code == 422


def test_the_schedule_lists_and_filters(client: Client, schedule: None) -> None:
    everything = client.get(LIST).json()
    assert everything["count"] == 2
    south = client.get(LIST, {"place": "sud-kivu"}).json()["items"]
    assert {t["name"] for t in south} == {"Supervision fee", "South Kivu levy"}
    assert [t["jurisdiction"] for t in south] == [None, {"id": "cd/sud-kivu", "name": "Sud-Kivu"}]
    assert south[0]["amount"] == "5000.00" and south[0]["is_illustrative"] is True
    north = client.get(LIST, {"place": "Walikale"}).json()["items"]
    assert [t["name"] for t in north] == ["Supervision fee"]
    assert client.get(LIST, {"body": "fardc"}).json()["count"] == 0
    assert client.get(LIST, {"place": "Atlantis"}).json()["count"] == 0
    assert client.get(LIST, {"date": "2010-01-01"}).json()["count"] == 0
