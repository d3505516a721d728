"""What a visit shows, as bits: the observations the need index and the map read.

Each visit stores two bit sets, computed when it is written (``flags_of``): ``known``
has a bit for every observation the visit recorded, ``present`` a bit for every one
that was seen. A blank in a survey leaves the bit out of ``known``, so that "no data"
never counts as "no".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TAXING = {"entry-taxation", "commercial-taxation", "production-taxation"}


@dataclass(frozen=True)
class Observation:
    key: str
    bit: int
    read: Callable[[Mapping[str, Any]], bool | None]


def _field(name: str) -> Callable[[Mapping[str, Any]], bool | None]:
    return lambda v: v.get(name)


def _any(*names: str) -> Callable[[Mapping[str, Any]], bool | None]:
    def read(v: Mapping[str, Any]) -> bool | None:
        values = [v.get(n) for n in names]
        if any(x is True for x in values):
            return True
        return False if any(x is False for x in values) else None

    return read


def _armed_interference(v: Mapping[str, Any]) -> bool | None:
    """Yes when the visit says so or an actor taxes, buys, digs…; no when the visit says
    so, saw no armed presence, or every actor listed was seen not interfering (``FARDC -
    Pas d'ingérence constatée``). A listed actor alone says nothing either way."""
    actors: list[Mapping[str, Any]] = list(v.get("armed_actors") or ())
    if v.get("armed_interference") is True or any(a.get("activities") for a in actors):
        return True
    if v.get("armed_interference") is False or v.get("armed_presence") is False:
        return False
    if actors and all(a.get("interference") is False for a in actors):
        return False
    return None


def _illegal_taxation(v: Mapping[str, Any]) -> bool | None:
    """Yes when an actor taxes (or an observed payment no law allows); no without armed
    presence, or when every actor listed has its taxation flags at 0 (``taxes`` False).
    A blank flag is no data."""
    actors: list[Mapping[str, Any]] = list(v.get("armed_actors") or ())
    if any(TAXING & set(a.get("activities") or ()) for a in actors):
        return True
    if v.get("illegal_tax_observed"):
        return True
    if v.get("armed_presence") is False or v.get("illegal_tax_observed") is False:
        return False
    if actors and all(a.get("taxes") is False for a in actors):
        return False
    return None


def _no_state_service(v: Mapping[str, Any]) -> bool | None:
    present = v.get("state_service_present")
    return None if present is None else not present


OBSERVATIONS: tuple[Observation, ...] = (
    Observation("armed_interference", 1 << 0, _armed_interference),
    Observation("illegal_taxation", 1 << 1, _illegal_taxation),
    Observation("child_labour", 1 << 2, _any("children_under_15", "children_15_18")),
    Observation("mercury", 1 << 3, _field("mercury")),
    Observation("no_state_service", 1 << 4, _no_state_service),
    Observation("accidents", 1 << 5, _field("accidents")),
    Observation("armed_presence", 1 << 6, _field("armed_presence")),
    Observation("women", 1 << 7, _field("women")),
    Observation("children", 1 << 8, _field("children_under_15")),
)
BITS = {o.key: o.bit for o in OBSERVATIONS}


def flags_of(visit: Mapping[str, Any]) -> tuple[int, int]:
    """The (known, present) bits of a visit given as field values (and ``armed_actors``)."""
    known = present = 0
    for observation in OBSERVATIONS:
        value = observation.read(visit)
        if value is not None:
            known |= observation.bit
            if value:
                present |= observation.bit
    return known, present
