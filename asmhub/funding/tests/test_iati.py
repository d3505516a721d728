import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from lxml import etree

from asmhub.conftest import make_org
from asmhub.directory.models import Organization
from asmhub.funding import iati
from asmhub.funding.iati import DEMO_FILE, import_iati, load_demo_iati, rebuild_footprint
from asmhub.funding.iati_models import (
    Activity,
    ActivityCountry,
    ActivityParticipant,
    ActivitySector,
    Budget,
    Footprint,
    Transaction,
)
from asmhub.lib.tests.iati_files import write_file
from asmhub.taxonomy.models import Code

DATA = Path(iati.__file__).resolve().parent / "data"
DIRECTORY = [
    ("dfid", "Department for International Development", "DFID", "bilateral-donor"),
    ("usaid", "United States Agency for International Development", "USAID", "bilateral-donor"),
    ("world-bank", "World Bank", "WB", "multilateral"),
    ("sdc", "Swiss Agency for Development and Cooperation", "SDC", "bilateral-donor"),
    ("ilo", "International Labour Organization", "ILO", "multilateral"),
    ("ilo-ipec", "International Programme on the Elimination of Child Labour", "", "multilateral"),
    ("us-dol", "United States Department of Labor", "DOL", "bilateral-donor"),
    ("projekt-consult", "Projekt-Consult", "", "research-agency"),
    ("madagascar-pgrm", "Projet de Gouvernance des Ressources Minérales", "PGRM", "government"),
    ("allerton-cushman", "Allerton Cushman and Co.", "", "research-agency"),
    ("pact", "Pact", "", "international-ngo"),
    ("casm-secretariat", "CASM Secretariat", "", "network"),
]


@pytest.fixture
def orgs(db: Any) -> dict[str, Organization]:
    return {
        slug: make_org(name, kind, slug=slug, acronym=acronym)
        for slug, name, acronym, kind in DIRECTORY
    }


def activity_xml(
    identifier: str,
    body: str = "",
    reporter: str = "GB-GOV-1",
    title: str = "Rural roads",
    currency: str = "USD",
) -> str:
    return (
        f'<iati-activity default-currency="{currency}" xml:lang="en">\n'
        f"<iati-identifier>{identifier}</iati-identifier>\n"
        f'<reporting-org ref="{reporter}" type="10"><narrative>Donor</narrative></reporting-org>\n'
        f"<title><narrative>{title}</narrative></title>\n{body}\n</iati-activity>\n"
    )


def write(path: Path, *activities: str, version: str = "2.03") -> Path:
    path.write_text(
        f'<?xml version="1.0"?>\n<iati-activities version="{version}">\n'
        + "".join(activities)
        + "</iati-activities>\n",
        encoding="utf-8",
    )
    return path


def state() -> dict[str, Any]:
    """Everything the import writes, to compare before and after."""
    return {
        "activities": sorted(Activity.objects.values_list("iati_identifier", "title", "is_asm")),
        "rows": [
            m.objects.count()
            for m in (ActivityCountry, ActivitySector, ActivityParticipant, Budget, Transaction)
        ],
        "links": [
            Activity.sdg_goals.through.objects.count(),
            Activity.sdg_targets.through.objects.count(),
            Activity.lever_issues.through.objects.count(),
        ],
        "footprint": list(
            Footprint.objects.order_by(
                "donor_id", "country_id", "lever_issue_id", "year", "currency"
            ).values_list(
                "donor_id", "country_id", "lever_issue_id", "year", "amount", "activities"
            )
        ),
    }


def test_the_demo_file_imports_with_its_codes_mapped(orgs: dict[str, Organization]) -> None:
    report = load_demo_iati()
    assert report.ok and report.warnings == []
    assert (report.activities, report.added, report.updated, report.asm_relevant) == (11, 11, 0, 9)
    assert report.files[0].name == "iati-activities.xml" and report.files[0].written

    ipec = Activity.objects.get(iati_identifier="XM-DAC-41302-IPEC-INT-2005-MIN")
    assert ipec.reporting_org == orgs["ilo"]
    assert dict(ipec.countries.values_list("country_id", "percentage")) == {
        "GH": Decimal("20.00"),
        "TZ": Decimal("20.00"),
        "NE": Decimal("15.00"),
        "MG": Decimal("15.00"),
        "PE": Decimal("15.00"),
        "BO": Decimal("15.00"),
    }
    participants = {p.role: p for p in ipec.participants.all()}
    assert participants["1"].organization == orgs["us-dol"]  # by name: "U.S. Department of Labor"
    assert participants["4"].organization == orgs["ilo-ipec"]  # "... Child Labour (IPEC)"
    assert list(ipec.sdg_targets.values_list("code", flat=True)) == ["8.7"]
    assert list(ipec.sdg_goals.values_list("number", flat=True)) == [8]
    assert ipec.is_asm and ipec.asm_reasons == ["text: 'small-scale mines'"]
    assert "child-labour-education" in ipec.lever_issues.values_list("slug", flat=True)
    assert (ipec.total_budget, ipec.total_spent) == (Decimal("7000000.00"), Decimal("3650000.00"))

    casm = Activity.objects.get(iati_identifier="XM-DAC-44000-P073093")
    assert sorted(casm.sdg_goals.values_list("number", flat=True)) == [1, 8]  # vocabulary 7
    assert casm.asm_reasons[0] == "sector category 322 (Mineral Resources & Mining)"
    # The revised 2004/05 budget replaces the original one of the same period.
    assert casm.total_budget == Decimal("1200000.00")
    assert casm.recipient_regions == [
        {
            "code": "998",
            "vocabulary": "1",
            "percentage": 100.0,
            "name": "Developing countries, unspecified",
        }
    ]
    assert sorted(
        casm.participants.filter(role="1").values_list("organization__slug", flat=True)
    ) == [
        "dfid",
        "world-bank",
    ]

    gama = Activity.objects.get(iati_identifier="CH-4-1999PE0003")
    assert gama.reporting_org == orgs["sdc"]
    assert list(gama.sdg_targets.values_list("code", flat=True)) == ["8.3"]  # vocabulary 8
    assert gama.asm_reasons[0] == "sector 32265 (Precious metals/materials)"
    assert sorted(gama.sectors.values_list("vocabulary", "code", "percentage")) == [
        ("1", "15130", Decimal("50.00")),
        ("1", "32265", Decimal("50.00")),
        ("7", "8", None),
        ("8", "8.3", None),
    ]
    assert gama.participants.get(role="4").organization == orgs["projekt-consult"]

    dol = Activity.objects.get(iati_identifier="US-USAGOV-DOL-IL-2012-GH01")
    assert dol.reporting_org is None and dol.reporting_org_ref == "US-USAGOV"
    assert list(dol.sdg_targets.values_list("code", flat=True)) == ["8.7"]  # vocabulary 9: 8.7.1
    assert "text: 'galamsey'" in dol.asm_reasons
    assert str(dol.planned_start) == "2012-10-01" and str(dol.actual_end) == "2017-03-31"

    madagascar = Activity.objects.get(iati_identifier="XM-DAC-44000-P074086")
    assert madagascar.participants.get(role="1").organization == orgs["world-bank"]  # XM-DAC-44002
    assert {p.organization for p in madagascar.participants.filter(role="4")} == {
        orgs["madagascar-pgrm"],
        orgs["allerton-cushman"],
    }
    assert "text: 'orpailleurs'" in madagascar.asm_reasons  # the French description

    dfid_casm = Activity.objects.get(iati_identifier="GB-GOV-1-100871")
    budgets = dfid_casm.budgets.order_by("period_start")
    assert [(b.value, b.currency, str(b.period_start)) for b in budgets] == [
        (Decimal("400000.00"), "GBP", "2001-04-01"),
        (Decimal("600000.00"), "GBP", "2002-04-01"),
    ]
    assert list(dfid_casm.transactions.values_list("kind", "value", "receiver")) == [
        ("2", Decimal("1000000.00"), "World Bank"),
        ("3", Decimal("400000.00"), "World Bank"),
        ("3", Decimal("550000.00"), "World Bank"),
    ]
    assert dfid_casm.total_spent == Decimal("950000.00")

    for identifier in ("GB-GOV-1-202345", "XM-DAC-44000-P110123"):  # malaria; roads
        other = Activity.objects.get(iati_identifier=identifier)
        assert not other.is_asm and other.asm_reasons == []
        assert not other.lever_issues.exists()  # lever issues are kept for ASM activities only


def test_importing_again_updates_and_does_not_duplicate(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    load_demo_iati()
    before = state()
    changed = DEMO_FILE.read_text(encoding="utf-8").replace(
        "MEDMIN: environment and small-scale mining in Bolivia", "MEDMIN: phase two"
    )
    path = tmp_path / "demo.xml"
    path.write_text(changed, encoding="utf-8")
    report = import_iati(path)
    assert (report.added, report.updated) == (0, 11)
    after = state()
    assert Activity.objects.count() == 11
    assert Activity.objects.get(iati_identifier="CH-4-1994BO0002").title == "MEDMIN: phase two"
    assert after["rows"] == before["rows"] and after["links"] == before["links"]
    assert after["footprint"] == before["footprint"]


def test_a_second_import_replaces_child_rows_and_counts_the_old_donor(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    body = '<recipient-country code="GH" percentage="100"/><sector code="32265"/>'
    import_iati(write(tmp_path / "a.xml", activity_xml("GB-GOV-1-9", body)))
    assert Footprint.objects.filter(donor=orgs["dfid"]).exists()
    body = '<recipient-country code="PE"/><recipient-country code="BO"/><sector code="32265"/>'
    import_iati(write(tmp_path / "b.xml", activity_xml("GB-GOV-1-9", body, reporter="CH-4")))
    activity = Activity.objects.get(iati_identifier="GB-GOV-1-9")
    assert sorted(activity.countries.values_list("country_id", flat=True)) == ["BO", "PE"]
    assert activity.reporting_org == orgs["sdc"]
    assert not Footprint.objects.filter(donor=orgs["dfid"]).exists()  # the old donor's is rebuilt
    assert Footprint.objects.filter(donor=orgs["sdc"]).count() == 2


def test_unknown_codes_are_warnings_and_the_rest_imports(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    body = (
        '<recipient-country code="XK" percentage="50"/><recipient-country code="QQ"/>'
        '<recipient-country code="GH" percentage="50"/><sector code="99999"/>'
        '<sector vocabulary="7" code="18"/><sector vocabulary="8" code="8.99"/>'
        '<sector vocabulary="9" code="8.7.9"/>'
    )
    report = import_iati(write(tmp_path / "codes.xml", activity_xml("GB-GOV-1-1", body)))
    assert report.ok
    text = "\n".join(report.warnings)
    assert "recipient-country 'XK' (Kosovo) is not in the platform's country list" in text
    assert "recipient-country 'QQ' (not an IATI country code either)" in text
    assert "sector 99999 (vocabulary 1) is not in the IATI code list" in text
    assert "SDG goal '18'" in text and "SDG target '8.99'" in text
    assert "SDG indicator '8.7.9'" in text
    activity = Activity.objects.get()
    assert list(activity.countries.values_list("country_id", flat=True)) == ["GH"]
    assert activity.sectors.count() == 4  # the codes are kept as the file gives them


def test_an_entity_reference_keeps_the_narrative_and_is_reported(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<iati-activities version="2.03">\n'
        + activity_xml("GB-GOV-1-7", title="XXE test &xxe; and artisanal mining")
        + "</iati-activities>\n",
        encoding="utf-8",
    )
    report = import_iati(path)
    assert report.ok, report.errors
    activity = Activity.objects.get()
    assert activity.title == "XXE test &xxe; and artisanal mining"
    assert "root:" not in activity.title
    assert activity.is_asm  # the words after the reference still count
    assert report.warnings == [
        "xxe.xml: line 7: iati-activities/iati-activity[1]/title/narrative: the entity "
        "reference &xxe; is kept as written, not resolved (activity GB-GOV-1-7)"
    ]


def test_the_asm_relevance_words_and_codes(orgs: dict[str, Organization], tmp_path: Path) -> None:
    path = write(
        tmp_path / "asm.xml",
        activity_xml("A-1", '<sector vocabulary="1" code="32262"/>', title="Offshore oil and gas"),
        activity_xml("A-2", '<sector vocabulary="2" code="322"/>'),
        activity_xml("A-3", "", title="Support to artisanal fisheries"),
        activity_xml("A-4", "", title="Appui aux orpailleurs et à l'EMAPE"),
        activity_xml("A-5", "", title="Mercury-free ASGM in Ghana", reporter="XM-DAC-44000"),
    )
    import_iati(path)
    reasons = dict(Activity.objects.values_list("iati_identifier", "asm_reasons"))
    assert reasons["A-1"] == [] and reasons["A-3"] == []
    assert reasons["A-2"] == ["sector category 322 (Mineral Resources & Mining)"]
    assert reasons["A-4"] == ["text: 'orpailleurs'", "text: 'EMAPE'"]
    assert reasons["A-5"] == ["text: 'ASGM'"]
    issues = Activity.objects.get(iati_identifier="A-5").lever_issues.values_list("slug", flat=True)
    assert "mercury-chemicals" in issues


def test_the_shipped_sector_codes_are_mining_codes_of_the_iati_list(db: Any) -> None:
    config = yaml.safe_load((DATA / "iati_asm.yaml").read_text(encoding="utf-8"))
    sectors = {c.code: c for c in Code.objects.filter(codelist__name="Sector")}
    for code in config["sectors"]["1"]:
        assert sectors[code].category == "322", code
    assert "32262" not in config["sectors"]["1"]  # oil and gas is not mining
    assert Code.objects.filter(codelist__name="SectorCategory", code="322").exists()


def test_every_organisation_of_the_mapping_is_in_the_directory_demo() -> None:
    mapping = yaml.safe_load((DATA / "iati_organisations.yaml").read_text(encoding="utf-8"))
    demo = DATA.parents[1] / "directory" / "data" / "demo" / "organizations.yaml"
    slugs = {o["slug"] for o in yaml.safe_load(demo.read_text(encoding="utf-8"))["organizations"]}
    assert {entry["slug"] for entry in mapping["organisations"]} <= slugs


def test_the_demo_file_is_in_the_structure_of_the_standard() -> None:
    root = etree.parse(str(DEMO_FILE)).getroot()
    assert root.tag == "iati-activities" and root.get("version") == "2.03"
    order = ["iati-identifier", "reporting-org", "title", "description", "participating-org"]
    for activity in root.iter("iati-activity"):
        tags = [child.tag for child in activity if isinstance(child.tag, str)]
        assert tags[: len(order)] == [t for t in order if t in tags[: len(order)]]
        positions = [tags.index(t) for t in ("activity-status", "activity-date", "budget")]
        assert positions == sorted(positions)
        assert tags.index("sector") < tags.index("budget") < tags.index("transaction")
        assert {p.get("role") for p in activity.iter("participating-org")} >= {"1", "4"}


DATE = '<activity-date type="1" iso-date="2012-13-01"/>'
VALUE = "<budget><value>12 000</value></budget>"
THIRD = {  # the third activity of the file, the text to find its line by, and the element
    "missing identifier": (
        activity_xml("GB-GOV-1-3").replace(">GB-GOV-1-3<", "><"),
        "<iati-identifier></iati-identifier>",
        "iati-identifier",
    ),
    "bad date": (activity_xml("GB-GOV-1-3", DATE), DATE, "activity-date/@iso-date"),
    "not a number": (activity_xml("GB-GOV-1-3", VALUE), VALUE, "budget/value"),
}


@pytest.mark.parametrize("case", ["truncated", *THIRD, "version 1.05"])
def test_a_broken_file_imports_nothing_and_says_where(
    case: str, orgs: dict[str, Organization], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo_iati()
    before = state()
    monkeypatch.setattr(iati, "BATCH_SIZE", 1)  # the first two are written before the third fails
    good = [  # an update of a demo activity, and a new one
        activity_xml("GB-GOV-1-100871", '<sector code="32265"/>', title="Changed"),
        activity_xml("GB-GOV-1-2", '<sector code="32265"/>', title="New"),
    ]
    path = tmp_path / "broken.xml"
    if case == "truncated":
        text = write(path, *good, activity_xml("GB-GOV-1-3")).read_text()
        cut = text[: text.index("<title>", text.index("GB-GOV-1-3"))]
        path.write_text(cut)
        line, element = cut.count("\n") + 1, "iati-activities/iati-activity[3]"
    elif case == "version 1.05":
        write(path, *good, version="1.05")
        line, element = 2, "iati-activities/@version"
    else:
        third, needle, inside = THIRD[case]
        text = write(path, *good, third).read_text()
        line = text[: text.index(needle)].count("\n") + 1
        element = f"iati-activities/iati-activity[3]/{inside}"
    report = import_iati(path)
    assert not report.ok and report.added == 0 and not report.files[0].written
    (message,) = report.errors
    assert message.startswith(f"broken.xml:{line}: {element}: "), message
    assert state() == before


def test_dry_run_writes_nothing(orgs: dict[str, Organization], tmp_path: Path) -> None:
    report = import_iati(DEMO_FILE, dry_run=True)
    assert (report.added, report.updated, report.asm_relevant) == (11, 0, 9)
    assert "would add" in report.summary() and "nothing written" in report.summary()
    assert not Activity.objects.exists() and not Footprint.objects.exists()
    load_demo_iati()
    before = state()
    report = import_iati(DEMO_FILE, dry_run=True)
    assert (report.added, report.updated) == (0, 11)
    assert state() == before


def test_several_files_are_each_imported_or_refused_whole(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    good = write(tmp_path / "good.xml", activity_xml("GB-GOV-1-1"))
    bad = write(tmp_path / "bad.xml", activity_xml("GB-GOV-1-2"), version="1.04")
    report = import_iati([good, bad])
    assert [f.written for f in report.files] == [True, False]
    assert list(Activity.objects.values_list("iati_identifier", flat=True)) == ["GB-GOV-1-1"]
    missing = import_iati(tmp_path / "nowhere.xml")
    assert "cannot read the file" in missing.errors[0]


def _import_peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        report = import_iati(path)
        return report.added, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_file_imports_with_memory_flat(
    orgs: dict[str, Organization], tmp_path: Path
) -> None:
    import_iati(write_file(tmp_path / "warm.xml", 10, small=True, start=900_000))
    small = write_file(tmp_path / "small.xml", 1_000, small=True)
    large = write_file(tmp_path / "large.xml", 8_000, small=True, start=1_000)
    added_small, peak_small = _import_peak(small)
    added_large, peak_large = _import_peak(large)
    assert (added_small, added_large) == (1_000, 8_000)
    assert Activity.objects.count() == 9_010
    assert Activity.objects.filter(is_asm=True).count() == 901
    assert peak_large < 2 * peak_small, (peak_small, peak_large)


def test_footprint_sums_on_a_hand_made_case(orgs: dict[str, Organization], tmp_path: Path) -> None:
    dfid, bank = orgs["dfid"], orgs["world-bank"]
    money = (
        '<budget><period-start iso-date="2010-01-01"/><period-end iso-date="2010-12-31"/>'
        "<value>{}</value></budget>"
    )
    path = write(
        tmp_path / "footprint.xml",
        activity_xml(  # DFID's: 60/40 between Ghana and Tanzania, about mercury
            "GB-GOV-1-1",
            '<activity-date type="1" iso-date="2010-03-01"/>'
            '<recipient-country code="GH" percentage="60"/>'
            '<recipient-country code="TZ" percentage="40"/>'
            '<sector code="32265"/>' + money.format(1000),
            title="Mercury reduction with artisanal miners",
        ),
        activity_xml(  # the World Bank's, funded by DFID too; no lever issue
            "XM-DAC-44000-2",
            '<participating-org ref="GB-GOV-1" role="1"/>'
            '<participating-org ref="GB-GOV-1" role="4"/>'
            '<activity-date type="2" iso-date="2010-05-01"/>'
            '<recipient-country code="GH" percentage="100"/><sector code="32210"/>'
            + money.format(500),
            reporter="XM-DAC-44000",
            title="Mining cadastre",
        ),
        activity_xml(  # DFID's, not ASM: left out
            "GB-GOV-1-3", '<recipient-country code="GH"/>' + money.format(9999)
        ),
        activity_xml(  # DFID's: two countries without percentages, 10% to a region
            "GB-GOV-1-4",
            '<activity-date type="1" iso-date="2012-01-01"/>'
            '<recipient-country code="ML"/><recipient-country code="BF"/>'
            '<sector code="32265"/>' + money.format(300),
            title="Small-scale mining",
        ),
    )
    import_iati(path)
    rows = {
        (f.donor.slug, f.country_id, f.lever_issue.slug if f.lever_issue else None, f.year): (
            f.activities,
            f.amount,
            f.currency,
        )
        for f in Footprint.objects.select_related("donor", "lever_issue")
    }
    assert rows == {
        ("dfid", "GH", "mercury-chemicals", 2010): (1, Decimal("600.00"), "USD"),
        ("dfid", "TZ", "mercury-chemicals", 2010): (1, Decimal("400.00"), "USD"),
        ("dfid", "GH", None, 2010): (1, Decimal("500.00"), "USD"),
        ("dfid", "ML", None, 2012): (1, Decimal("150.00"), "USD"),
        ("dfid", "BF", None, 2012): (1, Decimal("150.00"), "USD"),
        ("world-bank", "GH", None, 2010): (1, Decimal("500.00"), "USD"),
    }
    Footprint.objects.all().delete()
    assert rebuild_footprint([dfid.pk, bank.pk]) == 6 == Footprint.objects.count()
    assert rebuild_footprint([]) == 0


def test_the_command_imports_and_reports(
    orgs: dict[str, Organization], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import-iati", str(DEMO_FILE), "--no-progress")
    out = capsys.readouterr().out
    assert "iati-activities.xml: 11 activities, 11 new, 0 updated, 9 ASM-relevant" in out
    assert Activity.objects.count() == 11
    call_command("import-iati", str(DEMO_FILE), "--dry-run")
    captured = capsys.readouterr()
    assert "nothing written" in captured.out and "IATI" in captured.err  # the progress bar
    bad = write(tmp_path / "bad.xml", activity_xml("X-1", '<activity-date type="1" iso-date="x"/>'))
    with pytest.raises(CommandError, match="refused"):
        call_command("import-iati", str(bad), "--no-progress")
    assert "bad.xml:7: iati-activities/iati-activity[1]/activity-date/@iso-date" in (
        capsys.readouterr().err
    )
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-iati", str(tmp_path / "nowhere.xml"))
