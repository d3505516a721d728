"""Pages of the tax check: "is this tax legal?", the legal schedule, the SMS answer, the report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from ninja.throttling import SimpleRateThrottle

from asmhub.core.services import mandate
from asmhub.monitoring import tax_sms
from asmhub.monitoring.tax_models import LegalTax, LevyingBody, ObservedTax
from asmhub.monitoring.taxes import (
    ReportIllegalTax,
    TaxFinder,
    TaxNotReportable,
    applicable,
    check_text,
    currencies,
    place_label,
)

PLAIN = "text/plain; charset=utf-8"
REQUIREMENT_SOURCE = "002"


def body_choices(bodies: list[LevyingBody]) -> list[tuple[Any, Any]]:
    """The levying bodies as a grouped select: those a law may allow, and armed actors."""
    named = sorted(bodies, key=lambda b: b.tr("name").lower())
    return [
        ("", "—"),
        (_("Services and authorities"), [(b.slug, b.tr("name")) for b in named if b.may_levy]),
        (
            _("Army, police and armed groups"),
            [(b.slug, b.tr("name")) for b in named if not b.may_levy],
        ),
    ]


class PlaceInput(forms.TextInput):
    def __init__(self) -> None:
        super().__init__(attrs={"list": "tax-places", "autocomplete": "off"})


class TaxCheckForm(forms.Form):
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=200,
        widget=PlaceInput(),
        help_text=gettext_lazy("A province, territory or chiefdom; empty for national taxes."),
    )
    body = forms.ChoiceField(label=gettext_lazy("Levied by"), required=False)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10) ** 12 - 1,
        decimal_places=2,
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency"), required=False)
    date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, finder: TaxFinder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = body_choices(finder.bodies)  # type: ignore[attr-defined]
        self.fields["currency"].choices = [(c, c) for c in currencies()]  # type: ignore[attr-defined]


class ScheduleFilterForm(forms.Form):
    place = forms.CharField(
        label=gettext_lazy("Place"), required=False, max_length=200, widget=PlaceInput()
    )
    body = forms.ChoiceField(label=gettext_lazy("Levied by"), required=False)

    def __init__(self, *args: Any, finder: TaxFinder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = body_choices(finder.bodies)  # type: ignore[attr-defined]


def _partial(request: HttpRequest, target: str) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and getattr(htmx, "target", None) == target


def tax_check(request: HttpRequest) -> HttpResponse:
    finder = TaxFinder()
    today = timezone.localdate()
    asked = any(request.GET.get(k) for k in ("place", "body", "amount"))
    params = request.GET.copy()
    if asked and not params.get("date"):
        params["date"] = today.isoformat()
    form = TaxCheckForm(
        params if asked else None,
        finder=finder,
        initial={"date": today, "currency": currencies()[0]},
    )
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        result = check_text(
            data["place"],
            data["body"],
            data["amount"],
            data["currency"],
            data["date"] or today,
            finder=finder,
        )
    context = {
        "form": form,
        "result": result,
        "places": finder.datalist(),
        "source": mandate().get("sources", {}).get(REQUIREMENT_SOURCE, ""),
    }
    if _partial(request, "tax-answer"):
        return render(request, "monitoring/_tax_answer.html", context)
    return render(request, "monitoring/tax_check.html", context)


def schedule(request: HttpRequest) -> HttpResponse:
    finder = TaxFinder()
    form = ScheduleFilterForm(request.GET or None, finder=finder)
    taxes = LegalTax.objects.select_related("levying_body", "admin_unit__parent__parent", "country")
    place = unknown = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["place"].strip()
        place = finder.place(text) if text else None
        if text and place is None:
            unknown = text
        elif place is not None:
            taxes = applicable(place).select_related("admin_unit__parent__parent", "country")
        if form.cleaned_data["body"]:
            taxes = taxes.filter(levying_body__slug=form.cleaned_data["body"])
    rows = sorted(
        taxes,
        key=lambda t: (
            t.admin_unit.key if t.admin_unit else "",
            t.levying_body.tr("name").lower(),
            t.tr("name").lower(),
            -t.valid_from.toordinal(),
        ),
    )
    context = {
        "form": form,
        "rows": [(t, place_label(t.admin_unit) if t.admin_unit else "") for t in rows],
        "place": place,
        "unknown": unknown,
        "places": finder.datalist(),
        "today": timezone.localdate(),
        "illustrative": any(t.is_illustrative for t in rows),
    }
    if _partial(request, "tax-schedule"):
        return render(request, "monitoring/_tax_schedule.html", context)
    return render(request, "monitoring/taxes.html", context)


class SmsThrottle(SimpleRateThrottle):
    """Messages per sending address, at the API's anonymous rate (one gateway, many senders)."""

    scope = "sms"

    def __init__(self) -> None:
        super().__init__(settings.API_THROTTLE_ANONYMOUS)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@csrf_exempt  # SMS gateways POST form data without a session; the answer writes nothing
@require_http_methods(["GET", "POST"])
def sms_tax_check(request: HttpRequest) -> HttpResponse:
    if not SmsThrottle().allow_request(request):
        return HttpResponse(_("Too many messages. Try again in a minute."), PLAIN, status=429)
    params = request.POST if request.method == "POST" else request.GET
    text = tax_sms.answer(params.get("text", ""), params.get("lang", ""))
    return HttpResponse(text, content_type=PLAIN)


def _back(request: HttpRequest, observed: ObservedTax) -> str:
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    if observed.site_id:
        return observed.site.get_absolute_url()  # type: ignore[union-attr]
    return reverse("monitoring:tax-check")


@require_POST
@login_required
def report_tax(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn an observed illegal tax into an incident in one step, then show the incident."""
    observed = get_object_or_404(
        ObservedTax.objects.select_related("site", "visit__site", "levying_body", "place"), pk=pk
    )
    try:
        incident = ReportIllegalTax(request.user, observed).execute()
    except TaxNotReportable as exc:
        messages.error(request, str(exc))
        return redirect(_back(request, observed))
    messages.success(request, _("The tax is now an incident."))
    return redirect(reverse("monitoring:incident", args=[incident.pk]))
