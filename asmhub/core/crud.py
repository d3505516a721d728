"""View helpers shared by every app's contribution pages (create, edit, moderate)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from asmhub.core import permissions
from asmhub.core.actions import ChangeStatus, SaveContribution
from asmhub.core.facets import FacetResult
from asmhub.core.models import Contribution

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet[Any], size: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_params(request: HttpRequest) -> dict[str, list[str]]:
    return {key: request.GET.getlist(key) for key in request.GET}


def list_page(
    request: HttpRequest,
    results: QuerySet[Any],
    facets: list[FacetResult],
    template: str,
    fragment: str,
) -> HttpResponse:
    """A faceted list: the whole page, or only the results fragment for htmx."""
    context = {
        "page": paginate(request, results),
        "facets": facets,
        "query": request.GET.get("q", ""),
    }
    return render(request, fragment if getattr(request, "htmx", False) else template, context)


def get_visible(request: HttpRequest, queryset: QuerySet[Any], **lookup: Any) -> Any:
    """The record, or 404 when it does not exist or the user may not see it."""
    obj = queryset.filter(**lookup).first()
    if obj is None or not permissions.can_view(request.user, obj):
        raise Http404
    return obj


class ContributionForm(forms.ModelForm[Any]):
    """A ModelForm that knows its user, and which of its fields are many-to-many."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self._kept: dict[str, list[Any]] = {}

    def only_visible(self, *names: str) -> None:
        """Offer in these choice fields only the records the user may see, so that a draft
        of another organization is neither listed nor accepted. Links the record already
        has to records the user may not see are kept as they are, unnamed: a single choice
        is then left out of the form, a multiple choice keeps them when it is saved."""
        user = self.user if self.user is not None else AnonymousUser()
        for name in names:
            field: Any = self.fields.get(name)
            if field is None:
                continue
            field.queryset = permissions.visible(user, field.queryset)
            if self.instance.pk is None:
                continue
            if isinstance(field, forms.ModelMultipleChoiceField):
                current = getattr(self.instance, name).all()
                self._kept[name] = list(current.exclude(pk__in=field.queryset.values("pk")))
            else:
                linked = getattr(self.instance, name, None)
                if linked is not None and not permissions.can_view(user, linked):
                    del self.fields[name]

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for name, kept in self._kept.items():
            if name in data and kept:
                data[name] = [*data[name], *kept]
        return data

    def model_fields(self) -> set[str]:
        model: type[Model] = self._meta.model
        return {f.name for f in model._meta.get_fields()}

    def m2m_fields(self) -> list[str]:
        model: type[Model] = self._meta.model
        return [f.name for f in model._meta.many_to_many if f.name in self.fields]


def edit_contribution(
    request: HttpRequest,
    instance: Contribution,
    form_class: type[ContributionForm],
    template: str,
    context: dict[str, Any] | None = None,
    after_save: Callable[[Any, ContributionForm], None] | None = None,
) -> HttpResponse:
    """Show and process the form of a contribution, saving through SaveContribution."""
    creating = instance.pk is None
    allowed = (
        permissions.can_contribute(request.user) or permissions.is_editor(request.user)
        if creating
        else permissions.can_change(request.user, instance)
    )
    if not allowed:
        raise PermissionDenied(
            _("You may not contribute records.")
            if creating
            else _("Only the contributing organization or an editor may change this.")
        )
    form = form_class(
        request.POST or None, request.FILES or None, instance=instance, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        m2m = {name: form.cleaned_data[name] for name in form.m2m_fields()}
        plain = {
            name: value
            for name, value in form.cleaned_data.items()
            if name in form.model_fields() and name not in m2m
        }
        try:
            with transaction.atomic():
                # The form has already written its values onto form.instance; the action
                # starts from the stored record so that it sees (and audits) the changes.
                target = (
                    form.instance
                    if creating
                    else type(instance)._default_manager.get(pk=instance.pk)
                )
                action = SaveContribution(request.user, target, plain, m2m)
                saved = action.execute()
                if after_save and action.pending is None:
                    after_save(saved, form)
        except PermissionDenied as exc:
            # A refusal while saving says why on the form, which keeps what was typed.
            if creating:
                form.instance.pk = None
            form.add_error(None, refusal(exc))
            return render(
                request,
                template,
                {"form": form, "object": None if creating else instance, **(context or {})},
                status=403,
            )
        if action.pending is not None:
            messages.success(
                request,
                _(
                    "Your change is submitted for review: the public page stays as it is "
                    "until an editor approves it."
                ),
            )
        elif not creating:
            messages.success(request, _("Saved."))
        elif permissions.is_editor(request.user):
            messages.success(request, _("Created and published."))
        else:
            messages.success(
                request, _("Created as a draft: submit it for review to make it public.")
            )
        return redirect(saved)
    return render(
        request,
        template,
        {"form": form, "object": None if creating else instance, **(context or {})},
    )


def refusal(exc: PermissionDenied) -> str:
    """The reason a refused action gives, or a general one when it gives none."""
    return str(exc) or _("Your account does not have permission for this action.")


def change_status(request: HttpRequest, instance: Contribution) -> HttpResponse:
    if request.method != "POST":
        raise Http404
    try:
        ChangeStatus(request.user, instance, request.POST.get("status", "")).execute()
        messages.success(request, _("Status changed to “%s”.") % instance.get_status_display())
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do that."))
    return redirect(instance)
