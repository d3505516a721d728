"""The OpenAPI document validates and every endpoint answers as it documents.

Schemathesis generates requests from /api/openapi.json, valid and invalid, and checks
each answer's status code, content type and body against the document, as an anonymous
caller and as a member with an API token. The budget is small and fixed: a few
derandomized examples per operation, no shrinking, and the phases named below (the
coverage phase enumerates the boundaries of every parameter, hundreds of requests per
operation; run it by hand with ``schemathesis run``). Path parameters are either
generated (mostly a 404) or those of the records made here, so that the answers checked
hold real data of every kind.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from asmhub.accounts.models import ApiToken
from asmhub.calendar.tests.conftest import timed
from asmhub.conftest import make_org, make_person, make_user
from asmhub.convenings.models import Commitment, Poll, Session, Statement
from asmhub.convenings.tests.conftest import make_convening, make_participant
from asmhub.directory.models import Affiliation, NetworkMembership
from asmhub.funding.tests.conftest import concept, cycle, donor, opportunity
from asmhub.library.models import Resource
from asmhub.library.tests.conftest import add_text  # noqa: F401  (a fixture)
from asmhub.monitoring.tests.conftest import monitoring  # noqa: F401  (a fixture)
from asmhub.taxonomy.models import Country, LeverIssue
from asmhub.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
schema.config.generation.update(
    # NUL characters are refused at the door (core.middleware), with 422; a test there covers it.
    allow_x00=False,
    # The callers are anonymous or a real member; a random bearer token is a 401 (test_tokens).
    with_security_parameters=False,
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
)
schema.config.phases.update(phases=["examples", "fuzzing"])
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The path parameters of the records ``records`` makes, by the path before the first
# parameter (``funding/donors``); filled by the fixture, read when a case is drawn.
KNOWN: dict[str, dict[str, Any]] = {}
RECORDS = {
    "taxonomy/sdg/goals",
    "taxonomy/mdg/goals",
    "taxonomy/lever-issues",
    "taxonomy/codelists",
    "directory/organizations",
    "directory/people",
    "library/resources",
    "funding/donors",
    "funding/opportunities",
    "funding/concepts",
    "calendar/events",
    "monitoring/sites",
    "monitoring/areas",
    "convenings",
}


def _known(path: str) -> dict[str, Any]:
    return dict(KNOWN.get(path.split("/{")[0].strip("/").removeprefix("api/"), {}))


@schema.hook
def before_generate_path_parameters(context: Any, strategy: Any) -> Any:
    path = context.operation.path
    if path.split("/{")[0].strip("/").removeprefix("api/") not in RECORDS:
        return strategy
    return st.one_of(st.builds(_known, st.just(path)), strategy)


def test_the_openapi_document_is_valid(client: Any, db: None) -> None:
    document = client.get("/api/openapi.json").json()
    validate(document)
    assert len(document["paths"]) >= 25


def test_a_body_that_is_not_json_answers_400_as_documented(client: Any, editor: Any) -> None:
    """Every operation that reads a JSON body documents the 400 it gives for one that does
    not parse, and gives it, with the documented error."""
    document = client.get("/api/openapi.json").json()
    with_body = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if "requestBody" in operation
    ]
    assert len(with_body) >= 5
    _, token = ApiToken.issue(editor, "malformed")
    for path, method, operation in with_body:
        url = path.replace("{slug}", "no-such-record")
        response = getattr(client, method)(
            url, b'{"name": ', content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert response.status_code == 400, (method, path, response.content)
        assert isinstance(response.json()["detail"], str)
        documented = operation["responses"].get("400", {})
        schema = documented.get("content", {}).get("application/json", {}).get("schema", {})
        assert schema.get("$ref") == "#/components/schemas/ErrorOut", (method, path)


@pytest.fixture
def records(db: None, request: Any) -> Iterator[dict[str, str]]:
    """One published record of every kind the API serves, and a member's token header."""
    sites: dict[str, Any] = request.getfixturevalue("monitoring")
    resource: Resource = request.getfixturevalue("add_text")()
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
    member = make_user("member", "member", ngo)
    _, token = ApiToken.issue(member, "schemathesis")

    profile = donor("Andes Fund", {"mercury-chemicals": 1.0, "sdg-8": 0.5}, ("PE",))
    cycle(profile, "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=31", dt.date(2024, 3, 31))
    call = opportunity(
        profile, "Mercury-free gold", dt.date(2031, 3, 31), issues=("mercury-chemicals",)
    )
    need = concept("Mercury-free gold in Peru", ("mercury-chemicals",), ("PE",), ngo)
    lima = zoneinfo.ZoneInfo("America/Lima")
    event = timed(
        "Mercury forum",
        dt.datetime(2030, 5, 4, 9, 0, tzinfo=lima),
        dt.datetime(2030, 5, 4, 17, 0, tzinfo=lima),
        organizer=ngo,
    )

    convening = make_convening(ngo)
    participant = make_participant(convening, "Ana Quispe", ngo)
    opening = Session.objects.create(
        convening=convening,
        title="Opening",
        kind=Session.Kind.PLENARY,
        day=convening.starts_on,
        starts_at=dt.time(8, 0),
        ends_at=dt.time(9, 30),
    )
    opening.chairs.add(participant)
    Statement.objects.create(
        convening=convening, topic="Finance", statement="Donors fund formalization."
    )
    Commitment.objects.create(convening=convening, organization=ngo, what="Share the data")
    poll = Poll.objects.create(convening=convening, title="Check")

    KNOWN.update(
        {
            "taxonomy/sdg/goals": {"number": 8},
            "taxonomy/mdg/goals": {"number": 1},
            "taxonomy/lever-issues": {"slug": "gender"},
            "taxonomy/codelists": {"name": "Sector"},
            "directory/organizations": {"slug": ngo.slug},
            "directory/people": {"slug": person.slug},
            "library/resources": {"slug": resource.slug},
            "funding/donors": {"slug": profile.organization.slug},
            "funding/opportunities": {"slug": call.slug},
            "funding/concepts": {"slug": need.slug},
            "calendar/events": {"slug": event.slug},
            "monitoring/sites": {"id": sites["bisie"].pk},
            "monitoring/areas": {"slug": sites["walikale"].slug},
            "convenings": {"slug": convening.slug, "poll_id": poll.pk},
        }
    )
    # The WSGI handler closes database connections at the end of each request, which
    # would close the test's transaction; Django's test client disconnects this too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
    KNOWN.clear()


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_every_endpoint_answers_as_documented(case: Any, records: dict[str, str]) -> None:
    case.call_and_validate(checks=CHECKS)
    case.call_and_validate(headers=records, checks=CHECKS)
