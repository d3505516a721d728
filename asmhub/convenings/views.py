"""Pages of a convening: the list, the overview, its settings and its participants."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.convenings import access, services
from asmhub.convenings.forms import ConveningForm, ParticipantForm
from asmhub.convenings.models import Convening, Participant
from asmhub.convenings.views_forms import form_page
from asmhub.core import permissions
from asmhub.core.crud import ContributionForm, change_status, edit_contribution
from asmhub.core.models import AuditEntry


def convening_list(request: HttpRequest) -> HttpResponse:
    convenings = (
        access.visible_convenings(request.user)
        .prefetch_related("organizers")
        .order_by("-starts_on", "title")
    )
    return render(
        request,
        "convenings/list.html",
        {
            "convenings": convenings,
            "can_create": permissions.can_contribute(request.user)
            or permissions.is_editor(request.user),
        },
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    context = access.page_context(
        request,
        convening,
        days=services.agenda(convening),
        counts={
            "participants": convening.participants.count(),
            "statements": convening.statements.count(),
            "commitments": convening.commitments.count(),
            "polls": convening.polls.count(),
        },
        report=getattr(convening, "report", None),
        history=AuditEntry.for_object(convening)[:10]
        if access.is_organizer(request.user, convening)
        else [],
    )
    return render(request, "convenings/detail.html", context)


def _after_save(convening: Any, form: ContributionForm) -> None:
    services.add_participant_for_user(form.user, convening)
    services.put_on_calendar(form.user, convening)


@login_required
def create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(
        request,
        Convening(),
        ConveningForm,
        "convenings/form.html",
        after_save=_after_save,
    )


@login_required
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    access.require_organizer(request, convening)
    form = ConveningForm(request.POST or None, instance=convening, user=request.user)
    if request.method == "POST" and form.is_valid():
        m2m = {name: form.cleaned_data[name] for name in form.m2m_fields()}
        plain = {
            k: v for k, v in form.cleaned_data.items() if k in form.model_fields() and k not in m2m
        }
        stored = Convening.objects.get(pk=convening.pk)
        services.SaveConvening(request.user, stored, plain, m2m).execute()
        messages.success(request, _("Saved."))
        return redirect(convening)
    return render(
        request, "convenings/form.html", {"form": form, "object": convening, "convening": convening}
    )


@login_required
@require_POST
def status(request: HttpRequest, slug: str) -> HttpResponse:
    """Moderation; once published, the convening is put on the shared calendar."""
    convening = access.convening_for(request, slug)
    before = convening.status
    response = change_status(request, convening)
    if before != convening.status:
        services.put_on_calendar(request.user, convening)
    return response


def participants(request: HttpRequest, slug: str) -> HttpResponse:
    """The participant list: organizers see everyone; others see what consent allows."""
    convening = access.convening_for(request, slug)
    organizer = access.is_organizer(request.user, convening)
    queryset = (
        convening.participants.select_related("person", "organization", "stakeholder_group")
        if organizer
        else access.public_participants(convening)
    )
    rows = [
        {
            "participant": p,
            "name": access.listed_name(organizer, p),
            "contact": access.participant_contact(request, convening, p),
        }
        for p in queryset.order_by("organization__name", "person__name", "id")
    ]
    hidden = convening.participants.count() - len(rows)
    context = access.page_context(request, convening, rows=rows, hidden=hidden)
    return render(request, "convenings/participants.html", context)


def _participant_form(
    request: HttpRequest, convening: Convening, participant: Participant
) -> HttpResponse:
    access.require_organizer(request, convening)
    form = ParticipantForm(
        request.POST or None, instance=participant, convening=convening, user=request.user
    )
    back = reverse("convenings:participants", args=[convening.slug])
    if request.method == "POST" and form.is_valid():
        plain, m2m = form.split()
        new_person = form.cleaned_data.get("new_person") or ""
        services.SaveParticipant(
            request.user, convening, participant, plain, m2m, new_person=new_person
        ).execute()
        messages.success(request, _("Saved."))
        return redirect(back)
    return form_page(request, convening, form, participant, _("Participant"), back)


@login_required
def participant_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    return _participant_form(request, convening, Participant(convening=convening))


@login_required
def participant_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    participant = get_object_or_404(convening.participants, pk=pk)
    return _participant_form(request, convening, participant)


@login_required
def participant_links(request: HttpRequest, slug: str) -> HttpResponse:
    """Each participant's personal link, for organizers to send out. With ``?poll=N``
    each link leads, once opened, straight to that poll rather than the overview."""
    convening = access.convening_for(request, slug)
    access.require_organizer(request, convening)
    raw = request.GET.get("poll", "")
    poll = convening.polls.filter(pk=int(raw)).first() if raw.isdigit() else None
    suffix = f"?next=poll-{poll.pk}" if poll is not None else ""
    rows = [
        (
            p,
            request.build_absolute_uri(reverse("convenings:join", args=[slug, p.token])) + suffix,
        )
        for p in convening.participants.select_related("person", "organization")
    ]
    return render(
        request,
        "convenings/participant_links.html",
        access.page_context(
            request, convening, rows=rows, poll=poll, polls=convening.polls.order_by("id")
        ),
    )


@login_required
@require_POST
def participant_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    participant = get_object_or_404(convening.participants, pk=pk)
    services.DeleteRecord(request.user, convening, participant).execute()
    messages.success(request, _("Removed from the participants."))
    return redirect("convenings:participants", slug)
