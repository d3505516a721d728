"""The site-wide search: every app's records, grouped by kind, only what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.calendar.models import Event
from asmhub.conftest import make_org, make_person
from asmhub.core import search
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import DonorProfile, Opportunity
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.library.tests.conftest import add_text  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def holdings(add_text: Callable[..., Resource], org: Organization) -> dict[str, Any]:  # noqa: F811
    resource = add_text(
        text="# Cobalt field report\n\n## Kolwezi\n\nCobalt diggers in Kolwezi work by hand.\n"
    )
    donor = make_org("Cobalt Trust Fund", "bilateral-donor")
    profile = DonorProfile.objects.create(organization=donor, status=Status.PUBLISHED)
    opportunity = Opportunity.objects.create(
        title="Cobalt traceability call",
        donor=donor,
        status=Status.PUBLISHED,
        stage=Opportunity.Stage.OPEN,
        closes_on=dt.date(2031, 3, 1),
    )
    start = dt.datetime(2030, 5, 4, 9, tzinfo=dt.UTC)
    event = Event.objects.create(
        title="Cobalt roundtable",
        kind="meeting",
        start=start,
        end=start + dt.timedelta(hours=2),
        status=Status.PUBLISHED,
    )
    return {
        "organization": make_org("Cobalt Miners Union"),
        "draft": make_org("Cobalt Draft Cooperative", status=Status.DRAFT, owner_organization=org),
        "person": make_person("Ada Cobalt"),
        "resource": resource,
        "fact": Fact.objects.create(
            statement="Cobalt output doubled in Kolwezi.",
            resource=resource,
            status=Status.PUBLISHED,
        ),
        "story": SuccessStory.objects.create(
            title="Cobalt cooperative saves", status=Status.PUBLISHED, results="Cobalt savings"
        ),
        "donor": profile,
        "opportunity": opportunity,
        "event": event,
    }


def _found(groups: list[search.SearchGroup]) -> dict[str, list[str]]:
    return {g.kind: [item.title for item in g.items] for g in groups}


def test_one_search_finds_every_kind_grouped(holdings: dict[str, Any]) -> None:
    found = _found(search.search_everything(AnonymousUser(), "cobalt"))
    assert found["organizations"] == ["Cobalt Miners Union", "Cobalt Trust Fund"]
    assert found["people"] == ["Ada Cobalt"]
    assert "Cobalt field report" in found["resources"]
    assert found["facts"] == ["Cobalt output doubled in Kolwezi."]
    assert found["stories"] == ["Cobalt cooperative saves"]
    assert found["donors"] == ["Cobalt Trust Fund"]
    assert found["opportunities"] == ["Cobalt traceability call"]
    assert found["events"] == ["Cobalt roundtable"]
    assert list(found) == [
        "organizations",
        "people",
        "resources",
        "facts",
        "stories",
        "donors",
        "opportunities",
        "events",
    ]


def test_drafts_are_found_only_by_those_who_may_see_them(
    holdings: dict[str, Any], owner: User, outsider: User
) -> None:
    def organizations(user: Any) -> list[str]:
        return _found(search.search_everything(user, "cobalt")).get("organizations", [])

    assert "Cobalt Draft Cooperative" not in organizations(AnonymousUser())
    assert "Cobalt Draft Cooperative" not in organizations(outsider)
    assert "Cobalt Draft Cooperative" in organizations(owner)
    holdings["fact"].status = Status.DRAFT
    holdings["fact"].save()
    assert "facts" not in _found(search.search_everything(AnonymousUser(), "Kolwezi"))


def test_each_kind_is_bounded_and_links_to_its_own_list(holdings: dict[str, Any]) -> None:
    for n in range(7):
        make_org(f"Cobalt Cooperative {n}")
    groups = {g.kind: g for g in search.search_everything(AnonymousUser(), "cobalt", limit=3)}
    organizations = groups["organizations"]
    assert len(organizations.items) == 3 and organizations.total == 9
    assert organizations.more_url == f"{reverse('directory:organizations')}?q=cobalt"
    assert groups["events"].more_url == f"{reverse('calendar:list')}?q=cobalt"
    assert groups["resources"].more_url == f"{reverse('library:search')}?q=cobalt"


def test_the_page_groups_the_results_with_see_all_links(
    holdings: dict[str, Any], client: Client
) -> None:
    for n in range(search.RESULTS_PER_KIND + 1):
        make_org(f"Cobalt Cooperative {n}")
    page = client.get(reverse("core:search"), {"q": "cobalt"}).content.decode()
    assert 'id="found-organizations"' in page and 'id="found-events"' in page
    assert page.count('class="see-all"') == 1  # only the organizations have more
    assert f'href="{reverse("directory:organizations")}?q=cobalt"' in page
    assert "Cobalt Draft Cooperative" not in page
    assert "Nothing matches" in client.get(reverse("core:search"), {"q": "zzzqqq"}).content.decode()


def test_every_page_has_the_search_box_in_its_header(client: Client) -> None:
    for name in ("core:home", "core:about", "directory:organizations", "library:search"):
        page = client.get(reverse(name)).content.decode()
        header = page[page.index("<header") : page.index("</header>")]
        assert f'action="{reverse("core:search")}"' in header and 'name="q"' in header


def test_the_home_search_searches_everything(client: Client) -> None:
    page = client.get(reverse("core:home")).content.decode()
    hero = page[page.index('class="hero-search"') :]
    assert hero.split(">", 1)[0].count(f'action="{reverse("core:search")}"') == 1


def test_apps_register_their_providers_on_their_app_config() -> None:
    declared = {c.label for c in apps.get_app_configs() if getattr(c, "search_provider", None)}
    assert {"directory", "library", "funding", "calendar", "monitoring"} <= declared
    assert len(search.providers()) == len(declared)


def test_an_empty_or_blank_query_finds_nothing(client: Client) -> None:
    assert search.search_everything(AnonymousUser(), "   ") == []
    assert client.get(reverse("core:search"), {"q": ""}).status_code == 200


def test_the_search_page_speaks_french(holdings: dict[str, Any], client: Client) -> None:
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("core:search"), {"q": "cobalt"}).content.decode()
    assert '<html lang="fr">' in page
    assert "Organisations" in page and "Événements" in page
