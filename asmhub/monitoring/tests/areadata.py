"""Hand-made monitoring data for the area pages' tests: two territories of one province."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asmhub.conftest import make_org
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import (
    AdminUnit,
    CorrectiveAction,
    CorrectivePlan,
    Incident,
    Programme,
    Site,
    Visit,
)
from asmhub.monitoring.observations import flags_of
from asmhub.taxonomy.models import Country, RiskCategory


def unit(name: str, level: int, parent: AdminUnit | None = None) -> AdminUnit:
    key = f"{parent.key}/{name.lower()}" if parent else f"cd/{name.lower()}"
    return AdminUnit.objects.create(
        country=Country.objects.get(code="CD"),
        level=level,
        name=name,
        parent=parent,
        key=key,
        slug=key.replace("/", "-"),
    )


def visited_site(programme: Programme, pcode: str, territory: AdminUnit, **fields: Any) -> Site:
    site = Site.objects.create(
        programme=programme,
        pcode=pcode,
        name=f"Site {pcode}",
        latitude=-1.5,
        longitude=28.5,
        country=programme.country,
        province=territory.parent,
        territory=territory,
    )
    known, present = flags_of(fields)
    Visit.objects.create(
        site=site, key=f"k{pcode}", date=dt.date(2020, 6, 1), known=known, present=present, **fields
    )
    return site


@pytest.fixture
def areas(db: Any) -> dict[str, Any]:
    """Walikale: 2 sites, both armed, one with mercury; Masisi: 2 sites, neither."""
    programme = Programme.objects.create(
        name="Survey", country=Country.objects.get(code="CD"), is_synthetic=True
    )
    province = unit("Nord-Kivu", 1)
    walikale, masisi = unit("Walikale", 2, province), unit("Masisi", 2, province)
    armed = {"armed_presence": True, "armed_interference": True}
    sites = [
        visited_site(programme, "w1", walikale, mercury=True, **armed),
        visited_site(programme, "w2", walikale, mercury=False, **armed),
        visited_site(programme, "m1", masisi, mercury=False, armed_presence=False),
        visited_site(programme, "m2", masisi, mercury=False, armed_presence=False),
    ]
    incident = Incident.objects.create(
        site=sites[0],
        date=dt.date(2021, 3, 1),
        risk_category=RiskCategory.objects.get(slug="non-state-armed-groups"),
        description="Armed group taxes the entrance",
    )
    plan = CorrectivePlan.objects.create(programme=programme, title="Walikale plan")
    plan.incidents.add(incident)
    CorrectiveAction.objects.create(
        plan=plan, description="Engage", owner=make_org("Pact"), due_on=dt.date(2021, 9, 1)
    )
    writer.refresh_sites([s.pk for s in sites])
    snapshot.bump()
    return {
        "programme": programme,
        "province": province,
        "walikale": walikale,
        "masisi": masisi,
        "sites": sites,
        "incident": incident,
    }
