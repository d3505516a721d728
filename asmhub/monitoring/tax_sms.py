"""The tax check by SMS: read "TAX Walikale SAEMAPE 5000 CDF", answer in 160 characters.

The first word chooses the language of the answer (``sms_keywords`` in
``data/tax_words.yaml``: TAX in English, TAXE in French). The rest is read in any
order: an amount ("5000", "5 000", "5.000", "12,50", "5000FC", "$20"), a currency, and
the longest known names of a place and of a levying body; other words are ignored.
A message without a levying body answers how to write one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.tax_models import LevyingBody
from asmhub.monitoring.tax_schedule import tax_words
from asmhub.monitoring.taxes import TaxFinder, TaxVerdict, check_tax, currency_code, fold

SMS_LENGTH = 160
MAX_SMS_INPUT = 480
THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
DECIMAL = re.compile(r"\d+(?:[.,]\d{1,2})?")
GLUED = re.compile(r"(?<=\d)(?=[^\d\s.,])|(?<=[^\d\s.,])(?=\d)")


@dataclass
class Message:
    """What an SMS says: language, place, body, amount, currency."""

    language: str = "en"
    place: AdminUnit | None = None
    body: LevyingBody | None = None
    amount: Decimal | None = None
    currency: str = ""


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _amount(tokens: list[str], i: int) -> tuple[Decimal | None, int]:
    """The amount starting at ``tokens[i]`` and how many tokens it takes ("5 000" is two)."""
    token = tokens[i]
    if THOUSANDS.fullmatch(token) and not re.fullmatch(r"\d+[.,]\d{1,2}", token):
        text = re.sub(r"[.,]", "", token)
    elif DECIMAL.fullmatch(token):
        text = token.replace(",", ".")
    else:
        return None, 0
    used = 1
    while i + used < len(tokens) and re.fullmatch(r"\d{3}", tokens[i + used]) and "." not in text:
        text += tokens[i + used]
        used += 1
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, 0
    return (value, used) if value < Decimal(10) ** 12 else (None, used)


def read(text: str, lang: str = "", finder: TaxFinder | None = None) -> Message:
    """Read an SMS into what the check needs; unknown words are left out."""
    finder = finder or TaxFinder()
    tokens = []
    for token in text[:MAX_SMS_INPUT].split():
        known = fold(token) in finder.body_names or fold(token) in finder.places
        tokens.extend([token] if known else GLUED.sub(" ", token).split())
    message = Message()
    keywords = tax_words()["sms_keywords"]
    if tokens and fold(tokens[0]) in keywords:
        message.language = str(keywords[fold(tokens[0])])
        tokens = tokens[1:]
    if lang.lower()[:2] in _languages():
        message.language = lang.lower()[:2]
    words: list[str] = []
    i = 0
    while i < len(tokens):
        amount, used = _amount(tokens, i)
        if used:
            if message.amount is None:
                message.amount = amount
            i += used
            continue
        code = currency_code(tokens[i])
        if code and not message.currency and fold(tokens[i]) not in finder.body_names:
            message.currency = code
        else:
            words.extend(fold(tokens[i]).split())
        i += 1
    _names(message, words, finder)
    return message


def _names(message: Message, words: list[str], finder: TaxFinder) -> None:
    """Take the longest known body and place names from the words, left to right."""
    i = 0
    while i < len(words):
        for size in range(min(finder.longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if message.body is None and phrase in finder.body_names:
                message.body = finder.body_names[phrase]
                break
            if message.place is None and phrase in finder.places:
                message.place = finder.places[phrase]
                break
            if not message.currency and size > 1 and currency_code(phrase):
                message.currency = currency_code(phrase)
                break
        else:
            size = 1
        i += size


def fit(text: str, limit: int = SMS_LENGTH) -> str:
    """``text`` cut at a word to at most ``limit`` characters, ending with "..." if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "..."


def usage(language: str) -> str:
    keyword = next(
        (k.upper() for k, lang in tax_words()["sms_keywords"].items() if lang == language), "TAX"
    )
    with translation.override(language):
        line = _(
            "Send: %(kw)s <place> <body> <amount> <CDF|USD>. Example: %(kw)s Walikale SAEMAPE 5000 CDF"
        )
        return fit(line % {"kw": keyword})


def verdict_word(result: TaxVerdict) -> str:
    words = {
        "legal": _("LEGAL"),
        "excessive": _("TOO MUCH"),
        "illegal": _("ILLEGAL"),
        "unknown": _("CANNOT TELL"),
    }
    return str(words[result.verdict])


def compose(result: TaxVerdict) -> str:
    """The SMS answer: verdict, reason, whether the amount is an example, the legal text."""
    text = f"{verdict_word(result)}: {result.message}"
    if result.is_illustrative:
        text += " " + _("(Example amount.)")
    if result.legal_text:
        text += " " + _("Source: %(text)s") % {"text": result.legal_text}
    return fit(text)


def answer(text: str, lang: str = "", on: dt.date | None = None) -> str:
    """The SMS answer to a message, at most 160 characters."""
    message = read(text, lang)
    if message.body is None:
        return usage(message.language)
    with translation.override(message.language):
        result = check_tax(
            message.place,
            message.body,
            message.amount,
            message.currency,
            on or timezone.localdate(),
        )
        return compose(result)
