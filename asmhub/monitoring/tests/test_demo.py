"""The demo monitoring programme: loads, is labelled synthetic, loads again unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from asmhub.conftest import make_user
from asmhub.core.models import AuditEntry
from asmhub.directory.models import Organization
from asmhub.directory.services import load_demo_directory
from asmhub.monitoring import demo, importers, synthetic
from asmhub.monitoring.models import (
    CorrectiveAction,
    CorrectivePlan,
    ImportBatch,
    Incident,
    Indicator,
    IndicatorValue,
    Programme,
    ProgrammeGrant,
    Site,
    Visit,
)
from asmhub.monitoring.reference import load_indicators
from asmhub.monitoring.tax_models import ObservedTax

SIZES = {"sites": 120, "visits": 400, "incidents": 20, "plans": 8, "taxes": 30}


def _tables() -> dict[str, int]:
    models: list[Any] = [
        Programme,
        ProgrammeGrant,
        Site,
        Visit,
        Incident,
        CorrectivePlan,
        CorrectiveAction,
        Indicator,
        IndicatorValue,
        ObservedTax,
        ImportBatch,
        AuditEntry,
    ]
    return {m.__name__: m.objects.count() for m in models}


@pytest.fixture
def loaded(db: Any) -> dict[str, int]:
    load_demo_directory()
    return demo.load_demo_monitoring(**SIZES)


def test_the_demo_loads_synthetic_sites_and_visits(loaded: dict[str, int]) -> None:
    programme = Programme.objects.get(name=demo.NAME)
    assert programme.is_synthetic
    assert "synthetic" in programme.name.lower()
    assert programme.description.startswith("Synthetic data")
    assert programme.country.code == "CD"
    assert loaded["sites"] == 120 and loaded["visits"] == 400
    assert Site.objects.filter(programme=programme).count() == 120
    assert Visit.objects.filter(site__programme=programme).count() == 400
    provinces = set(
        Site.objects.filter(programme=programme).values_list("province__name", flat=True)
    )
    assert provinces == set(synthetic.shares()["provinces"])
    batch = ImportBatch.objects.get(programme=programme)
    assert batch.committed_at is not None and batch.report["problem_count"] == 0


def test_incidents_plans_and_grant(loaded: dict[str, int]) -> None:
    programme = Programme.objects.get(name=demo.NAME)
    incidents = Incident.objects.filter(site__programme=programme)
    assert 0 < incidents.count() <= SIZES["incidents"]
    assert all(i.site.flagged for i in incidents)
    assert len({i.state for i in incidents}) >= 2
    assert all("synthetic" in i.source for i in incidents)
    plans = CorrectivePlan.objects.filter(programme=programme)
    assert 0 < plans.count() <= SIZES["plans"]
    actions = CorrectiveAction.objects.filter(plan__programme=programme)
    assert all(a.owner.slug in demo._owner_slugs() for a in actions)
    verified = actions.filter(state=CorrectiveAction.State.VERIFIED)
    assert all(a.evidence and a.verified_on for a in verified)
    grant = ProgrammeGrant.objects.get(programme=programme)
    assert grant.organization == programme.owner_organization
    assert grant.level == ProgrammeGrant.Level.MANAGER
    assert loaded["indicator values"] > 0


def test_observed_taxes_are_assessed(loaded: dict[str, int]) -> None:
    taxes = ObservedTax.objects.filter(site__programme__name=demo.NAME)
    assert 0 < taxes.count() <= SIZES["taxes"]
    verdicts = set(taxes.values_list("verdict", flat=True))
    assert ObservedTax.Verdict.ILLEGAL in verdicts and ObservedTax.Verdict.LEGAL in verdicts


def test_loading_again_changes_nothing(loaded: dict[str, int]) -> None:
    before = _tables()
    again = demo.load_demo_monitoring(**SIZES)
    assert again == loaded
    assert _tables() == before


def test_home_stats_keep_incidents_to_granted_readers(loaded: dict[str, int]) -> None:
    public = demo.home_stats(AnonymousUser())
    assert [s.count for s in public][:1] == [120]
    assert len(public) == 2
    member = make_user("ipis-member", "member", Organization.objects.get(slug=demo.OWNER))
    granted = demo.home_stats(member)
    assert len(granted) == 3
    assert granted[2].count == Incident.objects.filter(state__in=Incident.OPEN_STATES).count()


def test_the_sample_file_imports_with_a_report(loaded: dict[str, int]) -> None:
    programme = Programme.objects.get(name=demo.NAME)
    content = synthetic.SAMPLE.read_bytes()
    batch = importers.upload(None, programme, ImportBatch.Format.IPIS, "ipis-sample.csv", content)
    report = batch.report
    assert report["rows"] == 80
    assert report["skipped"] == 2  # no site code, an impossible date
    assert report["unknown_minerals"] == {"Monazite": 1}
    assert report["sites_new"] > 0
    reasons = " ".join(p["reason"] for p in report["problems"])
    assert "outside -90..90" in reasons and "repeats the visit" in reasons
    assert any("decimal comma" in k for k in report["normalized"])


@pytest.mark.django_db
def test_indicators_load_by_slug() -> None:
    assert load_indicators() == 5
    assert load_indicators() == 5
    income = Indicator.objects.get(slug="miner-income")
    assert (income.kind, income.unit, income.minimum, income.maximum) == (
        "number",
        "USD per day",
        0,
        1000,
    )
    returned = Indicator.objects.get(slug="taxes-returned-to-community")
    assert returned.allowed_values == ["none", "some", "most"]
    assert returned.tr("name", "fr") == "Taxes rétrocédées à la communauté"
    assert Indicator.objects.count() == 5
