"""Who may read what of the monitoring data.

Restricted, per programme, to users granted it (``ProgrammeGrant``, to the user or to
their organization): the armed actors seen at visits (who, what kind, how often, what
they do), informants and visit notes, incidents and corrective action plans, observed
taxes with their place, and the exact coordinates of flagged sites (shown to others
rounded to ``COARSE_DEGREES``). Everyone else, the public included, reads sites
without these fields and the aggregates per area. Platform editors get no grant by
being editors; superusers read everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from asmhub.monitoring.models import Programme, ProgrammeGrant

COARSE_DEGREES = 0.1  # about 11 km at the equator


@dataclass(frozen=True)
class Access:
    restricted: frozenset[int]  # programmes whose restricted fields the user reads
    manages: frozenset[int]  # programmes the user may import into and edit

    def reads_restricted(self, programme_id: int | None) -> bool:
        return programme_id in self.restricted

    def may_manage(self, programme_id: int | None) -> bool:
        return programme_id in self.manages

    @property
    def any_restricted(self) -> bool:
        return bool(self.restricted)


NOBODY = Access(frozenset(), frozenset())


def access_for(user: Any) -> Access:
    """The programmes whose restricted fields ``user`` reads, and those they manage."""
    if not (user.is_authenticated and user.is_active):
        return NOBODY
    if user.is_superuser:
        every = frozenset(Programme.objects.values_list("pk", flat=True))
        return Access(every, every)
    who = Q(user=user)
    if user.organization_id:
        who |= Q(organization_id=user.organization_id)
    restricted: set[int] = set()
    manages: set[int] = set()
    for programme_id, level in ProgrammeGrant.objects.filter(who).values_list(
        "programme_id", "level"
    ):
        restricted.add(programme_id)
        if level == ProgrammeGrant.Level.MANAGER:
            manages.add(programme_id)
    return Access(frozenset(restricted), frozenset(manages))


def coarse(value: float | None) -> float | None:
    """A coordinate rounded to the grid that unprivileged users see for flagged sites."""
    if value is None:
        return None
    return round(round(value / COARSE_DEGREES) * COARSE_DEGREES, 1)


def point(
    access: Access,
    programme_id: int,
    flagged: bool,
    latitude: float | None,
    longitude: float | None,
) -> tuple[float | None, float | None, bool]:
    """The coordinates the user may see, and whether they are approximate."""
    if flagged and not access.reads_restricted(programme_id):
        return coarse(latitude), coarse(longitude), True
    return latitude, longitude, False
