import io
import zipfile

import pytest

from asmhub.lib.archive import ArchiveError, ZipLimits, check_zip
from asmhub.lib.tests.hostile import bomb, docx_bytes, understated, xlsx_bytes


def test_ordinary_documents_and_workbooks_pass() -> None:
    check_zip("report.docx", docx_bytes())
    check_zip("orgs.xlsx", xlsx_bytes([["name"], ["Pact"]]))


def test_a_part_compressed_beyond_the_ratio_is_refused() -> None:
    data = bomb(docx_bytes(), size=20_000_000)
    assert len(data) < 100_000
    with pytest.raises(ArchiveError) as caught:
        check_zip("bomb.docx", data)
    message = str(caught.value)
    assert message.startswith("bomb.docx: its part word/media/filler.bin is compressed ")
    assert message.endswith(" to 1; the limit is 100 to 1")


def test_a_part_larger_than_the_limit_is_refused() -> None:
    data = bomb(docx_bytes(), size=3_000_000)
    with pytest.raises(
        ArchiveError,
        match=r"^big\.docx: its part word/media/filler\.bin unpacks to 3 MB;"
        r" the limit for one part is 2 MB$",
    ):
        check_zip("big.docx", data, ZipLimits(member_bytes=2_000_000, ratio=10_000))


def test_the_whole_archive_is_limited() -> None:
    data = bomb(docx_bytes(), size=3_000_000)
    with pytest.raises(ArchiveError, match=r"^big\.docx: unpacks to 3\.\d+ MB; the limit is 1 MB$"):
        check_zip("big.docx", data, ZipLimits(unpacked_bytes=1_000_000, ratio=10_000))


def test_the_number_of_parts_is_limited() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for n in range(30):
            target.writestr(f"part{n}.xml", b"<a/>")
    with pytest.raises(ArchiveError, match=r"^many\.xlsx: holds 30 parts; the limit is 20 parts$"):
        check_zip("many.xlsx", out.getvalue(), ZipLimits(members=20))


def test_a_directory_that_understates_a_part_does_not_get_it_unpacked() -> None:
    data = understated(part_size=3_000_000, said=1000)
    with pytest.raises(ArchiveError, match=r"^liar\.docx: the zip package is damaged"):
        check_zip("liar.docx", data)


def test_what_is_not_a_zip_is_refused() -> None:
    with pytest.raises(ArchiveError, match=r"^x\.xlsx: not a valid zip package$"):
        check_zip("x.xlsx", b"PK\x03\x04 not really")
