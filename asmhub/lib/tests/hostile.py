"""Small hostile files, built in memory: zip bombs and sheets that lie about their size."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import docx
from openpyxl import Workbook


def docx_bytes(text: str = "A short report on gold.") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repack(
    data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """The zip ``data`` with some parts replaced and some added, all deflated."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def bomb(data: bytes, part: str = "word/media/filler.bin", size: int = 20_000_000) -> bytes:
    """``data`` with a part of ``size`` zero bytes: it packs about a thousand to one."""
    return repack(data, add={part: b"\0" * size})


def with_dimension(data: bytes, ref: str) -> bytes:
    """The workbook ``data`` with its first sheet declaring the dimension ``ref``."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        sheet = source.read("xl/worksheets/sheet1.xml").decode()
    sheet = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', sheet)
    assert ref in sheet
    return repack(data, replace={"xl/worksheets/sheet1.xml": sheet.encode()})


def understated(part_size: int = 3_000_000, said: int = 1000) -> bytes:
    """A zip whose directory says its only part unpacks to ``said`` bytes; it unpacks to
    ``part_size``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("word/document.xml", b"<" + b"a" * part_size + b">")
    data = bytearray(out.getvalue())
    real = struct.pack("<I", part_size + 2)
    # The size in the local header (offset 22) and in the central directory (offset 24).
    local = data.index(b"PK\x03\x04")
    assert data[local + 22 : local + 26] == real
    data[local + 22 : local + 26] = struct.pack("<I", said)
    central = data.index(b"PK\x01\x02")
    assert data[central + 24 : central + 28] == real
    data[central + 24 : central + 28] = struct.pack("<I", said)
    return bytes(data)
