import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from asmhub.lib.tabular import TabularError, read_table, split_list


def test_csv_rows_are_numbered_as_in_a_spreadsheet() -> None:
    table = read_table(
        "orgs.csv", b"Name,Stakeholder type\nFESS,international-ngo\n\nPact,international-ngo\n"
    )
    assert table.headers == ["name", "stakeholder_type"]
    assert table.rows == [
        (2, {"name": "FESS", "stakeholder_type": "international-ngo"}),
        (4, {"name": "Pact", "stakeholder_type": "international-ngo"}),
    ]


def test_semicolon_csv_with_bom_is_read() -> None:
    table = read_table("orgs.csv", "\ufeffname;acronym\nCooperAcción;\n".encode())
    assert table.rows == [(2, {"name": "CooperAcción", "acronym": ""})]


def test_xlsx_is_read(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Countries"])
    sheet.append(["IPIS", "BE; CD"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table("orgs.xlsx", buffer.getvalue())
    assert table.rows == [(2, {"name": "IPIS", "countries": "BE; CD"})]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("orgs.pdf", b"x", "orgs.pdf: unsupported file type '.pdf'"),
        ("orgs.csv", b"  \n", "orgs.csv: the file is empty"),
        ("orgs.csv", b"name,name\nA,B\n", "names the column 'name' twice"),
        ("orgs.csv", b"name,\nA,B\n", "row 2 has more values than there are columns"),
        ("orgs.csv", b"\xff\xfename\n", "not UTF-8 text"),
        ("orgs.xlsx", b"not a zip", "not a readable XLSX workbook"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(name: str, data: bytes, message: str) -> None:
    with pytest.raises(TabularError, match=message):
        read_table(name, data)


def test_split_list_accepts_semicolons_and_bars() -> None:
    assert split_list("CD; RW ;") == ["CD", "RW"]
    assert split_list("a|b") == ["a", "b"]
    assert split_list(" ") == []


def test_a_sheet_is_read_as_far_as_its_cells_go_whatever_it_declares() -> None:
    from asmhub.lib.tabular import SheetLimits, xlsx_rows
    from asmhub.lib.tests.hostile import with_dimension, xlsx_bytes

    data = with_dimension(xlsx_bytes([["name", "code"], ["Pact", 7]]), "A1:XFD20000")
    limits = SheetLimits(rows=10, columns=5, cells=100)
    assert xlsx_rows("liar.xlsx", data, sheet_limits=limits) == [["name", "code"], ["Pact", 7]]
    table = read_table("liar.xlsx", data, sheet_limits=limits)
    assert table.rows == [(2, {"name": "Pact", "code": "7"})]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["name"]] + [["x"]] * 5, r"^big\.xlsx: the sheet has more than 4 rows, the limit$"),
        (
            [["name", *[""] * 6, "far"]],
            r"^big\.xlsx: row 1 has a value in column 8; the limit is 5 columns$",
        ),
        (
            [["a", "b", "c"]] * 4,
            r"^big\.xlsx: the sheet has more than 10 cells, the limit \(reached at row 4\)$",
        ),
    ],
)
def test_a_sheet_beyond_the_limits_is_refused(rows: list[list[object]], message: str) -> None:
    from asmhub.lib.tabular import SheetLimits
    from asmhub.lib.tests.hostile import xlsx_bytes

    limits = SheetLimits(rows=4, columns=5, cells=10)
    with pytest.raises(TabularError, match=message):
        read_table("big.xlsx", xlsx_bytes(rows), sheet_limits=limits)


def test_a_workbook_that_unpacks_far_beyond_its_size_is_refused() -> None:
    from asmhub.lib.tests.hostile import bomb, xlsx_bytes

    data = bomb(xlsx_bytes([["name"], ["Pact"]]), "xl/worksheets/sheet2.xml", 20_000_000)
    with pytest.raises(TabularError, match=r"^bomb\.xlsx: its part xl/worksheets/sheet2\.xml"):
        read_table("bomb.xlsx", data)
