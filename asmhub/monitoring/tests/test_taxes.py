"""The comparison of a payment with a hand-made legal schedule, and the finder of names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.tax_models import LevyingBody, ObservedTax
from asmhub.monitoring.taxes import TaxFinder, assess, assess_all, check_tax, check_text, fold
from asmhub.monitoring.tests.taxdata import body, places, site, tax

pytestmark = pytest.mark.django_db
ON = dt.date(2024, 5, 1)
V = ObservedTax.Verdict
Places = dict[str, AdminUnit]


@pytest.fixture
def where() -> dict[str, AdminUnit]:
    return places()


@pytest.fixture
def service() -> LevyingBody:
    return body("saemape", name="SAEMAPE", aliases=["SAESSCAM"])


def test_an_amount_within_the_legal_amount_is_legal(where: Places, service: LevyingBody) -> None:
    fee = tax(service, "5000")
    result = check_tax(where["walikale"], service, Decimal("5000"), "CDF", ON)
    assert result.verdict == V.LEGAL
    assert result.legal_tax == fee
    assert result.legal_text == fee.legal_text
    assert "5,000 CDF" in result.message


def test_more_than_the_legal_amount_is_excessive(where: Places, service: LevyingBody) -> None:
    fee = tax(service, "5000")
    result = check_tax(where["walikale"], service, Decimal("5000.01"), "cdf", ON)
    assert result.verdict == V.EXCESSIVE
    assert result.legal_tax == fee
    assert "at most 5,000 CDF, not 5,000.01 CDF" in result.message


def test_the_cheapest_tax_that_covers_the_amount_is_the_match(
    where: Places, service: LevyingBody
) -> None:
    tax(service, "1000", name="Entry fee")
    card = tax(service, "8000", name="Card", base="person-year")
    assert check_tax(None, service, Decimal("3000"), "CDF", ON).legal_tax == card
    over = check_tax(None, service, Decimal("9000"), "CDF", ON)
    assert (over.verdict, over.legal_tax) == (V.EXCESSIVE, card)


def test_a_body_with_no_legal_tax_is_illegal(where: Places, service: LevyingBody) -> None:
    tax(service, "5000")
    chief = body("chefferie", "customary", name="Customary chief")
    result = check_tax(where["walikale"], chief, Decimal("500"), "CDF", ON)
    assert result.verdict == V.ILLEGAL
    assert result.legal_tax is None
    assert "Customary chief" in result.message


def test_a_body_that_may_not_levy_is_illegal_whatever_the_schedule(where: Places) -> None:
    army = body("fardc", "army", may_levy=False, name="FARDC (army)")
    tax(army, "100000")  # a schedule mistake does not make the army a tax collector
    result = check_tax(where["walikale"], army, Decimal("10"), "CDF", ON)
    assert result.verdict == V.ILLEGAL
    assert result.legal_tax is None
    assert "No law allows FARDC (army)" in result.message
    assert check_tax(None, army, None, "", ON).verdict == V.ILLEGAL


def test_a_tax_outside_its_validity_dates_does_not_count(
    where: Places, service: LevyingBody
) -> None:
    tax(service, "5000", valid_from=dt.date(2018, 1, 1), valid_to=dt.date(2019, 12, 31))
    last_day = check_tax(where["walikale"], service, Decimal("10"), "CDF", dt.date(2019, 12, 31))
    assert last_day.verdict == V.LEGAL
    for day in (dt.date(2020, 1, 1), dt.date(2017, 12, 31)):
        result = check_tax(where["walikale"], service, Decimal("10"), "CDF", day)
        assert result.verdict == V.ILLEGAL
        assert "in force" in result.message


def test_a_tax_of_a_parent_jurisdiction_applies_below_it(
    where: Places, service: LevyingBody
) -> None:
    provincial = tax(service, "20", "USD", where["nord-kivu"])
    result = check_tax(where["wanianga"], service, Decimal("20"), "USD", ON)
    assert (result.verdict, result.legal_tax) == (V.LEGAL, provincial)
    other = check_tax(where["sud-kivu"], service, Decimal("20"), "USD", ON)
    assert other.verdict == V.ILLEGAL


def test_a_tax_of_a_sibling_or_child_jurisdiction_does_not_apply(
    where: Places, service: LevyingBody
) -> None:
    tax(service, "20", "USD", where["walikale"])
    assert check_tax(where["masisi"], service, Decimal("5"), "USD", ON).verdict == V.ILLEGAL
    assert check_tax(where["nord-kivu"], service, Decimal("5"), "USD", ON).verdict == V.ILLEGAL
    assert check_tax(where["wanianga"], service, Decimal("5"), "USD", ON).verdict == V.LEGAL


def test_without_a_place_a_local_tax_cannot_be_told(where: Places, service: LevyingBody) -> None:
    tax(service, "20", "USD", where["walikale"])
    result = check_tax(None, service, Decimal("5"), "USD", ON)
    assert result.verdict == V.UNKNOWN
    assert "say where" in result.message


def test_a_national_tax_applies_everywhere_in_its_country(
    where: Places, service: LevyingBody
) -> None:
    national = tax(service, "5000")
    for place in (None, where["nord-kivu"], where["wanianga"], where["sud-kivu"]):
        assert check_tax(place, service, Decimal("100"), "CDF", ON).legal_tax == national


def test_a_national_tax_of_another_country_does_not_apply(
    where: Places, service: LevyingBody
) -> None:
    from asmhub.taxonomy.models import Country

    tax(service, "5000", country=Country.objects.get(code="RW"))
    assert check_tax(where["walikale"], service, Decimal("1"), "CDF", ON).verdict == V.ILLEGAL


def test_the_more_specific_tax_is_named_first(where: Places, service: LevyingBody) -> None:
    tax(service, "5000")
    local = tax(service, "7000", where=where["walikale"], name="Local fee")
    result = check_tax(where["walikale"], service, None, "", ON)
    assert (result.verdict, result.legal_tax) == (V.LEGAL, local)


def test_another_currency_cannot_be_compared(where: Places, service: LevyingBody) -> None:
    fee = tax(service, "5000", "CDF")
    result = check_tax(where["walikale"], service, Decimal("2"), "USD", ON)
    assert result.verdict == V.UNKNOWN
    assert result.legal_tax == fee
    assert "CDF" in result.message and "USD" in result.message
    no_currency = check_tax(where["walikale"], service, Decimal("2"), "", ON)
    assert no_currency.verdict == V.UNKNOWN
    assert "currency" in no_currency.message


def test_a_share_of_a_value_cannot_be_compared_with_an_amount(where: Places) -> None:
    customs = body("dgda")
    tax(customs, "1", "", base="value", unit="% of the export value")
    result = check_tax(where["walikale"], customs, Decimal("200"), "USD", ON)
    assert result.verdict == V.UNKNOWN
    assert "share" in result.message


def test_a_base_the_schedule_does_not_allow_is_illegal(where: Places, service: LevyingBody) -> None:
    tax(service, "5000", base="entry")
    assert check_tax(None, service, Decimal("1"), "CDF", ON, "entry").verdict == V.LEGAL
    result = check_tax(None, service, Decimal("1"), "CDF", ON, "transport")
    assert result.verdict == V.ILLEGAL
    assert "none on" in result.message


def test_an_unknown_body_or_place_cannot_be_told(where: Places, service: LevyingBody) -> None:
    assert check_tax(where["walikale"], None, Decimal("1"), "CDF", ON).verdict == V.UNKNOWN
    unknown = check_text("Atlantis", "SAEMAPE", Decimal("1"), "CDF", ON)
    assert unknown.verdict == V.UNKNOWN and "Atlantis" in unknown.message
    nobody = check_text("Walikale", "The tooth fairy", Decimal("1"), "CDF", ON)
    assert nobody.verdict == V.UNKNOWN and "tooth fairy" in nobody.message


def test_check_text_reads_names_aliases_and_currency_spellings(
    where: Places, service: LevyingBody
) -> None:
    tax(service, "5000")
    result = check_text("walikalé, nord kivu", "saesscam", Decimal("5000"), "fc", ON)
    assert (result.verdict, result.place, result.body) == (V.LEGAL, where["walikale"], service)


def test_the_message_is_in_the_active_language(where: Places) -> None:
    army = body(
        "fardc", "army", False, name="FARDC (army)", translations={"fr": {"name": "FARDC (armée)"}}
    )
    with translation.override("fr"):
        assert "FARDC (armée)" in check_tax(None, army, None, "", ON).message


def test_the_finder_ignores_case_accents_and_punctuation(where: Places) -> None:
    mai_mai = body("mai-mai", "non-state", False, name="Mai-Mai group", aliases=["Maï-Maï"])
    finder = TaxFinder()
    assert finder.body("MAI MAI") == mai_mai
    assert finder.body("maï-maï") == mai_mai
    assert finder.place("WALIKALE") == where["walikale"]
    assert finder.place("cd/nord-kivu/walikale") == where["walikale"]
    assert finder.place("Wanianga, Walikale, Nord-Kivu") == where["wanianga"]
    assert finder.place("nowhere") is None
    assert "Walikale, Nord-Kivu" in finder.datalist()
    assert fold("  Nord–Kivu ") == "nord kivu"


def test_assess_stores_the_verdict_the_tax_and_the_body(
    where: Places, service: LevyingBody
) -> None:
    fee = tax(service, "5000")
    mine = site(where["walikale"])
    observed = ObservedTax.objects.create(
        site=mine, date=ON, body_as_recorded="Saesscam", amount=Decimal("6000"), currency="CDF"
    )
    assess(observed)
    observed.refresh_from_db()
    assert (observed.verdict, observed.legal_tax, observed.levying_body) == (
        V.EXCESSIVE,
        fee,
        service,
    )


def test_assess_uses_the_site_place_and_assess_all_counts_changes(
    where: Places, service: LevyingBody
) -> None:
    tax(service, "20", "USD", where["walikale"])
    at_walikale = ObservedTax.objects.create(
        site=site(where["walikale"]),
        date=ON,
        levying_body=service,
        amount=Decimal("5"),
        currency="USD",
    )
    at_masisi = ObservedTax.objects.create(
        site=site(where["masisi"], "Rubaya"),
        date=ON,
        levying_body=service,
        amount=5,
        currency="USD",
    )
    assert assess_all() == 2
    at_walikale.refresh_from_db()
    at_masisi.refresh_from_db()
    assert (at_walikale.verdict, at_masisi.verdict) == (V.LEGAL, V.ILLEGAL)
    assert assess_all() == 0
