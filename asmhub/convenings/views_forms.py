"""The one form page that every part of a convening uses: check, save, record, go back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from asmhub.convenings import access, services
from asmhub.convenings.forms import ConveningPartForm
from asmhub.convenings.models import Convening


def form_page(
    request: HttpRequest,
    convening: Convening,
    form: Any,
    instance: Any,
    heading: str,
    back: str,
) -> HttpResponse:
    return render(
        request,
        "convenings/part_form.html",
        access.page_context(
            request,
            convening,
            form=form,
            object=instance if instance.pk else None,
            heading=heading,
            back=back,
        ),
    )


def save_part(
    request: HttpRequest,
    convening: Convening,
    form: ConveningPartForm,
    heading: str,
    back: str,
    *,
    done: str = "",
    then: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """Show the form of one record of ``convening`` and save it through ``SaveRecord``;
    organizers only. After saving, go to ``then(saved)``, else to the record's own page,
    else to ``back``."""
    access.require_organizer(request, convening)
    instance = form.instance
    if request.method == "POST" and form.is_valid():
        plain, m2m = form.split()
        saved = services.SaveRecord(request.user, convening, instance, plain, m2m).execute()
        messages.success(request, done or _("Saved."))
        if then is not None:
            return redirect(then(saved))
        return redirect(saved.get_absolute_url() if hasattr(saved, "get_absolute_url") else back)
    return form_page(request, convening, form, instance, heading, back)
