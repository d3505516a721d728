"""The IPIS eastern-DRC export as it is really written: its none words, actor types,
codes, ordinals, phrases, status and third-party rows, and the size of its report."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command

from asmhub.monitoring import importers, snapshot
from asmhub.monitoring.models import ArmedActor, Programme, Site, Visit
from asmhub.monitoring.observations import BITS
from asmhub.monitoring.tests.test_import_ipis import BISIE, ipis_file
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db

NO_ACTOR = {
    **{f"armed_group{n}": "" for n in (1, 2, 3)},
    **{f"type_armed_group{n}": "Aucun" for n in (1, 2, 3)},
    "frequency_armed_group1": "",
    "entrance_taxation_armed_group1": "",
}


@pytest.fixture
def programme() -> Programme:
    return Programme.objects.create(name="Survey", country=Country.objects.get(code="CD"))


def commit(programme: Programme, *rows: dict[str, str]) -> importers.ImportBatch:
    batch = importers.upload(None, programme, "ipis", "ipis.csv", ipis_file(*rows))
    importers.commit(None, batch)
    batch.refresh_from_db()
    return batch


def row(vid: str, **cells: str) -> dict[str, str]:
    return {**BISIE, **NO_ACTOR, "vid": vid, **cells}


def seen(visit: Visit, key: str) -> bool | None:
    bit = BITS[key]
    return None if not visit.known & bit else bool(visit.present & bit)


def test_none_words_store_nothing_and_are_no_problem(programme: Programme) -> None:
    batch = commit(
        programme,
        row(
            "1",
            presence="0",
            interference="0",
            armed_group1="Aucun",
            state_service1="Néant",
            state_service2="N/A",
            traceability="Aucune",
            womenwork="-",
            childunder15work="None",
        ),
    )
    assert batch.report["problem_count"] == 0
    visit = Visit.objects.get()
    assert not ArmedActor.objects.exists()
    assert (visit.women_work, visit.children_under_15_work, visit.state_services) == ([], [], [])
    assert visit.state_service_present is False and visit.traceability is False


def test_the_actor_type_says_whether_interference_was_seen(programme: Programme) -> None:
    quiet = {"presence": "1", "interference": ""}
    commit(
        programme,
        row("1", **quiet, type_armed_group1="FARDC - Pas d’ingérence constatée"),
        row(
            "2",
            **quiet,
            type_armed_group1="FARDC - Pas d'ingérence constatée",
            type_armed_group2="PNC - Pas d’ingérence constatée",
        ),
        row("3", **quiet, type_armed_group1="FARDC - Éléments indisciplinés"),
        row(
            "4",
            **quiet,
            type_armed_group1="Groupe armé local",
            type_armed_group2="FARDC - Pas d’ingérence constatée",
        ),
        row("5", **quiet, type_armed_group1="FARDC - Pas de données sur les ingérences"),
        row(
            "6",
            **quiet,
            type_armed_group1="Groupe armé étranger",
            digging_armed_group1="1",
        ),
        row("7", presence="1", interference="1", type_armed_group1="PMH - Éléments indisciplinés"),
    )
    found = {v.key: seen(v, "armed_interference") for v in Visit.objects.all()}
    assert found == {
        "ipis:1": False,
        "ipis:2": False,
        "ipis:3": None,
        "ipis:4": None,
        "ipis:5": None,
        "ipis:6": True,
        "ipis:7": True,
    }
    kinds = {(a.visit.key, a.position): (a.kind, a.conduct) for a in ArmedActor.objects.all()}
    assert kinds[("ipis:2", 2)] == ("police", "no-interference")
    assert kinds[("ipis:3", 1)] == ("army", "undisciplined")
    assert kinds[("ipis:4", 1)] == ("non-state", "")
    assert kinds[("ipis:5", 1)] == ("army", "no-data")
    assert kinds[("ipis:7", 1)] == ("police", "undisciplined")


def test_taxation_flags_at_zero_are_no_and_blanks_unknown(programme: Programme) -> None:
    zeros = {
        f"{flag}_armed_group1": "0"
        for flag in ("taxation", "commerce_taxation", "entrance_taxation")
    }
    commit(
        programme,
        row("1", presence="1", type_armed_group1="FARDC - Éléments indisciplinés", **zeros),
        row("2", presence="1", type_armed_group1="FARDC - Éléments indisciplinés"),
        row(
            "3",
            presence="1",
            type_armed_group1="Groupe armé local",
            **{**zeros, "taxation_armed_group1": "1"},
        ),
    )
    found = {v.key: seen(v, "illegal_taxation") for v in Visit.objects.all()}
    assert found == {"ipis:1": False, "ipis:2": None, "ipis:3": True}


def test_codes_at_the_start_of_a_cell_and_state_service_codes(programme: Programme) -> None:
    services = {
        "state_service1": "iTSCi (via SAESSCAM)",
        "state_service2": "Division des mines",
        "state_service3": "Chefferie, ANR",
        "state_service4": "DGRPI, Police des Mines, SAESSCAM",
    }
    batch = commit(
        programme,
        row("1", presence="1", type_armed_group1="PNC - Éléments indisciplinés", **services),
        row("2", presence="1", type_armed_group1="PMH - Pas d’ingérence constatée"),
    )
    assert batch.report["problem_count"] == 0
    assert [a.kind for a in ArmedActor.objects.order_by("visit__key")] == ["police", "police"]
    codes = [s["code"] for s in Visit.objects.get(key="ipis:1").state_services]
    assert codes == [
        "itsci-saemape",
        "mines-division",
        "chiefdom",
        "anr",
        "dgrpi",
        "mines-police",
        "saemape",
    ]


def test_mechanisation_is_an_ordinal(programme: Programme) -> None:
    batch = commit(
        programme,
        row("1", mechanisation="Bas"),
        row("2", mechanisation="Moyen"),
        row("3", mechanisation="Haut"),
        row("4", mechanisation="Peut-être"),
    )
    levels = dict(Visit.objects.values_list("key", "mechanisation_level"))
    assert levels == {"ipis:1": "low", "ipis:2": "medium", "ipis:3": "high", "ipis:4": ""}
    (problem,) = batch.report["problems"]
    assert (problem["column"], problem["value"]) == ("mechanisation", "Peut-être")
    assert "low (bas), medium (moyen), high (haut)" in problem["reason"]


def test_qualification_is_the_latest_records_even_unreadable(programme: Programme) -> None:
    commit(
        programme,
        row("1", pcode="codmine00001", qualification="Not class"),
        row("2", pcode="codmine00002", qualification="No class"),
        row("3", pcode="codmine00003", qualification="Vert", visit_date="2015-01-01"),
        row("4", pcode="codmine00003", qualification="Orange", visit_date="2019-01-01"),
    )
    found = dict(Site.objects.values_list("pcode", "qualification"))
    assert found == {
        "codmine00001": "not-qualified",
        "codmine00002": "not-qualified",
        "codmine00003": "",  # never the older green kept because the newest was unreadable
    }


def test_phrases_are_values_and_frequencies_one_scale(programme: Programme) -> None:
    work = "Traiter les déchets, Transport des minerais, Usage du mercure, Vendre"
    batch = commit(
        programme,
        row("1", womenwork="Je ne sais pas", childunder15work="Tâches ménagères, Transporter"),
        row("2", womenwork=work, childunder15work="Laver"),
        row("3", presence="1", type_armed_group1="FARDC", frequency_armed_group1="Permanente"),
        row("4", presence="1", type_armed_group1="FARDC", frequency_armed_group1="Occasionelle"),
        row("5", presence="1", type_armed_group1="FARDC", frequency_armed_group1="Hebdomadaire"),
        row("6", presence="1", type_armed_group1="FARDC", frequency_armed_group1="Chaque semaine"),
    )
    assert batch.report["problem_count"] == 0
    one, two = Visit.objects.get(key="ipis:1"), Visit.objects.get(key="ipis:2")
    assert one.women_work == [] and one.children_under_15_work == ["household", "transport"]
    assert two.women_work == ["tailings", "transport", "amalgamation", "trading"]
    assert two.children_under_15_work == ["washing"]
    frequencies = dict(ArmedActor.objects.values_list("visit__key", "frequency"))
    assert frequencies == {
        "ipis:3": "permanent",
        "ipis:4": "occasional",
        "ipis:5": "frequent",
        "ipis:6": "frequent",
    }


def _blank_observations(base: dict[str, str]) -> dict[str, str]:
    keep = {"vid", "pcode", "name", "visit_date", "visit_onsite", "province", "territoire"}
    return {k: (v if k in keep else "") for k, v in base.items()}


def test_status_rows_never_hide_the_latest_observed_visit(programme: Programme) -> None:
    observed = row("1", visit_date="2016-03-21", mercury="1", presence="0")
    status = {**_blank_observations(row("2")), "visit_date": "2019-06-01"}
    status.update({"project": "Qualification status", "qualification": "Rouge"})
    itsci = {**_blank_observations(row("3")), "visit_date": "2020-01-01"}
    itsci.update({"project": "iTSCi status", "traceability": "ITSCI"})
    bare = {**_blank_observations(row("4")), "visit_date": "2021-01-01", "qualification": "Jaune"}
    third = row("5", visit_date="2022-01-01", mercury="0", presence="1", qualification="")
    third.update({"visit_onsite": "0", "visit_onsite_novisitreason": "Third-party information"})
    batch = commit(programme, observed, status, itsci, bare, third)
    assert batch.report["record_types"] == {"onsite": 1, "status": 3, "third_party": 1}
    types = dict(Visit.objects.values_list("key", "record_type"))
    assert types == {
        "ipis:1": "onsite",
        "ipis:2": "status",
        "ipis:3": "status",
        "ipis:4": "status",
        "ipis:5": "third-party",
    }
    site = Site.objects.get()
    assert site.qualification == "yellow" and str(site.last_visit_on) == "2016-03-21"
    entry = snapshot.build().by_pk[site.pk]
    assert [d for d in entry.dates] == [Visit.objects.get(key="ipis:1").date.toordinal()]
    counted = snapshot.build(third_party=True).by_pk[site.pk]
    assert len(counted.dates) == 2 and counted.dates[-1] == third_date(site)


def third_date(site: Site) -> int:
    return Visit.objects.get(site=site, key="ipis:5").date.toordinal()


def test_the_setting_counts_third_party_reports(programme: Programme, settings: Any) -> None:
    third = row("5", visit_date="2022-01-01", visit_onsite="0")
    third["visit_onsite_novisitreason"] = "Third-party information"
    commit(programme, row("1"), third)
    site = Site.objects.get()
    assert len(snapshot.build().by_pk[site.pk].dates) == 1
    settings.ASMHUB_MONITORING_COUNT_THIRD_PARTY = True
    assert len(snapshot.build().by_pk[site.pk].dates) == 2


MANY = 2100


def _many_problems() -> bytes:
    rows = [row(str(n), pcode=f"codmine{n:05d}", mercury="peut-être") for n in range(MANY)]
    rows[0]["mercury"] = "jamais"
    return ipis_file(*rows)


def test_the_report_counts_every_problem_and_keeps_them_all_as_csv(
    programme: Programme,
) -> None:
    batch = importers.upload(None, programme, "ipis", "many.csv", _many_problems())
    report = batch.report
    assert report["problem_count"] == MANY and report["problem_columns"] == {"mercury": MANY}
    groups = {g["value"]: g for g in report["problem_values"]}
    assert groups["peut-être"]["count"] == MANY - 1 and groups["jamais"]["count"] == 1
    assert groups["peut-être"]["rows"] == [3, 4, 5]
    with batch.problems_file.open("rb") as stream:
        lines = list(csv.DictReader(io.StringIO(stream.read().decode("utf-8-sig"))))
    assert len(lines) == MANY
    assert lines[-1] == {
        "row": str(MANY + 1),
        "column": "mercury",
        "value": "peut-être",
        "reason": "'peut-être' is not a yes/no (0/1, oui/non)",
    }


def test_the_command_prints_the_counts_and_saves_the_list(
    programme: Programme, tmp_path: Any
) -> None:
    path = tmp_path / "many.csv"
    path.write_bytes(_many_problems())
    out, err, listed = io.StringIO(), io.StringIO(), tmp_path / "problems.csv"
    call_command(
        "import-visits",
        str(path),
        "--programme",
        programme.slug,
        "--problems-csv",
        str(listed),
        stdout=out,
        stderr=err,
    )
    assert f"{MANY} problems" in out.getvalue()
    assert f"mercury: {MANY}" in err.getvalue()
    assert f"mercury 'peut-être': {MANY - 1} (rows 3, 4, 5" in err.getvalue()
    assert len(listed.read_text(encoding="utf-8-sig").splitlines()) == MANY + 1


def test_an_unchanged_visit_is_skipped_and_a_changed_one_rewritten(
    programme: Programme,
) -> None:
    actor = {"presence": "1", "type_armed_group1": "FARDC", "digging_armed_group1": "1"}
    rows = [row("1", **actor), row("2"), row("3")]
    first = commit(programme, *rows)
    rows[1] = {**rows[1], "workers_numb": "77", "mercury": "1"}
    again = importers.upload(None, programme, "ipis", "ipis.csv", ipis_file(*rows))
    assert (again.report["visits_updated"], again.report["visits_unchanged"]) == (3, 2)
    importers.commit(None, again)
    by = dict(Visit.objects.values_list("key", "imported_by"))
    assert by == {"ipis:1": first.pk, "ipis:2": again.pk, "ipis:3": first.pk}
    changed = Visit.objects.get(key="ipis:2")
    assert changed.workers == 77 and seen(changed, "mercury") is True
    assert ArmedActor.objects.get().activities == ["digging"]  # kept on the unchanged visit


def test_the_import_page_shows_the_counts_and_streams_the_list(
    programme: Programme, owner: Any, outsider: Any, login: Any
) -> None:
    from django.urls import reverse

    from asmhub.monitoring.models import ProgrammeGrant

    ProgrammeGrant.objects.create(programme=programme, user=owner, level="manager")
    batch = importers.upload(owner, programme, "ipis", "many.csv", _many_problems())
    client = login(owner)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f"{MANY} cells could not be read" in page
    assert f"<td>peut-être</td><td>{MANY - 1}</td><td>3, 4, 5, …</td>" in page
    link = reverse("monitoring:import-problems", args=[batch.pk])
    assert link in page
    response = client.get(link)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == MANY + 1 and lines[0] == "row,column,value,reason"
    assert login(outsider).get(link).status_code == 403
