"""The site-visit XLSForm: a valid form for ODK and KoboToolbox, whose answers import."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from asmhub.monitoring import records, reference, xlsform
from asmhub.monitoring.models import Indicator
from asmhub.taxonomy.lookup import Lookup

LANGUAGES = ("English (en)", "Français (fr)")


def indicator_definitions() -> list[dict[str, Any]]:
    """The platform's indicators, as data/indicators.yaml defines them."""
    definitions: list[dict[str, Any]] = yaml.safe_load(
        reference.INDICATORS.read_text(encoding="utf-8")
    )["indicators"]
    return definitions


def make_indicators() -> list[Indicator]:
    """The platform's indicators in the database, as an import reads them."""
    reference.load_indicators()
    return list(Indicator.objects.filter(slug__in=[d["slug"] for d in indicator_definitions()]))


def test_the_workbook_converts_without_errors_or_warnings() -> None:
    warnings: list[str] = []
    result = convert(xlsform=xlsform.workbook(), warnings=warnings, file_type=".xlsx")
    assert warnings == []
    assert 'id="asmhub_site_visit"' in result.xform
    assert f'version="{xlsform.version()}"' in result.xform
    assert "<h:title>ASM Hub site visit</h:title>" in result.xform
    for language in LANGUAGES:
        assert f'<translation lang="{language}"' in result.xform
    assert "/data/meta/instanceID" in result.xform


def test_odk_validate_accepts_the_form() -> None:
    from pyxform.validators import odk_validate

    if shutil.which("java") is None:
        pytest.skip("ODK Validate needs Java, which is not installed")
    if not Path(odk_validate.ODK_VALIDATE_PATH).exists():
        pytest.skip("pyxform's copy of ODK Validate is not installed")
    warnings: list[str] = []
    convert(xlsform=xlsform.workbook(), warnings=warnings, validate=True, file_type=".xlsx")
    assert warnings == []


def test_the_workbook_has_the_three_sheets_with_both_languages() -> None:
    book = load_workbook(io.BytesIO(xlsform.workbook()), read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings"]
    headings = {
        name: [c for c in next(book[name].iter_rows(values_only=True))] for name in book.sheetnames
    }
    for language in LANGUAGES:
        assert f"label::{language}" in headings["survey"]
        assert f"hint::{language}" in headings["survey"]
        assert f"label::{language}" in headings["choices"]
    settings = dict(
        zip(
            headings["settings"],
            next(book["settings"].iter_rows(min_row=2, values_only=True)),
            strict=True,
        )
    )
    assert settings["form_id"] == "asmhub_site_visit"
    assert settings["form_title"] == "ASM Hub site visit"
    assert settings["default_language"] in LANGUAGES


def test_every_label_hint_and_message_is_in_english_and_french() -> None:
    data = xlsform.form()
    rows = [*data["survey"], *(c for items in data["choices"].values() for c in items)]
    for row in rows:
        for column in xlsform.TRANSLATED:
            if column in row:
                assert set(row[column]) == {"en", "fr"}, (row["name"], column)
                assert all(str(v).strip() for v in row[column].values()), (row["name"], column)
        if row.get("type") not in ("end_group", "calculate"):
            assert "label" in row, row["name"]


def test_every_question_is_a_record_key_or_an_indicator_column() -> None:
    keys = set(records.keys())
    indicators = {f"ind_{i['slug'].replace('-', '_')}" for i in indicator_definitions()}
    for name, kind in xlsform.questions().items():
        if kind == "geopoint":
            assert name == "location"
        elif name.startswith("ind_"):
            assert name in indicators, f"{name}: no indicator of this slug"
        else:
            assert name in keys, f"{name} is not a key of a visit record"
    assert {"pcode", "date", "onsite", "armed_presence", "qualification"} <= set(
        xlsform.questions()
    )
    assert indicators <= set(xlsform.questions())


def test_the_indicator_questions_ask_what_the_indicators_allow() -> None:
    for definition in indicator_definitions():
        name = f"ind_{definition['slug'].replace('-', '_')}"
        kind = xlsform.questions()[name]
        row = next(r for r in xlsform.form()["survey"] if r.get("name") == name)
        if definition["kind"] == "number":
            assert kind in ("decimal", "integer"), name
            low, high = definition.get("minimum"), definition.get("maximum")
            expected = " and ".join(
                part
                for part in (
                    f". >= {low:g}" if low is not None else "",
                    f". <= {high:g}" if high is not None else "",
                )
                if part
            )
            assert row.get("constraint", "") == expected, name
        elif definition["kind"] == "boolean":
            assert kind == "select_one yes_no", name
        elif definition["kind"] == "choice":
            assert kind.startswith("select_one "), name
            assert xlsform.choices_of(name) == [str(v) for v in definition["allowed_values"]]
        else:
            assert kind == "text", name


def read(
    cells: dict[str, str], indicators: dict[str, Any] | None = None, lookup: Lookup | None = None
) -> tuple[Any, Any, Any]:
    lookup = lookup or Lookup()
    context = records.Context(
        mineral=lambda name: getattr(lookup.mineral(name), "pk", None),
        indicators=indicators or {},
        key_prefix=xlsform.KEY_PREFIX,
        space_lists=True,  # as the form's exports are read
    )
    row = {"pcode": "codmine00012", "date": "2024-02-06", **cells}
    record, problems = records.build(2, row, {}, context)
    return record, problems, context


@pytest.mark.django_db
def test_every_choice_of_the_form_is_understood_by_the_reader() -> None:
    indicators = {i.slug: i for i in make_indicators()}
    lookup = Lookup()
    for name in xlsform.questions():
        for choice in xlsform.choices_of(name):
            record, problems, context = read({name: choice}, indicators, lookup)
            assert problems == [], (name, choice, problems)
            assert not context.unknown_minerals, (name, choice)
            assert not [n for n in context.normalized if "kept as written" in n], (name, choice)
            if name.startswith("mineral"):
                assert lookup.mineral(choice) is not None, choice
                assert record.minerals[0]["mineral_id"] == lookup.mineral(choice).pk
            elif name.endswith("_kind"):
                assert record.actors[0]["kind"] == choice
            elif name.endswith("_activities"):
                assert record.actors[0]["activities"] == [choice]
            elif name in ("qualification", "working", "legal_status"):
                found = record.visit.get(name) or record.site.get(name)
                assert found == choice
            elif name in records.WORK_LISTS:
                assert record.visit[name] == [choice]
            elif name.startswith("ind_"):
                assert list(record.indicators.values()) != [], (name, choice)
            elif xlsform.questions()[name] == "select_one yes_no":
                assert record.visit[name] is (choice == "1"), name


@pytest.mark.django_db
def test_state_services_and_traceability_read_as_the_form_writes_them() -> None:
    record, problems, _ = read(
        {"state_service_present": "1", "state_services": "SAEMAPE Mines PMH"}
        | {"state_services_taxing": "SAEMAPE Mines", "traceability": "ITSCI"}
    )
    assert problems == []
    assert record.visit["state_services"] == [
        {"name": "SAEMAPE", "code": "saemape", "taxes": True},
        {"name": "Mines", "code": "mines-division", "taxes": True},
        {"name": "PMH", "code": "mines-police", "taxes": False},
    ]
    assert (record.visit["traceability"], record.visit["traceability_scheme"]) == (True, "ITSCI")
    record, _, _ = read({"traceability": "0"})
    assert (record.visit["traceability"], record.visit["traceability_scheme"]) == (False, "")
    record, _, _ = read({"traceability": "1"})
    assert record.visit["traceability"] is True
    assert record.date == dt.date(2024, 2, 6)


def test_the_form_downloads_as_an_xlsx_named_by_its_version(client: Client) -> None:
    response = client.get(reverse("monitoring:xlsform"))
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        f'filename="asmhub-site-visit-{xlsform.version()}.xlsx"' in response["Content-Disposition"]
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert convert(xlsform=response.content, file_type=".xlsx").warnings == []
    assert client.post(reverse("monitoring:xlsform")).status_code == 405
