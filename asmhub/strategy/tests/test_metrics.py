"""The computed indicators of the funding pipeline and of corrective actions, who sees
them, and the registry that lets any app add a metric."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_user
from asmhub.core import permissions
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Application
from asmhub.funding.tests.conftest import donor, opportunity
from asmhub.monitoring.models import (
    CorrectiveAction,
    CorrectivePlan,
    Incident,
    Programme,
    ProgrammeGrant,
)
from asmhub.monitoring.tests.conftest import make_site
from asmhub.strategy import metrics, services, signals
from asmhub.strategy.metrics import Metric
from asmhub.strategy.models import Indicator, Strategy
from asmhub.taxonomy.models import Country, RiskCategory

pytestmark = pytest.mark.django_db
BASELINE = dt.date(2020, 1, 1)


def computed(strategy: Strategy, metric: str, currency: str = "", title: str = "") -> Indicator:
    return Indicator.objects.create(
        strategy=strategy,
        title=title or metric,
        metric=metric,
        currency=currency,
        baseline_on=BASELINE,
    )


def latest(indicator: Indicator) -> Decimal | None:
    found = indicator.latest()
    return found.value if found else None


# The funding pipeline ----------------------------------------------------------------


@pytest.fixture
def pipeline(org: Organization, django_capture_on_commit_callbacks: Any) -> list[Application]:
    call = opportunity(donor("Fund", {}), "Call", dt.date(2024, 1, 1))
    rows = [
        # stage, requested, granted, currency, submitted, decided
        ("awarded", 300000, 250000, "USD", dt.date(2024, 1, 10), dt.date(2024, 3, 1)),
        ("awarded", 80000, 60000, "EUR", dt.date(2024, 1, 12), dt.date(2024, 3, 2)),
        ("declined", 50000, 99, "USD", dt.date(2024, 1, 15), dt.date(2024, 3, 1)),
        ("submitted", 20000, None, "USD", dt.date(2024, 2, 1), None),
        ("drafting", 777, None, "USD", dt.date(2024, 2, 1), None),
        ("awarded", 5, 5, "USD", dt.date(2019, 1, 1), dt.date(2019, 6, 1)),  # before baseline
    ]
    made = []
    with django_capture_on_commit_callbacks(execute=True):
        for stage, requested, granted, currency, submitted, decided in rows:
            made.append(
                Application.objects.create(
                    opportunity=call,
                    applicant=org,
                    stage=stage,
                    amount_requested=requested,
                    amount_granted=granted,
                    currency=currency,
                    submitted_on=submitted,
                    decision_on=decided,
                    status=Status.PUBLISHED,
                )
            )
    return made


def test_funding_won_adds_up_one_currency_or_counts_awards(
    strategy: Strategy, pipeline: list[Application], django_capture_on_commit_callbacks: Any
) -> None:
    usd = computed(strategy, Indicator.Metric.FUNDING_WON, "USD")
    eur = computed(strategy, Indicator.Metric.FUNDING_WON, "eur")
    awards = computed(strategy, Indicator.Metric.FUNDING_WON)
    for indicator in (usd, eur, awards):
        services.refresh(indicator)
    assert latest(usd) == 250000, "the declined grant and the EUR award are left out"
    assert latest(eur) == 60000
    assert latest(awards) == 2, "without a currency: how many awards in the period"


def test_funding_requested_counts_what_was_submitted_and_follows_changes(
    strategy: Strategy, pipeline: list[Application], django_capture_on_commit_callbacks: Any
) -> None:
    usd = computed(strategy, Indicator.Metric.FUNDING_REQUESTED, "USD")
    count = computed(strategy, Indicator.Metric.FUNDING_REQUESTED)
    services.refresh(usd)
    services.refresh(count)
    assert latest(usd) == 300000 + 50000 + 20000, "drafts are not requests"
    assert latest(count) == 4
    submitted = pipeline[3]
    with django_capture_on_commit_callbacks(execute=True):
        submitted.stage = Application.Stage.WITHDRAWN
        submitted.amount_requested = 25000
        submitted.save()
    assert latest(usd) == 300000 + 50000 + 25000, "refreshed on the application's change"
    with django_capture_on_commit_callbacks(execute=True):
        submitted.delete()
    assert latest(count) == 3, "refreshed on its deletion"


def test_an_indicator_currency_is_three_letters(strategy: Strategy) -> None:
    from django.core.exceptions import ValidationError

    indicator = Indicator(
        strategy=strategy,
        title="x",
        metric=Indicator.Metric.FUNDING_WON,
        currency="US",
        baseline_on=BASELINE,
    )
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "currency" in refused.value.message_dict


def test_an_unknown_metric_is_refused_with_its_name(strategy: Strategy) -> None:
    from django.core.exceptions import ValidationError

    indicator = Indicator(strategy=strategy, title="x", metric="made-up", baseline_on=BASELINE)
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "made-up" in str(refused.value.message_dict["metric"])


def test_the_pipeline_figures_are_for_editors_only(
    strategy: Strategy, pipeline: list[Application], editor: User, owner: User
) -> None:
    """The pipeline is private to each applicant and the editors: its totals too."""
    indicator = computed(strategy, Indicator.Metric.FUNDING_WON, "USD", "Pipeline-won-XYZ")
    services.refresh(indicator)
    api = f"/api/strategy/{strategy.slug}"
    for user in (None, owner):
        client = Client()
        if user:
            client.force_login(user)
        assert "Pipeline-won-XYZ" not in client.get(strategy.get_absolute_url()).content.decode()
        assert "Pipeline-won-XYZ" not in client.get(api).content.decode()
        assert client.get(indicator.get_absolute_url()).status_code == 404
    client = Client()
    client.force_login(editor)
    assert "Pipeline-won-XYZ" in client.get(strategy.get_absolute_url()).content.decode()
    assert "250000" in client.get(api).content.decode()
    assert client.get(indicator.get_absolute_url()).status_code == 200


# Sites whose corrective actions closed -------------------------------------------------


def corrective(programme: Programme, pcode: str, owner: Organization, *states: str) -> Any:
    """A site with an incident and a plan whose actions are in ``states``."""
    site = make_site(programme, pcode, f"Site {pcode}", ["gold"])
    incident = Incident.objects.create(
        site=site,
        date=dt.date(2023, 5, 2),
        risk_category=RiskCategory.objects.get(slug="non-state-armed-groups"),
        description="Checkpoint",
    )
    plan = CorrectivePlan.objects.create(programme=programme, title=f"Plan {pcode}")
    plan.incidents.add(incident)
    for state in states:
        CorrectiveAction.objects.create(
            plan=plan,
            description="Remove the checkpoint",
            owner=owner,
            due_on=dt.date(2024, 1, 1),
            state=state,
            verified_on=dt.date(2024, 2, 1) if state == "verified" else None,
        )
    return site


@pytest.fixture
def programme(db: Any) -> Programme:
    return Programme.objects.create(name="Kivu survey", country=Country.objects.get(code="CD"))


def test_sites_whose_corrective_actions_closed_follow_the_actions(
    strategy: Strategy,
    programme: Programme,
    org: Organization,
    django_capture_on_commit_callbacks: Any,
) -> None:
    indicator = computed(strategy, Indicator.Metric.SITES_CORRECTED)
    with django_capture_on_commit_callbacks(execute=True):
        corrective(programme, "cd1", org, "verified", "dropped")
        corrective(programme, "cd2", org, "verified", "in-progress")  # one still open
        corrective(programme, "cd3", org, "done")  # awaiting verification
    assert latest(indicator) == 1
    with django_capture_on_commit_callbacks(execute=True):
        still = CorrectiveAction.objects.get(state="in-progress")
        still.state = CorrectiveAction.State.VERIFIED
        still.verified_on = dt.date(2024, 3, 1)
        still.save()
    assert latest(indicator) == 2, "refreshed when the last open action closes"
    with django_capture_on_commit_callbacks(execute=True):
        CorrectiveAction.objects.filter(state="done").update(
            state="verified", verified_on=dt.date(2019, 1, 1)
        )
        CorrectivePlan.objects.get(title="Plan cd3").save()
    assert latest(indicator) == 2, "verified before the baseline"


def test_the_corrected_sites_count_reaches_only_those_granted_every_programme(
    strategy: Strategy, programme: Programme, org: Organization, editor: User
) -> None:
    corrective(programme, "cd1", org, "verified")
    indicator = computed(strategy, Indicator.Metric.SITES_CORRECTED, title="Corrected-XYZ")
    services.refresh(indicator)
    team = make_org("Field team")
    ProgrammeGrant.objects.create(programme=programme, organization=team)
    analyst = make_user("analyst", "member", team)
    root = User.objects.create_superuser("root", "root@example.org", "x")
    other = Programme.objects.create(name="Other", country=Country.objects.get(code="CD"))
    partly = make_user("partly", None)
    ProgrammeGrant.objects.create(programme=other, user=partly)

    def sees(user: User | None) -> bool:
        client = Client()
        if user:
            client.force_login(user)
        page = "Corrected-XYZ" in client.get(strategy.get_absolute_url()).content.decode()
        api = "Corrected-XYZ" in client.get(f"/api/strategy/{strategy.slug}").content.decode()
        detail = client.get(indicator.get_absolute_url()).status_code == 200
        assert page == api == detail
        return page

    assert not sees(None)
    assert not sees(editor), "editors get no monitoring grant by being editors"
    assert not sees(analyst), "granted one programme of two"
    assert not sees(partly)
    assert sees(root)
    ProgrammeGrant.objects.create(programme=other, organization=team)
    assert sees(analyst)


def test_a_review_shows_restricted_figures_only_to_their_audience(
    strategy: Strategy, programme: Programme, org: Organization, editor: User
) -> None:
    corrective(programme, "cd1", org, "verified")
    computed(strategy, Indicator.Metric.SITES_CORRECTED, title="Corrected-XYZ")
    computed(strategy, Indicator.Metric.FUNDING_WON, "USD", title="Won-XYZ")
    computed(strategy, Indicator.Metric.NEW_MEMBERS, title="Members-XYZ")
    review = services.hold_review(editor, strategy, dt.date(2025, 6, 1), "Review", "", "")
    public = [i["title"] for i in services.review_view(AnonymousUser(), review)["indicators"]]
    assert public == ["Members-XYZ"]
    seen = [i["title"] for i in services.review_view(editor, review)["indicators"]]
    assert sorted(seen) == ["Members-XYZ", "Won-XYZ"]
    root = User.objects.create_superuser("root", "root@example.org", "x")
    assert len(services.review_view(root, review)["indicators"]) == 3


# The registry ------------------------------------------------------------------------


def example_metrics() -> list[Metric]:
    return [
        Metric(
            "example-figure",
            "An example figure",
            ("directory.Organization",),
            lambda indicator, start, end: Decimal(42),
        )
    ]


@pytest.fixture
def plugged(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Another app declaring ``strategy_metrics`` on its AppConfig."""
    config = apps.get_app_config("library")
    monkeypatch.setattr(config, "strategy_metrics", f"{__name__}.example_metrics", raising=False)
    metrics.registry.cache_clear()
    yield
    monkeypatch.undo()
    metrics.registry.cache_clear()


def test_another_app_adds_a_metric_through_its_app_config(strategy: Strategy, plugged: Any) -> None:
    assert "example-figure" in metrics.registry()
    assert ("example-figure", "An example figure") in metrics.choices()
    assert "example-figure" in signals.watched()["directory.Organization"]
    indicator = computed(strategy, "example-figure")
    indicator.full_clean()
    assert services.refresh(indicator).value == 42  # type: ignore[union-attr]
    assert indicator.metric_label == "An example figure"
    assert permissions.can_see_item(User(), indicator)


def test_a_metric_registered_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = apps.get_app_config("library")
    monkeypatch.setattr(
        config, "strategy_metrics", "asmhub.strategy.metrics.builtin", raising=False
    )
    metrics.registry.cache_clear()
    try:
        with pytest.raises(ValueError, match="registered twice"):
            metrics.registry()
    finally:
        monkeypatch.undo()
        metrics.registry.cache_clear()


def test_an_indicator_of_an_unregistered_metric_is_for_editors_only() -> None:
    assert metrics.audience("gone-metric") == "editors"
    assert metrics.audience("") == "public"
    assert metrics.audience(Indicator.Metric.NEW_MEMBERS) == "public"


def test_the_indicator_form_offers_every_registered_metric_and_keeps_a_currency(
    strategy: Strategy, editor: User
) -> None:
    client = Client()
    client.force_login(editor)
    url = reverse("strategy:indicator-create", args=[strategy.slug])
    form = client.get(url).content.decode()
    for key in metrics.registry():
        assert f'<option value="{key}"' in form
    values = {
        "title": "Won in euros",
        "metric": "funding-won",
        "baseline": "0",
        "baseline_on": "2020-01-01",
        "position": "0",
    }
    refused = client.post(url, {**values, "currency": "E1R"})
    assert refused.status_code == 200 and not Indicator.objects.exists()
    assert "three-letter ISO 4217 code" in refused.content.decode()
    assert client.post(url, {**values, "currency": "eur"}).status_code == 302
    assert Indicator.objects.get().currency == "EUR"
