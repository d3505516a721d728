"""The channel's words in English, French and Swahili (``data/words.yaml``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from asmhub.lib.text import fold as text_fold
from asmhub.monitoring.tax_sms import fit

LANGUAGES = ("fr", "sw", "en")  # the first is the default
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "sw": "Kiswahili"}


@cache
def words() -> dict[str, Any]:
    with (Path(__file__).parent / "data" / "words.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def fold(text: str) -> str:
    """Lower case without accents, for keywords and names."""
    return text_fold(text.strip())


def language(code: str) -> str:
    code = (code or "").lower()[:2]
    return code if code in LANGUAGES else LANGUAGES[0]


def keyword(kind: str, lang: str) -> str:
    found = [k for k, v in words()["keywords"][kind].items() if v == lang]
    return (found[0] if found else next(iter(words()["keywords"][kind]))).upper()


def say(lang: str, key: str, **values: Any) -> str:
    """An SMS text in ``lang``, at most 160 characters."""
    lang = language(lang)
    values.setdefault("kw", keyword("status", lang))
    values.setdefault("status", keyword("status", lang))
    values.setdefault("ref_hint", "")
    return fit(str(words()["text"][lang][key]).format(**values).replace("  ", " "))


def form_words(lang: str) -> dict[str, str]:
    return {k: str(v) for k, v in words()["form"][language(lang)].items()}


def category_label(slug: str, lang: str) -> str:
    return str(words()["categories"].get(slug, {}).get(language(lang), slug))
