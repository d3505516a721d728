"""Incident and corrective-action pages for the programme's granted roles (restricted).

A field team (the programme's ``restricted`` grant) enters an incident at a site,
answers it with a corrective action plan and its actions, and updates their status and
evidence; a manager verifies an action. Every write goes through ``SaveRecord``
(audited, in one transaction); everyone else gets a 404, as for the incident page.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from asmhub.monitoring.access import access_for
from asmhub.monitoring.forms import ActionForm, IncidentForm, PlanForm
from asmhub.monitoring.incidents import SaveRecord
from asmhub.monitoring.models import CorrectiveAction, CorrectivePlan, Incident, Site


def _granted(request: HttpRequest, programme_id: int) -> None:
    if not access_for(request.user).reads_restricted(programme_id):
        raise Http404  # restricted: not even its existence


def _page(request: HttpRequest, title: str, form: Any, back: str, **extra: Any) -> HttpResponse:
    return render(
        request,
        "monitoring/record_form.html",
        {"title": title, "form": form, "back": back, **extra},
    )


def _save(request: HttpRequest, form: Any, action: SaveRecord) -> bool:
    try:
        action.execute()
    except PermissionDenied as refusal:
        form.add_error(None, str(refusal))
        return False
    return True


@login_required
def incident_create(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    _granted(request, site.programme_id)
    form = IncidentForm(request.POST or None, initial={"state": Incident.State.OPEN})
    if request.method == "POST" and form.is_valid():
        incident = Incident(site=site)
        if _save(
            request, form, SaveRecord(request.user, incident, form.cleaned_data, site.programme_id)
        ):
            return redirect(incident.get_absolute_url())
    return _page(
        request, _("New incident at %(site)s") % {"site": site.name}, form, site.get_absolute_url()
    )


@login_required
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("site"), pk=pk)
    _granted(request, incident.site.programme_id)
    form = IncidentForm(request.POST or None, instance=Incident.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in IncidentForm.Meta.fields}
        action = SaveRecord(request.user, incident, values, incident.site.programme_id)
        if _save(request, form, action):
            return redirect(incident.get_absolute_url())
    return _page(request, _("Update the incident"), form, incident.get_absolute_url())


@login_required
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(Incident.objects.select_related("site"), pk=pk)
    programme_id = incident.site.programme_id
    _granted(request, programme_id)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                plan = SaveRecord(
                    request.user,
                    CorrectivePlan(programme_id=programme_id),
                    {"title": data["title"]},
                    programme_id,
                ).execute()
                plan.incidents.add(incident)
                SaveRecord(
                    request.user,
                    CorrectiveAction(plan=plan),
                    {k: data[k] for k in ("description", "owner", "due_on")},
                    programme_id,
                ).execute()
                if incident.state == Incident.State.OPEN:
                    SaveRecord(
                        request.user,
                        incident,
                        {"state": Incident.State.UNDER_ACTION},
                        programme_id,
                    ).execute()
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(incident.get_absolute_url())
    return _page(request, _("New corrective action plan"), form, incident.get_absolute_url())


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(CorrectivePlan, pk=pk)
    _granted(request, plan.programme_id)
    form = ActionForm(request.POST or None)
    back = _plan_back(plan)
    if request.method == "POST" and form.is_valid():
        action = SaveRecord(
            request.user, CorrectiveAction(plan=plan), form.cleaned_data, plan.programme_id
        )
        if _save(request, form, action):
            return redirect(back)
    return _page(
        request, _("New corrective action in “%(plan)s”") % {"plan": plan.title}, form, back
    )


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(CorrectiveAction.objects.select_related("plan"), pk=pk)
    programme_id = found.plan.programme_id
    _granted(request, programme_id)
    form = ActionForm(request.POST or None, instance=CorrectiveAction.objects.get(pk=pk))
    back = _plan_back(found.plan)
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in ActionForm.Meta.fields}
        if _save(request, form, SaveRecord(request.user, found, values, programme_id)):
            return redirect(back)
    manages = access_for(request.user).may_manage(programme_id)
    return _page(request, _("Update the corrective action"), form, back, verify_note=not manages)


def _plan_back(plan: CorrectivePlan) -> str:
    incident = plan.incidents.order_by("pk").first()
    if incident is None:
        raise Http404
    return incident.get_absolute_url()
