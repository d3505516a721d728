"""What the briefs add to the strategy's computed indicators (``strategy/metrics.py``):
the brief versions published in a period, each new version of a brief counting once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from asmhub.briefs.models import BriefVersion
from asmhub.strategy.metrics import Metric


def _published(indicator: Any, start: dt.date, end: dt.date) -> Decimal:
    return Decimal(
        BriefVersion.objects.filter(
            published_at__date__gt=start, published_at__date__lte=end
        ).count()
    )


def strategy_metrics() -> list[Metric]:
    return [
        Metric(
            "briefs-published",
            _("Briefs published (each new version counts)"),
            ("briefs.BriefVersion",),
            _published,
            help=_("Versions of lever-issue briefs published in the period."),
        )
    ]
