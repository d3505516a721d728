"""Downloads of lists as CSV or XLSX: every app's exports answer through ``download``.

What goes into the rows is the app's business: each app builds its rows from the
records the user may see, with the columns the user may read.

Every cell goes through :func:`neutralise` on the way out, so that a name such as
``=HYPERLINK(...)`` typed into the platform is shown as text by a spreadsheet program
instead of being run as a formula (CSV or formula injection). Every CSV and XLSX the
platform writes is written here or passes its cells through ``neutralise``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet program takes as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """``value`` as a cell a spreadsheet will not run: text that starts like a formula gets
    a leading single quote. Numbers, dates and text that is a plain number ("-1.5") stay
    as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def _safe(row: Iterable[object]) -> list[object]:
    return [neutralise(value) for value in row]


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_safe(columns))
    writer.writerows(_safe(row) for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets spreadsheets read UTF-8


def to_xlsx(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(_safe(columns))
    for row in rows:
        sheet.append(_safe(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(
    columns: Sequence[str], rows: Iterable[Sequence[object]], kind: str, fmt: str
) -> HttpResponse:
    """An attachment named asmhub-<kind>-<date>.<fmt> holding ``rows``."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(columns, rows, kind), content_type=XLSX)
    else:
        response = HttpResponse(to_csv(columns, rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="asmhub-{kind}-{stamp}.{fmt}"'
    return response
