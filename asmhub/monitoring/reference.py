"""The monitoring app's reference data: the platform's socioeconomic indicators.

``data/indicators.yaml`` defines them as data (kind, unit, range, allowed values and
their French text); ``load_indicators`` creates or updates them by slug in one
transaction, so that loading the file again changes only what the file changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from asmhub.monitoring.models import Indicator

INDICATORS = Path(__file__).resolve().parent / "data" / "indicators.yaml"


class ReferenceDataError(ValueError):
    """A reference data file holds something the platform cannot load; says where."""


def _values(item: dict[str, Any], where: str) -> dict[str, Any]:
    kinds = set(Indicator.Kind.values)
    if item.get("kind") not in kinds:
        raise ReferenceDataError(f"{where}: kind must be one of {', '.join(sorted(kinds))}")
    if not item.get("name"):
        raise ReferenceDataError(f"{where}: no name")
    allowed = [str(v) for v in item.get("allowed_values") or []]
    if item["kind"] == Indicator.Kind.CHOICE and not allowed:
        raise ReferenceDataError(f"{where}: a choice needs allowed_values")
    low, high = item.get("minimum"), item.get("maximum")
    if low is not None and high is not None and float(low) > float(high):
        raise ReferenceDataError(f"{where}: minimum is above maximum")
    return {
        "name": str(item["name"]),
        "kind": item["kind"],
        "unit": str(item.get("unit") or ""),
        "allowed_values": allowed,
        "minimum": None if low is None else float(low),
        "maximum": None if high is None else float(high),
        "description": str(item.get("description") or "").strip(),
        "translations": item.get("translations") or {},
    }


@transaction.atomic
def load_indicators(path: Path = INDICATORS) -> int:
    """Create or update the platform's indicators from ``path``; returns how many."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data.get("indicators") or []
    seen: set[str] = set()
    for item in items:
        slug = str(item.get("slug") or "")
        where = f"{path.name} {slug or '(no slug)'}"
        if not slug or slug in seen:
            raise ReferenceDataError(f"{where}: every indicator needs its own slug")
        seen.add(slug)
        values = _values(item, where)
        indicator = Indicator.objects.filter(slug=slug).first()
        if indicator is None:
            Indicator.objects.create(slug=slug, programme=None, **values)
            continue
        if indicator.programme_id is not None:
            raise ReferenceDataError(f"{where}: the slug belongs to a programme's indicator")
        changed = [k for k, v in values.items() if getattr(indicator, k) != v]
        if changed:
            for key in changed:
                setattr(indicator, key, values[key])
            indicator.save(update_fields=changed)
    return len(seen)
