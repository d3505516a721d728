from django.test import Client

from asmhub.conftest import make_org
from asmhub.core.facets import apply_facets
from asmhub.directory.models import Organization
from asmhub.directory.search import ORGANIZATION_FACETS
from asmhub.taxonomy.models import Country


def _orgs() -> None:
    peru, drc = Country.objects.get(code="PE"), Country.objects.get(code="CD")
    make_org("CooperAcción", "national-ngo").countries.add(peru)
    make_org("IPIS", "research-agency").countries.add(drc)
    make_org("Pact", "international-ngo").countries.add(drc, peru)


def test_facet_counts_ignore_their_own_selection(db: None) -> None:
    _orgs()
    filtered, facets = apply_facets(
        Organization.objects.all(), ORGANIZATION_FACETS, {"country": ["CD"]}
    )
    assert sorted(o.name for o in filtered) == ["IPIS", "Pact"]
    countries = {
        o.value: (o.count, o.selected)
        for o in next(f for f in facets if f.key == "country").options
    }
    assert countries == {
        "CD": (2, True),
        "PE": (2, False),
    }  # counts as if the country filter were off
    types = {o.value: o.count for o in next(f for f in facets if f.key == "type").options}
    assert types == {"research-agency": 1, "international-ngo": 1}  # within the selected country


def test_values_of_one_facet_are_alternatives(db: None) -> None:
    _orgs()
    filtered, _ = apply_facets(
        Organization.objects.all(),
        ORGANIZATION_FACETS,
        {"type": ["national-ngo", "research-agency"]},
    )
    assert sorted(o.name for o in filtered) == ["CooperAcción", "IPIS"]


def test_the_list_page_answers_htmx_with_the_results_fragment(client: Client, db: None) -> None:
    _orgs()
    full = client.get("/directory/organizations/?q=pact").content.decode()
    fragment = client.get(
        "/directory/organizations/?q=pact", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" in full and "<html" not in fragment
    assert "Pact" in fragment and "IPIS" not in fragment
