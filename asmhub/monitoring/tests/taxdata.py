"""Hand-made places, levying bodies and legal taxes for the tax tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from asmhub.monitoring.models import AdminUnit, Programme, Site
from asmhub.monitoring.tax_models import LegalTax, LevyingBody
from asmhub.taxonomy.models import Country

SINCE = dt.date(2018, 1, 1)


def congo() -> Country:
    return Country.objects.get(code="CD")


def unit(key: str, name: str, parent: AdminUnit | None = None) -> AdminUnit:
    level = key.count("/")
    return AdminUnit.objects.create(
        country=congo(),
        level=level,
        name=name,
        parent=parent,
        key=key,
        slug=key.replace("/", "-"),
    )


def places() -> dict[str, AdminUnit]:
    """Nord-Kivu > Walikale > Wanianga, Nord-Kivu > Masisi, and Sud-Kivu."""
    nk = unit("cd/nord-kivu", "Nord-Kivu")
    walikale = unit("cd/nord-kivu/walikale", "Walikale", nk)
    return {
        "nord-kivu": nk,
        "walikale": walikale,
        "wanianga": unit("cd/nord-kivu/walikale/wanianga", "Wanianga", walikale),
        "masisi": unit("cd/nord-kivu/masisi", "Masisi", nk),
        "sud-kivu": unit("cd/sud-kivu", "Sud-Kivu"),
    }


def body(slug: str, kind: str = "state", may_levy: bool = True, **fields: Any) -> LevyingBody:
    fields.setdefault("name", slug.upper())
    return LevyingBody.objects.create(slug=slug, kind=kind, may_levy=may_levy, **fields)


def tax(
    levier: LevyingBody,
    amount: str,
    currency: str = "CDF",
    where: AdminUnit | None = None,
    **fields: Any,
) -> LegalTax:
    fields.setdefault("name", f"{levier.slug} fee")
    fields.setdefault("base", "entry")
    fields.setdefault("legal_text", "Loi n° 007/2002 du 11 juillet 2002 portant Code minier")
    fields.setdefault("valid_from", SINCE)
    return LegalTax.objects.create(
        country=fields.pop("country", congo()),
        admin_unit=where,
        levying_body=levier,
        amount=Decimal(amount),
        currency=currency,
        **fields,
    )


def site(
    where: AdminUnit | None = None, name: str = "Bisie", programme: Programme | None = None
) -> Site:
    programme = programme or Programme.objects.create(name="Eastern DRC survey", country=congo())
    territory = where if where is None or where.level == 2 else where.parent
    return Site.objects.create(
        programme=programme,
        pcode=f"cd-{name.lower()}",
        name=name,
        country=congo(),
        province=territory.parent if territory else None,
        territory=territory,
        collectivite=where if where is not None and where.level == 3 else None,
    )
