"""The limits on reading uploaded zip-based files and sheets, from the settings.

The readers in ``asmhub.lib`` take them as arguments; every caller that reads a file
someone uploaded or imports passes these.
"""

from __future__ import annotations

from django.conf import settings

from asmhub.lib.archive import ZipLimits
from asmhub.lib.tabular import SheetLimits


def zip_limits() -> ZipLimits:
    return ZipLimits(
        unpacked_bytes=settings.ASMHUB_ZIP_MAX_UNPACKED_BYTES,
        member_bytes=settings.ASMHUB_ZIP_MAX_MEMBER_BYTES,
        ratio=settings.ASMHUB_ZIP_MAX_RATIO,
        members=settings.ASMHUB_ZIP_MAX_MEMBERS,
    )


def sheet_limits() -> SheetLimits:
    return SheetLimits(
        rows=settings.ASMHUB_SHEET_MAX_ROWS,
        columns=settings.ASMHUB_SHEET_MAX_COLUMNS,
        cells=settings.ASMHUB_SHEET_MAX_CELLS,
    )
