"""Briefs and country profiles: thin views over ``services``, ``country`` and ``render``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from asmhub.briefs import country as profiles
from asmhub.briefs import kit, services
from asmhub.briefs import render as files
from asmhub.briefs.forms import (
    FactsForm,
    FigureForm,
    NetworkResourceForm,
    PressKitForm,
    PublishForm,
    SectionForm,
)
from asmhub.briefs.models import (
    Brief,
    BriefVersion,
    CountryFacts,
    CountryFigure,
    MessageFact,
    NetworkResource,
)
from asmhub.briefs.packs import pack
from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.funding.models import Concept, DonorProfile
from asmhub.library.models import Fact
from asmhub.taxonomy.models import Country, LeverIssue

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def brief_list(request: HttpRequest) -> HttpResponse:
    briefs = list(services.visible_briefs(request.user))
    editor = permissions.is_editor(request.user)
    without = (
        LeverIssue.objects.exclude(briefs__isnull=False).order_by("position") if editor else []
    )
    return render(
        request,
        "briefs/list.html",
        {
            "briefs": briefs,
            "without": without,
            "editor": editor,
            "member": permissions.is_member(request.user),
            "countries": Country.objects.order_by("name"),
            "profiled": profiles.profiled(),
        },
    )


def _version_doc(version: BriefVersion) -> dict[str, Any]:
    return files.document(
        services.version_title(version),
        _("Version %(n)d, published %(when)s")
        % {
            "n": version.number,
            "when": date_format(timezone.localtime(version.published_at), "j F Y"),
        },
        services.version_sections(version),
    )


def brief_page(request: HttpRequest, slug: str) -> HttpResponse:
    brief = services.brief_for(request.user, slug)
    latest = brief.latest()
    if latest is None:
        return redirect("briefs:working", slug)
    return version_page(request, slug, latest.number)


def version_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    brief = services.brief_for(request.user, slug)
    version = get_object_or_404(BriefVersion, brief=brief, number=number)
    return render(
        request,
        "briefs/brief.html",
        {
            "brief": brief,
            "version": version,
            "doc": _version_doc(version),
            "changes": services.version_changes(version),
            "versions": brief.versions.order_by("-number"),
            "editor": permissions.is_editor(request.user),
        },
    )


def _working_doc(brief: Brief) -> dict[str, Any]:
    return files.document(
        brief.title, "", services.working_sections(brief), _("Working copy, not published.")
    )


@login_required
def working(request: HttpRequest, slug: str) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise Http404
    brief = get_object_or_404(Brief, slug=slug)
    return render(
        request,
        "briefs/working.html",
        {
            "brief": brief,
            "doc": _working_doc(brief),
            "versions": brief.versions.order_by("-number"),
            "publish_form": PublishForm(),
            "editor": True,
        },
    )


@login_required
@require_POST
def draft(request: HttpRequest, issue: str) -> HttpResponse:
    found = get_object_or_404(LeverIssue, slug=issue)
    try:
        brief = services.DraftBrief(request.user, found).execute()
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Drafted from the records."))
    return redirect("briefs:working", brief.slug)


@login_required
def section_edit(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise Http404
    brief = get_object_or_404(Brief, slug=slug)
    sections = {s["key"]: s for s in services.working_sections(brief)}
    if key not in sections:
        raise Http404
    section = sections[key]
    form = SectionForm(request.POST or None, initial={"text": section["text"]})
    if request.method == "POST" and form.is_valid():
        try:
            services.EditSection(
                request.user, brief, key, services.language(), form.cleaned_data["text"]
            ).execute()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Section saved."))
        return redirect(f"{brief.get_absolute_url()}working/#section-{key}")
    return render(
        request, "briefs/section_form.html", {"brief": brief, "section": section, "form": form}
    )


@login_required
@require_POST
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise Http404
    brief = get_object_or_404(Brief, slug=slug)
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    action = services.PublishBrief(request.user, brief, note)
    try:
        action.execute()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("briefs:working", slug)
    assert action.version is not None
    messages.success(request, _("Published as version %(n)d.") % {"n": action.version.number})
    return redirect("briefs:version", slug, action.version.number)


def _file(doc: dict[str, Any], name: str, kind: str) -> HttpResponse:
    if kind not in ("pdf", "docx"):
        raise Http404
    if kind == "pdf":
        response = HttpResponse(files.pdf(doc), content_type="application/pdf")
    else:
        response = HttpResponse(files.docx(doc), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def version_file(request: HttpRequest, slug: str, number: int, kind: str) -> HttpResponse:
    brief = services.brief_for(request.user, slug)
    version = get_object_or_404(BriefVersion, brief=brief, number=number)
    return _file(_version_doc(version), f"{slug}-v{number}-{services.language()}", kind)


@login_required
def working_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise Http404
    brief = get_object_or_404(Brief, slug=slug)
    return _file(_working_doc(brief), f"{slug}-working-{services.language()}", kind)


# Country profiles --------------------------------------------------------------------


def _country(code: str) -> Country:
    return get_object_or_404(Country, code=code.upper())


def _country_doc(country: Country) -> dict[str, Any]:
    return files.document(
        _("Artisanal and small-scale mining in %(country)s") % {"country": country.tr("name")},
        _("Country profile as of %(day)s") % {"day": date_format(timezone.localdate(), "j F Y")},
        profiles.profile(country),
    )


def country_page(request: HttpRequest, code: str) -> HttpResponse:
    country = _country(code)
    return render(
        request,
        "briefs/country.html",
        {
            "country": country,
            "doc": _country_doc(country),
            "editor": permissions.is_editor(request.user),
            "figures": CountryFigure.objects.filter(country=country).select_related("source"),
        },
    )


def country_file(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    country = _country(code)
    return _file(_country_doc(country), f"asm-profile-{country.code.lower()}", kind)


def compare(request: HttpRequest) -> HttpResponse:
    codes = [c.upper() for c in request.GET.getlist("c") if c.strip()][:4]
    found = {c.code: c for c in Country.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    chosen = [found[c] for c in codes if c in found]
    return render(
        request,
        "briefs/compare.html",
        {
            "table": profiles.comparison(chosen) if chosen else None,
            "unknown": unknown,
            "countries": Country.objects.order_by("name"),
            "codes": codes,
        },
    )


def _editor_write(request: HttpRequest, instance: Any, form: Any, verb: str) -> bool:
    """Save an editor's form through one audited transaction; False if invalid."""
    if not form.is_valid():
        return False
    with transaction.atomic():
        saved = form.save(commit=False)
        if isinstance(saved, CountryFigure):
            saved.entered_by = request.user  # type: ignore[assignment]
        saved.save()
        audit(
            request.user,
            verb,
            saved,
            {name: {"to": str(form.cleaned_data.get(name))} for name in form.changed_data},
        )
    return True


@login_required
def figure_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only an editor may enter country figures."))
    country = _country(code)
    figure = (
        get_object_or_404(CountryFigure, pk=pk, country=country)
        if pk
        else CountryFigure(country=country)
    )
    form = FigureForm(request.POST or None, instance=figure)
    if request.method == "POST" and _editor_write(
        request, figure, form, "update" if pk else "create"
    ):
        messages.success(request, _("Figure saved."))
        return redirect("briefs:country", country.code.lower())
    return render(
        request,
        "briefs/form.html",
        {
            "form": form,
            "country": country,
            "title": _("A figure of %(c)s") % {"c": country.tr("name")},
        },
    )


@login_required
def facts_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only an editor may change a country's legal facts."))
    country = _country(code)
    facts = CountryFacts.objects.filter(country=country).first() or CountryFacts(country=country)
    form = FactsForm(request.POST or None, instance=facts)
    if request.method == "POST" and _editor_write(request, facts, form, "update"):
        messages.success(request, _("Saved."))
        return redirect("briefs:country", country.code.lower())
    return render(
        request,
        "briefs/form.html",
        {
            "form": form,
            "country": country,
            "title": _("Legal framework of %(c)s") % {"c": country.tr("name")},
        },
    )


# Donor packs -------------------------------------------------------------------------


def _pack_choice(request: HttpRequest) -> tuple[list[Any], list[Any]]:

    if not (permissions.is_member(request.user) or permissions.is_editor(request.user)):
        raise PermissionDenied(_("Donor packs are for members of the network."))
    donors = list(
        permissions.visible(request.user, DonorProfile.objects.all())
        .select_related("organization")
        .order_by("organization__name")
    )
    concepts = list(permissions.visible(request.user, Concept.objects.all()).order_by("title"))
    return donors, concepts


@login_required
def packs(request: HttpRequest) -> HttpResponse:
    donors, concepts = _pack_choice(request)
    donor = request.GET.get("donor", "")
    if donor:
        from urllib.parse import urlencode

        from django.urls import reverse

        query = urlencode([("concept", c) for c in request.GET.getlist("concept")])
        return redirect(f"{reverse('briefs:pack', args=[donor])}?{query}")
    return render(request, "briefs/packs.html", {"donors": donors, "concepts": concepts})


def _pack_doc(request: HttpRequest, slug: str) -> tuple[dict[str, Any], list[Any]]:

    donors, concepts = _pack_choice(request)
    profile = next((d for d in donors if d.organization.slug == slug), None)
    if profile is None:
        raise Http404
    wanted = request.GET.getlist("concept")
    chosen = [c for c in concepts if c.slug in wanted]
    doc = files.document(
        _("%(donor)s: a donor pack") % {"donor": profile.organization.name},
        "; ".join(c.title for c in chosen),
        pack(request.user, profile, chosen) if chosen else [],
    )
    return doc, chosen


@login_required
def pack_page(request: HttpRequest, slug: str) -> HttpResponse:
    doc, chosen = _pack_doc(request, slug)
    _donors, concepts = _pack_choice(request)
    return render(
        request,
        "briefs/pack.html",
        {
            "doc": doc,
            "chosen": chosen,
            "slug": slug,
            "concepts": concepts,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def pack_file(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    doc, chosen = _pack_doc(request, slug)
    if not chosen:
        raise Http404
    return _file(doc, f"donor-pack-{slug}", kind)


# Campaign kit and press kit -------------------------------------------------------------


def campaign(request: HttpRequest) -> HttpResponse:

    doc = files.document(_("The campaign kit"), "", kit.campaign(request.user))
    return render(
        request,
        "briefs/campaign.html",
        {"doc": doc, "editor": permissions.is_editor(request.user)},
    )


def campaign_file(request: HttpRequest, kind: str) -> HttpResponse:

    doc = files.document(_("The campaign kit"), "", kit.campaign(request.user))
    return _file(doc, "campaign-kit", kind)


@login_required
def message_edit(request: HttpRequest) -> HttpResponse:
    """Editors choose the message's facts and their order: a position per fact, blank to
    leave a fact out."""

    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only an editor may choose the message."))
    facts = list(permissions.visible(request.user, Fact.objects.all()).order_by("id"))
    current: dict[int, Any] = {m.fact_id: m.position for m in MessageFact.objects.all()}
    errors = []
    if request.method == "POST":
        wanted: dict[int, int] = {}
        for fact in facts:
            raw = request.POST.get(f"position-{fact.pk}", "").strip()
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= 99:
                errors.append(
                    _("Fact %(n)d: the position must be a number from 1 to 99, not “%(v)s”.")
                    % {"n": fact.pk, "v": raw}
                )
            else:
                wanted[fact.pk] = int(raw)
        if not errors:
            with transaction.atomic():
                MessageFact.objects.all().delete()
                MessageFact.objects.bulk_create(
                    [MessageFact(fact_id=pk, position=p) for pk, p in wanted.items()]
                )
                if facts:  # the entry names the message by its first fact
                    audit(
                        request.user,
                        "update",
                        facts[0],
                        {"message": {"to": sorted(wanted, key=lambda pk: wanted[pk])}},
                    )
            messages.success(request, _("The message is saved."))
            return redirect("briefs:campaign")
        current = {f.pk: request.POST.get(f"position-{f.pk}", "") for f in facts}
    return render(
        request,
        "briefs/message_form.html",
        {"facts": [(f, current.get(f.pk, "")) for f in facts], "errors": errors},
    )


@login_required
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Editors list what the network has to campaign with and what it needs."""

    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only an editor may change the campaign's resources."))
    row = get_object_or_404(NetworkResource, pk=pk) if pk else NetworkResource()
    if request.method == "POST" and pk and "delete" in request.POST:
        with transaction.atomic():
            audit(request.user, "delete", row, {"title": {"from": row.title}})
            row.delete()
        messages.success(request, _("Removed."))
        return redirect("briefs:resources")
    form = NetworkResourceForm(request.POST or None, instance=row)
    if request.method == "POST" and _editor_write(request, row, form, "update" if pk else "create"):
        messages.success(request, _("Saved."))
        return redirect("briefs:resources")
    return render(
        request,
        "briefs/resources.html",
        {
            "form": form,
            "row": row if pk else None,
            "rows": NetworkResource.objects.all(),
            "title": _("Resources: what the network has and needs"),
        },
    )


def press(request: HttpRequest) -> HttpResponse:

    found = kit.press_kit()
    return render(
        request,
        "briefs/press.html",
        {
            "press": found,
            "facts": kit.message_facts(request.user)[:5],
            "editor": permissions.is_editor(request.user),
        },
    )


@login_required
def press_edit(request: HttpRequest) -> HttpResponse:

    if not permissions.is_editor(request.user):
        raise PermissionDenied(_("Only an editor may change the press kit."))
    found = kit.press_kit()
    form = PressKitForm(request.POST or None, instance=found)
    if request.method == "POST" and _editor_write(request, found, form, "update"):
        messages.success(request, _("Saved."))
        return redirect("briefs:press")
    return render(request, "briefs/form_plain.html", {"form": form, "title": _("The press kit")})
