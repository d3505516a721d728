"""What the convening produced besides its report: captured statements and commitments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from asmhub.convenings import access, services
from asmhub.convenings.forms import CommitmentForm, StatementForm
from asmhub.convenings.models import Commitment, Convening, Statement
from asmhub.convenings.views_forms import save_part


def _form_page(
    request: HttpRequest,
    convening: Convening,
    form: StatementForm | CommitmentForm,
    instance: Statement | Commitment,
    heading: str,
    back: str,
) -> HttpResponse:
    return save_part(request, convening, form, heading, back, then=lambda _saved: back)


def statements(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    return render(
        request,
        "convenings/statements.html",
        access.page_context(request, convening, groups=services.statements_by_kind(convening)),
    )


def _initial_source(request: HttpRequest) -> str:
    for name in StatementForm.SOURCES:
        value = request.GET.get(name, "")
        if value.isdigit():
            return f"{name}:{value}"
    return ""


@login_required
def statement_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    statement = Statement(
        convening=convening,
        created_by_id=request.user.pk,
        position=services.next_position(convening.statements.all()),
    )
    form = StatementForm(
        request.POST or None,
        instance=statement,
        convening=convening,
        initial={"source": _initial_source(request)},
    )
    back = reverse("convenings:statements", args=[slug])
    return _form_page(request, convening, form, statement, _("New statement"), back)


@login_required
def statement_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    statement = get_object_or_404(convening.statements, pk=pk)
    form = StatementForm(request.POST or None, instance=statement, convening=convening)
    back = reverse("convenings:statements", args=[slug])
    return _form_page(request, convening, form, statement, _("Statement"), back)


def commitments(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    rows = convening.commitments.select_related(
        "organization", "person", "session", "breakout__session"
    ).prefetch_related("lever_issues")
    return render(
        request,
        "convenings/commitments.html",
        access.page_context(request, convening, commitments=rows, states=Commitment.State.choices),
    )


@login_required
def commitment_add(request: HttpRequest, slug: str) -> HttpResponse:
    convening = access.convening_for(request, slug)
    commitment = Commitment(
        convening=convening, position=services.next_position(convening.commitments.all())
    )
    form = CommitmentForm(
        request.POST or None, instance=commitment, convening=convening, user=request.user
    )
    back = reverse("convenings:commitments", args=[slug])
    return _form_page(request, convening, form, commitment, _("New commitment"), back)


@login_required
def commitment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    convening = access.convening_for(request, slug)
    commitment = get_object_or_404(convening.commitments, pk=pk)
    form = CommitmentForm(
        request.POST or None, instance=commitment, convening=convening, user=request.user
    )
    back = reverse("convenings:commitments", args=[slug])
    return _form_page(request, convening, form, commitment, _("Commitment"), back)
