"""Submissions of the site-visit form from KoboToolbox and ODK Central: checked, then written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from asmhub.monitoring import importers, xlsform
from asmhub.monitoring.models import (
    AdminUnit,
    ArmedActor,
    ImportBatch,
    IndicatorValue,
    Programme,
    Site,
    Visit,
    VisitMineral,
)
from asmhub.monitoring.tests.test_xlsform import make_indicators
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db

SAMPLES = Path(xlsform.__file__).resolve().parent / "data" / "samples"
CSV = (SAMPLES / "kobo-site-visits.csv").read_bytes()
JSON = (SAMPLES / "kobo-site-visits.json").read_bytes()
FORMAT = ImportBatch.Format.XLSFORM
FIRST = "uuid:1818e811-892f-402b-923f-0824128b2f33"  # codmine00012 on 2024-02-06


@pytest.fixture
def programme() -> Programme:
    make_indicators()
    return Programme.objects.create(name="Kivu survey", country=Country.objects.get(code="CD"))


def check(programme: Programme, content: bytes, filename: str = "export.csv") -> ImportBatch:
    return importers.upload(None, programme, FORMAT, filename, content)


def problems(batch: ImportBatch) -> set[tuple[int, str, str]]:
    return {(p["row"], p["column"], p["value"]) for p in batch.report["problems"]}


def reason(batch: ImportBatch, row: int, column: str) -> str:
    return next(
        p["reason"] for p in batch.report["problems"] if (p["row"], p["column"]) == (row, column)
    )


def written() -> tuple[int, ...]:
    models = (Site, Visit, VisitMineral, ArmedActor, IndicatorValue, AdminUnit)
    return tuple(m.objects.count() for m in models)


# The KoboToolbox samples -------------------------------------------------------------


def test_the_dry_run_of_the_csv_export_reports_each_row_and_writes_nothing(
    programme: Programme,
) -> None:
    before = written()
    batch = check(programme, CSV, "kobo-site-visits.csv")
    report = batch.report
    assert (report["rows"], report["skipped"], report["visits"]) == (20, 2, 18)
    assert (report["sites_new"], report["visits_new"], report["visits_updated"]) == (11, 18, 0)
    assert problems(batch) == {
        (6, "site/pcode", ""),
        (9, "visit/date", "31/02/2024"),
        (12, "indicators/ind_school_attendance", "140"),
        (13, "security/actor1_kind", "rebelles"),
        (13, "security/actor1_activities", "entry-taxation smuggling"),
        (16, "governance/qualification", "orange"),
        (20, "site/_location_longitude", "228.7541"),
    }
    assert "cannot be placed" in reason(batch, 6, "site/pcode")
    assert "not a date" in reason(batch, 9, "visit/date")
    assert "outside 0..100" in reason(batch, 12, "indicators/ind_school_attendance")
    assert "not a known actor kind" in reason(batch, 13, "security/actor1_kind")
    assert "'smuggling'" in reason(batch, 13, "security/actor1_activities")
    assert "not a known qualification" in reason(batch, 16, "governance/qualification")
    assert "outside -180..180" in reason(batch, 20, "site/_location_longitude")
    assert report["unknown_minerals"] == {"monazite": 1}
    assert report["unknown_columns"] == []
    assert {"_id", "_uuid", "_submission_time", "__version__", "meta/instanceID"} <= set(
        report["ignored_columns"]
    )
    assert written() == before
    assert batch.committed_at is None


def test_the_commit_writes_sites_visits_indicators_and_the_split_geopoint(
    programme: Programme,
) -> None:
    counts = importers.commit(None, check(programme, CSV))
    assert (counts["sites_new"], counts["visits_new"]) == (11, 18)
    bisie = Site.objects.get(programme=programme, pcode="codmine00012")
    assert bisie.name == "Bisie Manoire"
    assert bisie.latitude == pytest.approx(-1.0217, abs=0.001)
    assert bisie.longitude == pytest.approx(27.2711, abs=0.001)
    assert bisie.province is not None and bisie.province.name == "Nord-Kivu"
    assert bisie.territory is not None and bisie.territory.name == "Walikale"
    assert bisie.working == "underground" and bisie.legal_status == "licence"
    assert {m.slug for m in bisie.minerals.all()} == {"tin"}
    assert bisie.last_visit_on is not None and bisie.last_visit_on.isoformat() == "2024-08-14"

    visit = Visit.objects.get(site=bisie, key=f"odk:{FIRST}")
    assert visit.date.isoformat() == "2024-02-06" and visit.onsite is True
    assert (visit.workers, visit.pits, visit.source) == (1850, 64, "ASM Hub site visit")
    assert visit.armed_presence is True and visit.armed_interference is False
    assert visit.women_work == ["transport", "trading", "food"]
    assert visit.state_services == [
        {"name": "SAEMAPE", "code": "saemape", "taxes": True},
        {"name": "Mines", "code": "mines-division", "taxes": True},
        {"name": "PMH", "code": "mines-police", "taxes": False},
    ]
    assert (visit.traceability, visit.traceability_scheme, visit.qualification) == (
        True,
        "ITSCI",
        "green",
    )
    actor = visit.armed_actors.get()
    assert (actor.kind, actor.frequency, actor.activities) == (
        "police",
        "permanent",
        ["entry-taxation"],
    )
    assert [(m.mineral.slug, m.selling_points) for m in visit.minerals.all() if m.mineral] == [
        ("tin", "Bisie, Ndjingala")
    ]
    stored = {v.indicator.slug: v.value for v in visit.indicator_values.select_related("indicator")}
    assert stored == {
        "taxes-paid": True,
        "taxes-returned-to-community": "none",
        "miner-income": 6.5,
        "school-attendance": 62,
    }
    kamituga = Visit.objects.get(site__pcode="codmine00045", date="2024-03-11")
    stored = {v.indicator.slug: v.value for v in kamituga.indicator_values.all()}
    assert stored["taxes-returned-to-community"] == "some"
    assert stored["taxes-returned-use"] == "Réfection de la route Kamituga-Kitutu"

    rubaya = Visit.objects.get(site__pcode="codmine00021", date="2024-02-19")
    assert [a.kind for a in rubaya.armed_actors.all()] == ["non-state", "army"]
    offsite = Visit.objects.get(site__pcode="codmine00046", date="2024-08-28")
    assert offsite.onsite is False and offsite.qualification == "green"
    assert "mission conjointe" in offsite.no_visit_reason
    stray = Visit.objects.get(site__pcode="codmine00071")
    assert not stray.indicator_values.filter(indicator__slug="school-attendance").exists()
    assert stray.indicator_values.filter(indicator__slug="miner-income").exists()


def test_importing_again_updates_and_duplicates_nothing(programme: Programme) -> None:
    importers.commit(None, check(programme, CSV))
    first = written()
    keys = set(Visit.objects.values_list("key", flat=True))
    again = check(programme, CSV)
    assert (again.report["visits_new"], again.report["visits_updated"]) == (0, 18)
    assert (again.report["sites_new"], again.report["sites_updated"]) == (0, 11)
    importers.commit(None, again)
    assert written() == first
    assert set(Visit.objects.values_list("key", flat=True)) == keys
    assert all(k.startswith("odk:uuid:") for k in keys)


def test_the_json_export_reads_as_the_csv_and_updates_its_visits(programme: Programme) -> None:
    importers.commit(None, check(programme, CSV))
    first = written()
    batch = check(programme, JSON, "kobo-site-visits.json")
    report = batch.report
    assert (report["rows"], report["skipped"], report["visits"]) == (20, 2, 18)
    assert (report["visits_new"], report["visits_updated"]) == (0, 18)
    # Submissions are numbered from 1; the geopoint is one "lat lon alt accuracy" value.
    assert problems(batch) == {
        (5, "site/pcode", ""),
        (8, "visit/date", "31/02/2024"),
        (11, "indicators/ind_school_attendance", "140"),
        (12, "security/actor1_kind", "rebelles"),
        (12, "security/actor1_activities", "entry-taxation smuggling"),
        (15, "governance/qualification", "orange"),
        (19, "site/location", "228.7541"),
    }
    assert report["unknown_columns"] == []
    assert {"_geolocation", "_attachments", "_validation_status", "formhub/uuid"} <= set(
        report["ignored_columns"]
    )
    importers.commit(None, batch)
    assert written() == first


def test_the_xlsx_export_with_dates_and_numbers_as_cells_reads_as_the_csv(
    programme: Programme,
) -> None:
    table = list(csv.reader(io.StringIO(CSV.decode("utf-8")), delimiter=";"))
    book = Workbook()
    for row in table:
        cells: list[Any] = []
        for heading, value in zip(table[0], row, strict=True):
            if row is not table[0] and heading == "visit/date" and value[4:5] == "-":
                cells.append(dt.datetime.fromisoformat(value))
            elif row is not table[0] and heading == "production/workers" and value:
                cells.append(int(value))
            else:
                cells.append(value or None)
        book.active.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    batch = check(programme, buffer.getvalue(), "kobo-site-visits.xlsx")
    assert (batch.report["rows"], batch.report["visits"]) == (20, 18)
    assert problems(batch) == problems(check(programme, CSV))
    importers.commit(None, batch)
    visit = Visit.objects.get(key=f"odk:{FIRST}")
    assert visit.date == dt.date(2024, 2, 6) and visit.workers == 1850


# Other layouts of the same answers ---------------------------------------------------

ANSWERS = {
    "pcode": "codmine00099",
    "site_name": "Nyabibwe",
    "province": "Sud-Kivu",
    "territory": "Kalehe",
    "date": "2024-05-02",
    "onsite": "1",
    "workers": "75",
    "mineral1": "tin",
    "armed_presence": "1",
    "actor1_kind": "army",
    "actor1_activities": "entry-taxation buying",
    "women": "1",
    "women_work": "washing trading",
    "ind_miner_income": "4.5",
}


def csv_file(headings: list[str], *rows: list[str], delimiter: str = ",") -> bytes:
    def quoted(cells: list[str]) -> str:
        return delimiter.join('"' + c.replace('"', '""') + '"' for c in cells)

    return "\r\n".join(quoted(r) for r in (headings, *rows)).encode("utf-8")


def read_one(programme: Programme, content: bytes, filename: str = "export.csv") -> Visit:
    batch = check(programme, content, filename)
    assert batch.report["problems"] == []
    importers.commit(None, batch)
    return Visit.objects.get()


def test_group_paths_are_stripped_however_deep(programme: Programme) -> None:
    groups = {"pcode": "form/site/", "site_name": "form/site/", "date": "visit/"}
    headings = [groups.get(k, "") + k for k in ANSWERS]
    visit = read_one(programme, csv_file(headings, list(ANSWERS.values()), delimiter=";"))
    assert visit.site.pcode == "codmine00099" and visit.site.name == "Nyabibwe"
    assert visit.key == "odk:codmine00099:2024-05-02"  # no instance ID: site and date
    assert visit.workers == 75 and visit.women_work == ["washing", "trading"]
    assert visit.armed_actors.get().activities == ["entry-taxation", "buying"]
    assert visit.indicator_values.get().value == 4.5


def test_a_csv_saved_as_windows_1252_is_read_and_says_so(programme: Programme) -> None:
    content = csv_file(
        ["site/pcode", "site/site_name", "visit/date"], ["codmine00099", "Kalémbé", "2024-05-02"]
    )
    batch = check(programme, content.decode("utf-8").encode("cp1252"))
    assert [p["reason"] for p in batch.report["problems"]] == ["not UTF-8: read as Windows-1252"]
    importers.commit(None, batch)
    assert Site.objects.get().name == "Kalémbé"


def test_an_odk_central_export_is_read(programme: Programme) -> None:
    headings = ["SubmissionDate", "site-pcode", "site-site_name", "site-location-Latitude"]
    headings += ["site-location-Longitude", "site-location-Altitude", "site-location-Accuracy"]
    headings += ["visit-date", "visit-onsite", "security-armed_presence", "people-women_work"]
    headings += ["indicators-ind_taxes_paid", "meta-instanceID", "KEY", "SubmitterID"]
    headings += ["SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status"]
    headings += ["ReviewState", "DeviceID", "Edits", "FormVersion"]
    original = "uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90"
    edited = "uuid:0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"
    row = ["2024-05-03T09:12:44.120Z", "codmine00099", "Nyabibwe", "-2.0412", "28.9327"]
    row += ["1478", "4.9", "2024-05-02", "1", "0", "digging transport", "1"]
    row += [edited, original, "41", "enum-kalehe", "0", "0", "", "edited", "collect:Xa8"]
    row += ["1", xlsform.version()]
    batch = check(programme, csv_file(headings, row), "asmhub_site_visit.csv")
    assert batch.report["problems"] == [] and batch.report["unknown_columns"] == []
    assert {"SubmissionDate", "KEY", "meta-instanceID", "ReviewState"} <= set(
        batch.report["ignored_columns"]
    )
    importers.commit(None, batch)
    visit = Visit.objects.get()
    assert visit.key == f"odk:{original}"  # KEY stays when a submission is edited
    assert (visit.site.latitude, visit.site.longitude) == (-2.0412, 28.9327)
    assert visit.armed_presence is False and visit.women_work == ["digging", "transport"]
    assert visit.indicator_values.get().value is True


def test_kobo_uuid_without_its_prefix_keys_the_visit_as_the_instance_id(
    programme: Programme,
) -> None:
    headings = ["site/pcode", "visit/date", "_uuid", "_id"]
    rows = ["codmine00099", "2024-05-02", "6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90", "77"]
    visit = read_one(programme, csv_file(headings, rows))
    assert visit.key == "odk:uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90"


def test_json_values_may_be_numbers_booleans_and_lists(programme: Programme) -> None:
    submission: dict[str, Any] = {
        "site/pcode": "codmine00099",
        "visit/date": "2024-05-02",
        "site/location": "-2.0412 28.9327 1478 4.9",
        "production/workers": 75,
        "production/pits": 4.0,
        "security/armed_presence": True,
        "people/women_work": ["washing", "trading"],
        "indicators/ind_miner_income": 4.5,
        "meta/instanceID": "uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90",
        "_geolocation": [-2.0412, 28.9327],
        "_tags": [],
    }
    visit = read_one(programme, json.dumps([submission]).encode(), "data.json")
    assert (visit.workers, visit.pits, visit.armed_presence) == (75, 4, True)
    assert visit.women_work == ["washing", "trading"]
    assert (visit.site.latitude, visit.site.longitude) == (-2.0412, 28.9327)
    assert visit.indicator_values.get().value == 4.5


def test_odk_central_odata_json_nests_groups_and_writes_geojson(programme: Programme) -> None:
    submission = {
        "__id": "uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90",
        "site": {
            "pcode": "codmine00099",
            "location": {
                "type": "Point",
                "coordinates": [28.9327, -2.0412, 1478],
                "properties": {"accuracy": 4.9},
            },
        },
        "visit": {"date": "2024-05-02", "onsite": "1"},
        "meta": {"instanceID": "uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90"},
        "__system": {"submissionDate": "2024-05-03T09:12:44.120Z", "reviewState": None},
    }
    content = json.dumps({"@odata.context": "…", "value": [submission]}).encode()
    visit = read_one(programme, content, "submissions.json")
    assert visit.key == "odk:uuid:6f1c2a4e-0b7d-4c55-9d0e-2f6a8b3c1d90"
    assert (visit.site.latitude, visit.site.longitude) == (-2.0412, 28.9327)


def test_select_multiple_answers_in_separate_columns_are_gathered(programme: Programme) -> None:
    headings = ["site/pcode", "visit/date", "people/women_work/digging"]
    headings += ["people/women_work/washing", "people/women_work/food"]
    visit = read_one(programme, csv_file(headings, ["codmine00099", "2024-05-02", "1", "0", "1"]))
    assert visit.women_work == ["digging", "food"]


def test_unknown_headings_are_reported_and_metadata_ignored(programme: Programme) -> None:
    headings = ["site/pcode", "visit/date", "visit/start", "site/gps_hint", "_status"]
    batch = check(programme, csv_file(headings, ["codmine00099", "2024-05-02", "x", "y", "z"]))
    assert batch.report["unknown_columns"] == ["site/gps_hint"]
    assert batch.report["ignored_columns"] == ["visit/start", "_status"]


# Files that are not exports ----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "why"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "binary data"),
        (b'{"results": [{"site/pcode": "codmine00099",', "data.json", "not readable JSON"),
        (b'{"site/pcode": "codmine00099"}', "data.json", "JSON without submissions"),
        (b"Site code;Date of the visit\nBisie;06/02/2024\n", "labels.csv", "XML values"),
        (b"   \n", "empty.csv", "empty"),
        (b"PK\x03\x04not really a workbook", "export.xlsx", "not a readable XLSX"),
    ],
)
def test_a_file_that_is_no_export_is_refused_and_nothing_written(
    programme: Programme, content: bytes, filename: str, why: str
) -> None:
    before = written()
    with pytest.raises(importers.ImportFileError) as refused:
        check(programme, content, filename)
    assert filename in str(refused.value) and why in str(refused.value)
    assert written() == before
    assert not ImportBatch.objects.exists()


def test_an_xlsx_export_beyond_the_sheet_limits_of_the_settings_is_refused(
    programme: Programme, settings: Any
) -> None:
    from asmhub.lib.tests.hostile import xlsx_bytes
    from asmhub.monitoring.importers import ImportFileError

    settings.ASMHUB_SHEET_MAX_ROWS = 3
    rows: list[list[object]] = [["site/pcode", "visit/date"]]
    rows += [[f"codmine{n:05}", "2021-01-01"] for n in range(5)]
    with pytest.raises(
        ImportFileError, match=r"^kobo\.xlsx: the sheet has more than 3 rows, the limit$"
    ):
        xlsform.read_submissions(xlsx_bytes(rows), "kobo.xlsx")


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(programme: Programme) -> None:
    from asmhub.lib.tests.hostile import bomb, xlsx_bytes
    from asmhub.monitoring.importers import ImportFileError

    data = bomb(xlsx_bytes([["site/pcode"], ["codmine00001"]]), "xl/media/x.bin", 20_000_000)
    with pytest.raises(
        ImportFileError, match=r"^kobo\.xlsx: its part xl/media/x\.bin .* 100 to 1$"
    ):
        xlsform.read_submissions(data, "kobo.xlsx")
    assert written() == (0, 0, 0, 0, 0, 0)
