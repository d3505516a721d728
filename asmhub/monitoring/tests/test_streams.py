"""The downloads stream: the header and the first rows leave before the rest are read,
every cell neutralised, and the same rows as the presenter gives the user."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from asmhub.core.exports import to_csv, to_xlsx
from asmhub.monitoring import present, snapshot, streams
from asmhub.monitoring.access import access_for
from asmhub.monitoring.present import MapFilter
from asmhub.monitoring.tests.conftest import body, leaked

CSV = reverse("monitoring:sites-export", args=["csv"])
XLSX = reverse("monitoring:sites-export", args=["xlsx"])


def rows(n: int, read: list[int]) -> Iterator[list[Any]]:
    for i in range(n):
        read.append(i)
        yield [i, f"=cmd|{i}", -1.5, None]


def test_the_csv_leaves_in_pieces_before_every_row_is_read() -> None:
    read: list[int] = []
    pieces = streams.csv_pieces(["n", "name", "x", "y"], rows(5 * streams.CHUNK + 3, read))
    header = next(pieces)
    assert header.startswith("\ufeff".encode()) and read == []  # nothing read yet
    first = next(pieces)
    assert len(read) == streams.CHUNK  # one piece of rows, not all
    rest = b"".join(pieces)
    assert len(read) == 5 * streams.CHUNK + 3
    # the same bytes as the whole-file writer, formulas neutralised
    whole = to_csv(["n", "name", "x", "y"], rows(5 * streams.CHUNK + 3, []))
    assert header + first + rest == whole
    assert b"'=cmd|0" in first and b"-1.5" in first


def test_the_workbook_holds_what_the_whole_file_writer_writes() -> None:
    columns = ["n", "name", "x", "y"]
    found = streams.xlsx_file(columns, rows(1200, []), "sites")
    try:
        streamed = [
            list(r) for r in load_workbook(found, read_only=True).active.iter_rows(values_only=True)
        ]
    finally:
        found.close()
    whole = to_xlsx(columns, rows(1200, []), "sites")
    expected = [
        list(r)
        for r in load_workbook(io.BytesIO(whole), read_only=True).active.iter_rows(values_only=True)
    ]
    assert streamed == expected and streamed[1][1] == "'=cmd|0"


@pytest.mark.parametrize("who", ["anonymous", "granted"])
def test_the_streamed_sites_are_the_presenter_s_rows(
    monitoring: dict[str, Any], granted: Any, client: Client, who: str
) -> None:
    if who == "granted":
        client.force_login(granted)
    response = client.get(CSV)
    assert response.streaming and response["Content-Disposition"].startswith("attachment;")
    user = response.wsgi_request.user
    entries = present.matching_sites(snapshot.current(), MapFilter())
    want = to_csv(
        present.SITE_COLUMNS, present.site_rows(present.sites_of(entries), access_for(user))
    )
    assert body(response) == want
    got = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    mpama = next(r for r in got if r["name"] == "Mpama")
    assert (mpama["latitude"], mpama["approximate_location"]) == (
        ("-1.234567", "False") if who == "granted" else ("-1.2", "True")
    )
    if who == "anonymous":
        assert leaked(body(client.get(XLSX)).decode("latin-1")) == []


def test_the_need_index_download_streams_the_page_s_rows(
    monitoring: dict[str, Any], client: Client
) -> None:
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("monitoring:index-export", args=[fmt]), {"level": "province"})
        assert response.status_code == 200 and response.streaming
    response = client.get(reverse("monitoring:index-export", args=["csv"]), {"level": "province"})
    got = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert {r["area"] for r in got} == {"Nord-Kivu", "Sud-Kivu"}
