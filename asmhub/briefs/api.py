"""Briefs API: published briefs and their frozen versions, and countries' ASM figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from asmhub.accounts.auth import PUBLIC
from asmhub.briefs import country as profiles
from asmhub.briefs import services
from asmhub.briefs.models import BriefVersion, CountryFigure
from asmhub.briefs.schemas import BriefOut, BriefVersionOut, CountryFigureOut
from asmhub.core.api_schemas import answers
from asmhub.core.services import site_url

router = Router(tags=["briefs"], auth=PUBLIC)


@router.get("/", response=answers(list[BriefOut]), summary="List the briefs the user may read")
def list_briefs(request: HttpRequest) -> Any:
    return [
        {
            "slug": b.slug,
            "title": b.title,
            "lever_issue": b.lever_issue.slug,
            "latest_version": (latest.number if (latest := b.latest()) else None),
            "url": b.get_absolute_url(),
        }
        for b in services.visible_briefs(request.user)
    ]


@router.get(
    "/{slug}/versions/{number}",
    response=answers(BriefVersionOut, 404),
    summary="One published version of a brief, as frozen, in a language of the interface",
)
def get_version(request: HttpRequest, slug: str, number: int, language: str = "en") -> Any:
    brief = services.brief_for(request.user, slug)
    version = get_object_or_404(BriefVersion, brief=brief, number=number)
    sections = version.document.get("languages", {}).get(language)
    if sections is None:
        raise Http404
    return {
        "slug": brief.slug,
        "number": version.number,
        "title": version.document.get("titles", {}).get(language, version.title),
        "note": version.note,
        "published_at": version.published_at,
        "language": language,
        "sections": [
            {
                **s,
                "citations": [
                    {**c, "url": site_url(c["url"]) if c["url"] else ""} for c in s["citations"]
                ],
            }
            for s in sections
        ],
        "url": site_url(version.get_absolute_url()),
    }


@router.get(
    "/countries/{code}/figures",
    response=answers(list[CountryFigureOut], 404),
    summary="A country's ASM figures as editors entered them, each with its source and year",
)
def country_figures(request: HttpRequest, code: str) -> Any:
    figures = CountryFigure.objects.filter(country__code=code.upper()).select_related(
        "source", "mineral"
    )
    if not figures.exists() and not profiles.Country.objects.filter(code=code.upper()).exists():
        raise Http404
    oldest = dt.date.today().year - profiles.max_age()
    return [
        {
            "kind": f.kind,
            "label": f.label or f.get_kind_display(),
            "mineral": f.mineral.slug if f.mineral else None,
            "value": f.value,
            "value_max": f.value_max,
            "unit": f.unit,
            "year": f.year,
            "source": str(f.source) if f.source else f.source_url,
            "source_url": site_url(f.source.get_absolute_url()) if f.source else f.source_url,
            "old": f.year < oldest,
        }
        for f in figures
    ]
