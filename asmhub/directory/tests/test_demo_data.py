import re

import pytest

from asmhub.directory.models import ContactDetails, NetworkMembership, Organization, Person
from asmhub.directory.services import DEMO_DIR, load_demo_directory

SEED_ORGANIZATIONS = [
    "casm",
    "world-bank",
    "dfid",
    "usaid",
    "sdc",
    "ilo",
    "unido",
    "uneca",
    "amref",
    "cooperaccion",
    "fess",
    "ppa",
    "resolve",
    "ipis",
    "pact",
    "itsci",
    "oecd",
    "icglr",
    "lbma",
]


def test_the_demo_files_carry_no_personal_contact_details() -> None:
    for path in DEMO_DIR.glob("*.yaml"):
        text = path.read_text()
        assert "@" not in text, path.name
        assert not re.search(r"\+?\d[\d ()-]{8,}\d", text.replace("2005", "")), path.name


@pytest.mark.django_db
def test_the_demo_directory_holds_the_seed_organizations_and_loads_idempotently() -> None:
    first = load_demo_directory()
    second = load_demo_directory()
    assert first == second
    slugs = set(Organization.objects.values_list("slug", flat=True))
    missing = [s for s in SEED_ORGANIZATIONS if s not in slugs]
    assert not missing, missing
    assert Organization.objects.count() == first["organizations"]
    assert not ContactDetails.objects.exists()


@pytest.mark.django_db
def test_the_demo_links_people_networks_and_offices() -> None:
    load_demo_directory()
    hobbs = Person.objects.get(slug="jon-hobbs")
    assert hobbs.is_champion
    assert {a.organization.slug for a in hobbs.affiliations.all()} >= {"dfid"}
    assert Organization.objects.get(slug="casm-secretariat").parent == Organization.objects.get(
        slug="casm"
    )
    assert NetworkMembership.objects.filter(
        network__slug="ppa", organization__slug="resolve"
    ).exists()
    pedro = Person.objects.get(name__contains="Antonio Pedro")
    assert pedro.affiliations.get(is_primary=True).organization.slug == "uneca"
