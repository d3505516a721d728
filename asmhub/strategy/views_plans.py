"""Pages of work plans, working groups and the framework import: thin, asking
``core.permissions`` and calling ``workplans``, ``groups`` and ``framework_io``."""

from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.convenings.models import Convening
from asmhub.core import crud, permissions
from asmhub.core.actions import SaveContribution
from asmhub.core.exports import download
from asmhub.strategy import forms, framework_io, groups, services, workplans
from asmhub.strategy.models import Activity, GroupDocument, JoinRequest, WorkingGroup, WorkPlan
from asmhub.strategy.views import _form_page, _groups, _strategy

# Work plans ---------------------------------------------------------------------------


def _plan(request: HttpRequest, slug: str) -> WorkPlan:
    plan = workplans.visible_plans(request.user).filter(slug=slug).first()
    if plan is None:
        raise Http404
    return plan


def _convenings(user: Any) -> Any:

    return permissions.visible(user, Convening.objects.all()).order_by("-starts_on")


def plan_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "strategy/plans.html",
        {
            "plans": workplans.visible_plans(request.user),
            "can_create": permissions.can_contribute(request.user)
            or permissions.is_editor(request.user),
        },
    )


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    activities = workplans.visible_activities(request.user, plan)
    by_kind = [
        (label, [a for a in activities if a.kind == kind]) for kind, label in Activity.Kind.choices
    ]
    totals: dict[str, Any] = {}
    for a in activities:
        if a.budget_amount is not None:
            totals[a.budget_currency] = totals.get(a.budget_currency, 0) + a.budget_amount
    return render(
        request,
        "strategy/plan.html",
        {
            "plan": plan,
            "by_kind": [(label, items) for label, items in by_kind if items],
            "count": len(activities),
            "totals": sorted(totals.items()),
            "can_edit": permissions.can_edit_plan(request.user, plan),
            "convening_visible": plan.convening is not None
            and permissions.can_view(request.user, plan.convening),
        },
    )


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if not (permissions.can_contribute(request.user) or permissions.is_editor(request.user)):
        raise PermissionDenied
    return _plan_form(request, WorkPlan(), _("New work plan"))


@login_required
def plan_edit(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return _plan_form(request, plan, _("Work plan"))


def _plan_form(request: HttpRequest, plan: WorkPlan, heading: str) -> HttpResponse:
    form = forms.WorkPlanForm(
        request.POST or None, instance=plan, strategies=services.strategies(request.user)
    )

    def save(form: forms.WorkPlanForm) -> str:
        values, _rel = forms.split(form, list(form.fields))
        target = WorkPlan.objects.get(pk=plan.pk) if plan.pk else WorkPlan()
        return SaveContribution(request.user, target, values).execute().get_absolute_url()

    back = plan.get_absolute_url() if plan.pk else reverse("strategy:plans")
    return _form_page(request, form, heading, back, save)


@login_required
def plan_status(request: HttpRequest, slug: str) -> HttpResponse:
    return crud.change_status(request, _plan(request, slug))


@login_required
def plan_draft(request: HttpRequest) -> HttpResponse:
    """Draft a work plan from a convening's polls and priorities."""
    convenings = [
        c for c in _convenings(request.user) if permissions.can_draft_plan(request.user, c)
    ]
    if not convenings:
        raise PermissionDenied

    form = forms.DraftPlanForm(
        request.POST or None,
        initial={"convening": request.GET.get("convening")},
        convenings=Convening.objects.filter(pk__in=[c.pk for c in convenings]),
        strategies=services.strategies(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = workplans.DraftWorkPlan(
                request.user, data["convening"], data["year"], data["title"], data["strategy"]
            ).execute()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Drafted with %(n)s proposed activities: edit them, then publish the plan.")
                % {"n": plan.activities.count()},
            )
            return redirect(plan.get_absolute_url())
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "heading": _("Draft a work plan from a convening"),
            "back": reverse("strategy:plans"),
            "intro": _(
                "Each option of the convening's polls and each priority recorded at it becomes "
                "a proposed activity, linked to where it came from with the poll result."
            ),
        },
    )


def _activity(request: HttpRequest, pk: int) -> Activity:
    activity = get_object_or_404(Activity.objects.select_related("plan"), pk=pk)
    if _plan(request, activity.plan.slug) is None or not permissions.can_see_item(
        request.user, activity
    ):
        raise Http404
    return activity


@login_required
def activity_create(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    if not permissions.can_edit_plan(request.user, plan):
        raise PermissionDenied
    return _activity_form(
        request, Activity(plan=plan, position=plan.activities.count() + 1), _("New activity")
    )


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if not permissions.can_edit_plan(request.user, activity.plan):
        raise PermissionDenied
    return _activity_form(request, activity, _("Activity"))


def _activity_form(request: HttpRequest, activity: Activity, heading: str) -> HttpResponse:
    form = forms.ActivityForm(request.POST or None, instance=activity, plan=activity.plan)

    def save(form: forms.ActivityForm) -> str:
        values, relations = forms.split(form, list(form.fields))
        workplans.save_activity(request.user, activity, values, relations)
        return activity.get_absolute_url()

    return _form_page(request, form, heading, activity.plan.get_absolute_url(), save)


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    plan = activity.plan
    workplans.delete_activity(request.user, activity)
    messages.success(request, _("Activity removed."))
    return redirect(plan.get_absolute_url())


def plan_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    plan = _plan(request, slug)
    columns = [_(c) for c in workplans.EXPORT_COLUMNS]
    return download(columns, workplans.export_rows(request.user, plan), "work-plan", fmt)


# Working groups -----------------------------------------------------------------------


def _group(request: HttpRequest, pk: int) -> WorkingGroup:
    group = get_object_or_404(WorkingGroup.objects.select_related("strategy", "chair"), pk=pk)
    if not permissions.can_view(request.user, group.strategy):
        raise Http404
    return group


def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    user = request.user
    members_space = permissions.can_see_group_documents(user, group)
    mine = group.requests.filter(user_id=user.pk).first() if user.is_authenticated else None
    return render(
        request,
        "strategy/group.html",
        {
            "group": group,
            "owns": next((g["owns"] for g in _owned(user, group) if g["group"].pk == group.pk), []),
            "people": group.memberships.select_related("user") if members_space else [],
            "documents": group.documents.all() if members_space else None,
            "members_space": members_space,
            "can_join": permissions.can_request_to_join(user, group)
            and not (mine and mine.state == JoinRequest.State.PENDING),
            "my_request": mine,
            "join_form": forms.JoinForm(),
            "requests": group.requests.filter(state=JoinRequest.State.PENDING).select_related(
                "user__organization"
            )
            if permissions.can_decide_join(user, group)
            else [],
        },
    )


def _owned(user: Any, group: WorkingGroup) -> list[dict[str, Any]]:

    return _groups(user, group.strategy)


@login_required
@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    form = forms.JoinForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("strategy:group", pk=group.pk)
    try:
        groups.request_to_join(request.user, group, form.cleaned_data["message"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request has gone to the secretariat."))
    return redirect("strategy:group", pk=group.pk)


@login_required
@require_POST
def join_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join = get_object_or_404(JoinRequest.objects.select_related("group", "user"), pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        groups.decide(request.user, join, accept, request.POST.get("answer", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Answered; the person has been told."))
    return redirect(request.POST.get("next") or reverse("strategy:join-requests"))


@login_required
def join_requests(request: HttpRequest) -> HttpResponse:
    if not permissions.is_secretariat(request.user):
        raise PermissionDenied
    return render(
        request, "strategy/join_requests.html", {"requests": groups.pending_requests(request.user)}
    )


@login_required
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    if not permissions.can_see_group_documents(request.user, group):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            groups.add_document(
                request.user, group, {k: form.cleaned_data[k] for k in form.Meta.fields}
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("strategy:group", pk=group.pk)
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "heading": _("Add a document for the group's members"),
            "back": reverse("strategy:group", args=[group.pk]),
            "multipart": True,
        },
    )


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(GroupDocument.objects.select_related("group__strategy"), pk=pk)
    if not (
        permissions.can_view(request.user, document.group.strategy)
        and permissions.can_see_group_documents(request.user, document.group)
    ):
        raise Http404
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Framework import ---------------------------------------------------------------------

SESSION_KEY = "strategy-import"


@login_required
def framework_import(request: HttpRequest, slug: str) -> HttpResponse:
    """Upload: the dry run. Confirm: the same file (kept in the session) written."""
    strategy = _strategy(request, slug)
    if not permissions.can_import_framework(request.user, strategy):
        raise PermissionDenied
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"strategy": strategy, "form": form}
    if request.method == "POST" and request.POST.get("confirm"):
        kept = request.session.get(SESSION_KEY) or {}
        if kept.get("strategy") != strategy.pk:
            messages.error(request, _("Upload the file again: the checked file was not found."))
            return redirect("strategy:import", slug=strategy.slug)
        data = base64.b64decode(kept["data"])
        try:
            plan = framework_io.plan_import(request.user, strategy, kept["name"], data)
            framework_io.apply_import(request.user, plan)
        except framework_io.ImportRefused as refused:
            context["problems"] = refused.problems
        else:
            del request.session[SESSION_KEY]
            messages.success(
                request,
                _("Imported: %(c)s created, %(u)s changed.")
                % {"c": plan.creates, "u": plan.updates},
            )
            return redirect(strategy.get_absolute_url())
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(framework_io.MAX_BYTES + 1)
        try:
            plan = framework_io.plan_import(request.user, strategy, upload.name, data)
        except framework_io.ImportRefused as refused:
            context["problems"] = refused.problems
        else:
            request.session[SESSION_KEY] = {
                "strategy": strategy.pk,
                "name": upload.name,
                "data": base64.b64encode(data).decode(),
            }
            context["plan"] = plan
    return render(request, "strategy/import.html", context)
