"""Downloads of lists as CSV or XLSX: every app's exports answer through ``download``.

What goes into the rows is the app's business: each app builds its rows from the
records the user may see, with the columns the user may read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM lets spreadsheets read UTF-8


def to_xlsx(columns: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append(list(row))
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
