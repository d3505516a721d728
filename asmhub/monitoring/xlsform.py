"""The platform's site-visit XLSForm: the workbook built from data, and its submissions read.

The form is ``data/xlsform/site_visit.yaml``; ``workbook`` builds the .xlsx that
KoboToolbox and ODK Central take (sheets survey, choices, settings). Its question
names are visit-record keys (``records.py``), so ``read_submissions`` only has to
undo what the servers do to them on export:

* KoboToolbox CSV ("XML values and headers", ``;`` or ``,``) and XLSX write group paths
  (``site/pcode``), metadata starting with ``_`` and the geopoint as ``lat lon alt
  accuracy`` and/or split columns (``_location_latitude``, ``site/_location_latitude``);
* KoboToolbox JSON is a list of submissions or the API's ``{"count": …, "results": […]}``,
  with the same keys and values that may be strings, numbers or lists;
* ODK Central CSV joins group paths with ``-`` (``site-pcode``, ``meta-instanceID``),
  adds ``KEY`` and ``SubmissionDate`` and splits the geopoint into ``location-Latitude``…;
  its OData JSON (``{"value": […]}``) nests groups and writes the geopoint as GeoJSON.

A visit is known by the submission's instance ID (the original one when the server
keeps it across edits: ``meta/rootUuid``, ``KEY``, ``__id``), so that importing an
export again updates its visits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.utils.translation import gettext as _

from asmhub.lib.text import decode_legacy
from asmhub.monitoring import records

if TYPE_CHECKING:
    from asmhub.monitoring.importers import Source

FORM = Path(__file__).resolve().parent / "data" / "xlsform" / "site_visit.yaml"
KEY_PREFIX = "odk:"
TRANSLATED = ("label", "hint", "guidance_hint", "constraint_message", "required_message")
SURVEY_COLUMNS: tuple[str, ...] = ("type", "name", "label", "hint", "required", "relevant")
SURVEY_COLUMNS += ("constraint", "constraint_message", "appearance", "default", "calculation")
SURVEY_COLUMNS += ("choice_filter", "read_only", "parameters")
GROUP_TYPES = ("begin_group", "end_group", "begin_repeat", "end_repeat")
# Columns servers add, by their full heading.
METADATA = {"_id", "_uuid", "_submission_time", "_index", "_validation_status", "_status"}
METADATA |= {"_submitted_by", "__version__", "_tags", "_notes", "_attachments", "_geolocation"}
METADATA |= {"_xform_id_string", "_parent_index", "_parent_table_name", "formhub/uuid"}
METADATA |= {"SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"}
METADATA |= {"AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits"}
METADATA |= {"FormVersion", "__id", "__system", "@odata.context", "@odata.count"}
# Metadata questions, by their name inside the groups.
META_NAMES = {"instanceID", "instanceName", "deprecatedID", "rootUuid", "start", "end"}
META_NAMES |= {"today", "deviceid", "username", "phonenumber", "simserial", "subscriberid"}
META_NAMES |= {"audit", "email", "uuid"}
# Where the instance ID is, best first: the servers' IDs that survive edits come first.
ID_COLUMNS = ("rootUuid", "KEY", "__id", "instanceID", "_uuid")
GEO_PARTS = {"latitude": 0, "longitude": 1, "altitude": 2, "precision": 3, "accuracy": 3}
KOBO_GEO = re.compile(r"_?(\w+?)_(latitude|longitude|altitude|precision)", re.I)
CHECKED = {"1", "true", "yes"}


# The form ---------------------------------------------------------------------------


@cache
def form() -> dict[str, Any]:
    """The form as data: settings, survey rows and choice lists."""
    data: dict[str, Any] = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    return data


def version() -> str:
    return str(form()["settings"]["version"])


def questions() -> dict[str, str]:
    """The form's questions (groups left out): name → XLSForm type."""
    return {
        str(row["name"]): str(row["type"])
        for row in form()["survey"]
        if row["type"] not in GROUP_TYPES
    }


def choices_of(name: str) -> list[str]:
    """The choice names of a select question (empty for other questions)."""
    kind = questions().get(name, "").split()
    if len(kind) < 2 or not kind[0].startswith("select_"):
        return []
    return [str(c["name"]) for c in form()["choices"].get(kind[1], [])]


def _columns(rows: list[dict[str, Any]], order: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """The sheet's columns as (heading, key, language) from the keys the rows use."""
    languages: dict[str, str] = form()["languages"]
    used = {key for row in rows for key in row}
    extra = sorted(used - set(order))
    found: list[tuple[str, str, str]] = []
    for key in [*order, *extra]:
        if key not in used:
            continue
        if key in TRANSLATED:
            found += [(f"{key}::{heading}", key, code) for code, heading in languages.items()]
        else:
            found.append((key, key, ""))
    return found


def _sheet(book: Any, title: str, rows: list[dict[str, Any]], order: tuple[str, ...]) -> None:
    from asmhub.core.exports import neutralise

    sheet = book.create_sheet(title)
    columns = _columns(rows, order)
    sheet.append([neutralise(heading) for heading, _key, _language in columns])
    for row in rows:
        cells: list[str] = []
        for _heading, key, language in columns:
            value = row.get(key, "")
            if language:
                value = (value or {}).get(language, "")
            cells.append("" if value is None else str(value))
        sheet.append([neutralise(cell) for cell in cells])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (24, 28, 48, 48, 40, 40, 12, 30), strict=False):
        sheet.column_dimensions[letter].width = width


def workbook() -> bytes:
    """The form as an .xlsx workbook for KoboToolbox, ODK Central and pyxform."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    data = form()
    _sheet(book, "survey", data["survey"], SURVEY_COLUMNS)
    choices = [
        {"list_name": list_name, **choice}
        for list_name, items in data["choices"].items()
        for choice in items
    ]
    _sheet(book, "choices", choices, ("list_name", "name", "label"))
    _sheet(book, "settings", [data["settings"]], tuple(data["settings"]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Reading submissions ----------------------------------------------------------------


@dataclass
class _Columns:
    """What each heading of an export holds, by its position."""

    fields: dict[int, str] = field(default_factory=dict)  # position: record key
    geo: dict[int, tuple[str, int]] = field(default_factory=dict)  # position: (name, part)
    ticks: dict[int, tuple[str, str]] = field(default_factory=dict)  # (question, choice)
    ids: dict[int, int] = field(default_factory=dict)  # position: rank in ID_COLUMNS
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _known_names() -> set[str]:
    return set(questions()) | set(records.keys()) | _indicator_columns()


def _indicator_columns() -> set[str]:
    from asmhub.monitoring.models import Indicator

    slugs = Indicator.objects.values_list("slug", flat=True)
    return {f"ind_{s.replace('-', '_')}" for s in slugs} | {f"indicator:{s}" for s in slugs}


def _geopoints() -> set[str]:
    return {name for name, kind in questions().items() if kind == "geopoint"}


def _multiples() -> set[str]:
    return {name for name, kind in questions().items() if kind.startswith("select_multiple")}


def _classify(headers: list[str]) -> _Columns:
    known, geopoints, multiples = _known_names(), _geopoints(), _multiples()
    found = _Columns()
    for position, heading in enumerate(headers):
        name = heading.strip()
        if not name:
            continue
        parts = name.split("/") if "/" in name else name.split("-")
        last = parts[-1]
        kobo_geo = KOBO_GEO.fullmatch(last)
        if name in known or last in known:
            found.fields[position] = name if name in known else last
        elif name in ID_COLUMNS or last in ("rootUuid", "instanceID"):
            found.ids[position] = ID_COLUMNS.index(name if name in ID_COLUMNS else last)
            found.ignored.append(heading)
        elif kobo_geo and kobo_geo.group(1) in geopoints:
            found.geo[position] = (kobo_geo.group(1), GEO_PARTS[kobo_geo.group(2).lower()])
        elif len(parts) > 1 and parts[-2] in geopoints and last.lower() in GEO_PARTS:
            found.geo[position] = (parts[-2], GEO_PARTS[last.lower()])
        elif len(parts) > 1 and parts[-2] in multiples and last in choices_of(parts[-2]):
            found.ticks[position] = (parts[-2], last)
            found.ignored.append(heading)
        elif (
            name in METADATA
            or last in META_NAMES
            or name.startswith("_")
            or parts[0] in ("meta", "formhub", "__system")
        ):
            found.ignored.append(heading)
        else:
            found.unknown.append(heading)
    return found


def _rows(
    rows: list[tuple[int, list[str]]], columns: _Columns
) -> Iterator[tuple[int, dict[str, str]]]:
    geopoints = _geopoints()
    for number, values in rows:
        cells: dict[str, str] = {}
        for position, key in columns.fields.items():
            value = values[position].strip() if position < len(values) else ""
            if value or key not in cells:
                cells[key] = value
        for point in geopoints & set(cells):  # "lat lon alt accuracy"
            parts = cells.pop(point).split()
            if parts:
                cells["latitude"], cells["longitude"] = parts[0], " ".join(parts[1:2])
        for position, (_point, part) in columns.geo.items():
            value = values[position].strip() if position < len(values) else ""
            if value and part < 2:
                cells[("latitude", "longitude")[part]] = value
        ticked: dict[str, list[str]] = {}
        for position, (question, choice) in columns.ticks.items():
            value = values[position].strip() if position < len(values) else ""
            ticked.setdefault(question, [])
            if value.lower() in CHECKED:
                ticked[question].append(choice)
        for question, chosen in ticked.items():
            if not cells.get(question):
                cells[question] = " ".join(chosen)
        ids = sorted(
            (rank, values[p].strip())
            for p, rank in columns.ids.items()
            if p < len(values) and values[p].strip()
        )
        if ids:
            rank, value = ids[0]
            uuid = ID_COLUMNS[rank] == "_uuid" and not value.startswith("uuid:")
            cells["key"] = f"uuid:{value}" if uuid else value
        yield number, cells


def _headings(headers: list[str], columns: _Columns) -> dict[str, str]:
    """The file's own heading for each record key, for the report."""
    found: dict[str, str] = {}
    for position, key in columns.fields.items():
        if key in _geopoints():
            found.setdefault("latitude", headers[position])
            found.setdefault("longitude", headers[position])
        found.setdefault(key, headers[position])
    for position, (_point, part) in sorted(columns.geo.items()):
        if part < 2:
            found[("latitude", "longitude")[part]] = headers[position]
    for position, (question, _choice) in columns.ticks.items():
        found.setdefault(question, headers[position].rsplit("/", 1)[0])
    if columns.ids:
        found["key"] = headers[min(columns.ids, key=lambda p: columns.ids[p])]
    return found


def read_submissions(content: bytes, filename: str) -> Source:
    """An export of the form's submissions (CSV, JSON or XLSX) as rows of record keys."""
    from asmhub.monitoring.importers import ImportFileError, Source

    name = Path(filename).name
    if not content.strip():
        raise ImportFileError(_("%(file)s: the file is empty") % {"file": name})
    notes: list[records.Problem] = []
    if content.startswith(b"PK\x03\x04"):
        headers, rows = _read_xlsx(content, name)
    elif content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        headers, rows = _read_json(content, name)
    else:
        headers, rows, notes = _read_csv(content, name)
    columns = _classify(headers)
    if not columns.fields:
        shown = ", ".join(h for h in headers[:6] if h) or _("none")
        raise ImportFileError(
            _(
                "%(file)s: not an export of the ASM Hub site-visit form: none of its "
                "headings (%(headings)s) is a question of the form. Export the "
                "submissions with “XML values and headers”."
            )
            % {"file": name, "headings": shown}
        )
    return Source(
        headings=_headings(headers, columns),
        rows=_rows(rows, columns),
        key_prefix=KEY_PREFIX,
        ignored=columns.ignored,
        unknown=columns.unknown,
        notes=notes,
        space_lists=True,  # select_multiple answers: codes separated by spaces
    )


def _error(name: str, reason: str) -> Exception:
    from asmhub.monitoring.importers import ImportFileError

    return ImportFileError(f"{name}: {reason}")


def _read_csv(
    content: bytes, name: str
) -> tuple[list[str], list[tuple[int, list[str]]], list[records.Problem]]:
    notes: list[records.Problem] = []
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # "Unicode text" from spreadsheets
        try:
            content = content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _error(name, _("not readable UTF-16 text")) from None
    if b"\x00" in content[:4096]:
        raise _error(name, _("neither CSV nor JSON text (binary data)"))
    if name.lower().endswith(".json"):
        raise _error(name, _("not readable JSON (it does not start with [ or {)"))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = decode_legacy(content)
        notes.append(records.Problem(0, "", "", _("not UTF-8: read as Windows-1252")))
    first = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _error(name, _("not readable CSV (%s)") % exc) from None
    while table and not any(c.strip() for c in table[0]):
        table.pop(0)
    if not table:
        raise _error(name, _("the file is empty"))
    headers = [h.strip() for h in table[0]]
    rows = [(n, row) for n, row in enumerate(table[1:], start=2) if any(c.strip() for c in row)]
    return headers, rows, notes


def _read_xlsx(content: bytes, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from asmhub.core.filelimits import sheet_limits, zip_limits
    from asmhub.lib.tabular import TabularError, xlsx_rows

    try:
        values = xlsx_rows(name, content, zip_limits(), sheet_limits())
    except TabularError as exc:
        raise _error(name, str(exc).removeprefix(f"{name}: ")) from None
    table = [[_cell(c) for c in row] for row in values]
    if not table:
        raise _error(name, _("the file is empty"))
    rows = [(n, row) for n, row in enumerate(table[1:], start=2) if any(row)]
    return [h.strip() for h in table[0]], rows


def _read_json(content: bytes, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _error(name, _("not UTF-8 JSON")) from None
    except json.JSONDecodeError as exc:
        raise _error(
            name,
            _("not readable JSON (%(why)s, line %(line)d)") % {"why": exc.msg, "line": exc.lineno},
        ) from None
    if isinstance(data, dict):
        data = next(
            (data[k] for k in ("results", "value", "data") if isinstance(data.get(k), list)), None
        )
    if not isinstance(data, list):
        raise _error(name, _('JSON without submissions: expected a list or {"results": [...]}'))
    flat: list[dict[str, str]] = []
    for position, submission in enumerate(data, start=1):
        if not isinstance(submission, dict):
            raise _error(name, _("submission %d is not a JSON object") % position)
        cells: dict[str, str] = {}
        _flatten(submission, "", cells)
        flat.append(cells)
    headers = list(dict.fromkeys(h for cells in flat for h in cells))
    return headers, [(n, [c.get(h, "") for h in headers]) for n, c in enumerate(flat, start=1)]


def _flatten(value: Mapping[str, Any], prefix: str, cells: dict[str, str]) -> None:
    for key, item in value.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(item, dict) and item.get("type") == "Point":  # GeoJSON: lon lat alt
            coordinates = [str(c) for c in item.get("coordinates") or []]
            accuracy = (item.get("properties") or {}).get("accuracy")
            lat_lon = coordinates[1:2] + coordinates[:1] + coordinates[2:3]
            cells[name] = " ".join(lat_lon + ([str(accuracy)] if accuracy is not None else []))
        elif isinstance(item, dict) and not str(key).startswith("_"):
            _flatten(item, name, cells)
        elif isinstance(item, list) and all(not isinstance(i, dict | list) for i in item):
            cells[name] = " ".join(_cell(i) for i in item)
        elif isinstance(item, dict | list):
            cells[name] = json.dumps(item, ensure_ascii=False) if item else ""
        else:
            cells[name] = _cell(item)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
