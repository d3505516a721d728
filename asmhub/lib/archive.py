"""Check a zip-based file (DOCX, XLSX) before anything unpacks it, with no Django involved.

A Word document or a workbook is a zip archive of XML parts. A few kilobytes of zip can
unpack to gigabytes (a "zip bomb"), and the libraries that read these formats unpack every
part into memory. :func:`check_zip` refuses such a file before it is read: it checks the
archive's central directory (number of parts, the size of each part and of all of them,
and how much each part is compressed), then unpacks every part once as a stream, counting
the bytes that really come out, so that sizes the directory understates do not get past.
Nothing is kept: the stream is read in small chunks and thrown away.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

CHUNK = 64 * 1024
# A part smaller than this may compress as well as it likes: short runs of identical
# bytes (an empty sheet, a style table) reach high ratios without harm.
RATIO_GRACE_BYTES = 1_000_000


@dataclass(frozen=True)
class ZipLimits:
    """How far a zip-based file may unpack; the defaults are those of the settings."""

    unpacked_bytes: int = 200_000_000  # all parts together
    member_bytes: int = 50_000_000  # one part
    ratio: int = 100  # unpacked size / packed size of a part
    members: int = 10_000  # number of parts


class ArchiveError(ValueError):
    """The archive is refused; str(error) is '<file name>: <reason>' in plain words."""


def size(count: int) -> str:
    """A byte count for people: 1.5 MB, 200 MB, 800 bytes."""
    if count < 1000:
        return f"{count} bytes"
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"  # pragma: no cover - unreachable


def check_zip(label: str, data: bytes, limits: ZipLimits | None = None) -> None:
    """Raise ArchiveError if ``data`` (the file ``label``) is not a zip within ``limits``."""
    limits = limits or ZipLimits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ArchiveError(f"{label}: not a valid zip package") from None
    with archive:
        parts = archive.infolist()
        _check_directory(label, parts, limits)
        _check_stream(label, archive, parts, limits)


def _check_directory(label: str, parts: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if len(parts) > limits.members:
        raise ArchiveError(
            f"{label}: holds {len(parts)} parts; the limit is {limits.members} parts"
        )
    declared = sum(part.file_size for part in parts)
    if declared > limits.unpacked_bytes:
        raise ArchiveError(
            f"{label}: unpacks to {size(declared)}; the limit is {size(limits.unpacked_bytes)}"
        )
    for part in parts:
        _check_part(label, part.filename, part.file_size, part.compress_size, limits)


def _check_part(label: str, name: str, unpacked: int, packed: int, limits: ZipLimits) -> None:
    if unpacked > limits.member_bytes:
        raise ArchiveError(
            f"{label}: its part {name} unpacks to {size(unpacked)};"
            f" the limit for one part is {size(limits.member_bytes)}"
        )
    if unpacked > RATIO_GRACE_BYTES and unpacked > limits.ratio * max(packed, 1):
        raise ArchiveError(
            f"{label}: its part {name} is compressed {unpacked // max(packed, 1)} to 1;"
            f" the limit is {limits.ratio} to 1"
        )


def _check_stream(
    label: str, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: ZipLimits
) -> None:
    total = 0
    for part in parts:
        if part.is_dir():
            continue
        unpacked = 0
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(CHUNK):
                    unpacked += len(chunk)
                    total += len(chunk)
                    if unpacked > part.file_size:
                        raise ArchiveError(
                            f"{label}: its part {part.filename} unpacks to more than"
                            f" the {size(part.file_size)} the archive declares"
                        )
                    if total > limits.unpacked_bytes:
                        raise ArchiveError(
                            f"{label}: unpacks to more than {size(limits.unpacked_bytes)},"
                            " the limit"
                        )
                    _check_part(label, part.filename, unpacked, part.compress_size, limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            raise ArchiveError(f"{label}: the zip package is damaged ({part.filename})") from None
        except (NotImplementedError, RuntimeError):  # an unknown compression, a password
            raise ArchiveError(
                f"{label}: its part {part.filename} is encrypted or compressed in a way"
                " that cannot be read"
            ) from None
