"""One survey row as a visit record: the shape every import format is read into.

Formats differ only in their headings: the IPIS layout is mapped to these keys by
``data/ipis.yaml``, the platform's XLSForm uses them as its field names, and any
other spreadsheet through a saved ``ColumnMapping``. ``build`` reads the cells,
reports every cell it could not read (the value is then left as "no data") and
rejects the row only when it cannot place it: no site code or no date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from asmhub.monitoring import values
from asmhub.monitoring.observations import flags_of
from asmhub.monitoring.values import Unreadable

SITE_TEXT: tuple[str, ...] = (
    "site_name",
    "location_origin",
    "province",
    "territory",
    "collectivite",
)
SITE_TEXT += ("groupement", "village")
VISIT_TEXT: tuple[str, ...] = ("source", "project", "no_visit_reason", "access_dry", "access_wet")
VISIT_TEXT += ("informant", "notes")
FLAGS = (
    "armed_presence",
    "armed_interference",
    "mechanisation",
    "women",
    "pregnant_women",
    "separate_sanitation",
    "children_under_15",
    "children_15_18",
    "mercury",
    "accidents",
    "phone_coverage",
    "state_service_present",
)
WORK_LISTS = ("women_work", "children_under_15_work", "children_15_18_work")
ACTIVITIES = (
    "entry-taxation",
    "commercial-taxation",
    "production-taxation",
    "buying",
    "digging",
    "forced-labour",
    "monopoly",
    "pillaging",
    "pit-ownership",
)
MAX_MINERALS = MAX_ACTORS = 3
MAX_STATE_SERVICES = 4
TAXING = ("entry-taxation", "commercial-taxation", "production-taxation")
# Keys read on an ordered scale of data/vocabulary.yaml ("scales"); a layout adds its own
# (ipis.yaml, "ordinals").
ORDINALS: dict[str, str] = {"mechanisation_level": "level"}
# Keys that say what a row is, where and whose: a row filling only these observes nothing.
STATUS_KEYS = frozenset(
    [
        *("key", "pcode", "date", "onsite", "no_visit_reason", "source", "project", "geom"),
        *("latitude", "longitude", *SITE_TEXT, "working", "legal_status"),
        *("qualification", "traceability", "informant", "notes"),
    ]
)


class RecordType:
    """What a row is: a visit on site, a status update, or a report by a third party."""

    ONSITE = "onsite"
    STATUS = "status"
    THIRD_PARTY = "third-party"


def keys() -> list[str]:
    """Every key a record reads: the targets of a column mapping and of the XLSForm."""
    found = ["key", "pcode", "date", "onsite", "latitude", "longitude", "geom", *SITE_TEXT]
    found += ["working", "legal_status", "qualification", *VISIT_TEXT, "workers", "pits"]
    found += list(ORDINALS)
    found += [*FLAGS, *WORK_LISTS, "accident_causes", "traceability", "minerals"]
    for n in range(1, MAX_MINERALS + 1):
        found += [f"mineral{n}", f"mineral{n}_selling_points", f"mineral{n}_final_destination"]
    for n in range(1, MAX_ACTORS + 1):
        found += [f"actor{n}_name", f"actor{n}_kind", f"actor{n}_frequency"]
        found += [f"actor{n}_activities"] + [f"actor{n}_{a.replace('-', '_')}" for a in ACTIVITIES]
    found += [f"state_service{n}" for n in range(1, MAX_STATE_SERVICES + 1)]
    found += ["state_services", "state_services_taxing"]
    return found


@dataclass
class Problem:
    row: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}


@dataclass
class Record:
    row: int
    key: str
    pcode: str
    date: dt.date
    site: dict[str, Any] = field(default_factory=dict)
    visit: dict[str, Any] = field(default_factory=dict)
    minerals: list[dict[str, Any]] = field(default_factory=list)
    actors: list[dict[str, Any]] = field(default_factory=list)
    indicators: dict[int, Any] = field(default_factory=dict)


@dataclass
class Context:
    """What reading needs besides the cells: minerals, indicators, the tallies."""

    mineral: Callable[[str], int | None]
    indicators: Mapping[str, Any] = field(default_factory=dict)  # slug: Indicator
    key_prefix: str = ""
    ordinals: Mapping[str, str] = field(default_factory=lambda: dict(ORDINALS))
    space_lists: bool = False  # XLSForm: select_multiple codes separated by spaces
    normalized: Counter[str] = field(default_factory=Counter)
    unknown_minerals: Counter[str] = field(default_factory=Counter)


class _Row:
    """The cells of one row by record key, reporting against the file's own headings."""

    def __init__(
        self, number: int, cells: Mapping[str, str], headings: Mapping[str, str], context: Context
    ) -> None:
        self.number, self.cells, self.headings, self.context = number, cells, headings, context
        self.problems: list[Problem] = []

    def raw(self, key: str) -> str | None:
        value = self.cells.get(key)
        return None if value is None else str(value)

    def note(self, what: str) -> None:
        self.context.normalized[what] += 1

    def problem(self, key: str, reason: str) -> None:
        heading = self.headings.get(key, key)
        self.problems.append(Problem(self.number, heading, (self.raw(key) or "")[:200], reason))

    def read(self, key: str, reader: Callable[..., Any], *args: Any) -> Any:
        raw = self.raw(key)
        nothing = raw is not None and (values.is_none_word(raw) or values.is_unknown_word(raw))
        if nothing and not (reader is values.code and values.listed(args[0], str(raw))):
            return None  # "Aucun", "Je ne sais pas": nothing, or nobody knew; no problem
        try:
            return (
                reader(*args, self.raw(key), self.note)
                if args
                else reader(self.raw(key), self.note)
            )
        except Unreadable as exc:
            self.problem(key, str(exc))
            return None

    def text(self, key: str, limit: int = 200) -> str:
        value = (self.raw(key) or "").strip()
        if len(value) > limit:
            self.note(f"text longer than {limit} characters cut")
        return value[:limit]


def build(
    number: int, cells: Mapping[str, str], headings: Mapping[str, str], context: Context
) -> tuple[Record | None, list[Problem]]:
    """The record of one row, and the problems found in it (``None`` when it has no place)."""
    row = _Row(number, cells, headings, context)
    pcode = row.text("pcode", 60)
    day = row.read("date", values.date)
    if not pcode:
        row.problem("pcode", "no site code: the row cannot be placed")
    if day is None and not any(p.column == headings.get("date", "date") for p in row.problems):
        row.problem("date", "no date: the row cannot be placed")
    if not pcode or day is None:
        return None, row.problems
    key = row.text("key", 100) or f"{pcode}:{day.isoformat()}"
    record = Record(number, f"{context.key_prefix}{key}", pcode, day)
    _site(row, record)
    _visit(row, record)
    _minerals(row, record)
    _actors(row, record)
    _indicators(row, record)
    record.visit["record_type"] = _record_type(row, record)
    record.visit["known"], record.visit["present"] = flags_of(
        {**record.visit, "armed_actors": record.actors}
    )
    return record, row.problems


def _record_type(row: _Row, record: Record) -> str:
    """A third party's report (kept, marked), a status row (observes nothing: it updates
    the site's qualification and traceability, never stands for its latest visit), or
    a visit on site."""
    vocabulary = values.vocabulary()
    if values.fold(record.visit["no_visit_reason"]) in {
        values.fold(w) for w in vocabulary["third_party"]
    }:
        return RecordType.THIRD_PARTY
    if values.fold(record.visit["project"]) in {
        values.fold(w) for w in vocabulary["status_projects"]
    }:
        return RecordType.STATUS
    observed = any(
        not values.blank(cell) for key, cell in row.cells.items() if key not in STATUS_KEYS
    )
    if not observed or record.visit["onsite"] is False:
        return RecordType.STATUS
    return RecordType.ONSITE


def _site(row: _Row, record: Record) -> None:
    site = record.site
    site["name"] = row.text("site_name", 200)
    for key in SITE_TEXT[1:]:
        site[key] = row.text(key, 120)
    site["latitude"] = row.read("latitude", values.coordinate, 90)
    site["longitude"] = row.read("longitude", values.coordinate, 180)
    if site["latitude"] is None and site["longitude"] is None and row.raw("geom"):
        try:
            found = values.point(row.raw("geom"))
        except Unreadable as exc:
            row.problem("geom", str(exc))
        else:
            if found:
                site["longitude"], site["latitude"] = found
                row.note("coordinates read from geom")
    for key in ("working", "legal_status"):
        site[key] = row.read(key, values.code, key) or ""


def _visit(row: _Row, record: Record) -> None:
    visit = record.visit
    visit["date"] = record.date
    onsite = row.read("onsite", values.flag)
    visit["onsite"] = True if onsite is None else onsite
    for key in VISIT_TEXT:
        visit[key] = row.text(key, 200 if key != "notes" else 4000)
    for key in ("workers", "pits"):
        visit[key] = row.read(key, values.integer)
    for key in FLAGS:
        visit[key] = row.read(key, values.flag)
    for key in WORK_LISTS:
        found, unknown = values.codes("work", row.raw(key), row.note, row.context.space_lists)
        visit[key] = found + unknown
        if unknown:
            row.note("kind of work kept as written")
    visit["accident_causes"] = values.items(row.raw("accident_causes"), row.context.space_lists)
    for key, scale in row.context.ordinals.items():
        visit[key] = row.read(key, values.ordinal, scale) or ""
    visit["qualification"] = row.read("qualification", values.code, "qualification") or ""
    written = row.text("qualification", 80)
    nothing = values.is_unknown_word(written) or values.is_none_word(written)
    visit["qualification_as_recorded"] = "" if nothing else written
    _traceability(row, visit)
    _state_services(row, visit)


def _traceability(row: _Row, visit: dict[str, Any]) -> None:
    raw = row.raw("traceability")
    visit["traceability"], visit["traceability_scheme"] = None, ""
    if values.blank(raw) or values.is_unknown_word(str(raw)):
        return
    try:
        visit["traceability"] = values.flag(raw, row.note)
    except Unreadable:
        if values.is_none_word(str(raw)):
            visit["traceability"] = False
        else:  # the scheme's name: ITSCI, BGR CTC, Better Mining…
            visit["traceability"], visit["traceability_scheme"] = True, str(raw).strip()[:80]


def _state_services(row: _Row, visit: dict[str, Any]) -> None:
    names: list[str] = []
    for n in range(1, MAX_STATE_SERVICES + 1):
        names += values.items(row.raw(f"state_service{n}"), spaces=False)
    spaces = row.context.space_lists
    names += values.items(row.raw("state_services"), spaces)
    taxing = {values.fold(n) for n in values.items(row.raw("state_services_taxing"), spaces)}
    saw_none = any(
        not values.blank(row.raw(k)) and values.is_none_word(str(row.raw(k)))
        for k in [f"state_service{n}" for n in range(1, MAX_STATE_SERVICES + 1)]
        + ["state_services"]
    )
    unique = list(dict.fromkeys(names))
    visit["state_services"] = [
        {"name": n, "code": _service_code(row, n), "taxes": values.fold(n) in taxing}
        for n in unique
    ]
    if visit.get("state_service_present") is None and (unique or saw_none):
        visit["state_service_present"] = bool(unique)


def _service_code(row: _Row, name: str) -> str:
    try:
        return values.code("state_service", name, row.note) or ""
    except Unreadable:
        row.note("state service kept as written")
        return ""


def _minerals(row: _Row, record: Record) -> None:
    names: list[tuple[str, str, str]] = []
    for n in range(1, MAX_MINERALS + 1):
        name = row.text(f"mineral{n}", 80)
        if name and not values.is_none_word(name):
            names.append(
                (
                    name,
                    row.text(f"mineral{n}_selling_points", 300),
                    row.text(f"mineral{n}_final_destination", 300),
                )
            )
    for name in values.items(row.raw("minerals"), row.context.space_lists):
        names.append((name[:80], "", ""))
    seen: set[str] = set()
    for position, (name, selling, destination) in enumerate(names, start=1):
        if values.fold(name) in seen:
            continue
        seen.add(values.fold(name))
        mineral = row.context.mineral(name)
        if mineral is None:
            row.context.unknown_minerals[name] += 1
        record.minerals.append(
            {
                "position": position,
                "mineral_id": mineral,
                "name": name,
                "selling_points": selling,
                "final_destination": destination,
            }
        )


def _actors(row: _Row, record: Record) -> None:
    """Up to three armed actors. A none word ("Aucun") in a name or type cell is no actor;
    the type cell may carry what was seen after its code ("FARDC - Pas d'ingérence
    constatée"); a taxation flag at 0 is an explicit "does not tax", a blank no data."""
    for n in range(1, MAX_ACTORS + 1):
        name = row.text(f"actor{n}_name", 200)
        if values.is_none_word(name) or values.is_unknown_word(name):
            name = ""
        kind_cell = row.raw(f"actor{n}_kind")
        if not values.blank(kind_cell) and (
            values.is_none_word(str(kind_cell)) or values.is_unknown_word(str(kind_cell))
        ):
            kind_cell = None
        listed = row.raw(f"actor{n}_activities")
        activities, unknown = values.codes("activities", listed, row.note, row.context.space_lists)
        for unread in unknown:
            row.problem(
                f"actor{n}_activities", f"{unread!r} is not a known activity of armed actors"
            )
        answered: dict[str, bool] = {}
        if values.items(
            listed, row.context.space_lists
        ):  # a list of what they do: what it leaves out, they do not
            answered = {a: a in activities for a in ACTIVITIES}
        for activity in ACTIVITIES:
            flag = row.read(f"actor{n}_{activity.replace('-', '_')}", values.flag)
            if flag is not None:
                answered[activity] = answered.get(activity, False) or flag
            if flag and activity not in activities:
                activities.append(activity)
        if not name and values.blank(kind_cell) and not activities:
            continue
        kind, conduct = None, ""
        if not values.blank(kind_cell):
            try:
                kind, rest = values.split_code("actor_kind", kind_cell, row.note)
            except Unreadable as exc:
                row.problem(f"actor{n}_kind", str(exc))
                rest = ""
            if rest:
                try:
                    conduct = values.code("actor_conduct", rest, row.note) or ""
                except Unreadable:
                    row.problem(f"actor{n}_kind", f"{rest!r} is not a known conduct of actors")
        if kind is None and name:
            try:
                kind = values.code("actor_kind", name, row.note)
            except Unreadable:
                kind = None
        taxes_answered = [answered[a] for a in TAXING if a in answered]
        record.actors.append(
            {
                "position": n,
                "name": name,
                "kind": kind or "",
                "frequency": row.read(f"actor{n}_frequency", values.code, "frequency") or "",
                "activities": activities,
                "conduct": conduct,
                "interference": True
                if activities
                else (False if conduct == "no-interference" else None),
                "taxes": True if any(taxes_answered) else (False if taxes_answered else None),
            }
        )
    if record.actors and record.visit.get("armed_presence") is None:
        record.visit["armed_presence"] = True
        row.note("armed presence inferred from the armed actors listed")


def _indicators(row: _Row, record: Record) -> None:
    for slug, indicator in row.context.indicators.items():
        column = next(
            (k for k in (f"indicator:{slug}", f"ind_{slug.replace('-', '_')}") if k in row.cells),
            None,
        )
        if column is None or values.blank(row.raw(column)):
            continue
        try:
            record.indicators[indicator.pk] = read_indicator(
                indicator, str(row.raw(column)), row.note
            )
        except Unreadable as exc:
            row.problem(column, str(exc))


def read_indicator(indicator: Any, cell: str, note: values.Note) -> Any:
    """A cell as the value of an indicator defined as data (type, unit, allowed values)."""
    kind = indicator.kind
    if kind == "boolean":
        return values.flag(cell, note)
    if kind == "number":
        number = values.decimal_number(re.sub(r"[\s\u00a0]", "", cell), note)
        low, high = indicator.minimum, indicator.maximum
        if number is not None and (
            (low is not None and number < low) or (high is not None and number > high)
        ):
            raise Unreadable(f"{number:g} is outside {low:g}..{high:g} {indicator.unit}".strip())
        return number
    if kind == "choice":
        allowed = {values.fold(str(v)): v for v in indicator.allowed_values}
        if values.fold(cell) not in allowed:
            raise Unreadable(
                f"{cell.strip()!r} is not one of {', '.join(map(str, indicator.allowed_values))}"
            )
        return allowed[values.fold(cell)]
    return cell.strip()[:500]
