"""Monitoring fixtures: a programme with four sites, marked restricted values, and readers.

Mpama is flagged (armed presence at its last visit, an open incident): its exact
position, armed actor, informant, notes, incident and observed tax are marked
``SECRET-...`` so that a test can tell whether they left the server. Bisie, Kamituga
and Nowhere (no coordinates) are plain sites for the filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import (
    AdminUnit,
    ArmedActor,
    Incident,
    Programme,
    ProgrammeGrant,
    Site,
    Visit,
    VisitMineral,
)
from asmhub.monitoring.observations import flags_of
from asmhub.monitoring.tax_models import ObservedTax
from asmhub.monitoring.tests.areadata import areas  # noqa: F401  (a fixture of the area pages' tests)
from asmhub.taxonomy.models import Country, Mineral, RiskCategory

SECRETS = (
    "SECRET-ACTOR",
    "SECRET-INFORMANT",
    "SECRET-NOTES",
    "SECRET-INCIDENT",
    "SECRET-TAX-BODY",
    "1.234567",
    "28.765432",
)


def unit(country: Country, level: int, name: str, parent: AdminUnit | None = None) -> AdminUnit:
    key = f"{parent.key}/{name.lower()}" if parent else f"cd/{name.lower()}"
    return AdminUnit.objects.create(
        country=country,
        level=level,
        name=name,
        parent=parent,
        key=key,
        slug=key.replace("/", "-"),
    )


def visit(
    site: Site, key: str, day: str, actors: list[dict[str, Any]] | None = None, **fields: Any
) -> Visit:
    """A visit with its observation bits computed as an import computes them."""
    actors = actors or []
    known, present = flags_of({**fields, "armed_actors": actors})
    found = Visit.objects.create(
        site=site, key=key, date=dt.date.fromisoformat(day), known=known, present=present, **fields
    )
    for position, actor in enumerate(actors, start=1):
        ArmedActor.objects.create(visit=found, position=position, **actor)
    return found


def make_site(
    programme: Programme, pcode: str, name: str, minerals: list[str], **fields: Any
) -> Site:
    site = Site.objects.create(
        programme=programme, pcode=pcode, name=name, country=programme.country, **fields
    )
    site.minerals.set(Mineral.objects.filter(slug__in=minerals))
    return site


@pytest.fixture
def monitoring(db: Any) -> dict[str, Any]:
    country = Country.objects.get(code="CD")
    programme = Programme.objects.create(name="Kivu survey", country=country)
    nord = unit(country, 1, "Nord-Kivu")
    walikale = unit(country, 2, "Walikale", nord)
    wanianga = unit(country, 3, "Wanianga", walikale)
    utunda = unit(country, 4, "Utunda", wanianga)
    sud = unit(country, 1, "Sud-Kivu")
    mwenga = unit(country, 2, "Mwenga", sud)
    north = {"province": nord, "territory": walikale, "collectivite": wanianga}
    mpama = make_site(
        programme,
        "codmine09999",
        "Mpama",
        ["gold"],
        latitude=-1.234567,
        longitude=28.765432,
        qualification="red",
        groupement=utunda,
        **north,
    )
    secret = visit(
        mpama,
        "ipis:1",
        "2020-05-01",
        actors=[
            {
                "name": "SECRET-ACTOR",
                "kind": "non-state",
                "frequency": "permanent",
                "activities": ["entry-taxation"],
            }
        ],
        armed_presence=True,
        armed_interference=True,
        mercury=True,
        children_under_15=True,
        women=False,
        workers=80,
        informant="SECRET-INFORMANT",
        notes="SECRET-NOTES",
        source="IPIS",
        project="Kivu 2020",
        state_services=[{"name": "SAEMAPE", "taxes": False}],
    )
    VisitMineral.objects.create(
        visit=secret,
        mineral=Mineral.objects.get(slug="gold"),
        name="Or",
        selling_points="Mubi",
        final_destination="Bukavu",
    )
    incident = Incident.objects.create(
        site=mpama,
        date=dt.date(2020, 5, 2),
        risk_category=RiskCategory.objects.get(slug="non-state-armed-groups"),
        description="SECRET-INCIDENT at the pit entrance",
    )
    ObservedTax.objects.create(
        site=mpama,
        visit=secret,
        date=dt.date(2020, 5, 1),
        body_as_recorded="SECRET-TAX-BODY",
        amount=5,
        currency="USD",
        verdict=ObservedTax.Verdict.ILLEGAL,
    )
    bisie = make_site(
        programme,
        "codmine00001",
        "Bisie",
        ["tin"],
        latitude=-1.01,
        longitude=28.42,
        qualification="green",
        qualified_on=dt.date(2019, 3, 2),
        **north,
    )
    visit(
        bisie,
        "ipis:2",
        "2019-03-01",
        armed_presence=False,
        mercury=False,
        children_under_15=False,
        women=True,
        workers=1200,
        source="IPIS",
    )
    visit(
        bisie,
        "ipis:3",
        "2021-06-01",
        armed_presence=False,
        children_under_15=False,
        women=True,
        workers=900,
        source="IPIS",
    )  # mercury left blank: no data
    visit(
        bisie,
        "status:1",
        "2021-07-01",
        onsite=False,
        qualification="green",
        traceability=True,
        traceability_scheme="ITSCI",
        source="CEEC",
    )
    kamituga = make_site(
        programme,
        "codmine00002",
        "Kamituga",
        ["gold"],
        latitude=-3.06,
        longitude=28.18,
        qualification="yellow",
        province=sud,
        territory=mwenga,
    )
    visit(
        kamituga,
        "ipis:4",
        "2021-02-01",
        armed_presence=False,
        mercury=True,
        children_under_15=False,
        women=True,
        workers=300,
    )
    nowhere = make_site(programme, "codmine00003", "Nowhere", ["gold"], province=sud)
    visit(nowhere, "ipis:5", "2021-03-01", armed_presence=False, mercury=True)
    sites = [mpama, bisie, kamituga, nowhere]
    writer.refresh_sites([s.pk for s in sites])
    snapshot.bump()
    return {
        "programme": programme,
        "mpama": mpama,
        "bisie": bisie,
        "kamituga": kamituga,
        "nowhere": nowhere,
        "incident": incident,
        "nord": nord,
        "sud": sud,
        "walikale": walikale,
    }


@pytest.fixture
def granted(monitoring: dict[str, Any]) -> User:
    """A member of an organization granted the programme's restricted fields."""
    team = make_org("Field team")
    ProgrammeGrant.objects.create(programme=monitoring["programme"], organization=team)
    return make_user("analyst", "member", team)


@pytest.fixture
def granted_in_person(monitoring: dict[str, Any]) -> User:
    """A user granted the restricted fields in their own name."""
    user = make_user("researcher", None)
    ProgrammeGrant.objects.create(programme=monitoring["programme"], user=user)
    return user


UNGRANTED = ("anonymous", "outsider", "editor")


@pytest.fixture(params=UNGRANTED)
def ungranted(request: Any, client: Any, monitoring: dict[str, Any]) -> Any:
    """A client for someone without the grant: anonymous, another organization's member,
    or a platform editor."""
    if request.param == "outsider":
        client.force_login(make_user("outsider", "member", make_org("Other")))
    elif request.param == "editor":
        client.force_login(make_user("editor", "editor"))
    return client


def body(response: Any) -> bytes:
    """The response's bytes; a streamed one is read once and kept on the response."""
    if not response.streaming:
        return bytes(response.content)
    if not hasattr(response, "read_body"):
        response.read_body = b"".join(response.streaming_content)
    return bytes(response.read_body)


def text(response: Any) -> str:
    """A response as text; an XLSX as the values of its cells."""
    content = body(response)
    if content[:2] == b"PK":
        return "\n".join("\t".join(str(c) for c in row) for row in xlsx_rows(response))
    return content.decode("utf-8")


def xlsx_rows(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(body(response)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))


def leaked(content: str) -> list[str]:
    return [s for s in SECRETS if s in content]
