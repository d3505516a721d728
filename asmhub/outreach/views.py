"""Pages of outreach: following, alerts, the moderation queue, newsletters, unsubscribing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.directory.models import ConsentRecord
from asmhub.directory.services import record_consent
from asmhub.monitoring.access import access_for
from asmhub.outreach import alerts, follows, moderation, newsletter, tokens
from asmhub.outreach.forms import AlertSettingsForm, NewsletterConsentForm, NewsletterForm
from asmhub.outreach.models import AlertSettings, EmailFollow, Newsletter, NewsletterRecipient


def _wants_newsletter(user: Any) -> bool:
    latest = (
        ConsentRecord.objects.filter(user=user, purpose=ConsentRecord.Purpose.NEWSLETTER)
        .order_by("-recorded_at", "-id")
        .first()
    )
    return bool(latest and latest.granted)


@login_required
def following(request: HttpRequest) -> HttpResponse:
    """What the user follows, and how they want to hear of it."""
    user: Any = request.user
    current = alerts.settings_for(user)
    wants = _wants_newsletter(user)
    if request.method == "POST":
        form = AlertSettingsForm(request.POST)
        if form.is_valid():
            AlertSettings.objects.update_or_create(
                user=user,
                defaults={
                    "kinds": form.cleaned_data["kinds"],
                    "frequency": form.cleaned_data["frequency"],
                },
            )
            if form.cleaned_data["newsletter"] != wants:
                record_consent(
                    purpose=ConsentRecord.Purpose.NEWSLETTER,
                    granted=form.cleaned_data["newsletter"],
                    method=ConsentRecord.Method.FORM,
                    recorded_by=user,
                    user=user,
                )
            messages.success(request, _("Your alert settings are saved."))
            return redirect("outreach:following")
    else:
        form = AlertSettingsForm(
            initial={"kinds": current.kinds, "frequency": current.frequency, "newsletter": wants}
        )
    return render(
        request,
        "outreach/following.html",
        {"groups": follows.followed_by(user), "form": form, "has_email": bool(user.email)},
    )


def _follow_context(request: HttpRequest, obj: object) -> dict[str, object]:
    return {
        "object": obj,
        "type_label": obj._meta.label_lower,  # type: ignore[attr-defined]
        "following": follows.find(request.user, obj) is not None,  # type: ignore[arg-type]
        "request": request,
    }


@require_POST
def follow_toggle(request: HttpRequest) -> HttpResponse:
    """Follow or unfollow; htmx gets the button back, others go back to the page."""
    if not permissions.can_follow(request.user):
        raise PermissionDenied(_("Sign in to follow."))
    try:
        obj = follows.resolve(
            request.POST.get("type", ""), request.POST.get("pk", ""), request.user
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    if request.POST.get("do") == "unfollow":
        follows.unfollow(request.user, obj)
    else:
        follows.follow(request.user, obj)
    if getattr(request, "htmx", False):
        return render(request, "outreach/_follow.html", _follow_context(request, obj))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = obj.get_absolute_url()  # type: ignore[attr-defined]
    return redirect(back)


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """Everything awaiting review, for editors (and reports to triage, for those granted)."""
    user = request.user
    if not (permissions.is_editor(user) or access_for(user).any_restricted):
        raise PermissionDenied(_("Only editors see the moderation queue."))
    return render(request, "outreach/moderation.html", {"groups": moderation.queue(user)})


def _secretariat(request: HttpRequest) -> None:
    if not permissions.can_send_newsletters(request.user):
        raise PermissionDenied(_("Only the secretariat may send newsletters."))


@login_required
def newsletter_list(request: HttpRequest) -> HttpResponse:
    _secretariat(request)
    return render(
        request, "outreach/newsletter_list.html", {"newsletters": Newsletter.objects.all()}
    )


@login_required
def newsletter_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _secretariat(request)
    user: Any = request.user
    instance = get_object_or_404(Newsletter, pk=pk) if pk else Newsletter(created_by=user)
    if instance.state != Newsletter.State.DRAFT:
        messages.error(request, _("A newsletter that was sent cannot be changed."))
        return redirect(instance)
    form = NewsletterForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit(user, "create" if pk is None else "update", saved)
        return redirect(saved)
    return render(request, "outreach/newsletter_form.html", {"form": form, "object": instance})


@login_required
def newsletter_count(request: HttpRequest) -> HttpResponse:
    """How many the segment of the form being filled reaches (htmx), without saving."""
    _secretariat(request)
    form = NewsletterForm(request.GET)
    form.is_valid()
    draft = Newsletter(donors_only=bool(form.cleaned_data.get("donors_only")))
    reached, left = newsletter.segment_of(
        draft,
        stakeholder_types=form.cleaned_data.get("stakeholder_types") or [],
        countries=form.cleaned_data.get("countries") or [],
        working_groups=form.cleaned_data.get("working_groups") or [],
    )
    return render(request, "outreach/_count.html", {"reached": len(reached), "left": left})


@login_required
def newsletter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _secretariat(request)
    item = get_object_or_404(Newsletter, pk=pk)
    if request.method == "POST":
        try:
            n = newsletter.start_sending(request.user, item)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Sending to %(n)s recipients.") % {"n": n})
        return redirect(item)
    reached, left = newsletter.segment(item) if item.state == Newsletter.State.DRAFT else ([], 0)
    outcomes = {
        o: item.recipients.filter(outcome=o).count() for o in NewsletterRecipient.Outcome.values
    }
    return render(
        request,
        "outreach/newsletter_detail.html",
        {
            "newsletter": item,
            "reached": len(reached),
            "left": left,
            "preview": newsletter.render(item, None),
            "outcomes": [
                (NewsletterRecipient.Outcome(o).label, n) for o, n in outcomes.items() if n
            ],
        },
    )


@login_required
def newsletter_consent(request: HttpRequest) -> HttpResponse:
    """Record a directory person's newsletter consent on their behalf."""
    _secretariat(request)
    form = NewsletterConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        record_consent(
            purpose=ConsentRecord.Purpose.NEWSLETTER,
            granted=form.cleaned_data["granted"],
            method=ConsentRecord.Method.ON_BEHALF,
            recorded_by=request.user,
            person=person,
            scope=form.cleaned_data["how"],
        )
        messages.success(request, _("Recorded for %(name)s.") % {"name": person.name})
        return redirect("outreach:newsletter-consent")
    return render(request, "outreach/newsletter_consent.html", {"form": form})


@login_required
def newsletter_recipients(request: HttpRequest, pk: int) -> HttpResponse:
    """To whom a newsletter went and what happened: the secretariat's alone; the
    addresses only to those who may see contact details."""
    _secretariat(request)
    item = get_object_or_404(Newsletter, pk=pk)
    return render(
        request,
        "outreach/newsletter_recipients.html",
        {
            "newsletter": item,
            "rows": item.recipients.all(),
            "show_addresses": permissions.can_view_contact_details(request.user),
        },
    )


@csrf_exempt
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """An unsubscribe link: a page with one button, or a one-click POST (RFC 8058).
    The signed token is the authority, so no session or CSRF cookie is needed."""
    try:
        list_name, value = tokens.read(token)
    except tokens.BadToken:
        list_name, value = "", ""
    if list_name not in ("newsletter", "alerts", "email-follow"):
        return render(request, "outreach/unsubscribe.html", {"bad": True}, status=400)
    if request.method == "POST":
        newsletter.unsubscribe(list_name, value)
        return render(request, "outreach/unsubscribe.html", {"done": True, "list": list_name})
    return render(request, "outreach/unsubscribe.html", {"list": list_name})


@require_POST
def follow_by_email(request: HttpRequest) -> HttpResponse:
    """A visitor without an account follows a public record by e-mail address; the
    answer is the same whether or not a message went, so the form tells nothing about
    an address."""
    from django.contrib.auth.models import AnonymousUser

    address = request.POST.get("email", "").strip()
    try:
        obj = follows.resolve(
            request.POST.get("type", ""), request.POST.get("pk", ""), AnonymousUser()
        )
        follows.follow_by_email(address, obj)
    except ValidationError as exc:
        return render(
            request,
            "outreach/follow_by_email.html",
            {"error": " ".join(exc.messages), "address": address},
            status=400,
        )
    return render(request, "outreach/follow_by_email.html", {"object": obj})


@csrf_exempt
def confirm_follow(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link of a follow by e-mail: a page with one button (a mail
    program that opens links confirms nothing); the signed token is the authority."""
    try:
        list_name, value = tokens.read(token)
    except tokens.BadToken:
        list_name, value = "", ""
    if list_name != "confirm-follow":
        return render(request, "outreach/unsubscribe.html", {"bad": True}, status=400)
    found = EmailFollow.objects.filter(pk=value).first()
    if found is None:
        return render(request, "outreach/confirm_follow.html", {"gone": True}, status=404)
    if request.method == "POST":
        follows.confirm_email_follow(value)
        found.refresh_from_db()
    return render(request, "outreach/confirm_follow.html", {"follow": found})
