"""The report follows the interface language, and draws only on what existed at the
convening unless an editor adds a later record explicitly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from asmhub.conftest import make_org
from asmhub.convenings import report
from asmhub.convenings.models import Convening, Presentation, Statement
from asmhub.convenings.tests.test_report import recorded  # noqa: F401 (fixture)
from asmhub.core.models import AuditEntry, Status
from asmhub.funding.models import Opportunity, Project
from asmhub.taxonomy.models import LeverIssue, MDGGoal

pytestmark = pytest.mark.django_db


def _tag_poverty(convening: Convening) -> LeverIssue:
    poverty = LeverIssue.objects.get(slug="poverty-livelihoods")
    for statement in Statement.objects.filter(convening=convening, topic="Poverty"):
        statement.lever_issues.add(poverty)
        statement.mdg_goals.add(MDGGoal.objects.get(number=1))
    Presentation.objects.get(title="MDG 1 and small-scale mining").mdg_goals.add(
        MDGGoal.objects.get(number=1)
    )
    return poverty


def test_the_french_interface_shows_the_report_in_french(
    login: Any,
    owner: Any,
    recorded: Convening,  # noqa: F811
) -> None:
    _tag_poverty(recorded)
    client = login(owner)
    client.post(reverse("convenings:report-draft", args=[recorded.slug]))
    page = reverse("convenings:report", args=[recorded.slug])
    english = client.get(page).content.decode()
    assert "Summaries of the presentations" in english and "MDG 1" in english
    client.cookies["django_language"] = "fr"
    french = client.get(page).content.decode()
    assert "Résumés des présentations" in french
    assert "Summaries of the presentations" not in french
    assert "OMD 1" in french and "MDG 1</" not in french
    assert "Priorités communes aux parties prenantes" in french


def test_a_report_cites_only_what_existed_at_the_convening(
    login: Any,
    owner: Any,
    editor: Any,
    recorded: Convening,  # noqa: F811
) -> None:
    poverty = _tag_poverty(recorded)
    recorded.starts_on, recorded.ends_on = dt.date(2005, 6, 16), dt.date(2005, 6, 17)
    recorded.save()
    donor = make_org("World Bank", "multilateral")
    made = {}
    for title, starts in (
        ("Artisanal mining project 2003", dt.date(2003, 1, 1)),
        ("Gold programme 2021", dt.date(2021, 1, 1)),
    ):
        made[title] = Project.objects.create(title=title, starts_on=starts, status=Status.PUBLISHED)
        made[title].lever_issues.add(poverty)
    later_call = Opportunity.objects.create(
        title="Call for proposals 2027",
        donor=donor,
        opens_on=dt.date(2027, 1, 1),
        closes_on=dt.date(2027, 6, 1),
        status=Status.PUBLISHED,
    )
    later_call.lever_issues.add(poverty)
    saved = report.DraftReport(owner, recorded).execute()
    section = saved.sections.get(key="projects")
    titles = [item["title"] for item in section.content["items"]]
    assert titles == ["Artisanal mining project 2003"]

    client = login(editor)
    address = "http://testserver" + made["Gold programme 2021"].get_absolute_url()
    client.post(reverse("convenings:report-include", args=[recorded.slug]), {"address": address})
    section.refresh_from_db()
    titles = [item["title"] for item in section.content["items"]]
    assert titles == ["Artisanal mining project 2003", "Gold programme 2021"]
    assert AuditEntry.for_object(saved).filter(action="include").exists()


def test_only_editors_add_records_and_a_bad_address_is_named(
    login: Any,
    owner: Any,
    editor: Any,
    recorded: Convening,  # noqa: F811
) -> None:
    saved = report.DraftReport(owner, recorded).execute()
    url = reverse("convenings:report-include", args=[recorded.slug])
    project = Project.objects.create(title="Later", status=Status.PUBLISHED)
    login(owner).post(url, {"address": project.get_absolute_url()})
    saved.refresh_from_db()
    assert saved.included == []
    response = login(editor).post(url, {"address": "/no/such/page/"}, follow=True)
    assert "“/no/such/page/” is not the page of a project" in response.content.decode()
    saved.refresh_from_db()
    assert saved.included == []
