"""Read a CSV or XLSX file as a header and numbered rows, with no Django involved.

Row numbers are those a person sees in a spreadsheet program: the header is row 1,
the first record row 2. Header names are normalised (trimmed, lower case, spaces
and hyphens to underscores) so that "Stakeholder type" matches ``stakeholder_type``.

By default a file that is not clean (not UTF-8, a header named twice or not at all,
a row longer than the header) is refused. ``lenient=True`` reads such files whole,
for field surveys whose files are messy: it falls back to Windows-1252, names the
odd columns, drops the extra cells, and says what it did in ``Table.notes``.

An XLSX workbook is checked as a zip archive before it is unpacked (``ZipLimits``, see
:mod:`asmhub.lib.archive`), and its first sheet is read within ``SheetLimits`` whatever
size the sheet declares: the declared dimension is ignored, and a sheet with more rows,
columns or cells than the limits is refused once reading reaches the limit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asmhub.lib.archive import ArchiveError, ZipLimits, check_zip
from asmhub.lib.text import decode_legacy

SUPPORTED = (".csv", ".xlsx")


@dataclass(frozen=True)
class SheetLimits:
    """How much of a sheet is read; the defaults are those of the settings."""

    rows: int = 200_000
    columns: int = 2_000
    cells: int = 5_000_000


@dataclass(frozen=True)
class ImportIssue:
    """One problem in one cell: where it is (row 0 means the whole file) and why."""

    file: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"{self.file}: {self.reason}"
        where = f"{self.file}, row {self.row}" + (f", column {self.column}" if self.column else "")
        shown = f" ({self.value!r})" if self.value else ""
        return f"{where}{shown}: {self.reason}"


class TabularError(ValueError):
    """The file cannot be read as a table; the message names the file and the reason."""


@dataclass
class Table:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    notes: list[ImportIssue] = field(default_factory=list)


def normalise_header(value: object) -> str:
    text = "" if value is None else str(value)
    return "_".join(text.strip().lower().replace("-", " ").split())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _build(name: str, raw_rows: Iterator[list[object]], lenient: bool = False) -> Table:
    try:
        header_row = next(raw_rows)
    except StopIteration:
        raise TabularError(f"{name}: the file is empty") from None
    headers = [normalise_header(h) for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    if not any(headers):
        raise TabularError(f"{name}: row 1 has no column names")
    notes: list[ImportIssue] = []
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        if header == "":
            if not lenient:
                raise TabularError(f"{name}: row 1, column {position} has no name")
            header = headers[position - 1] = f"column_{position}"
            notes.append(ImportIssue(name, 1, header, "", "a column without a name"))
        if header in seen:
            if not lenient:
                raise TabularError(f"{name}: row 1 names the column '{header}' twice")
            renamed = headers[position - 1] = f"{header}_{position}"
            notes.append(ImportIssue(name, 1, renamed, header, "a column named twice: renamed"))
        seen.add(headers[position - 1])
    rows = []
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell(v) for v in raw]
        if not any(values):
            continue
        extra = [v for v in values[len(headers) :] if v]
        if extra:
            if not lenient:
                raise TabularError(f"{name}: row {number} has more values than there are columns")
            notes.append(
                ImportIssue(
                    name,
                    number,
                    "",
                    extra[0][:60],
                    f"{len(extra)} cells past the last column ignored",
                )
            )
            values = values[: len(headers)]
        values += [""] * (len(headers) - len(values))
        rows.append((number, dict(zip(headers, values, strict=False))))
    return Table(name=name, headers=headers, rows=rows, notes=notes)


def xlsx_rows(
    name: str,
    data: bytes,
    zip_limits: ZipLimits | None = None,
    sheet_limits: SheetLimits | None = None,
) -> list[list[Any]]:
    """The values of the first sheet of the workbook ``data``, row by row, within the limits.

    Rows are numbered as in the sheet (a missing row is an empty list); trailing empty
    cells are dropped. Raises TabularError naming the file and the limit it passes.
    """
    limits = sheet_limits or SheetLimits()
    try:
        check_zip(name, data, zip_limits)
    except ArchiveError as exc:
        message = str(exc)
        if message == f"{name}: not a valid zip package":
            message = f"{name}: not a readable XLSX workbook (not a zip package)"
        raise TabularError(message) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TabularError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    rows: list[list[Any]] = []
    cells = 0
    try:
        sheet = workbook.worksheets[0]
        # The dimension (A1:XFD20000) is what the file claims; openpyxl pads every row to
        # it. Forgetting it makes each row as long as the cells it really has.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > limits.rows:
                raise TabularError(f"{name}: the sheet has more than {limits.rows} rows, the limit")
            cells += len(row)
            if cells > limits.cells:
                raise TabularError(
                    f"{name}: the sheet has more than {limits.cells} cells, the limit"
                    f" (reached at row {number})"
                )
            values = list(row)
            while values and values[-1] is None:
                values.pop()
            if len(values) > limits.columns:
                raise TabularError(
                    f"{name}: row {number} has a value in column {len(values)};"
                    f" the limit is {limits.columns} columns"
                )
            rows.append(values)
    except TabularError:
        raise
    except Exception as exc:  # a part that does not parse
        raise TabularError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    finally:
        workbook.close()
    return rows


def read_table(
    path: Path | str,
    data: bytes | None = None,
    lenient: bool = False,
    zip_limits: ZipLimits | None = None,
    sheet_limits: SheetLimits | None = None,
) -> Table:
    """Read ``path`` (or ``data`` named by ``path``) as a table."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TabularError(f"{name}: unsupported file type '{suffix or 'none'}': use CSV or XLSX")
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TabularError(f"{name}: cannot be read: {exc.strerror}") from None
    if not data.strip():
        raise TabularError(f"{name}: the file is empty")
    if suffix == ".csv":
        fallback = None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if not lenient:
                raise TabularError(
                    f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
                ) from None
            text = decode_legacy(data)
            fallback = ImportIssue(name, 0, "", "", "not UTF-8: read as Windows-1252")
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                text[:4096], delimiters=",;\t"
            )
        except csv.Error:
            dialect = csv.excel
        rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
        table = _build(name, iter(rows), lenient)
        if fallback:
            table.notes.insert(0, fallback)
        return table
    return _build(name, iter(xlsx_rows(name, data, zip_limits, sheet_limits)), lenient)


def split_list(value: str) -> list[str]:
    """Split a cell holding several values separated by semicolons or vertical bars."""
    for separator in (";", "|"):
        if separator in value:
            return [v.strip() for v in value.split(separator) if v.strip()]
    return [value.strip()] if value.strip() else []
