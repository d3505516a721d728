import datetime as dt
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from asmhub.lib.iati import IatiError, read_activities
from asmhub.lib.tests.iati_files import write_file

DEMO = Path(__file__).resolve().parents[2] / "funding" / "data" / "demo" / "iati-activities.xml"


def xml(body: str, version: str = "2.03", lang: str = "en") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<iati-activities version="{version}">\n'
        f'<iati-activity xml:lang="{lang}" default-currency="USD">\n{body}\n</iati-activity>\n'
        "</iati-activities>\n"
    ).encode()


def read(data: bytes, name: str = "test.xml") -> list:
    return list(read_activities(io.BytesIO(data), name))


def error(data: bytes, name: str = "bad.xml") -> IatiError:
    with pytest.raises(IatiError) as caught:
        read(data, name)
    return caught.value


def test_the_demo_file_reads_whole() -> None:
    activities = list(read_activities(DEMO))
    assert len(activities) == 11
    by_id = {a.identifier: a for a in activities}
    ipec = by_id["XM-DAC-41302-IPEC-INT-2005-MIN"]
    assert ipec.reporting_org is not None and ipec.reporting_org.ref == "XM-DAC-41302"
    assert [(c.code, c.percentage) for c in ipec.countries][:2] == [
        ("GH", Decimal("20")),
        ("TZ", Decimal("20")),
    ]
    assert [(s.vocabulary, s.code) for s in ipec.sectors] == [("1", "16070"), ("8", "8.7")]
    funder = ipec.participants[0]
    assert (funder.role, funder.name) == ("1", "U.S. Department of Labor")
    assert ipec.dates == {
        "planned_start": dt.date(2005, 6, 8),
        "actual_start": dt.date(2005, 7, 1),
        "planned_end": dt.date(2015, 12, 31),
        "actual_end": dt.date(2015, 12, 31),
    }
    casm = by_id["XM-DAC-44000-P073093"]
    assert [(b.kind, b.value, b.currency) for b in casm.budgets][:2] == [
        ("1", Decimal("500000"), "USD"),
        ("2", Decimal("650000"), "USD"),
    ]
    incoming = casm.transactions[0]
    assert (incoming.kind, incoming.date, incoming.value) == ("1", dt.date(2004, 8, 15), 700000)
    assert incoming.provider == "Department for International Development"
    assert casm.regions[0].code == "998" and casm.regions[0].percentage == 100
    assert by_id["US-USAGOV-DOL-IL-2012-GH01"].sectors[-1].vocabulary == "9"


def test_narratives_prefer_english_then_the_default_language() -> None:
    ecuador = next(a for a in read_activities(DEMO) if a.identifier == "CH-4-1993EC0001")
    assert ecuador.description.startswith("The first of SDC's")  # the Spanish one comes first
    madagascar = next(a for a in read_activities(DEMO) if a.identifier == "XM-DAC-44000-P074086")
    assert madagascar.description.startswith("Gouvernance du secteur minier")  # French only
    (french,) = read(
        xml(
            "<iati-identifier>X-1</iati-identifier>"
            '<title><narrative xml:lang="es">Minería</narrative><narrative>Orpaillage</narrative>'
            "</title>",
            lang="fr",
        )
    )
    assert french.title == "Orpaillage"  # the activity's default language, before Spanish
    (english,) = read(
        xml(
            "<iati-identifier>X-1</iati-identifier>"
            '<title><narrative>Orpaillage</narrative><narrative xml:lang="en">Gold</narrative>'
            "</title>",
            lang="fr",
        )
    )
    assert english.title == "Gold"


def test_general_description_is_kept_before_other_types() -> None:
    (activity,) = read(
        xml(
            "<iati-identifier>X-1</iati-identifier>"
            '<description type="2"><narrative>Objectives</narrative></description>'
            '<description type="1"><narrative>  General\n   text </narrative></description>'
        )
    )
    assert activity.description == "General text"


def test_a_stream_takes_its_name_and_defaults_apply() -> None:
    (activity,) = read(
        xml(
            "<iati-identifier> X-1 </iati-identifier>"
            '<recipient-country code="gh"/><sector code="32265"/>'
            '<budget><value value-date="2012-01-01Z">10.5</value></budget>'
        )
    )
    assert activity.identifier == "X-1"
    assert activity.countries[0].code == "GH"
    assert activity.sectors[0].vocabulary == "1"
    budget = activity.budgets[0]
    assert (budget.kind, budget.status, budget.currency) == ("1", "1", "USD")
    assert budget.value_date == dt.date(2012, 1, 1)


def test_a_truncated_file_names_the_line_and_the_activity() -> None:
    data = DEMO.read_bytes()
    cut = data[: data.index(b"<iati-identifier>CH-4-1994BO0002") + 40]
    problem = error(cut, "cut.xml")
    assert problem.file == "cut.xml"
    assert problem.line == cut.decode().count("\n") + 1
    assert problem.element == "iati-activities/iati-activity[4]"
    assert "not well formed" in str(problem)
    assert str(problem).startswith(f"cut.xml:{problem.line}: iati-activities/iati-activity[4]: ")


def test_a_missing_identifier_is_an_error_at_its_element() -> None:
    data = xml("<iati-identifier>  </iati-identifier><title><narrative>T</narrative></title>")
    problem = error(data)
    assert problem.line == 4
    assert problem.element == "iati-activities/iati-activity[1]/iati-identifier"
    assert "iati-identifier is required" in problem.reason
    missing = error(xml("<title><narrative>T</narrative></title>"))
    assert missing.element == "iati-activities/iati-activity[1]" and missing.line == 3


def test_a_bad_date_names_the_attribute_and_the_activity() -> None:
    body = (
        "<iati-identifier>X-1</iati-identifier>\n"
        '<activity-date type="1" iso-date="2012-01-01"/>\n'
        '<activity-date type="3" iso-date="2012-02-30"/>'
    )
    problem = error(xml(body))
    assert problem.line == 6
    assert problem.element == "iati-activities/iati-activity[1]/activity-date/@iso-date"
    assert "'2012-02-30' is not a date" in problem.reason and "(activity X-1)" in problem.reason
    tx = error(
        xml(
            "<iati-identifier>X-1</iati-identifier><transaction>"
            '<transaction-type code="3"/><transaction-date iso-date="30/06/2012"/>'
            "<value>1</value></transaction>"
        )
    )
    assert tx.element.endswith("transaction/transaction-date/@iso-date")


@pytest.mark.parametrize(
    ("body", "element", "reason"),
    [
        ("<budget><value>1,000</value></budget>", "budget/value", "'1,000' is not a number"),
        ("<budget><value>NaN</value></budget>", "budget/value", "is not a number"),
        ("<budget/>", "budget", "a value is required"),
        ('<sector code="1" percentage="abc"/>', "sector/@percentage", "is not a number"),
        ('<sector code="1" percentage="120"/>', "sector/@percentage", "is not a percentage"),
        ('<recipient-country code=""/>', "recipient-country/@code", "code is required"),
        ("<transaction><value>1</value></transaction>", "transaction", "transaction-type"),
        (
            '<budget><value currency="DOLLARS">1</value></budget>',
            "budget/value/@currency",
            "ISO 4217",
        ),
    ],
)
def test_bad_values_name_their_element(body: str, element: str, reason: str) -> None:
    problem = error(xml(f"<iati-identifier>X-1</iati-identifier>{body}"))
    assert problem.element == f"iati-activities/iati-activity[1]/{element}"
    assert reason in problem.reason
    assert problem.line == 4


def test_version_1_is_refused_and_2_0x_accepted() -> None:
    old = error(xml("<iati-identifier>X-1</iati-identifier>", version="1.05"))
    assert old.element == "iati-activities/@version" and old.line == 2
    assert "1.05 is not supported" in old.reason and "2.01 to 2.03" in old.reason
    assert "version attribute is missing" in error(xml("", version="")).reason
    for version in ("2.01", "2.02", "2.03"):
        assert read(xml("<iati-identifier>X-1</iati-identifier>", version=version))


def test_a_file_that_is_not_an_activity_file_is_refused() -> None:
    problem = error(b'<?xml version="1.0"?><iati-organisations version="2.03"/>')
    assert "not an IATI activity file" in problem.reason
    assert "not well formed" in error(b"").reason


def test_activities_come_one_by_one_until_the_error() -> None:
    data = (
        b'<iati-activities version="2.03">'
        b"<iati-activity><iati-identifier>A</iati-identifier></iati-activity>"
        b"<iati-activity><iati-identifier>B</iati-identifier></iati-activity>"
        b'<iati-activity><iati-identifier>C</iati-identifier><activity-date type="1" '
        b'iso-date="soon"/></iati-activity></iati-activities>'
    )
    stream = read_activities(io.BytesIO(data), "three.xml")
    assert [next(stream).identifier, next(stream).identifier] == ["A", "B"]
    with pytest.raises(IatiError) as caught:
        next(stream)
    assert caught.value.element.startswith("iati-activities/iati-activity[3]/")


def _peak(path: Path) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_activities(path))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_file_grows(tmp_path: Path) -> None:
    small = write_file(tmp_path / "small.xml", 1_000, small=True)
    large = write_file(tmp_path / "large.xml", 10_000, small=True)
    count_small, peak_small = _peak(small)
    count_large, peak_large = _peak(large)
    assert (count_small, count_large) == (1_000, 10_000)
    assert peak_large < 2 * peak_small, (peak_small, peak_large)


def with_doctype(doctype: str, body: str) -> bytes:
    return xml(body).replace(b"<iati-activities", f"{doctype}\n<iati-activities".encode(), 1)


def test_an_entity_reference_keeps_the_text_around_it_and_is_never_resolved(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT", encoding="utf-8")
    data = with_doctype(
        f'<!DOCTYPE iati-activities [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
        "<iati-identifier>X-1</iati-identifier>"
        "<title><narrative>XXE test &xxe; and artisanal mining</narrative></title>"
        '<description type="1"><narrative xml:lang="fr">Or</narrative>'
        "<narrative>Gold &xxe; panning</narrative></description>",
    )
    (activity,) = read(data)
    assert activity.title == "XXE test &xxe; and artisanal mining"
    assert activity.description == "Gold &xxe; panning"
    assert "SECRET" not in activity.title + activity.description
    assert activity.warnings == [
        "line 5: iati-activities/iati-activity[1]/title/narrative: the entity reference "
        "&xxe; is kept as written, not resolved (activity X-1)",
        "line 5: iati-activities/iati-activity[1]/description/narrative: the entity reference "
        "&xxe; is kept as written, not resolved (activity X-1)",
    ]


def test_an_external_dtd_is_never_read(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "SECRET-FROM-DTD">', encoding="utf-8")
    data = with_doctype(
        f'<!DOCTYPE iati-activities [<!ENTITY % ext SYSTEM "{dtd.as_uri()}"> %ext;]>',
        "<iati-identifier>X-2</iati-identifier>"
        "<title><narrative>Before &leak; after</narrative></title>",
    )
    (activity,) = read(data)
    assert "SECRET" not in activity.title
    assert activity.title.startswith("Before") and activity.title.endswith("after")
    assert activity.warnings and "title/narrative" in activity.warnings[0]
