"""Metadata of library resources: read from a CSV or a data file, checked, applied.

A metadata CSV has one row per file (column ``file``) and any of the other columns
below; several values in a cell are separated by semicolons. The whole file is
checked before anything is ingested: every problem is listed with its row, column,
value and reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from asmhub.core.filelimits import sheet_limits, zip_limits
from asmhub.lib.tabular import ImportIssue, TabularError, read_table, split_list
from asmhub.library.models import Resource, ResourceType
from asmhub.taxonomy.lookup import Lookup

COLUMNS = (
    "file",
    "title",
    "type",
    "authors",
    "publishers",
    "date",
    "language",
    "place",
    "summary",
    "countries",
    "minerals",
    "lever_issues",
    "sdg_goals",
    "sdg_targets",
    "mdg_goals",
    "licence",
    "source_url",
)
RELATIONS = {  # column: (Lookup method, what it is, Resource field)
    "publishers": ("organization", "organization", "publishers"),
    "countries": ("country", "country", "countries"),
    "minerals": ("mineral", "mineral", "minerals"),
    "lever_issues": ("issue", "lever issue", "lever_issues"),
    "sdg_goals": ("sdg_goal", "SDG goal", "sdg_goals"),
    "sdg_targets": ("sdg_target", "SDG target", "sdg_targets"),
    "mdg_goals": ("mdg_goal", "MDG goal", "mdg_goals"),
}


class MetadataError(ValueError):
    def __init__(self, issues: list[ImportIssue]) -> None:
        super().__init__("; ".join(str(i) for i in issues))
        self.issues = issues


@dataclass
class ResourceMetadata:
    values: dict[str, Any] = field(default_factory=dict)  # plain Resource fields
    relations: dict[str, list[Any]] = field(default_factory=dict)  # many-to-many fields


def _date(text: str) -> tuple[datetime.date | None, int | None]:
    """Accept 2005, 2005-06 or 2005-06-16."""
    parts = text.strip().split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4 or len(parts) > 3:
        raise ValueError
    year = int(parts[0])
    if len(parts) == 1:
        return None, year
    month = int(parts[1])
    day = int(parts[2]) if len(parts) == 3 else 1
    return datetime.date(year, month, day), year


def metadata_from_mapping(
    row: Mapping[str, Any], *, where: str = "", number: int = 0, lookup: Lookup | None = None
) -> ResourceMetadata:
    """Check one row (CSV cells or a data-file entry); raise MetadataError listing every problem."""
    lookup = lookup or Lookup()
    issues: list[ImportIssue] = []
    meta = ResourceMetadata()

    def issue(column: str, value: Any, reason: str) -> None:
        issues.append(ImportIssue(where, number, column, str(value), reason))

    def text(column: str) -> str:
        value = row.get(column)
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return "" if value is None else str(value).strip()

    for column in ("title", "authors", "place", "summary", "licence"):
        if text(column):
            meta.values[column] = text(column)
    if text("type"):
        kinds = {value: value for value, _ in ResourceType.choices} | {
            str(label).lower().replace(" ", "-"): value for value, label in ResourceType.choices
        }
        kind = kinds.get(text("type").lower().replace(" ", "-"))
        if kind is None:
            issue("type", text("type"), f"unknown type; use one of {', '.join(kinds)}")
        else:
            meta.values["resource_type"] = kind
    if text("date"):
        try:
            meta.values["published_on"], meta.values["year"] = _date(text("date"))
        except ValueError:
            issue("date", text("date"), "not a date: use 2005, 2005-06 or 2005-06-16")
    if text("language"):
        language = text("language").lower()
        if len(language) != 2 or not language.isalpha():
            issue("language", language, "use a two-letter ISO 639-1 code, e.g. en, fr, es, pt, sw")
        meta.values["language"] = language
    if text("source_url"):
        try:
            URLValidator(schemes=["http", "https"])(text("source_url"))
            meta.values["source_url"] = text("source_url")
        except ValidationError:
            issue("source_url", text("source_url"), "not a web address (http:// or https://)")
    for column, (method, what, target) in RELATIONS.items():
        find: Callable[[str], Any] = getattr(lookup, method)
        found = []
        for value in split_list(text(column)):
            record = find(value)
            if record is None:
                issue(column, value, f"unknown {what}")
            else:
                found.append(record)
        if column in row:
            meta.relations[target] = found
    if issues:
        raise MetadataError(issues)
    return meta


def read_metadata_csv(path: Path) -> dict[str, ResourceMetadata]:
    """Metadata by file name; MetadataError lists every problem of the whole file."""
    try:
        table = read_table(path, zip_limits=zip_limits(), sheet_limits=sheet_limits())
    except TabularError as exc:
        raise MetadataError(
            [ImportIssue(path.name, 0, "", "", str(exc).removeprefix(f"{path.name}: "))]
        ) from None
    issues = [
        ImportIssue(path.name, 1, h, "", f"unknown column; expected some of: {', '.join(COLUMNS)}")
        for h in table.headers
        if h not in COLUMNS
    ]
    if "file" not in table.headers:
        issues.append(ImportIssue(path.name, 1, "file", "", "required column is missing"))
    if issues:
        raise MetadataError(issues)
    lookup = Lookup()
    found: dict[str, ResourceMetadata] = {}
    for number, row in table.rows:
        name = Path(row["file"]).name
        if not name:
            issues.append(ImportIssue(path.name, number, "file", "", "a file name is required"))
            continue
        if name in found:
            issues.append(
                ImportIssue(path.name, number, "file", name, "the same file is described twice")
            )
        try:
            found[name] = metadata_from_mapping(row, where=path.name, number=number, lookup=lookup)
        except MetadataError as exc:
            issues.extend(exc.issues)
    if issues:
        raise MetadataError(issues)
    return found


def apply_metadata(resource: Resource, metadata: ResourceMetadata, *, save: bool) -> None:
    """Set plain fields (``save=False``) or, on a saved resource, also the relations."""
    for name, value in metadata.values.items():
        setattr(resource, name, value)
    if save:
        resource.save()
        for name, records in metadata.relations.items():
            getattr(resource, name).set(records)
