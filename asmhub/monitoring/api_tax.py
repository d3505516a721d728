"""The tax check API: is this tax legal, and the schedule of legal taxes."""

from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import answers, ref
from asmhub.core.pagination import Pagination
from asmhub.monitoring.schemas_tax import LegalTaxFilters, LegalTaxOut, TaxCheckOut, TaxCheckQuery
from asmhub.monitoring.tax_models import LegalTax
from asmhub.monitoring.taxes import TaxFinder, applicable, check_text, in_force, place_label

router = Router(tags=["monitoring"], auth=PUBLIC)


@router.get(
    "/tax-check",
    response=answers(TaxCheckOut),
    summary="Is this tax legal?",
    description=(
        "Compares a payment with the legal schedule in force on its date in its place (the "
        "place, the units it belongs to, and the country). An unknown place or levying body "
        "answers `unknown` with a message. Amounts marked `is_illustrative` are examples."
    ),
)
def tax_check(request: HttpRequest, query: Query[TaxCheckQuery]) -> Any:
    result = check_text(
        query.place,
        query.body,
        None if query.amount is None else Decimal(str(query.amount)),
        query.currency,
        query.date or timezone.localdate(),
        query.base,
    )
    return {
        "verdict": result.verdict,
        "verdict_label": result.label,
        "message": result.message,
        "place": {"id": result.place.key, "name": place_label(result.place)}
        if result.place
        else None,
        "levying_body": ref(result.body) if result.body else None,
        "legal_tax": result.legal_tax,
        "legal_text": result.legal_text,
        "legal_url": result.legal_url,
        "valid_from": result.valid_from,
        "valid_to": result.valid_to,
        "is_illustrative": result.is_illustrative,
    }


@router.get(
    "/legal-taxes",
    response=answers(list[LegalTaxOut]),
    summary="The schedule of legal taxes and fees",
    description="An unknown place or levying body gives an empty list.",
)
@paginate(Pagination)
def legal_taxes(request: HttpRequest, filters: Query[LegalTaxFilters]) -> Any:
    finder = TaxFinder()
    taxes: QuerySet[LegalTax] = LegalTax.objects.all()
    if filters.place.strip():
        place = finder.place(filters.place)
        if place is None:
            return LegalTax.objects.none()
        taxes = applicable(place)
    if filters.body.strip():
        body = finder.body(filters.body)
        if body is None:
            return LegalTax.objects.none()
        taxes = taxes.filter(levying_body=body)
    if filters.date:
        taxes = taxes.filter(in_force(filters.date))
    national_first = F("admin_unit__key").asc(nulls_first=True)
    return taxes.select_related("levying_body", "admin_unit__parent__parent").order_by(
        national_first, "levying_body__slug", "name", "-valid_from", "pk"
    )
