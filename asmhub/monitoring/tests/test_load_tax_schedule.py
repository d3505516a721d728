"""Loading the legal schedule: the shipped files, idempotence, refusals that name the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.tax_models import LegalTax, LevyingBody
from asmhub.monitoring.taxes import BODIES_FILE, TaxScheduleError, load_tax_schedule

pytestmark = pytest.mark.django_db

SCHEDULE = """
version: 1
country: CD
places:
  Nord-Kivu:
    Walikale:
taxes:
  - name: Supervision fee
    translations: {fr: {name: Frais d'encadrement, unit: par sac}}
    levying_body: saemape
    jurisdiction: cd/nord-kivu/walikale
    base: quantity
    amount: 5000
    currency: CDF
    unit: per bag
    legal_text: Décret n° 038/2003 du 26 mars 2003 portant Règlement minier
    valid_from: 2018-06-08
    is_illustrative: true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "schedule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_schedule_loads_and_a_second_load_changes_nothing() -> None:
    first = load_tax_schedule()
    assert first["bodies_created"] >= 15 and first["taxes_created"] >= 5
    assert first["places_created"] > 30
    again = load_tax_schedule()
    changed = {k: n for k, n in again.items() if not k.endswith("unchanged") and n}
    assert changed == {}
    assert again["taxes_unchanged"] == first["taxes_created"]


def test_the_shipped_schedule_marks_every_amount_as_an_example() -> None:
    load_tax_schedule()
    assert not LegalTax.objects.filter(is_illustrative=False).exists()
    assert all(t.legal_text for t in LegalTax.objects.all())


def test_the_shipped_bodies_say_who_may_not_levy_and_speak_french() -> None:
    load_tax_schedule()
    may_not = set(LevyingBody.objects.filter(may_levy=False).values_list("slug", flat=True))
    assert {
        "fardc",
        "pnc",
        "police-des-mines",
        "mai-mai",
        "raia-mutomboki",
        "fdlr",
        "ndc-r",
    } <= may_not
    assert LevyingBody.objects.get(slug="saemape").may_levy
    assert "SAESSCAM" in LevyingBody.objects.get(slug="saemape").aliases
    assert all(b.translations.get("fr", {}).get("name") for b in LevyingBody.objects.all())


def test_places_are_keyed_like_imports_key_them(tmp_path: Path) -> None:
    load_tax_schedule(write(tmp_path, SCHEDULE))
    walikale = AdminUnit.objects.get(key="cd/nord-kivu/walikale")
    assert (walikale.name, walikale.level, getattr(walikale.parent, "key", None)) == (
        "Walikale",
        2,
        "cd/nord-kivu",
    )
    assert walikale.country_id == "CD"
    assert LegalTax.objects.get().admin_unit == walikale


def test_an_existing_unit_is_reused_and_left_alone(tmp_path: Path) -> None:
    from asmhub.monitoring.tests.taxdata import places

    existing = places()["walikale"]
    counts = load_tax_schedule(write(tmp_path, SCHEDULE))
    assert counts["places_created"] == 0
    assert LegalTax.objects.get().admin_unit == existing


def test_a_changed_entry_is_updated_and_a_removed_one_is_removed(tmp_path: Path) -> None:
    load_tax_schedule(write(tmp_path, SCHEDULE))
    counts = load_tax_schedule(write(tmp_path, SCHEDULE.replace("amount: 5000", "amount: 4000")))
    assert counts["taxes_updated"] == 1
    assert LegalTax.objects.get().amount == 4000
    empty = SCHEDULE.split("taxes:")[0] + "taxes: []\n"
    assert load_tax_schedule(write(tmp_path, empty))["taxes_removed"] == 1
    assert not LegalTax.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("amount: 5000", "amount: lots"),
            "entry 1 (Supervision fee), field 'amount': not a number",
        ),
        (("amount: 5000", "amount: -1"), "field 'amount'"),
        (("currency: CDF", "currency: EUR"), "field 'currency'"),
        (("levying_body: saemape", "levying_body: nobody"), "field 'levying_body'"),
        (
            ("jurisdiction: cd/nord-kivu/walikale", "jurisdiction: cd/atlantis"),
            "field 'jurisdiction'",
        ),
        (("base: quantity", "base: vibes"), "field 'base'"),
        (("valid_from: 2018-06-08", "valid_from: soon"), "field 'valid_from'"),
        (("is_illustrative: true", "is_illustrative: maybe"), "field 'is_illustrative'"),
        (("unit: per bag", "unit: per bag\n    colour: red"), "field 'colour': unknown field"),
        (("country: CD", "country: XX"), "'country'"),
    ],
)
def test_a_bad_entry_is_refused_naming_file_entry_and_field(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(TaxScheduleError) as refused:
        load_tax_schedule(write(tmp_path, SCHEDULE.replace(*change)))
    assert "schedule.yaml" in str(refused.value)
    assert expected in str(refused.value)
    assert not LegalTax.objects.exists()
    assert not AdminUnit.objects.filter(key="cd/nord-kivu/walikale").exists()


def test_a_bad_bodies_file_writes_nothing(tmp_path: Path) -> None:
    bodies = tmp_path / "bodies.yaml"
    bodies.write_text(
        BODIES_FILE.read_text(encoding="utf-8").replace("kind: army", "kind: navy"), "utf-8"
    )
    with pytest.raises(TaxScheduleError, match=r"bodies.yaml, entry \d+ \(fardc\), field 'kind'"):
        load_tax_schedule(bodies=bodies)
    assert not LevyingBody.objects.exists()


def test_the_command_loads_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load-tax-schedule", verbosity=2)
    out = capsys.readouterr().out
    assert "Tax schedule loaded" in out and "taxes created" in out
    assert LegalTax.objects.exists()
    with pytest.raises(Exception, match="Nothing was loaded"):
        call_command("load-tax-schedule", str(write(tmp_path, "taxes: 3")))
