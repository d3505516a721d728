"""What computed indicators can count: a registry that any app adds to.

An app declares ``strategy_metrics = "dotted.path"`` on its AppConfig: a function with
no arguments returning ``Metric`` rows. Each metric has a key (stored on the indicator),
a label, the models whose save or delete refresh it (``watches``, as "app.Model"), the
function that computes its value for an indicator over a period, and who may see the
indicators computed from it (``audience``, decided in ``core.permissions``):

- ``public`` — the figure aggregates records that everyone may read;
- ``editors`` — it aggregates records kept from the public (the funding pipeline);
- ``monitoring`` — it aggregates restricted monitoring data: only readers granted every
  monitoring programme see it.

The strategy app registers its own metrics below; a briefs app registers "briefs
published" the same way, with no edit here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, Sum
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.models import Event
from asmhub.core.models import Status
from asmhub.directory.models import Organization
from asmhub.funding.models import Application
from asmhub.library.models import SuccessStory
from asmhub.monitoring.access import Access
from asmhub.monitoring.models import CorrectiveAction, Programme
from asmhub.monitoring.services import incidents_for

if TYPE_CHECKING:
    from asmhub.strategy.models import Indicator

AUDIENCES = ("public", "editors", "monitoring")


@dataclass(frozen=True)
class Metric:
    key: str
    label: str | Promise
    watches: tuple[str, ...]
    compute: Callable[[Indicator, dt.date, dt.date], Decimal]
    audience: str = "public"
    help: str | Promise = ""

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"metric {self.key!r}: unknown audience {self.audience!r}")
        if len(self.key) > 40:
            raise ValueError(f"metric {self.key!r}: a key has at most 40 characters")


@cache
def registry() -> dict[str, Metric]:
    """Every registered metric by key, in INSTALLED_APPS order."""
    found: dict[str, Metric] = {}
    for config in apps.get_app_configs():
        path = getattr(config, "strategy_metrics", None)
        if not path:
            continue
        provider: Callable[[], list[Metric]] = import_string(path)
        for metric in provider():
            if metric.key in found:
                raise ValueError(f"metric {metric.key!r} is registered twice")
            found[metric.key] = metric
    return found


def get(key: str) -> Metric | None:
    return registry().get(key)


def choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in registry().values()]


def audience(key: str) -> str:
    """Who may see indicators computed from ``key``; an unknown metric, editors only."""
    if not key:
        return "public"
    metric = get(key)
    return metric.audience if metric else "editors"


# The strategy app's own metrics ---------------------------------------------------------


def _new_members(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:

    return Decimal(
        Organization.objects.filter(
            status=Status.PUBLISHED, created_at__date__gt=start, created_at__date__lte=end
        ).count()
    )


def _verified_stories(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:

    return Decimal(
        SuccessStory.objects.filter(
            status=Status.PUBLISHED,
            stage__in=[SuccessStory.Stage.VERIFIED, SuccessStory.Stage.PROMOTED],
        )
        .filter(
            Q(verified_on__gt=start, verified_on__lte=end)
            | Q(verified_on__isnull=True, created_at__date__gt=start, created_at__date__lte=end)
        )
        .count()
    )


def _events_held(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:

    return Decimal(
        Event.objects.filter(status=Status.PUBLISHED, start__date__gt=start, start__date__lte=end)
        .exclude(state=Event.State.CANCELLED)
        .count()
    )


def _pipeline(indicator: Indicator, field: str, applications: Any) -> Decimal:
    """The sum of ``field`` in the indicator's currency, else how many applications."""
    if indicator.currency:
        total = applications.filter(currency=indicator.currency.upper()).aggregate(
            total=Sum(field)
        )["total"]
        return Decimal(total or 0)
    return Decimal(applications.count())


def _funding_requested(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:
    """Applications of the funding pipeline submitted in the period, whatever came of them."""

    submitted = Application.objects.filter(
        status=Status.PUBLISHED, submitted_on__gt=start, submitted_on__lte=end
    ).exclude(stage__in=[Application.Stage.IDEA, Application.Stage.DRAFTING])
    return _pipeline(indicator, "amount_requested", submitted)


def _funding_won(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:
    """Applications of the funding pipeline awarded in the period."""

    awarded = Application.objects.filter(
        status=Status.PUBLISHED,
        stage=Application.Stage.AWARDED,
        decision_on__gt=start,
        decision_on__lte=end,
    )
    return _pipeline(indicator, "amount_granted", awarded)


def _sites_corrected(indicator: Indicator, start: dt.date, end: dt.date) -> Decimal:
    """Sites whose corrective actions are closed: at least one verified in the period and
    none still open. Read through monitoring's own function for restricted incidents,
    with every programme's grant, and only ever published as this one count."""

    every = frozenset(Programme.objects.values_list("pk", flat=True))
    incidents = incidents_for(Access(every, frozenset()))
    closed = incidents.filter(
        plans__actions__state=CorrectiveAction.State.VERIFIED,
        plans__actions__verified_on__gt=start,
        plans__actions__verified_on__lte=end,
    ).values_list("site_id", flat=True)
    still_open = incidents.filter(
        plans__actions__state__in=CorrectiveAction.OPEN_STATES
    ).values_list("site_id", flat=True)
    return Decimal(len(set(closed) - set(still_open)))


def builtin() -> list[Metric]:
    return [
        Metric(
            "new-members",
            _("New member organizations"),
            ("directory.Organization",),
            _new_members,
        ),
        Metric(
            "verified-stories",
            _("Verified success stories"),
            ("library.SuccessStory",),
            _verified_stories,
        ),
        Metric("events-held", _("Events held"), ("calendar.Event",), _events_held),
        Metric(
            "funding-requested",
            _("Funding requested through applications"),
            ("funding.Application",),
            _funding_requested,
            audience="editors",
            help=_("Sum in the indicator's currency, or how many applications without one."),
        ),
        Metric(
            "funding-won",
            _("Funding won through applications"),
            ("funding.Application",),
            _funding_won,
            audience="editors",
            help=_("Sum in the indicator's currency, or how many applications without one."),
        ),
        Metric(
            "sites-corrected",
            _("Sites whose corrective actions closed"),
            ("monitoring.CorrectiveAction", "monitoring.CorrectivePlan", "monitoring.Incident"),
            _sites_corrected,
            audience="monitoring",
        ),
    ]
