"""Progress updates cite monitoring areas and funded projects as evidence, besides the
library: named by code, name or identifier, refused line by line when unknown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org
from asmhub.core.models import AuditEntry, Status
from asmhub.funding.models import Activity, Project
from asmhub.monitoring.tests.conftest import unit
from asmhub.strategy.models import Action
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db: Any) -> dict[str, Any]:
    country = Country.objects.get(code="CD")
    nord = unit(country, 1, "Nord-Kivu")
    sud = unit(country, 1, "Sud-Kivu")
    walikale = unit(country, 2, "Walikale", nord)
    twin_a = unit(country, 2, "Mwenga", sud)
    twin_b = unit(country, 2, "Mwenga", nord)
    activity = Activity.objects.create(
        iati_identifier="GB-GOV-1-300123", title="Responsible gold in eastern DRC"
    )
    project = Project.objects.create(title="Kivu gold traceability", status=Status.PUBLISHED)
    draft = Project.objects.create(
        title="Unannounced SECRET-PROJECT",
        status=Status.DRAFT,
        owner_organization=make_org("Elsewhere"),
    )
    return {
        "nord": nord,
        "walikale": walikale,
        "twins": (twin_a, twin_b),
        "activity": activity,
        "project": project,
        "draft": draft,
    }


def post(client: Client, action: Action, **fields: Any) -> Any:
    return client.post(
        reverse("strategy:progress-add", args=[action.pk]),
        {"written_on": "2026-03-01", "text": "Visited the sites.", **fields},
    )


def test_an_update_cites_areas_activities_and_projects_that_the_action_page_links(
    action: Action, owner: User, login: Callable[[User], Client], places: dict[str, Any]
) -> None:
    client = login(owner)
    response = post(
        client,
        action,
        areas=f"{places['nord'].slug}\n  walikale \n",
        activities="GB-GOV-1-300123",
        projects=[places["project"].pk],
    )
    assert response.status_code == 302
    update = action.updates.get()
    assert set(update.areas.all()) == {places["nord"], places["walikale"]}
    assert list(update.activities.all()) == [places["activity"]]
    assert list(update.projects.all()) == [places["project"]]
    changes = AuditEntry.for_object(update).get().changes
    assert changes["areas"]["to"] == ["Nord-Kivu", "Walikale"]
    assert changes["projects"]["to"] == ["Kivu gold traceability"]
    page = Client().get(action.get_absolute_url()).content.decode()
    for url in (
        reverse("monitoring:area", args=[places["nord"].slug]),
        reverse("monitoring:area", args=[places["walikale"].slug]),
        reverse("funding:activity", args=["GB-GOV-1-300123"]),
        places["project"].get_absolute_url(),
    ):
        assert f'href="{url}"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"areas": "Nord-Kivu\nAtlantis"},
            "Line 2: no monitoring area has the code or name “Atlantis”.",
        ),
        ({"areas": "Mwenga"}, "Line 1: several areas are called “Mwenga”; give its code."),
        (
            {"activities": "XM-NOPE-1"},
            "Line 1: no IATI activity has the identifier “XM-NOPE-1”.",
        ),
    ],
)
def test_unknown_evidence_is_named_by_line_and_nothing_is_written(
    action: Action,
    owner: User,
    login: Callable[[User], Client],
    places: dict[str, Any],
    fields: dict[str, str],
    message: str,
) -> None:
    response = post(login(owner), action, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not action.updates.exists()
    assert not AuditEntry.objects.filter(target_type__model="progressupdate").exists()


def test_an_ambiguous_area_name_is_resolved_by_its_code(
    action: Action, owner: User, login: Callable[[User], Client], places: dict[str, Any]
) -> None:
    twin = places["twins"][1]
    assert post(login(owner), action, areas=twin.slug.upper()).status_code == 302
    assert list(action.updates.get().areas.all()) == [twin]


def test_a_draft_project_of_another_organization_is_neither_offered_nor_shown(
    action: Action, owner: User, login: Callable[[User], Client], places: dict[str, Any]
) -> None:
    client = login(owner)
    form = client.get(reverse("strategy:progress-add", args=[action.pk])).content.decode()
    assert "Kivu gold traceability" in form
    assert "SECRET-PROJECT" not in form
    response = post(client, action, projects=[places["draft"].pk])
    assert response.status_code == 200 and not action.updates.exists()
    # Linked behind the form's back, it still stays out of the page for the public.
    update = action.updates.create(text="Linked elsewhere")
    update.projects.add(places["draft"])
    assert "SECRET-PROJECT" not in Client().get(action.get_absolute_url()).content.decode()
