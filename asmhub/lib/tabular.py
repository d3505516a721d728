"""Read a CSV or XLSX file as a header and numbered rows, with no Django involved.

Row numbers are those a person sees in a spreadsheet program: the header is row 1,
the first record row 2. Header names are normalised (trimmed, lower case, spaces
and hyphens to underscores) so that "Stakeholder type" matches ``stakeholder_type``.

By default a file that is not clean (not UTF-8, a header named twice or not at all,
a row longer than the header) is refused. ``lenient=True`` reads such files whole,
for field surveys whose files are messy: it falls back to Windows-1252, names the
odd columns, drops the extra cells, and says what it did in ``Table.notes``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
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


def read_table(path: Path | str, data: bytes | None = None, lenient: bool = False) -> Table:
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
            text = data.decode("cp1252", errors="replace")
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
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise TabularError(f"{name}: not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        return _build(name, (list(row) for row in sheet.iter_rows(values_only=True)), lenient)
    finally:
        workbook.close()


def split_list(value: str) -> list[str]:
    """Split a cell holding several values separated by semicolons or vertical bars."""
    for separator in (";", "|"):
        if separator in value:
            return [v.strip() for v in value.split(separator) if v.strip()]
    return [value.strip()] if value.strip() else []
