"""Public pages of the reporting channel, and the SMS gateway's webhook.

The public reads the form, a report's state by its reference (never its text), and the
counts per area that ``services.public_counts`` lets out. The webhook answers JSON.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from asmhub.reports import protect, services, sms
from asmhub.reports.forms import ReportForm
from asmhub.reports.models import InboundMessage, Report
from asmhub.reports.words import LANGUAGE_NAMES, LANGUAGES, form_words, language

MAX_BODY = 4096
PUBLIC_STATES = {
    Report.State.NEW: "state_received",
    Report.State.INCIDENT: "state_followed_up",
    Report.State.MERGED: "state_followed_up",
    Report.State.CLOSED: "state_closed",
}


def _lang(request: HttpRequest) -> str:
    asked = request.GET.get("lang") or request.POST.get("lang")
    return language(str(asked or getattr(request, "LANGUAGE_CODE", "")))


def _context(request: HttpRequest, lang: str, **extra: Any) -> dict[str, Any]:
    return {
        "w": form_words(lang),
        "lang": lang,
        "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
        **extra,
    }


def public(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    counts = services.public_counts()
    return render(
        request,
        "reports/public.html",
        _context(
            request,
            lang,
            counts=counts,
            min_count=services.PUBLIC_MIN_COUNT,
            min_days=services.PUBLIC_MIN_AGE_DAYS,
        ),
    )


def _client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    try:
        programme = services.programme()
    except services.ChannelClosed:
        return render(request, "reports/closed.html", _context(request, lang), status=503)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        lang=lang,
        programme_id=programme.pk,
    )
    if request.method == "POST":
        if not services.allow("address", _client_address(request)):
            words = form_words(lang)
            return render(
                request,
                "reports/form.html",
                _context(request, lang, form=form, refused=words["too_many"]),
                status=429,
            )
        if form.is_valid():
            data = dict(form.cleaned_data)
            phone = data.pop("phone")
            photo = data.pop("photo")
            if phone and not services.allow("number", phone):
                words = form_words(lang)
                return render(
                    request,
                    "reports/form.html",
                    _context(request, lang, form=form, refused=words["too_many"]),
                    status=429,
                )
            if photo is not None:
                data["photo"] = photo
            data["place"] = data["place"].strip()
            report = services.create("web", data, number=phone, language=lang)
            services.deliver_after_commit()
            return render(request, "reports/thanks.html", _context(request, lang, report=report))
    return render(request, "reports/form.html", _context(request, lang, form=form))


def status(request: HttpRequest) -> HttpResponse:
    lang = _lang(request)
    reference = (request.GET.get("ref") or "").strip().upper()[:12]
    report = Report.objects.filter(reference=reference).only("state").first() if reference else None
    words = form_words(lang)
    state = words[PUBLIC_STATES.get(report.state, "state_checking")] if report else None  # type: ignore[call-overload]
    return render(
        request,
        "reports/status.html",
        _context(
            request,
            lang,
            reference=reference,
            state=state,
            unknown=bool(reference) and report is None,
        ),
    )


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse({"accepted": False, "error": message}, status=status)


@csrf_exempt  # the gateway signs its calls; it has no session
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    """One inbound SMS: ``{"id": ..., "from": "+243...", "text": "..."}``, signed."""
    body = request.body
    if len(body) > MAX_BODY:
        return _refuse(f"Body too large: at most {MAX_BODY} bytes.", 413)
    try:
        protect.verify_call(
            body,
            request.headers.get("X-Signature", ""),
            request.headers.get("X-Timestamp", ""),
        )
    except protect.Refused as exc:
        return _refuse(str(exc), exc.status)
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _refuse("The body is not JSON.", 400)
    if not isinstance(message, dict):
        return _refuse("The body must be a JSON object with id, from and text.", 400)
    message_id = str(message.get("id") or "").strip()
    number = protect.normal_number(str(message.get("from") or ""))
    text = message.get("text")
    if not message_id or len(message_id) > 100:
        return _refuse("Field id: a message id of 1 to 100 characters is required.", 400)
    if not number:
        return _refuse("Field from: not a phone number.", 400)
    if not isinstance(text, str):
        return _refuse("Field text: a string is required.", 400)
    if InboundMessage.objects.filter(message_id=message_id).exists():
        return _refuse(f"Message {message_id} was already received.", 409)
    try:
        with transaction.atomic():
            InboundMessage.objects.create(message_id=message_id)
            if len(text) > sms.MAX_TEXT:
                reply = sms.say_too_long(number)
                status = 413
            elif (sent := services.count("number", number)) > settings.ASMHUB_REPORTS_PER_HOUR:
                # a flood is refused; the sender is told once an hour, not once a message
                first = sent == settings.ASMHUB_REPORTS_PER_HOUR + 1
                reply = sms.say_too_many(number) if first else ""
                status = 429
            else:
                reply, status = sms.handle(number, text), 200
    except IntegrityError:
        return _refuse(f"Message {message_id} was already received.", 409)
    services.deliver_after_commit()
    return JsonResponse({"accepted": status == 200, "reply": reply}, status=status)
