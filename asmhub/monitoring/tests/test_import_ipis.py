"""The IPIS open-data layout: good rows, messy rows, bad rows, re-imports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from asmhub.core.models import AuditEntry
from asmhub.monitoring import importers
from asmhub.monitoring.models import ArmedActor, Programme, ProgrammeGrant, Site, Visit
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


def layout_columns() -> list[str]:
    layout = importers.ipis_layout()
    return [*layout["ignore"], *layout["columns"]]


def ipis_file(
    *rows: dict[str, str], columns: list[str] | None = None, delimiter: str = ","
) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns or layout_columns(), delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


BISIE = {
    "vid": "101",
    "pcode": "codmine00001",
    "name": "Bisie",
    "visit_date": "2016-03-21",
    "visit_onsite": "1",
    "longitude": "28.42",
    "latitude": "-1.01",
    "province": "Nord-Kivu",
    "territoire": "Walikale",
    "collectivite": "Wanianga",
    "groupement": "Utunda",
    "village": "Bisie",
    "workers_numb": "1200",
    "mineral1": "Cassitérite",
    "selling_points_mineral1": "Mubi",
    "final_destination_mineral1": "Goma",
    "mercury": "0",
    "presence": "1",
    "interference": "1",
    "armed_group1": "FARDC",
    "type_armed_group1": "FARDC",
    "frequency_armed_group1": "Permanent",
    "entrance_taxation_armed_group1": "1",
    "state_service1": "SAEMAPE",
    "traceability": "ITSCI",
    "qualification": "Vert",
    "childunder15": "0",
    "women": "1",
    "womenwork": "Transport, Commerce",
}


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(name="Survey", country=Country.objects.get(code="CD"))


def check(programme: Programme, content: bytes, user: Any = None) -> importers.ImportBatch:
    return importers.upload(user, programme, "ipis", "sites.csv", content)


def test_a_good_row_is_checked_then_written(programme: Programme) -> None:
    batch = check(programme, ipis_file(BISIE))
    assert batch.report["visits_new"] == 1 and batch.report["sites_new"] == 1
    assert batch.report["problem_count"] == 0
    assert not Visit.objects.exists()  # the dry run writes nothing
    importers.commit(None, batch)
    site = Site.objects.get(pcode="codmine00001")
    visit = site.visits.get()
    assert (site.name, site.latitude, site.longitude) == ("Bisie", -1.01, 28.42)
    assert [
        site.province.name,
        site.territory.name,
        site.collectivite.name,
        site.groupement.name,
    ] == [
        "Nord-Kivu",
        "Walikale",
        "Wanianga",
        "Utunda",
    ]
    assert [m.slug for m in site.minerals.all()] == ["tin"]
    assert site.qualification == "green" and site.flagged  # armed presence at the last visit
    assert visit.key == "ipis:101" and visit.workers == 1200
    assert (visit.mercury, visit.armed_presence, visit.children_under_15, visit.women) == (
        False,
        True,
        False,
        True,
    )
    assert visit.women_work == ["transport", "trading"]
    assert (visit.traceability, visit.traceability_scheme) == (True, "ITSCI")
    assert visit.state_services == [{"name": "SAEMAPE", "code": "saemape", "taxes": False}]
    actor = ArmedActor.objects.get(visit=visit)
    assert (actor.kind, actor.activities, actor.frequency) == (
        "army",
        ["entry-taxation"],
        "permanent",
    )
    minerals = list(visit.minerals.values_list("name", "selling_points", "final_destination"))
    assert minerals == [("Cassitérite", "Mubi", "Goma")]
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_blank_is_no_data_never_no(programme: Programme) -> None:
    row = {
        **BISIE,
        "mercury": "",
        "childunder15": "",
        "women": "",
        "presence": "",
        "interference": "",
    }
    row.update({k: "" for k in BISIE if "armed_group" in k})
    importers.commit(None, check(programme, ipis_file(row)))
    visit = Visit.objects.get()
    assert (visit.mercury, visit.children_under_15, visit.women, visit.armed_presence) == (
        None,
        None,
        None,
        None,
    )
    assert visit.known == 1 << 4  # only "no state service" was recorded (SAEMAPE was there)


def test_messy_values_are_normalized_and_counted(programme: Programme) -> None:
    row = {
        **BISIE,
        "visit_date": "21/03/2016",
        "longitude": "28,42",
        "workers_numb": "ca. 1 200",
        "mercury": "oui",
        "qualification": "ROUGE ",
        "mineral1": "cassiterite",
        "type_armed_group1": "",
        "armed_group1": "Mai-Mai Yakutumba",
    }
    batch = check(programme, ipis_file(row))
    normalized = batch.report["normalized"]
    assert normalized["decimal comma"] == 1
    assert normalized["yes/no written as 'oui'"] == 1
    assert any(k.startswith("date written as") for k in normalized)
    importers.commit(None, batch)
    visit = Visit.objects.get()
    assert visit.date.isoformat() == "2016-03-21" and visit.workers == 1200 and visit.mercury
    assert visit.site.qualification == "red"
    assert ArmedActor.objects.get().kind == "non-state"


def test_bad_rows_are_reported_by_row_column_value_and_reason(programme: Programme) -> None:
    rows = [
        BISIE,
        {**BISIE, "vid": "102", "pcode": ""},
        {**BISIE, "vid": "103", "visit_date": "2018-13-45"},
        {**BISIE, "vid": "104", "pcode": "codmine00002", "latitude": "250", "mercury": "maybe"},
        {**BISIE, "vid": "105", "pcode": "codmine00003", "mineral1": "Monazite"},
    ]
    batch = check(programme, ipis_file(*rows))
    report = batch.report
    problems = {(p["row"], p["column"]): p for p in report["problems"]}
    assert problems[(3, "pcode")]["reason"] == "no site code: the row cannot be placed"
    assert problems[(4, "visit_date")]["value"] == "2018-13-45"
    assert "outside" in problems[(5, "latitude")]["reason"]
    assert problems[(5, "mercury")]["value"] == "maybe"
    assert report["skipped"] == 2 and report["visits"] == 3
    assert report["unknown_minerals"] == {"Monazite": 1}
    importers.commit(None, batch)
    unreadable = Visit.objects.get(key="ipis:104")
    assert unreadable.mercury is None and unreadable.site.latitude is None  # left as no data
    assert Visit.objects.get(key="ipis:105").minerals.get().mineral is None  # kept as written


def test_importing_again_updates_and_duplicates_nothing(programme: Programme) -> None:
    importers.commit(None, check(programme, ipis_file(BISIE)))
    changed = {**BISIE, "workers_numb": "900", "armed_group1": "", "type_armed_group1": ""}
    changed.update({"presence": "0", "interference": "0", "entrance_taxation_armed_group1": ""})
    batch = check(programme, ipis_file(changed))
    assert (batch.report["visits_new"], batch.report["visits_updated"]) == (0, 1)
    importers.commit(None, batch)
    visit = Visit.objects.get()
    assert visit.workers == 900 and not ArmedActor.objects.exists()
    assert not visit.site.flagged
    assert Site.objects.count() == 1


def test_a_status_record_is_not_an_observation(programme: Programme) -> None:
    status = {"vid": "201", "pcode": "codmine00001", "name": "Bisie", "visit_date": "2019-06-01"}
    status.update({"visit_onsite": "0", "qualification": "Rouge"})
    importers.commit(None, check(programme, ipis_file(BISIE, status)))
    site = Site.objects.get()
    record = Visit.objects.get(key="ipis:201")
    assert not record.onsite and record.known == 0
    assert site.qualification == "red" and str(site.qualified_on) == "2019-06-01"


def test_a_repeated_visit_keeps_the_later_row(programme: Programme) -> None:
    batch = check(programme, ipis_file(BISIE, {**BISIE, "workers_numb": "5"}))
    assert batch.report["visits"] == 1
    assert any("repeats the visit of row 2" in p["reason"] for p in batch.report["problems"])
    importers.commit(None, batch)
    assert Visit.objects.get().workers == 5


def test_a_file_that_is_not_the_layout_is_refused_whole(programme: Programme) -> None:
    with pytest.raises(importers.ImportFileError, match="no column pcode"):
        check(programme, b"name,date\nBisie,2016-03-21\n")
    assert not importers.ImportBatch.objects.exists()


def test_semicolons_windows_1252_and_unknown_columns_are_read(programme: Programme) -> None:
    content = ipis_file(
        {**BISIE, "name": "Mbwa élevé"}, columns=[*layout_columns(), "remarks"], delimiter=";"
    )
    batch = check(programme, content.decode().encode("cp1252"))
    assert batch.report["unknown_columns"] == ["remarks"]
    assert any("Windows-1252" in p["reason"] for p in batch.report["problems"])
    importers.commit(None, batch)
    assert Site.objects.get().name == "Mbwa élevé"


def test_commit_is_atomic(programme: Programme, monkeypatch: pytest.MonkeyPatch) -> None:
    batch = check(programme, ipis_file(BISIE))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importers.writer, "_write_children", broken)
    with pytest.raises(RuntimeError):
        importers.commit(None, batch)
    assert not Site.objects.exists() and not Visit.objects.exists()
    batch.refresh_from_db()
    assert batch.committed_at is None


def test_only_managers_import(programme: Programme, owner: Any, outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        check(programme, ipis_file(BISIE), user=outsider)
    ProgrammeGrant.objects.create(programme=programme, user=owner, level="restricted")
    with pytest.raises(PermissionDenied):
        check(programme, ipis_file(BISIE), user=owner)
    ProgrammeGrant.objects.create(
        programme=programme, organization=owner.organization, level="manager"
    )
    batch = check(programme, ipis_file(BISIE), user=owner)
    with pytest.raises(PermissionDenied):
        importers.commit(outsider, batch)
    importers.commit(owner, batch)
    with pytest.raises(PermissionDenied, match="committed already"):
        importers.commit(owner, batch)
    assert Visit.objects.count() == 1


def test_a_state_service_named_in_several_words_stays_one(programme: Programme) -> None:
    row = {**BISIE, "state_service1": "Division des Mines", "state_service2": "SAEMAPE, PMH"}
    importers.commit(None, check(programme, ipis_file(row)))
    names = [s["name"] for s in Visit.objects.get().state_services]
    assert names == ["Division des Mines", "SAEMAPE", "PMH"]
