"""The generated report: computed common priorities, citations, editing, publishing, files."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from asmhub.convenings import report
from asmhub.convenings.models import (
    Breakout,
    Commitment,
    Convening,
    Presentation,
    Session,
    Statement,
)
from asmhub.convenings.report_models import Report
from asmhub.convenings.report_sections import Context, common_priorities
from asmhub.taxonomy.models import LeverIssue

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(convening: Convening, org: Any) -> Convening:
    day = convening.starts_on
    talks = Session.objects.create(
        convening=convening, title="Session one", kind="presentations", day=day
    )
    Presentation.objects.create(
        session=talks,
        title="MDG 1 and small-scale mining",
        notes=(
            "Small-scale mining lifts families out of poverty when miners keep a fair share of "
            "the value. Poverty drives people into mining. The room was cold. "
            "Donors rarely see mining as a poverty programme."
        ),
    )
    rounds = Session.objects.create(
        convening=convening, title="Breakout round two", kind="breakouts", day=day
    )
    two = Breakout.objects.create(session=rounds, name="Group Two", task="Common priorities")
    three = Breakout.objects.create(session=rounds, name="Group Three", task="Donor priorities")
    for topic in ("Poverty", "Conflict"):
        Statement.objects.create(
            convening=convening,
            kind="priority",
            topic=topic,
            statement=f"{topic} is common.",
            scope=Statement.Scope.SHARED,
            breakout=two,
            quote=f"{topic} (Group Two)",
        )
    Statement.objects.create(
        convening=convening,
        kind="challenge",
        topic="Access to finance",
        statement="Banks do not lend.",
        breakout=two,
    )
    Statement.objects.create(
        convening=convening,
        kind="priority",
        topic="access to finance",
        statement="Credit lines.",
        breakout=three,
    )
    Statement.objects.create(
        convening=convening,
        kind="priority",
        topic="Mercury",
        statement="Held by one group only.",
        breakout=three,
    )
    Commitment.objects.create(
        convening=convening,
        organization=org,
        what="Circulate the report",
        due_on=dt.date(2026, 7, 31),
    )
    return convening


def test_common_priorities_are_computed_with_their_reasons(recorded: Convening) -> None:
    found = {p.topic: p for p in common_priorities(Context(recorded))}
    assert set(found) == {"Poverty", "Conflict", "Access to finance"}
    assert "Group Two" in found["Poverty"].reasons[0]
    assert found["Access to finance"].reasons == ["raised in 2 separate sources"]


def test_drafting_fills_every_section_of_the_outline_with_citations(
    login: Any, owner: Any, recorded: Convening
) -> None:
    saved = report.DraftReport(owner, recorded).execute()
    keys = list(saved.sections.values_list("key", flat=True))
    assert keys == [s["key"] for s in report.outline()]
    common = saved.sections.get(key="common-stakeholders")
    titles = [item["title"] for item in common.content["items"]]
    assert titles == ["Poverty", "Conflict", "Access to finance"]
    kinds = {c["kind"] for c in common.citations}
    assert {"statement", "breakout"} <= kinds
    assert all(c["url"] for c in common.citations if c["kind"] == "breakout")
    summary = saved.sections.get(key="presentations").content["items"][0]["text"]
    assert "poverty" in summary.lower() and "cold" not in summary
    commitments = saved.sections.get(key="commitments").content["table"]["rows"]
    assert commitments[0][1] == "Circulate the report"


def test_only_organizers_draft(outsider: Any, recorded: Convening) -> None:
    with pytest.raises(PermissionDenied):
        report.DraftReport(outsider, recorded).execute()


def test_an_edited_section_keeps_its_text_and_is_flagged_when_records_change(
    owner: Any, recorded: Convening
) -> None:
    saved = report.DraftReport(owner, recorded).execute()
    section = saved.sections.get(key="common-stakeholders")
    report.EditSection(owner, section, "Our own words.").execute()
    Statement.objects.create(
        convening=recorded, kind="priority", topic="Women", statement="x", scope="shared"
    )
    report.DraftReport(owner, recorded).execute()
    section.refresh_from_db()
    assert section.text == "Our own words." and section.stale
    assert "Women" in [i["title"] for i in section.content["items"]]


def test_the_report_page_edit_in_place_publish_and_files(
    login: Any, owner: Any, recorded: Convening
) -> None:
    client = login(owner)
    page = reverse("convenings:report", args=[recorded.slug])
    assert b"Draft the report" in client.get(page).content
    client.post(reverse("convenings:report-draft", args=[recorded.slug]))
    edit = reverse("convenings:report-section-edit", args=[recorded.slug, "secretariat"])
    fragment = client.get(edit, HTTP_HX_REQUEST="true")
    assert b"<textarea" in fragment.content and b"<html" not in fragment.content
    saved = client.post(
        edit, {"body": "The secretariat convenes.\n\n- a list item"}, HTTP_HX_REQUEST="true"
    )
    assert b"<li>a list item</li>" in saved.content
    visitor = Client()
    assert visitor.get(page).status_code == 404
    assert visitor.get(reverse("convenings:report-pdf", args=[recorded.slug])).status_code == 404
    client.post(reverse("convenings:report-publish", args=[recorded.slug]))
    published = Report.objects.get()
    assert published.is_published and published.edition == 1
    assert b"The secretariat convenes." in visitor.get(page).content
    pdf = visitor.get(reverse("convenings:report-pdf", args=[recorded.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf.content)
    text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "Contents" in text and "Common priorities among stakeholders" in text
    assert "The secretariat convenes." in text
    assert len(document) >= len(report.outline()) + 2  # cover, contents, one page per section
    word = visitor.get(reverse("convenings:report-docx", args=[recorded.slug]))
    from docx import Document

    doc = Document(io.BytesIO(word.content))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "Contents" and "5. Common priorities among stakeholders" in headings
    assert any("The secretariat convenes." in p.text for p in doc.paragraphs)


def test_a_published_report_carries_no_draft_records_of_other_capabilities(
    owner: Any, recorded: Convening, org: Any
) -> None:
    from asmhub.core.models import Status
    from asmhub.library.models import Fact, Resource

    issue = LeverIssue.objects.first()
    if issue is None:
        pytest.skip("taxonomy not loaded")
    Statement.objects.get(topic="Poverty").lever_issues.add(issue)
    source = Resource.objects.create(
        title="A study", status=Status.PUBLISHED, owner_organization=org
    )
    hidden = Fact.objects.create(
        statement="A draft figure",
        year=2025,
        status=Status.DRAFT,
        owner_organization=org,
        resource=source,
    )
    hidden.lever_issues.add(issue)
    shown = Fact.objects.create(
        statement="A published figure",
        year=2025,  # dated before the convening: the report draws only on such records
        status=Status.PUBLISHED,
        owner_organization=org,
        resource=source,
    )
    shown.lever_issues.add(issue)
    saved = report.DraftReport(owner, recorded).execute()
    titles = [i["title"] for i in saved.sections.get(key="message").content["items"]]
    assert titles == ["A published figure"]


def test_the_api_gives_the_report_once_published(owner: Any, recorded: Convening) -> None:
    url = f"/api/convenings/{recorded.slug}/report"
    saved = report.DraftReport(owner, recorded).execute()
    assert Client().get(url).status_code == 404
    report.SetReportState(owner, saved, publish=True).execute()
    body = Client().get(url).json()
    assert body["edition"] == 1 and len(body["sections"]) == len(report.outline())
