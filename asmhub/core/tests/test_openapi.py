"""The OpenAPI document validates and every endpoint answers as it documents.

Schemathesis generates requests from /api/openapi.json and checks each answer
against the documented status codes, content types and schemas, on a small budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from asmhub.conftest import make_org, make_person
from asmhub.directory.models import Affiliation, NetworkMembership
from asmhub.taxonomy.models import Country, LeverIssue
from asmhub.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
# NUL characters are refused at the door (core.middleware), with 422; a test there covers it.
schema.config.generation.update(allow_x00=False)


def test_the_openapi_document_is_valid(client: Any, db: None) -> None:
    document = client.get("/api/openapi.json").json()
    validate(document)
    assert len(document["paths"]) >= 25


@pytest.fixture
def records(db: None) -> Iterator[None]:
    peru = Country.objects.get(code="PE")
    network = make_org(
        "Public-Private Alliance for Responsible Minerals Trade", "network", acronym="PPA"
    )
    ngo = make_org(
        "CooperAcción", "national-ngo", hq_country=peru, website="https://cooperaccion.org.pe"
    )
    ngo.countries.add(peru)
    ngo.lever_issues.add(LeverIssue.objects.get(slug="gender"))
    NetworkMembership.objects.create(organization=ngo, network=network, since=2020)
    person = make_person("Karyn Keenan", expertise="Women in mining", is_champion=True)
    Affiliation.objects.create(person=person, organization=ngo, title="Researcher", is_primary=True)
    # The WSGI handler closes database connections at the end of each request, which
    # would close the test's transaction; Django's test client disconnects this too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_endpoint_answers_as_documented(case: Any, records: None) -> None:
    case.call_and_validate()
