"""Reports by SMS: keywords and a guided exchange, in French, Swahili and English.

``REPORT``/``SIGNALER``/``RIPOTI`` starts an exchange in that keyword's language (text
after the keyword answers the first question); the sender then answers, one message
each: what happened, where (a site of the programme by name, a place, or "lat,lon"),
when, who, and which risk category (a number). The report is written with the last
answer, in one transaction. ``STATUS``/``STATUT``/``HALI`` <reference> answers where a
report stands; ``STOP``/``ANNULER``/``ACHA`` drops the exchange. Answers are queued in
the outbox; each returns the text it queued.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from asmhub.monitoring.models import Site
from asmhub.reports import services
from asmhub.reports.models import Conversation, Report
from asmhub.reports.words import category_label, fold, keyword, say, words
from asmhub.taxonomy.models import RiskCategory

MAX_TEXT = 480  # three SMS: a longer message is refused whole
STEPS = ("what", "where", "when", "who", "category")
COORDINATES = re.compile(r"(-?\d{1,2}(?:\.\d+)?)\s*[,;/ ]\s*(-?\d{1,3}(?:\.\d+)?)")
DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


def categories() -> list[RiskCategory]:
    return list(RiskCategory.objects.order_by("position", "pk"))


def category_list(lang: str) -> str:
    return " ".join(f"{n}={category_label(c.slug, lang)}" for n, c in enumerate(categories(), 1))


def _kind(word: str) -> tuple[str, str] | None:
    for kind, table in words()["keywords"].items():
        if word in table:
            return kind, str(table[word])
    return None


def _where(text: str, programme_id: int) -> dict[str, Any]:
    match = COORDINATES.fullmatch(text.strip())
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return {"latitude": lat, "longitude": lon}
    # one indexed look-up, not a walk over the programme's sites (tens of thousands)
    found = (
        Site.objects.filter(programme_id=programme_id, name__iexact=text.strip())
        .values_list("pk", flat=True)
        .first()
    )
    return {"site_id": found} if found else {"place": text.strip()[:200]}


def _when(text: str) -> dt.date | None:
    today = timezone.localdate()
    folded = fold(text).rstrip(".")
    if folded in words()["today"]:
        return today - dt.timedelta(days=int(words()["today"][folded]))
    match = DATE.fullmatch(text.strip())
    if not match:
        return None
    day, month, year = (
        (match.group(1), match.group(2), match.group(3))
        if match.group(1)
        else (match.group(6), match.group(5), match.group(4))
    )
    try:
        found = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found if found <= today else None


def handle(number: str, text: str) -> str:
    """Answer one message from ``number`` (already checked as a number); queue the answer."""
    answer = _answer(number, " ".join(text.split()))
    services.queue(number, answer)
    return answer


def _answer(number: str, text: str) -> str:
    digest = services.protect.number_hash(number)
    conversation = Conversation.objects.filter(number_hash=digest).first()
    lang = conversation.language if conversation else "fr"
    first, _, rest = text.partition(" ")
    kind = _kind(fold(first)) if first else None
    if kind:
        name, lang = kind
        if name == "stop":
            Conversation.objects.filter(number_hash=digest).delete()
            return say(lang, "cancelled")
        if name == "status":
            return _status(rest.strip().upper(), lang)
        conversation, _created = Conversation.objects.update_or_create(
            number_hash=digest, defaults={"language": lang, "step": "what", "answers": {}}
        )
        if not rest.strip():
            return say(lang, "ask_what")
        text = rest
    if conversation is None:
        if not text:
            return say(lang, "empty", kw=_report_keyword(lang))
        return say(lang, "usage", kw=_report_keyword(lang))
    return _step(conversation, number, text.strip())


def _report_keyword(lang: str) -> str:
    return keyword("report", lang)


def _status(reference: str, lang: str) -> str:
    report = Report.objects.filter(reference=reference).first()
    if report is None:
        return say(lang, "unknown_ref", ref=reference[:12])
    key = {
        Report.State.NEW: "received",
        Report.State.INCIDENT: "followed_up",
        Report.State.MERGED: "merged",
        Report.State.CLOSED: "closed",
    }.get(report.state, "checking")  # type: ignore[call-overload]
    return say(lang, key, ref=report.reference, reason=report.close_reason)


def _step(conversation: Conversation, number: str, text: str) -> str:
    lang, answers = conversation.language, dict(conversation.answers)
    step = conversation.step
    if step == "what":
        answers["text"] = text
        return _next(conversation, answers, "where")
    if step == "where":
        answers["where"] = text
        return _next(conversation, answers, "when")
    if step == "when":
        when = _when(text)
        if when is None:
            return say(lang, "bad_date")
        answers["happened_on"] = when.isoformat()
        return _next(conversation, answers, "who")
    if step == "who":
        answers["actor"] = "" if fold(text) in words()["skip"] else text[:200]
        return _next(conversation, answers, "category")
    found = categories()
    if not (text.isdigit() and 1 <= int(text) <= len(found)):
        return say(lang, "bad_category", list=category_list(lang))
    report = _write(conversation, number, answers, found[int(text) - 1])
    return say(lang, "received", ref=report.reference, kw=_status_keyword(lang))


def _status_keyword(lang: str) -> str:
    return keyword("status", lang)


def _next(conversation: Conversation, answers: dict[str, Any], step: str) -> str:
    conversation.answers, conversation.step = answers, step
    conversation.save()
    lang = conversation.language
    if step == "category":
        return say(lang, "ask_category", list=category_list(lang))
    return say(lang, f"ask_{step}")


def _write(
    conversation: Conversation, number: str, answers: dict[str, Any], category: RiskCategory
) -> Report:
    programme = services.programme()
    where = _where(answers.get("where", ""), programme.pk)
    site = Site.objects.filter(pk=where.pop("site_id")).first() if "site_id" in where else None
    values: dict[str, Any] = {
        "text": answers["text"],
        "happened_on": dt.date.fromisoformat(answers["happened_on"]),
        "actor": answers.get("actor", ""),
        "risk_category": category,
        "site": site,
        **where,
    }
    report = services.create("sms", values, number="", language=conversation.language)
    report.number_hash = conversation.number_hash
    report.number_sealed = services.protect.seal(number)
    report.save(update_fields=["number_hash", "number_sealed"])
    conversation.delete()
    return report


def _language_of(number: str) -> str:
    found = Conversation.objects.filter(
        number_hash=services.protect.number_hash(number)
    ).values_list("language", flat=True)
    return found[0] if found else "fr"


def say_too_long(number: str) -> str:
    """Refuse a message longer than three SMS, keeping the exchange where it was."""
    answer = say(_language_of(number), "too_long", limit=MAX_TEXT)
    services.queue(number, answer)
    return answer


def say_too_many(number: str) -> str:
    answer = say(_language_of(number), "too_many")
    services.queue(number, answer)
    return answer
