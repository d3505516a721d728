"""Imports of field surveys: check first (a report per row), then commit atomically.

Three formats read into the same visit records (``records.py``): the IPIS open-data
layout through ``data/ipis.yaml``, the platform's XLSForm submissions (``xlsform.py``)
and any CSV or XLSX through a saved ``ColumnMapping``. ``check`` writes nothing and
says what a commit would do; ``commit`` writes every readable row in one transaction.
A visit is known by its site and key (the IPIS ``vid``, the form's instance ID), so
that importing a file again updates its visits and duplicates nothing.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from asmhub.core.exports import neutralise
from asmhub.core.filelimits import sheet_limits, zip_limits
from asmhub.core.models import AuditEntry
from asmhub.lib.tabular import TabularError, normalise_header, read_table
from asmhub.monitoring import access, records, snapshot, writer
from asmhub.monitoring.models import ColumnMapping, ImportBatch, Indicator, Programme
from asmhub.taxonomy.lookup import Lookup

IPIS_MAP = Path(__file__).resolve().parent / "data" / "ipis.yaml"
EXAMPLES = 3  # rows shown for each column and value; the CSV file lists every one
MAX_GROUPS = 2000  # (column, value) pairs listed in the report; the counts cover them all
PROBLEM_COLUMNS = ("row", "column", "value", "reason")


class ImportFileError(ValueError):
    """The file cannot be read at all; the message names the file and why."""


@dataclass
class Source:
    """A file read as rows of record keys, with the file's own heading for each key."""

    headings: dict[str, str]
    rows: Iterable[tuple[int, dict[str, str]]]
    key_prefix: str = ""
    ignored: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    notes: list[records.Problem] = field(default_factory=list)
    ordinals: dict[str, str] = field(default_factory=dict)
    space_lists: bool = False  # lists of codes separated by spaces (XLSForm select_multiple)


class ProblemLog:
    """Every problem of a file: counted by column and by value with a few example rows,
    and written one line each to a CSV file on disk (never all held in memory)."""

    def __init__(self) -> None:
        self.count = 0
        self.rows: set[int] = set()
        self.columns: Counter[str] = Counter()
        self.groups: dict[tuple[str, str], dict[str, Any]] = {}
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close() or saved
        self._text = io.TextIOWrapper(self.file, encoding="utf-8-sig", newline="")
        self._csv = csv.writer(self._text)
        self._csv.writerow(PROBLEM_COLUMNS)

    def add(self, problem: records.Problem) -> None:
        self.count += 1
        if problem.row:
            self.rows.add(problem.row)
        self.columns[problem.column] += 1
        group = self.groups.setdefault(
            (problem.column, problem.value),
            {"column": problem.column, "value": problem.value, "reason": problem.reason},
        )
        group["count"] = group.get("count", 0) + 1
        examples = group.setdefault("rows", [])
        if len(examples) < EXAMPLES:
            examples.append(problem.row)
        self._csv.writerow(
            [neutralise(v) for v in (problem.row, problem.column, problem.value, problem.reason)]
        )

    def report(self) -> dict[str, Any]:
        groups = sorted(self.groups.values(), key=lambda g: (-g["count"], g["column"], g["value"]))
        return {
            "problem_count": self.count,
            "rows_with_problems": len(self.rows),
            "problem_columns": dict(self.columns.most_common()),
            "problem_values": groups[:MAX_GROUPS],
            "problem_values_left_off": max(0, len(groups) - MAX_GROUPS),
            "problems": [
                {"row": row, "column": g["column"], "value": g["value"], "reason": g["reason"]}
                for g in groups[:MAX_GROUPS]
                for row in g["rows"]
            ],
        }

    def csv_file(self) -> File[Any]:
        """The CSV of every problem, from its start (for the file storage)."""
        self._text.flush()
        self.file.seek(0)
        return File(self.file)

    def close(self) -> None:
        self._text.close()


@cache
def ipis_layout() -> dict[str, Any]:
    layout: dict[str, Any] = yaml.safe_load(IPIS_MAP.read_text(encoding="utf-8"))
    return layout


def _table(
    content: bytes, filename: str
) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[records.Problem]]:
    try:
        table = read_table(
            filename, content, lenient=True, zip_limits=zip_limits(), sheet_limits=sheet_limits()
        )
    except TabularError as exc:
        raise ImportFileError(str(exc)) from None
    except csv.Error as exc:  # a field over the reader's limit, as in a line of megabytes
        raise ImportFileError(
            _("%(file)s cannot be read as CSV (%(reason)s); nothing was imported.")
            % {"file": filename, "reason": exc}
        ) from None
    notes = [records.Problem(n.row, n.column, n.value, n.reason) for n in table.notes]
    return table.headers, table.rows, notes


def _renamed(
    rows: Iterable[tuple[int, dict[str, str]]], names: Mapping[str, str]
) -> Iterator[tuple[int, dict[str, str]]]:
    for number, cells in rows:
        yield number, {names[h]: v for h, v in cells.items() if h in names}


def read_ipis(content: bytes, filename: str, mapping: ColumnMapping | None = None) -> Source:
    layout = ipis_layout()
    headers, rows, notes = _table(content, filename)
    columns: dict[str, str] = layout["columns"]
    missing = [c for c in layout["required"] if c not in headers]
    if missing:
        raise ImportFileError(
            _("%(file)s: not the IPIS layout: no column %(columns)s")
            % {"file": filename, "columns": ", ".join(missing)}
        )
    names = {h: columns[h] for h in headers if h in columns}
    return Source(
        headings={key: heading for heading, key in names.items()},
        rows=_renamed(rows, names),
        key_prefix=layout["key_prefix"],
        ordinals={**records.ORDINALS, **layout.get("ordinals", {})},
        ignored=[h for h in headers if h in layout["ignore"]],
        unknown=[h for h in headers if h not in columns and h not in layout["ignore"]],
        notes=notes,
    )


def read_mapped(content: bytes, filename: str, mapping: ColumnMapping | None = None) -> Source:
    if mapping is None:
        raise ImportFileError(_("Choose a column mapping for this file."))
    headers, rows, notes = _table(content, filename)
    wanted = {key: normalise_header(heading) for key, heading in mapping.columns.items() if heading}
    missing = sorted({h for h in wanted.values() if h not in headers})
    if missing:
        raise ImportFileError(
            _("%(file)s: the mapping “%(mapping)s” names columns the file lacks: %(columns)s")
            % {"file": filename, "mapping": mapping.name, "columns": ", ".join(missing)}
        )
    names = {heading: key for key, heading in wanted.items()}
    return Source(
        headings={key: heading for heading, key in names.items()},
        rows=_renamed(rows, names),
        key_prefix=f"map-{mapping.pk}:",
        unknown=[h for h in headers if h not in names],
        notes=notes,
    )


def _read_xlsform(content: bytes, filename: str, mapping: ColumnMapping | None = None) -> Source:
    from asmhub.monitoring.xlsform import read_submissions

    return read_submissions(content, filename)


READERS: dict[str, Callable[[bytes, str, ColumnMapping | None], Source]] = {
    ImportBatch.Format.IPIS: read_ipis,
    ImportBatch.Format.XLSFORM: _read_xlsform,
    ImportBatch.Format.MAPPED: read_mapped,
}


def read(
    batch: ImportBatch, log: ProblemLog | None = None
) -> tuple[list[records.Record], dict[str, Any]]:
    """The batch's readable records, and the report of reading them (every problem goes to
    ``log``, which keeps the full list as a CSV file)."""
    source = READERS[batch.format](bytes(batch.content), batch.filename, batch.mapping)
    lookup = Lookup()
    indicators = {
        i.slug: i
        for i in Indicator.objects.filter(Q(programme=None) | Q(programme=batch.programme_id))
    }
    context = records.Context(
        mineral=lambda name: getattr(lookup.mineral(name), "pk", None),
        indicators=indicators,
        key_prefix=source.key_prefix,
        ordinals=source.ordinals or dict(records.ORDINALS),
        space_lists=source.space_lists,
    )
    own_log = log is None
    problems = log or ProblemLog()
    for note in source.notes:
        problems.add(note)
    found: dict[tuple[str, str], records.Record] = {}
    rows = skipped = 0
    kinds: Counter[str] = Counter()
    for number, cells in source.rows:
        rows += 1
        record, row_problems = records.build(number, cells, source.headings, context)
        for problem in row_problems:
            problems.add(problem)
        if record is None:
            skipped += 1
            continue
        earlier = found.get((record.pcode, record.key))
        if earlier is not None:
            problems.add(
                records.Problem(
                    number,
                    source.headings.get("key", "key"),
                    record.key,
                    _("repeats the visit of row %d: the later row is kept") % earlier.row,
                )
            )
        found[(record.pcode, record.key)] = record
    for record in found.values():
        kinds[record.visit["record_type"].replace("-", "_")] += 1
    report = {
        "format": batch.format,
        "filename": batch.filename,
        "rows": rows,
        "skipped": skipped,
        "visits": len(found),
        "record_types": dict(kinds),
        **problems.report(),
        "normalized": dict(context.normalized.most_common()),
        "unknown_minerals": dict(context.unknown_minerals.most_common()),
        "ignored_columns": source.ignored,
        "unknown_columns": source.unknown,
    }
    if own_log:
        problems.close()
    return list(found.values()), report


def _check_manager(user: Any, programme: Programme) -> None:
    """Managers of the programme may import; ``None`` is the platform itself (commands)."""
    if user is not None and not access.access_for(user).may_manage(programme.pk):
        raise PermissionDenied(_("Only the programme's managers may import into it."))


def upload(
    user: Any,
    programme: Programme,
    fmt: str,
    filename: str,
    content: bytes,
    mapping: ColumnMapping | None = None,
) -> ImportBatch:
    """Store the file and check it: the dry run. Raises ImportFileError for unreadable files."""
    import hashlib

    _check_manager(user, programme)
    batch = ImportBatch(
        programme=programme,
        format=fmt,
        mapping=mapping,
        filename=Path(filename).name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    log = ProblemLog()
    try:
        found, report = read(batch, log)
        report.update(writer.plan(programme, found))
        batch.report = report
        if log.count:
            batch.problems_file.save(
                f"{batch.sha256[:16]}-problems.csv", log.csv_file(), save=False
            )
        batch.save()
    finally:
        log.close()
    return batch


def commit(user: Any, batch: ImportBatch) -> dict[str, Any]:
    """Write the checked batch in one transaction, with an audit entry; returns the counts."""
    _check_manager(user, batch.programme)
    if batch.committed_at is not None:
        raise PermissionDenied(_("This import was committed already."))
    found, report = read(batch)
    with transaction.atomic():
        counts = writer.write(batch.programme, found, batch)
        report.update(counts)
        report["committed"] = True
        batch.report = report
        batch.committed_at = timezone.now()
        batch.save(update_fields=["report", "committed_at"])
        AuditEntry.record(user, "import", batch, {k: v for k, v in counts.items()})
        snapshot.bump()
    return counts


def import_file(
    user: Any,
    programme: Programme,
    fmt: str,
    path: Path,
    mapping: ColumnMapping | None = None,
    dry_run: bool = True,
) -> ImportBatch:
    """Check a file from disk, and commit it unless ``dry_run`` (the command's entry)."""
    batch = upload(user, programme, fmt, path.name, path.read_bytes(), mapping)
    if not dry_run:
        commit(user, batch)
        batch.refresh_from_db()
    return batch


def summary(report: Mapping[str, Any]) -> Counter[str]:
    """The report's figures, for the command line and the page heading."""
    keys: tuple[str, ...] = (
        "rows",
        "visits",
        "skipped",
        "problem_count",
        "visits_new",
        "visits_updated",
        "visits_unchanged",
    )
    keys += ("sites_new", "sites_updated")
    return Counter({k: int(report.get(k, 0)) for k in keys})
