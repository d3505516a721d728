"""How long the personal fields of monitoring visits are kept.

A visit's informant (who told the field team) and notes (which may name people) are
cleared ``ASMHUB_INFORMANT_RETENTION_MONTHS`` months after the visit date; the
observations stay. ``asmhub purge-expired`` (or the ``purge_expired`` task) runs it and
leaves one audit entry with the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import Visit

PERSONAL_FIELDS = ("informant", "notes")


def cutoff(today: dt.date | None = None) -> dt.date:
    """Visits dated before this day have passed their retention period."""
    today = today or timezone.localdate()
    return today - relativedelta(months=settings.ASMHUB_INFORMANT_RETENTION_MONTHS)


def expired(today: dt.date | None = None) -> Any:
    kept = Q()
    for name in PERSONAL_FIELDS:
        kept |= ~Q(**{name: ""})
    return Visit.objects.filter(kept, date__lt=cutoff(today))


def purge_expired(today: dt.date | None = None, dry_run: bool = False) -> dict[str, Any]:
    """Clear the informant and notes of every visit past its retention period; audited."""
    before = cutoff(today)
    with transaction.atomic():
        found = expired(today)
        counts: dict[str, Any] = {
            name: found.exclude(**{name: ""}).count() for name in PERSONAL_FIELDS
        }
        counts["visits"] = found.count()
        counts["before"] = before.isoformat()
        if dry_run or not counts["visits"]:
            return counts
        found.update(**{name: "" for name in PERSONAL_FIELDS})
        AuditEntry.objects.create(
            actor=None,
            action="purge-expired",
            target_type=ContentType.objects.get_for_model(Visit),
            target_id="*",
            target_repr=f"visits dated before {before.isoformat()}",
            changes=counts,
        )
    return counts
