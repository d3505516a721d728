import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from asmhub.directory.importers import import_directory
from asmhub.directory.models import ContactDetails, Organization, Person

GOOD = (
    "name,acronym,stakeholder_type,hq_country,countries,website,lever_issues,parent\n"
    "International Peace Information Service,IPIS,research-agency,BE,CD; CF,https://ipisresearch.be,conflict-security,\n"
    'IPIS Kinshasa office,,research-agency,République démocratique du Congo,CD,,"Conflict, security and armed groups",IPIS\n'
)


@pytest.mark.django_db
def test_a_valid_csv_is_imported_and_reimporting_updates() -> None:
    result = import_directory("orgs.csv", GOOD.encode())
    assert result.ok, result.issues
    assert (result.created, result.updated) == (2, 0)
    ipis = Organization.objects.get(slug="ipis")
    assert sorted(ipis.countries.values_list("code", flat=True)) == ["CD", "CF"]
    assert Organization.objects.get(name="IPIS Kinshasa office").parent == ipis
    again = import_directory("orgs.csv", GOOD.encode())
    assert (again.created, again.updated) == (0, 2)
    assert Organization.objects.filter(slug="ipis").count() == 1


@pytest.mark.django_db
def test_an_invalid_file_writes_nothing_and_reports_every_bad_row() -> None:
    bad = (
        "name,stakeholder_type,hq_country,countries,website,lever_issues\n"
        "Good Org,international-ngo,BE,,,\n"
        ",international-ngo,,,,\n"
        "Bad Type,warlord,,,,\n"
        "Bad Country,media,Atlantis,CD; Narnia,ftp://x,\n"
        "Bad Issue,media,,,,flying\n"
    )
    result = import_directory("orgs.csv", bad.encode())
    assert not result.written
    found = {(i.row, i.column, i.value) for i in result.issues}
    assert found == {
        (3, "name", ""),
        (4, "stakeholder_type", "warlord"),
        (5, "hq_country", "Atlantis"),
        (5, "countries", "Narnia"),
        (5, "website", "ftp://x"),
        (6, "lever_issues", "flying"),
    }
    assert str(result.issues[0]).startswith("orgs.csv, row 3, column name")
    assert not Organization.objects.filter(name="Good Org").exists()


@pytest.mark.django_db
def test_wrong_columns_are_reported_before_any_row() -> None:
    result = import_directory("orgs.csv", b"name,stakeholder_type,colour\nX,media,red\n")
    assert [(i.row, i.column) for i in result.issues] == [(1, "colour")]
    assert "unknown column" in result.issues[0].reason


@pytest.mark.django_db
def test_dry_run_checks_and_writes_nothing() -> None:
    result = import_directory("orgs.csv", GOOD.encode(), dry_run=True)
    assert result.ok and not result.written
    assert not Organization.objects.filter(slug="ipis").exists()


@pytest.mark.django_db
def test_people_from_xlsx_with_contact_details(org: Organization) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name", "Organization", "Title", "Email", "Phone", "Champion", "Countries"])
    sheet.append(
        ["Ruth Mensah", "AGC", "Field officer", "ruth@example.org", "+233 20 000 0000", "yes", "GH"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_directory("people.xlsx", buffer.getvalue())
    assert result.ok, result.issues
    person = Person.objects.get(slug="ruth-mensah")
    assert person.is_champion
    assert person.affiliations.get().organization == org
    assert ContactDetails.objects.get(person=person).email == "ruth@example.org"


@pytest.mark.django_db
def test_people_rows_with_bad_contact_values_are_refused(org: Organization) -> None:
    data = (
        b"name,organization,email,phone\nRuth Mensah,AGC,not-an-email,call me\nA B,Nobody Inc,,\n"
    )
    result = import_directory("people.csv", data)
    assert {(i.row, i.column) for i in result.issues} == {
        (2, "email"),
        (2, "phone"),
        (3, "organization"),
    }
    assert not Person.objects.exists()


@pytest.mark.django_db
def test_unreadable_files_name_the_file_and_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = import_directory(empty)
    assert [str(i) for i in result.issues] == ["empty.csv: the file is empty"]
    pdf = import_directory("orgs.pdf", b"%PDF")
    assert "unsupported file type" in pdf.issues[0].reason
