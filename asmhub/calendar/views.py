from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.accounts.models import User
from asmhub.calendar import ical, importers, services
from asmhub.calendar.forms import EventForm, FilterForm, ImportForm, SavedFilterForm
from asmhub.calendar.models import Event, SavedFilter
from asmhub.core import permissions
from asmhub.core.crud import change_status, edit_contribution, get_visible, query_params
from asmhub.core.services import site_url
from asmhub.directory.models import ConsentRecord
from asmhub.directory.services import contact_details_for, record_consent

LIST_DAYS = 92


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    params = services.Filter.from_params(query_params(request)).as_params()
    return {
        "filter_form": FilterForm(params or None),
        "filter_query": urlencode(params, doseq=True),
        "filters_active": bool(params),
        **extra,
    }


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only its calendar for htmx."""
    if getattr(request, "htmx", False) and request.htmx.target == "calendar":  # type: ignore[attr-defined]
        template = template.replace("calendar/", "calendar/_", 1)
    return render(request, template, context)


def _month(value: str | None, today: dt.date) -> dt.date:
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _month(request.GET.get("month"), today)
    grid_start, grid_end = services.month_grid_bounds(first.year, first.month)
    found = services.cached_entries_for(request.user, query_params(request), grid_start, grid_end)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    context = _context(
        request,
        view="month",
        first=first,
        weeks=services.month_weeks(found, first.year, first.month, today),
        month_only=[e for e in found if e.month_only and e.first_day.month == first.month],
        previous=previous,
        following=following,
        count=len({e.uid for e in found if grid_start <= e.first_day}),
    )
    return _render(request, "calendar/month.html", context)


def _week(value: str | None, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        day = today
    return day - dt.timedelta(days=day.weekday())


def week(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _week(request.GET.get("week"), today)
    last = first + dt.timedelta(days=6)
    found = services.entries_for(request.user, query_params(request), first, last)
    context = _context(
        request,
        view="week",
        first=first,
        last=last,
        days=services.days_of(found, first, last, today),
        previous=first - dt.timedelta(days=7),
        following=first + dt.timedelta(days=7),
    )
    return _render(request, "calendar/week.html", context)


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


def agenda(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    first = _day(request.GET.get("from"), today)
    last = _day(request.GET.get("to"), first + dt.timedelta(days=LIST_DAYS))
    if last < first or (last - first).days > 3660:
        last = first + dt.timedelta(days=LIST_DAYS)
    found = services.entries_for(request.user, query_params(request), first, last)
    context = _context(
        request,
        view="list",
        first=first,
        last=last,
        entries=found,
        following=last + dt.timedelta(days=1),
        span=(last - first).days,
    )
    return _render(request, "calendar/list.html", context)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event: Event = get_visible(
        request, Event.objects.select_related("organizer", "parent", "contact"), slug=slug
    )
    user = request.user
    can_change = permissions.can_change(user, event)
    today = timezone.localdate()
    upcoming = (
        [
            start
            for start, _end in services.event_occurrences(
                event, services.midnight(today), services.midnight(today + dt.timedelta(days=366))
            )[:6]
        ]
        if event.rule
        else []
    )
    context = {
        "object": event,
        "sessions": permissions.visible(user, event.sessions.all()).order_by("start"),
        "contact_details": contact_details_for(user, event.contact) if event.contact else None,
        "upcoming": upcoming,
        "google_url": _google_url(request, event),
        "can_change": can_change,
        "can_publish": permissions.can_publish(user, event),
        "history": services.history(event) if can_change else [],
    }
    return render(request, "calendar/event_detail.html", context)


def _google_url(request: HttpRequest, event: Event) -> str:
    if event.all_day:
        dates = f"{event.start:%Y%m%d}/{event.end:%Y%m%d}"
    else:
        dates = f"{event.start:%Y%m%dT%H%M%SZ}/{event.end:%Y%m%dT%H%M%SZ}"
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": request.build_absolute_uri(event.get_absolute_url()),
        "location": event.place or event.online_url,
    }
    if event.rule:
        query["recur"] = f"RRULE:{event.rule}"
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_visible(request, Event.objects.select_related("organizer"), slug=slug)
    response = HttpResponse(ical.write_event(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    event = Event()
    parent = request.GET.get("parent")
    if parent:
        event.parent = permissions.find_visible(request.user, Event.objects.all(), slug=parent)
    return edit_contribution(request, event, EventForm, "calendar/form.html")


@login_required
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_visible(request, Event.objects.all(), slug=slug)
    return edit_contribution(request, event, EventForm, "calendar/form.html")


@login_required
@require_POST
def event_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, Event.objects.all(), slug=slug))


def _feed_response(request: HttpRequest, selection: services.Selection, name: str) -> HttpResponse:
    body = ical.write_feed(selection, name)
    changed = ical.last_changed(selection)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if changed:
        response["Last-Modified"] = http_date(changed.timestamp())
    response["Cache-Control"] = "public, max-age=900"
    return response


def feed(request: HttpRequest) -> HttpResponse:
    """The public feed of the filter in the query string: what anyone may see."""
    selection = services.select(AnonymousUser(), query_params(request))
    return _feed_response(request, selection, _("ASM Hub calendar"))


def saved_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A saved filter's feed. Its address is unguessable, but it still shows only what is
    public: calendar programs fetch it without signing in."""
    saved = get_object_or_404(SavedFilter, token=token)
    selection = services.select(AnonymousUser(), saved.params)
    return _feed_response(request, selection, f"ASM Hub: {saved.name}")


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    params = services.Filter.from_params(query_params(request)).as_params()
    form = SavedFilterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user = user
        saved.params = services.Filter.from_params(dict(request.POST.lists())).as_params()
        saved.save()
        if saved.weekly_digest:
            _record_digest_consent(user, saved)
        messages.success(request, _("Saved. Subscribe to its address in your calendar program."))
        return redirect("calendar:feeds")
    context = {
        "form": form,
        "params": params,
        "filter_query": urlencode(params, doseq=True),
        "saved": [(s, services.Filter.from_params(s.params)) for s in user.calendar_filters.all()],
        "site_url": site_url(),
    }
    return render(request, "calendar/feeds.html", context)


def _record_digest_consent(user: Any, saved: SavedFilter) -> None:
    record_consent(
        purpose=ConsentRecord.Purpose.DIGEST,
        granted=saved.weekly_digest,
        method=ConsentRecord.Method.FORM,
        user=user,
        recorded_by=user,
        scope=f"calendar filter {saved.pk}",
    )


@login_required
@require_POST
def feed_change(request: HttpRequest, pk: int) -> HttpResponse:
    saved = SavedFilter.objects.filter(pk=pk, user_id=request.user.pk or 0).first()
    if saved is None:
        raise Http404
    if request.POST.get("delete"):
        saved.delete()
        messages.success(request, _("Deleted."))
    else:
        wanted = request.POST.get("weekly_digest") == "on"
        if wanted != saved.weekly_digest:
            saved.weekly_digest = wanted
            saved.save(update_fields=["weekly_digest"])
            _record_digest_consent(request.user, saved)
        messages.success(request, _("Saved."))
    return redirect("calendar:feeds")


def _text(body: bytes, source: str) -> str:
    """The checked file is posted back with the confirmation, so it must fit in a form."""
    limit = import_limit()
    if len(body) > limit:
        raise importers.IcsError(
            _("%(source)s: larger than %(limit)s bytes; import it with asmhub import-ics")
            % {"source": source, "limit": f"{limit:,}"}
        )
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise importers.IcsError(
            _("%(source)s: not UTF-8 text (byte %(at)s)") % {"source": source, "at": exc.start}
        ) from exc


def import_limit() -> int:
    return min(settings.ASMHUB_ICS_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 65536)


@login_required
def import_events(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (permissions.can_contribute(user) or permissions.is_editor(user)):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    content = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = "upload"
        try:
            if request.POST.get("content"):
                content, source = request.POST["content"], request.POST.get("source", "upload")
            elif data.get("file"):
                source = data["file"].name
                content = _text(data["file"].read(), source)
            else:
                source = data["url"]
                content = _text(importers.fetch(data["url"]), source)
        except importers.IcsError as exc:
            form.add_error(None, str(exc))
        else:
            commit = request.POST.get("commit") == "1"
            report = importers.import_ics(
                content,
                source=source,
                user=user,
                commit=commit,
                default_kind=data["default_kind"],
                default_timezone=data["default_timezone"],
            )
            if report.committed:
                messages.success(request, report.summary())
                return redirect("calendar:list")
    return render(
        request,
        "calendar/import.html",
        {"form": form, "report": report, "content": content},
    )
