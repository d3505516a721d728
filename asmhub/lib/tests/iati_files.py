"""Generated IATI 2.03 activity files of any size, for tests and benchmarks.

Each activity has what donors' files usually hold: a reporting organisation, three
participating organisations, four dates, two recipient countries and a region with
percentages, three sectors (DAC 5-digit and SDG goal and target), two budgets and four
transactions. Every ``asm_every``-th activity is about artisanal mining (a 322xx
sector code and ASM words in its text); the rest are not.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

DONORS = [
    ("GB-GOV-1", "10", "Department for International Development"),
    ("US-GOV-1", "10", "United States Agency for International Development"),
    ("XM-DAC-44000", "40", "World Bank"),
    ("CH-4", "10", "Swiss Agency for Development and Cooperation"),
    ("XM-DAC-41302", "40", "International Labour Organization"),
]
COUNTRIES = ["GH", "TZ", "PE", "BO", "CD", "MG", "EC", "ML", "BF", "MN", "CO", "ZM"]
OTHER_SECTORS = ["12262", "21020", "11220", "14030", "43040", "15110"]
PLAIN = (
    "The programme supports district authorities to plan and deliver basic services, "
    "improves the maintenance of rural infrastructure and strengthens the capacity of "
    "local organisations to monitor results, with a focus on the poorest households, "
    "women and young people, in coordination with the national development plan and "
    "other development partners working in the same districts."
)
ASM = (
    "Artisanal and small-scale gold mining communities are supported to formalise their "
    "operations, reduce the use of mercury, end child labour at the mine sites and gain "
    "access to finance and fair markets for their gold, with the mining cadastre and the "
    "local authorities, so that small-scale miners keep more of the value they produce."
)


def activity_xml(index: int, asm_every: int = 10, title: str | None = None) -> str:
    ref, org_type, name = DONORS[index % len(DONORS)]
    first, second = COUNTRIES[index % len(COUNTRIES)], COUNTRIES[(index + 5) % len(COUNTRIES)]
    is_asm = asm_every > 0 and index % asm_every == 0
    sector = "32265" if is_asm else OTHER_SECTORS[index % len(OTHER_SECTORS)]
    text = ASM if is_asm else PLAIN
    year = 2010 + index % 12
    heading = title or (
        f"Artisanal gold mining formalisation, phase {index}"
        if is_asm
        else f"District services programme, phase {index}"
    )
    return f"""  <iati-activity last-updated-datetime="2024-01-15T10:00:00Z" xml:lang="en" default-currency="USD">
    <iati-identifier>{ref}-GEN-{index:07d}</iati-identifier>
    <reporting-org ref="{ref}" type="{org_type}"><narrative>{name}</narrative></reporting-org>
    <title><narrative>{escape(heading)}</narrative></title>
    <description type="1"><narrative>{text}</narrative></description>
    <participating-org ref="{ref}" role="1" type="{org_type}"><narrative>{name}</narrative></participating-org>
    <participating-org role="2" type="10"><narrative>Ministry of Finance</narrative></participating-org>
    <participating-org role="4" type="21"><narrative>Implementing NGO {index % 97}</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="{year}-01-01"/>
    <activity-date type="2" iso-date="{year}-02-15"/>
    <activity-date type="3" iso-date="{year + 3}-12-31"/>
    <activity-date type="4" iso-date="{year + 4}-03-31"/>
    <recipient-country code="{first}" percentage="60"/>
    <recipient-country code="{second}" percentage="30"/>
    <recipient-region code="298" vocabulary="1" percentage="10"/>
    <sector vocabulary="1" code="{sector}" percentage="100"/>
    <sector vocabulary="7" code="{8 if is_asm else 1}"/>
    <sector vocabulary="8" code="{"8.7" if is_asm else "1.4"}"/>
    <budget type="1" status="2">
      <period-start iso-date="{year}-01-01"/>
      <period-end iso-date="{year}-12-31"/>
      <value currency="USD" value-date="{year}-01-01">{100000 + index}</value>
    </budget>
    <budget type="1" status="2">
      <period-start iso-date="{year + 1}-01-01"/>
      <period-end iso-date="{year + 1}-12-31"/>
      <value currency="USD" value-date="{year + 1}-01-01">250000</value>
    </budget>
    <transaction>
      <transaction-type code="2"/>
      <transaction-date iso-date="{year}-02-15"/>
      <value currency="USD" value-date="{year}-02-15">350000</value>
      <provider-org ref="{ref}"><narrative>{name}</narrative></provider-org>
    </transaction>
    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="{year}-06-30"/>
      <value currency="USD" value-date="{year}-06-30">120000</value>
      <receiver-org><narrative>Implementing NGO {index % 97}</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="{year + 1}-06-30"/>
      <value currency="USD" value-date="{year + 1}-06-30">100000</value>
    </transaction>
    <transaction>
      <transaction-type code="4"/>
      <transaction-date iso-date="{year + 1}-09-30"/>
      <value currency="USD" value-date="{year + 1}-09-30">25000.50</value>
    </transaction>
  </iati-activity>
"""


def small_activity_xml(index: int, asm_every: int = 10) -> str:
    """An activity with one of each: identifier, reporting org, title, country, sector, money."""
    ref, org_type, name = DONORS[index % len(DONORS)]
    is_asm = asm_every > 0 and index % asm_every == 0
    return (
        f'  <iati-activity default-currency="USD"><iati-identifier>{ref}-S-{index:07d}'
        f'</iati-identifier><reporting-org ref="{ref}" type="{org_type}"><narrative>{name}'
        f"</narrative></reporting-org><title><narrative>Activity {index}</narrative></title>"
        f'<activity-date type="1" iso-date="{2010 + index % 12}-01-01"/>'
        f'<recipient-country code="{COUNTRIES[index % len(COUNTRIES)]}" percentage="100"/>'
        f'<sector code="{"32265" if is_asm else "12262"}"/><budget><period-start '
        f'iso-date="2012-01-01"/><period-end iso-date="2012-12-31"/><value>{1000 + index}'
        f'</value></budget><transaction><transaction-type code="3"/><transaction-date '
        f'iso-date="2012-06-30"/><value>500</value></transaction></iati-activity>\n'
    )


def write_file(
    path: Path,
    count: int,
    asm_every: int = 10,
    version: str = "2.03",
    start: int = 0,
    small: bool = False,
) -> Path:
    """Write ``count`` activities (numbered from ``start``) to ``path`` and return it."""
    make = small_activity_xml if small else activity_xml
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(
            f'<iati-activities version="{version}" generated-datetime="2024-01-15T10:00:00Z">\n'
        )
        for index in range(start, start + count):
            out.write(make(index, asm_every))
        out.write("</iati-activities>\n")
    return path
