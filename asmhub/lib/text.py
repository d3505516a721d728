"""Comparing spellings and reading text of unknown encoding: shared by every reader.

``fold`` is how the platform compares words typed by people (tags, survey answers, SMS
keywords, names): lower case, accents dropped, so "Cassitérite", "cassiterite" and
"CASSITERITE" are one word. Callers that also need spaces or punctuation evened out do
that around it.

``decode_legacy`` reads bytes that are not UTF-8 as Windows-1252, the encoding older
Windows programs save in (it covers Latin-1): reports and spreadsheets exported on such
machines are the common case. An encoding detector (charset-normalizer) was tried here and
not kept: on the short French texts these files hold it answered Central European (cp1250)
for "Café à Bukavu", EBCDIC for a lone "é" and a Mac code page for Windows Cyrillic, so it
would turn readable files into wrong letters.
"""

from __future__ import annotations

import unicodedata

WINDOWS_1252 = "cp1252"


def fold(text: str) -> str:
    """Lower case without accents: 'Cassitérite ÉTAIN' -> 'cassiterite etain'."""
    if text.isascii():  # nothing to decompose: the common case, and much faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def decode_legacy(data: bytes, errors: str = "replace") -> str:
    """Bytes that are not UTF-8, read as Windows-1252; the five bytes it leaves undefined
    become replacement characters (``errors="strict"``: raise ``UnicodeDecodeError``)."""
    return data.decode(WINDOWS_1252, errors=errors)
