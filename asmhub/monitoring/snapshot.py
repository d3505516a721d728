"""What the need index and the map read of every site, held in memory.

The index over 50,000 sites asks, for each site, for its latest visit in a period:
reading a million visits for each request would take seconds, so each process keeps
every site's visits as sorted arrays of dates and observation bits, and finds the
latest one by bisection. The one row of ``MonitoringVersion`` tells each process when
its copy is stale: imports, incidents and corrective actions store a new token there
in the transaction of the change (signals, or ``bump`` after bulk writes).
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

from asmhub.core.versioned import Versioned


class MonitoringVersion(models.Model):
    """One row: the token of the monitoring data the snapshot was built from."""

    token = models.CharField(max_length=32)

    class Meta:
        app_label = "monitoring"

    def __str__(self) -> str:
        return self.token


@dataclass
class SiteEntry:
    pk: int
    programme: int
    name: str
    pcode: str
    latitude: float | None
    longitude: float | None
    province: int | None
    territory: int | None
    collectivite: int | None
    groupement: int | None
    qualification: str
    flagged: bool
    minerals: frozenset[int] = frozenset()
    dates: array = field(default_factory=lambda: array("i"))  # ordinals, ascending
    known: array = field(default_factory=lambda: array("I"))
    present: array = field(default_factory=lambda: array("I"))
    open_actions: int = 0
    open_incidents: int = 0

    def latest(self, start: dt.date | None, end: dt.date | None) -> int | None:
        """The position of the latest on-site visit between ``start`` and ``end``, or None."""
        if not self.dates:
            return None
        at = len(self.dates) if end is None else bisect_right(self.dates, end.toordinal())
        if at == 0:
            return None
        if start is not None and self.dates[at - 1] < start.toordinal():
            return None
        return at - 1


@dataclass
class Snapshot:
    token: str
    sites: list[SiteEntry] = field(default_factory=list)
    by_pk: dict[int, SiteEntry] = field(default_factory=dict)
    # Programmes that have recorded at least one incident (whatever its state).
    incident_programmes: frozenset[int] = frozenset()
    _cells: dict[int, list[str | None]] = field(default_factory=dict)
    # What readers derive from the whole snapshot once (need.measured), dropped with it.
    memo: dict[str, Any] = field(default_factory=dict)

    def cells(self, resolution: int) -> list[str | None]:
        """Each site's H3 cell at ``resolution``, in the order of ``sites``."""
        found = self._cells.get(resolution)
        if found is None:
            found = [
                h3.latlng_to_cell(s.latitude, s.longitude, resolution)
                if s.latitude is not None and s.longitude is not None
                else None
                for s in self.sites
            ]
            self._cells[resolution] = found
        return found

    def arrays(self) -> Arrays:
        """The sites and their visits as columns, built once per snapshot."""
        found = self.memo.get("arrays")
        if found is None:
            found = self.memo["arrays"] = Arrays.of(self.sites)
        assert isinstance(found, Arrays)
        return found

    def areas(self, level: str, resolution: int = 6) -> tuple[np.ndarray, list[Any]]:
        """Each site's area of ``level`` as a code (-1: none) and the areas the codes name.

        ``level`` is an attribute of the sites (``province`` … ``groupement``) or ``h3``
        (the cell at ``resolution``). Built once per snapshot, level and resolution.
        """
        name = f"areas-{level}-{resolution if level == 'h3' else ''}"
        found = self.memo.get(name)
        if found is None:
            values: list[Any] = (
                self.cells(resolution) if level == "h3" else [getattr(s, level) for s in self.sites]
            )
            keys: list[Any] = []
            code_of: dict[Any, int] = {}
            codes = np.empty(len(values), dtype=np.int64)
            for i, value in enumerate(values):
                if value is None:
                    codes[i] = -1
                    continue
                code = code_of.get(value)
                if code is None:
                    code = code_of[value] = len(keys)
                    keys.append(value)
                codes[i] = code
            found = self.memo[name] = (codes, keys)
        return found

    def text_order(self, level: str, resolution: int = 6) -> np.ndarray:
        """The rank of each area of ``areas(level, resolution)`` by its key as text."""
        name = f"text-order-{level}-{resolution if level == 'h3' else ''}"
        found = self.memo.get(name)
        if found is None:
            _codes, keys = self.areas(level, resolution)
            found = np.empty(len(keys), dtype=np.int64)
            found[sorted(range(len(keys)), key=lambda i: str(keys[i]))] = np.arange(len(keys))
            self.memo[name] = found
        return found


@dataclass
class Arrays:
    """Every site's programme and open work, and every visit of every site, flattened.

    The visits of site ``i`` are ``first[i]`` to ``first[i + 1]`` (exclusive), dates
    ascending as in the site's own arrays; ``keys`` is ``i << 32 | date``, sorted, so one
    ``searchsorted`` finds the latest visit of every site up to a date.
    """

    programme: np.ndarray  # int64, per site
    open: np.ndarray  # bool, per site: open corrective actions or incidents
    first: np.ndarray  # int64, per site and one more: where its visits start
    dates: np.ndarray  # int64 ordinals, per visit
    known: np.ndarray  # int64 bits, per visit
    present: np.ndarray  # int64 bits, per visit
    keys: np.ndarray  # int64, per visit

    @classmethod
    def of(cls, sites: list[SiteEntry]) -> Arrays:
        n = len(sites)
        counts = np.fromiter((len(s.dates) for s in sites), dtype=np.int64, count=n)
        first = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=first[1:])

        def flat(name: str, dtype: Any) -> np.ndarray:
            parts = [np.frombuffer(getattr(s, name), dtype=dtype) for s in sites if len(s.dates)]
            if not parts:
                return np.zeros(0, dtype=np.int64)
            return np.concatenate(parts).astype(np.int64)

        dates = flat("dates", np.int32)
        owner = np.repeat(np.arange(n, dtype=np.int64), counts)
        return cls(
            programme=np.fromiter((s.programme for s in sites), dtype=np.int64, count=n),
            open=np.fromiter(
                (bool(s.open_actions or s.open_incidents) for s in sites), dtype=bool, count=n
            ),
            first=first,
            dates=dates,
            known=flat("known", np.uint32),
            present=flat("present", np.uint32),
            keys=(owner << 32) | dates,
        )

    def latest(self, start: dt.date | None, end: dt.date | None) -> np.ndarray:
        """Per site, the position of its latest visit between ``start`` and ``end`` in the
        visit columns, or -1 (as ``SiteEntry.latest``)."""
        n = len(self.programme)
        if not len(self.dates):
            return np.full(n, -1, dtype=np.int64)
        if end is None:
            at = self.first[1:] - 1
        else:
            wanted = (np.arange(n, dtype=np.int64) << 32) | end.toordinal()
            at = np.searchsorted(self.keys, wanted, side="right") - 1
        found = at >= self.first[:-1]
        if start is not None:
            found &= self.dates[np.where(found, at, 0)] >= start.toordinal()
        return np.where(found, at, -1)


def bump() -> None:
    """Mark the snapshot stale for every process (call after bulk writes)."""
    _versioned.bump()


def _bump_on_signal(**kwargs: Any) -> None:
    if not kwargs.get("raw"):
        bump()


def observed(third_party: bool | None = None) -> models.Q:
    """The records that may stand for a site's latest observed visit: visits on site, and
    reports by a third party when asked (``ASMHUB_MONITORING_COUNT_THIRD_PARTY``); status
    rows never."""
    from django.conf import settings

    from asmhub.monitoring.models import Visit

    if third_party is None:
        third_party = settings.ASMHUB_MONITORING_COUNT_THIRD_PARTY
    found = models.Q(record_type=Visit.RecordType.ONSITE, onsite=True)
    if third_party:
        found |= models.Q(record_type=Visit.RecordType.THIRD_PARTY)
    return found


def build(token: str = "", third_party: bool | None = None) -> Snapshot:
    from asmhub.monitoring.models import CorrectiveAction, Incident, Site, Visit

    snapshot = Snapshot(token)
    minerals: dict[int, set[int]] = defaultdict(set)
    for site_id, mineral_id in Site.minerals.through.objects.values_list("site_id", "mineral_id"):
        minerals[site_id].add(mineral_id)
    for row in Site.objects.order_by("pk").values_list(
        "pk",
        "programme_id",
        "name",
        "pcode",
        "latitude",
        "longitude",
        "province_id",
        "territory_id",
        "collectivite_id",
        "groupement_id",
        "qualification",
        "flagged",
    ):
        entry = SiteEntry(*row, minerals=frozenset(minerals.get(row[0], ())))
        snapshot.sites.append(entry)
        snapshot.by_pk[entry.pk] = entry
    by_pk = snapshot.by_pk
    current_pk, entry_or_none = None, None
    for site_id, date, known, present in (
        Visit.objects.filter(observed(third_party))
        .order_by("site_id", "date", "pk")
        .values_list("site_id", "date", "known", "present")
        .iterator(chunk_size=20_000)
    ):
        if site_id != current_pk:
            current_pk, entry_or_none = site_id, by_pk.get(site_id)
        if entry_or_none is not None:
            entry_or_none.dates.append(date.toordinal())
            entry_or_none.known.append(known)
            entry_or_none.present.append(present)
    snapshot.incident_programmes = frozenset(
        Incident.objects.values_list("site__programme_id", flat=True).distinct()
    )
    for site_id in Incident.objects.filter(state__in=Incident.OPEN_STATES).values_list(
        "site_id", flat=True
    ):
        if site_id in by_pk:
            by_pk[site_id].open_incidents += 1
    for site_id in CorrectiveAction.objects.filter(
        state__in=CorrectiveAction.OPEN_STATES
    ).values_list("plan__incidents__site_id", flat=True):
        if site_id in by_pk:
            by_pk[site_id].open_actions += 1
    return snapshot


_versioned: Versioned[Snapshot] = Versioned(MonitoringVersion, build)


def current() -> Snapshot:
    """This process's snapshot, rebuilt first when the data changed since it was built."""
    return _versioned.current()


def connect_signals() -> None:
    """Bump the token on single writes the snapshot reads; bulk imports call ``bump``."""
    from asmhub.monitoring.models import CorrectiveAction, CorrectivePlan, Incident, Site, Visit

    for model in (Site, Visit, Incident, CorrectiveAction, CorrectivePlan):
        uid = f"monitoring-snapshot-{model.__name__}"
        post_save.connect(_bump_on_signal, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_bump_on_signal, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Site.minerals.through, CorrectivePlan.incidents.through):
        m2m_changed.connect(
            _bump_on_signal, sender=through, dispatch_uid=f"monitoring-snapshot-{through.__name__}"
        )
