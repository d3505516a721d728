"""Read a CSV or XLSX file as a header and numbered rows, with no Django involved.

Row numbers are those a person sees in a spreadsheet program: the header is row 1,
the first record row 2. Header names are normalised (trimmed, lower case, spaces
and hyphens to underscores) so that "Stakeholder type" matches ``stakeholder_type``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".csv", ".xlsx")


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


def normalise_header(value: object) -> str:
    text = "" if value is None else str(value)
    return "_".join(text.strip().lower().replace("-", " ").split())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _build(name: str, raw_rows: Iterator[list[object]]) -> Table:
    try:
        header_row = next(raw_rows)
    except StopIteration:
        raise TabularError(f"{name}: the file is empty") from None
    headers = [normalise_header(h) for h in header_row]
    while headers and headers[-1] == "":
        headers.pop()
    if not any(headers):
        raise TabularError(f"{name}: row 1 has no column names")
    seen: set[str] = set()
    for position, header in enumerate(headers, start=1):
        if header == "":
            raise TabularError(f"{name}: row 1, column {position} has no name")
        if header in seen:
            raise TabularError(f"{name}: row 1 names the column '{header}' twice")
        seen.add(header)
    rows = []
    for number, raw in enumerate(raw_rows, start=2):
        values = [_cell(v) for v in raw]
        if not any(values):
            continue
        extra = [v for v in values[len(headers) :] if v]
        if extra:
            raise TabularError(f"{name}: row {number} has more values than there are columns")
        values += [""] * (len(headers) - len(values))
        rows.append((number, dict(zip(headers, values, strict=False))))
    return Table(name=name, headers=headers, rows=rows)


def read_table(path: Path | str, data: bytes | None = None) -> Table:
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
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TabularError(
                f"{name}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV"
            ) from None
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                text[:4096], delimiters=",;\t"
            )
        except csv.Error:
            dialect = csv.excel
        rows: list[list[object]] = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
        return _build(name, iter(rows))
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TabularError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        return _build(name, (list(row) for row in sheet.iter_rows(values_only=True)))
    finally:
        workbook.close()


def split_list(value: str) -> list[str]:
    """Split a cell holding several values separated by semicolons or vertical bars."""
    for separator in (";", "|"):
        if separator in value:
            return [v.strip() for v in value.split(separator) if v.strip()]
    return [value.strip()] if value.strip() else []
