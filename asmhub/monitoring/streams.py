"""The monitoring downloads as streams: the first rows leave while the rest are read.

The rows come from the presenter (``present.site_rows``) or the need index, as for
``core.exports.download``, and every cell passes through ``core.exports.neutralise``
on the way out. A CSV is sent in pieces of ``CHUNK`` rows as they are made; a workbook
(a zip, complete only at its end) is written row by row by openpyxl's write-only mode
to a temporary file, then sent from it in pieces. Memory holds one piece, whatever the
number of rows.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook

from asmhub.core.exports import XLSX, neutralise

CHUNK = 500  # rows per piece of a CSV


def csv_pieces(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The CSV of ``rows`` in pieces: the BOM and header first (spreadsheets read UTF-8
    by the BOM), then ``CHUNK`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(c) for c in columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(value) for value in row])
        if count % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def xlsx_file(
    columns: Sequence[str], rows: Iterable[Sequence[object]], title: str
) -> io.BufferedRandom:
    """The workbook of ``rows`` in a temporary file (deleted when closed), at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([neutralise(c) for c in columns])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    found = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    workbook.save(found)
    found.seek(0)
    return found


def stream(
    columns: Sequence[str], rows: Iterable[Sequence[object]], kind: str, fmt: str
) -> StreamingHttpResponse:
    """An attachment named asmhub-<kind>-<date>.<fmt> streaming ``rows``."""
    stamp = timezone.now().strftime("%Y%m%d")
    name = f"asmhub-{kind}-{stamp}.{fmt}"
    if fmt == "xlsx":
        response: StreamingHttpResponse = FileResponse(
            xlsx_file(columns, rows, kind), content_type=XLSX, as_attachment=True, filename=name
        )
    else:
        response = StreamingHttpResponse(
            csv_pieces(columns, rows), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
