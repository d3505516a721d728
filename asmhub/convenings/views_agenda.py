"""The agenda: sessions, presentations with their materials, breakout groups and whiteboards."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.convenings import access, services
from asmhub.convenings.forms import (
    BreakoutForm,
    BreakoutReportForm,
    ConveningPartForm,
    MaterialForm,
    PresentationForm,
    SessionForm,
    WhiteboardForm,
)
from asmhub.convenings.models import (
    Breakout,
    Convening,
    Material,
    Presentation,
    Session,
    WhiteboardItem,
)
from asmhub.convenings.views_forms import save_part


def _save_part(
    request: HttpRequest,
    convening: Convening,
    instance: Any,
    form_class: type[ConveningPartForm],
    heading: str,
    back: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """Show and process the form of one part of the convening; organizers only."""
    access.require_organizer(request, convening)
    form = form_class(request.POST or None, instance=instance, convening=convening, **form_kwargs)
    return save_part(request, convening, form, heading, back)


def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    return render(
        request,
        "convenings/agenda.html",
        access.page_context(request, convening, days=services.agenda(convening)),
    )


def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    session = get_object_or_404(
        convening.sessions.select_related("parent").prefetch_related(
            "chairs__person", "facilitators__person", "parts"
        ),
        pk=pk,
    )
    presentations = session.presentations.prefetch_related(
        "speakers__person", "speakers__organization", "mdg_goals", "sdg_goals", "lever_issues"
    )
    breakouts = session.breakouts.select_related("facilitator__person", "rapporteur__person")
    context = access.page_context(
        request,
        convening,
        session=session,
        presentations=presentations,
        breakouts=breakouts,
        statements=session.statement_set.all(),
    )
    return render(request, "convenings/session.html", context)


@login_required
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    parent = convening.sessions.filter(pk=request.GET.get("parent") or 0).first()
    session = Session(
        convening=convening,
        parent=parent,
        day=parent.day if parent else convening.starts_on,
        kind=Session.Kind.PRESENTATIONS,
        position=services.next_position(convening.sessions.all()),
    )
    back = convening.get_absolute_url()
    return _save_part(request, convening, session, SessionForm, _("New session"), back)


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    session = get_object_or_404(convening.sessions, pk=pk)
    return _save_part(
        request, convening, session, SessionForm, _("Session"), session.get_absolute_url()
    )


def presentation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    presentation = get_object_or_404(
        Presentation.objects.filter(session__convening=convening)
        .select_related("session")
        .prefetch_related(
            "speakers__person",
            "speakers__organization",
            "organizations",
            "mdg_goals",
            "sdg_goals",
            "lever_issues",
        ),
        pk=pk,
    )
    materials = Material.objects.filter(presentation=presentation).select_related("resource")
    material_form = (
        MaterialForm(user=request.user) if access.is_organizer(request.user, convening) else None
    )
    context = access.page_context(
        request,
        convening,
        presentation=presentation,
        materials=[m for m in materials if m.resource.is_public]
        if not access.is_organizer(request.user, convening)
        else list(materials),
        material_form=material_form,
        statements=presentation.statement_set.all(),
    )
    return render(request, "convenings/presentation.html", context)


@login_required
def presentation_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    session = get_object_or_404(convening.sessions, pk=request.GET.get("session") or 0)
    presentation = Presentation(
        session=session, position=services.next_position(session.presentations.all())
    )
    return _save_part(
        request,
        convening,
        presentation,
        PresentationForm,
        _("New presentation"),
        session.get_absolute_url(),
    )


@login_required
def presentation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    presentation = get_object_or_404(
        Presentation.objects.filter(session__convening=convening), pk=pk
    )
    return _save_part(
        request,
        convening,
        presentation,
        PresentationForm,
        _("Presentation"),
        presentation.get_absolute_url(),
    )


@login_required
@require_POST
def material_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    access.require_organizer(request, convening)
    presentation = get_object_or_404(
        Presentation.objects.filter(session__convening=convening), pk=pk
    )
    form = MaterialForm(request.POST, user=request.user)
    if form.is_valid():
        material = Material(presentation=presentation, **form.cleaned_data)
        duplicate = Material.objects.filter(
            presentation=presentation,
            resource=material.resource,
            kind=material.kind,
        ).exists()
        if duplicate:
            messages.error(request, _("This material is already attached."))
        else:
            services.SaveRecord(request.user, convening, material, {}).execute()
            messages.success(request, _("Material attached."))
    else:
        messages.error(request, _("Choose a library resource and its kind."))
    return redirect(presentation)


@login_required
def breakout_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    session = get_object_or_404(convening.sessions, pk=request.GET.get("session") or 0)
    breakout = Breakout(session=session, position=services.next_position(session.breakouts.all()))
    return _save_part(
        request,
        convening,
        breakout,
        BreakoutForm,
        _("New breakout group"),
        session.get_absolute_url(),
    )


@login_required
def breakout_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    breakout = get_object_or_404(Breakout.objects.filter(session__convening=convening), pk=pk)
    return _save_part(
        request, convening, breakout, BreakoutForm, _("Breakout group"), breakout.get_absolute_url()
    )


def _breakout(convening: Convening, pk: int) -> Breakout:
    return get_object_or_404(
        Breakout.objects.filter(session__convening=convening)
        .select_related("session", "facilitator__person", "rapporteur__person")
        .prefetch_related("members__person", "members__organization"),
        pk=pk,
    )


def breakout_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    breakout = _breakout(convening, pk)
    context = access.page_context(
        request,
        convening,
        breakout=breakout,
        board=services.whiteboard(breakout),
        board_form=WhiteboardForm(),
        statements=breakout.statement_set.all(),
    )
    return render(request, "convenings/breakout.html", context)


@login_required
def breakout_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The group's notes and report-back, as the rapporteur types them."""
    convening = access.convening_for(request, slug)
    breakout = _breakout(convening, pk)
    return _save_part(
        request,
        convening,
        breakout,
        BreakoutReportForm,
        _("Notes and report-back of %(group)s") % {"group": breakout.name},
        breakout.get_absolute_url(),
    )


def whiteboard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The group's whiteboard (an htmx fragment): its notes, and a note added by POST."""
    convening = access.convening_for(request, slug)
    breakout = _breakout(convening, pk)
    form = WhiteboardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = WhiteboardItem(breakout=breakout, **form.cleaned_data)
        with transaction.atomic():
            services.AddWhiteboardItem(
                request.user, access.current_participant(request, convening), item
            ).execute()
        form = WhiteboardForm(initial={"theme": item.theme})
    context = access.page_context(
        request, convening, breakout=breakout, board=services.whiteboard(breakout), board_form=form
    )
    return render(request, "convenings/_whiteboard.html", context)
