"""Schemas of the tax check API: the question, the verdict, the schedule."""

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from asmhub.core.api_schemas import Ref, ref
from asmhub.monitoring.tax_models import LegalTax
from asmhub.monitoring.taxes import place_label

MAX_AMOUNT = 10**12
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD: a number is not a day (pydantic would read it as a timestamp)."""
    if isinstance(value, str | int | float) and not ISO_DATE.fullmatch(str(value)):
        raise ValueError("a date as YYYY-MM-DD")
    return value


class TaxCheckQuery(Schema):
    place: str = Field(
        "",
        max_length=200,
        description="A place name or key (cd/nord-kivu/walikale); empty: national",
    )
    body: str = Field("", max_length=200, description="The levying body: slug, name or alias")
    amount: float | None = Field(None, ge=0, lt=MAX_AMOUNT, description="The amount paid")
    currency: str = Field("", max_length=20, description="CDF or USD (or fc, $, ...)")
    date: dt.date | None = Field(None, description="The day of the payment; default today")
    base: str = Field("", max_length=20, description="What it was levied on: entry, quantity, ...")

    _date = field_validator("date", mode="before")(iso_date)


class LegalTaxFilters(Schema):
    place: str = Field(
        "",
        max_length=200,
        description="Taxes that apply in this place (its own, its parents', national)",
    )
    body: str = Field("", max_length=200, description="Levying body: slug, name or alias")
    date: dt.date | None = Field(None, description="Only taxes in force on this day")

    _date = field_validator("date", mode="before")(iso_date)


class LegalTaxOut(Schema):
    id: int
    name: str
    levying_body: Ref
    jurisdiction: Ref | None = Field(..., description="Empty for a national tax")
    country: str
    base: str
    amount: Decimal
    currency: str = Field(..., description="Empty when the amount is a share (see unit)")
    unit: str
    legal_text: str
    legal_url: str
    valid_from: dt.date
    valid_to: dt.date | None
    is_illustrative: bool = Field(..., description="The amount is an example to be checked")

    @staticmethod
    def resolve_name(obj: LegalTax) -> str:
        return obj.tr("name")

    @staticmethod
    def resolve_unit(obj: LegalTax) -> str:
        return obj.tr("unit")

    @staticmethod
    def resolve_levying_body(obj: LegalTax) -> dict[str, str]:
        return ref(obj.levying_body)

    @staticmethod
    def resolve_jurisdiction(obj: LegalTax) -> dict[str, str] | None:
        if obj.admin_unit is None:
            return None
        return {"id": obj.admin_unit.key, "name": place_label(obj.admin_unit)}

    @staticmethod
    def resolve_country(obj: LegalTax) -> str:
        return obj.country_id


class TaxCheckOut(Schema):
    verdict: str = Field(..., description="legal, excessive, illegal or unknown")
    verdict_label: str
    message: str
    place: Ref | None
    levying_body: Ref | None
    legal_tax: LegalTaxOut | None
    legal_text: str
    legal_url: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    is_illustrative: bool
