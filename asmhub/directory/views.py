from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.core import permissions, personal_data, revisions
from asmhub.core.crud import change_status, edit_contribution, get_visible, list_page, query_params
from asmhub.core.exports import download
from asmhub.directory import exports, search, services
from asmhub.directory.forms import OrganizationForm, PersonForm
from asmhub.directory.models import Affiliation, Organization, Person
from asmhub.taxonomy.registry import tagged_with


def organization_list(request: HttpRequest) -> HttpResponse:
    organizations, facets = search.organizations_for(request.user, query_params(request))
    return list_page(
        request,
        organizations,
        facets,
        "directory/organization_list.html",
        "directory/_organization_results.html",
    )


def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org: Organization = get_visible(
        request,
        Organization.objects.select_related("stakeholder_type", "hq_country", "parent"),
        slug=slug,
    )
    user = request.user
    people = permissions.visible(
        user, Person.objects.filter(affiliations__organization=org)
    ).distinct()
    people = people.prefetch_related(
        Prefetch("affiliations", queryset=Affiliation.objects.filter(organization=org))
    )
    context: dict[str, Any] = {
        "object": org,
        "children": permissions.visible(user, org.children.all()),
        "memberships": org.memberships.select_related("network").filter(
            network__status="published"
        ),
        "network_members": org.network_members.select_related("organization").filter(
            organization__in=permissions.visible(user, Organization.objects.all())
        ),
        "people": people,
        "can_change": permissions.can_change(user, org),
        "pending": revisions.pending_for(user, org),
        "can_publish": permissions.can_publish(user, org),
        "history": services.history(org) if permissions.can_change(user, org) else [],
        "tagged": tagged_with(user, org),
    }
    return render(request, "directory/organization_detail.html", context)


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(
        request, Organization(), OrganizationForm, "directory/organization_form.html"
    )


@login_required
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_visible(request, Organization.objects.all(), slug=slug)
    return edit_contribution(request, org, OrganizationForm, "directory/organization_form.html")


@login_required
@require_POST
def organization_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, Organization.objects.all(), slug=slug))


def person_list(request: HttpRequest) -> HttpResponse:
    people, facets = search.people_for(request.user, query_params(request))
    return list_page(
        request, people, facets, "directory/person_list.html", "directory/_person_results.html"
    )


def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person: Person = get_visible(request, Person.objects.all(), slug=slug)
    user = request.user
    context = {
        "object": person,
        "affiliations": person.affiliations.select_related("organization").filter(
            organization__in=permissions.visible(user, Organization.objects.all())
        ),
        "contact": services.contact_details_for(user, person),
        "can_change": permissions.can_change(user, person),
        "can_publish": permissions.can_publish(user, person),
        "history": services.history(person) if permissions.can_change(user, person) else [],
        "can_manage_personal_data": permissions.can_manage_personal_data(user),
    }
    return render(request, "directory/person_detail.html", context)


def json_download(document: str, name: str) -> HttpResponse:
    response = HttpResponse(document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def person_personal_data(request: HttpRequest, slug: str) -> HttpResponse:
    """A person's personal data, for secretariat administrators: the export, and erasure
    on request (POST, with the request's reference)."""
    if not permissions.can_manage_personal_data(request.user):
        raise PermissionDenied(_("Only a secretariat administrator may handle others' data."))
    person = get_object_or_404(Person, slug=slug)
    subject = personal_data.Subject(person)
    error = ""
    if request.method == "POST":
        action = personal_data.ErasePersonalData(
            request.user, subject, request.POST.get("reference", "")
        )
        try:
            action.execute()
        except ValueError as exc:
            error = str(exc)
        else:
            messages.success(request, _("The person's data was erased."))
            return redirect("directory:people")
    context = {"object": person, "subject": subject, "error": error}
    return render(
        request, "directory/person_personal_data.html", context, status=400 if error else 200
    )


@login_required
def person_personal_data_export(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_object_or_404(Person, slug=slug)
    if not permissions.can_manage_personal_data(request.user):
        raise PermissionDenied(_("Only a secretariat administrator may handle others' data."))
    document = personal_data.export(request.user, personal_data.Subject(person))
    return json_download(document, f"personal-data-person-{person.pk}.json")


def _save_person_extras(person: Any, form: Any) -> None:
    data = form.cleaned_data
    Affiliation.objects.filter(person=person).exclude(organization=data["organization"]).update(
        is_primary=False
    )
    Affiliation.objects.update_or_create(
        person=person,
        organization=data["organization"],
        defaults={"title": data["title"], "is_primary": True},
    )
    if "email" in form.fields:
        services.SaveContactDetails(
            form.user, person, data.get("email", ""), data.get("phone", "")
        ).execute()


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    return edit_contribution(
        request, Person(), PersonForm, "directory/person_form.html", after_save=_save_person_extras
    )


@login_required
def person_edit(request: HttpRequest, slug: str) -> HttpResponse:
    person = get_visible(request, Person.objects.all(), slug=slug)
    return edit_contribution(
        request, person, PersonForm, "directory/person_form.html", after_save=_save_person_extras
    )


@login_required
@require_POST
def person_status(request: HttpRequest, slug: str) -> HttpResponse:
    return change_status(request, get_visible(request, Person.objects.all(), slug=slug))


def _export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    if kind == "organizations":
        found, _ = search.organizations_for(request.user, query_params(request))
        columns, rows = exports.organization_rows(request.user, found)
    else:
        people, _ = search.people_for(request.user, query_params(request))
        columns, rows = exports.people_rows(request.user, people)
    return download(columns, rows, kind, fmt)


def organization_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, "organizations", fmt)


def person_export(request: HttpRequest, fmt: str) -> HttpResponse:
    return _export(request, "people", fmt)
