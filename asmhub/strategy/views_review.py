"""Periodic reviews: record one (a snapshot) and read its report as a page, PDF or Word."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from asmhub.convenings.models import Convening
from asmhub.core import permissions
from asmhub.strategy import forms, review_render, services
from asmhub.strategy.models import Review
from asmhub.strategy.views import _strategy


@login_required
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    strategy = _strategy(request, slug)
    if not permissions.is_editor(request.user):
        raise PermissionDenied

    form = forms.ReviewForm(
        request.POST or None,
        convenings=permissions.visible(request.user, Convening.objects.all()).order_by(
            "-starts_on"
        ),
    )
    if request.method == "POST" and form.is_valid():
        review = services.hold_review(request.user, strategy, **form.cleaned_data)
        return redirect(review.get_absolute_url())
    return render(
        request,
        "strategy/form.html",
        {"form": form, "heading": _("New review"), "back": strategy.get_absolute_url()},
    )


def _review(request: HttpRequest, pk: int) -> Review:
    review = get_object_or_404(Review.objects.select_related("strategy"), pk=pk)
    if not permissions.can_view(request.user, review.strategy):
        raise Http404
    return review


def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    return render(request, "strategy/review.html", review_render.document(request.user, review))


def review_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = _review(request, pk)
    name = slugify(f"{review.strategy.title}-{review.held_on}")[:80]
    if fmt == "pdf":
        response = HttpResponse(
            review_render.pdf(request.user, review), content_type="application/pdf"
        )
    else:
        response = HttpResponse(
            review_render.docx(request.user, review),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
