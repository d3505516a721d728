"""The lever-issue brief: drafted with every statement cited, readable only once
published, frozen in versions that keep their text when the records change, with what
changed between versions, in English and French, as a page, a PDF and a Word file."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pypdfium2
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import Resolver404, resolve

from asmhub.briefs import services
from asmhub.briefs.models import Brief, BriefVersion
from asmhub.briefs.signals import brief_published
from asmhub.conftest import make_user
from asmhub.core.models import Status
from asmhub.outreach import follows
from asmhub.strategy.models import Indicator, Strategy

pytestmark = pytest.mark.django_db


def drafted(editor: Any, gender: dict[str, Any]) -> Brief:
    return services.DraftBrief(editor, gender["issue"]).execute()


def published(editor: Any, gender: dict[str, Any], note: str = "") -> Brief:
    brief = drafted(editor, gender)
    services.PublishBrief(editor, brief, note).execute()
    return brief


def test_every_item_of_every_section_is_cited_and_linked(editor: Any, gender: Any) -> None:
    brief = drafted(editor, gender)
    sections = services.working_sections(brief, "en")
    assert [s["key"] for s in sections] == [
        "issue", "goals", "evidence", "stories", "funding", "champions", "projects", "ask"
    ]  # fmt: skip
    for section in sections:
        numbers = {c["n"] for c in section["citations"]}
        for item in section["items"]:
            assert item["cites"], (section["key"], item["title"])
            assert set(item["cites"]) <= numbers
        for citation in section["citations"]:
            path = citation["url"].split("?")[0]
            try:
                resolve(path)
            except Resolver404:  # pragma: no cover - the assertion says which
                pytest.fail(f"{section['key']}: {citation['label']} links nowhere ({path})")
    text = str(sections)
    assert "Women make up approximately 30 percent" in text
    assert gender["resource"].title in text
    assert "A draft fact nobody may cite yet." not in text
    for wanted in ("Santa Filomena", "World Bank", "Mayra Buvinic", "Women in artisanal gold",
                   "Leadership of women in cooperatives", "SDG target 5."):  # fmt: skip
        assert wanted in text, wanted


def test_field_evidence_names_the_province_and_share_from_aggregates(
    editor: Any, gender: Any
) -> None:
    brief = drafted(editor, gender)
    evidence = next(s for s in services.working_sections(brief, "en") if s["key"] == "evidence")
    item = evidence["items"][0]
    assert item["title"] == "Women at the site: Nord-Kivu"
    assert "4 of the 6 visited sites" in item["text"]
    assert "Kivu survey" in item["meta"]
    # Only aggregates: no site is named.
    assert "Site 0" not in str(evidence)


def test_french_is_drafted_in_french(editor: Any, gender: Any) -> None:
    brief = drafted(editor, gender)
    titles = [s["title"] for s in services.working_sections(brief, "fr")]
    assert titles[0] == "L'enjeu et pourquoi il compte"
    assert titles[-1] == "La demande"


def test_only_editors_draft_edit_and_publish(owner: Any, gender: Any, editor: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.DraftBrief(owner, gender["issue"]).execute()
    brief = drafted(editor, gender)
    with pytest.raises(PermissionDenied):
        services.EditSection(owner, brief, "ask", "en", "Mine").execute()
    with pytest.raises(PermissionDenied):
        services.PublishBrief(owner, brief).execute()
    assert not BriefVersion.objects.exists()


def test_editing_an_unknown_section_names_it_and_writes_nothing(editor: Any, gender: Any) -> None:
    brief = drafted(editor, gender)
    with pytest.raises(ValidationError) as caught:
        services.EditSection(editor, brief, "nowhere", "en", "Text").execute()
    assert "nowhere" in str(caught.value)
    brief.refresh_from_db()
    assert brief.bodies == {}


def test_an_unpublished_brief_is_404_to_everyone_but_editors(
    client: Any, login: Any, editor: Any, owner: Any, gender: Any
) -> None:
    brief = drafted(editor, gender)
    for path in (brief.get_absolute_url(), f"{brief.get_absolute_url()}working/",
                 f"{brief.get_absolute_url()}working.pdf"):  # fmt: skip
        assert client.get(path).status_code in (404, 302)
        assert login(owner).get(path).status_code == 404
        client.logout()
    assert client.get("/briefs/").content.decode().count(brief.title) == 0
    assert login(editor).get(f"{brief.get_absolute_url()}working/").status_code == 200


def test_a_member_cannot_post_to_the_editors_routes(
    login: Any, owner: Any, editor: Any, gender: Any
) -> None:
    brief = drafted(editor, gender)
    member = login(owner)
    assert member.post(f"/briefs/draft/{gender['issue'].slug}/").status_code == 404
    assert member.post(f"{brief.get_absolute_url()}publish/").status_code == 404
    assert member.post(f"{brief.get_absolute_url()}sections/ask/", {"text": "x"}).status_code == 404
    assert not BriefVersion.objects.exists()


def test_a_published_version_keeps_its_text_when_its_sources_change(
    client: Any, editor: Any, gender: Any
) -> None:
    brief = published(editor, gender)
    fact = gender["fact"]
    fact.statement = "Women make up about 40 percent of the ASM labour force."
    fact.save()
    page = client.get(brief.get_absolute_url()).content.decode()
    assert "approximately 30 percent" in page
    assert "40 percent" not in page
    # Drafting again changes the working copy, not the published version.
    drafted(editor, gender)
    assert "approximately 30 percent" in client.get(brief.get_absolute_url()).content.decode()


def test_a_version_is_never_changed(editor: Any, gender: Any) -> None:
    version = published(editor, gender).latest()
    assert version is not None
    version.note = "rewritten"
    with pytest.raises(ValidationError):
        version.save()


def test_a_new_version_shows_what_changed(client: Any, editor: Any, gender: Any) -> None:
    brief = published(editor, gender)
    gender["fact"].statement = "Women make up about 40 percent of the ASM labour force."
    gender["fact"].save()
    brief = drafted(editor, gender)
    services.EditSection(editor, brief, "ask", "en", "Fund the women's cooperatives [1].").execute()
    services.PublishBrief(editor, brief, "New labour-force figure").execute()
    assert brief.versions.count() == 2
    page = client.get(brief.get_absolute_url()).content.decode()
    assert "What changed in version 2" in page
    assert "New labour-force figure" in page
    assert "<del>approximately 30</del>" in page or "<del>approximately</del>" in page
    assert "<ins>about 40</ins>" in page or "<ins>about</ins>" in page
    assert "cooperatives [1].</ins>" in page
    # The first version still reads as it was.
    first = client.get("/briefs/gender-brief/v1/").content.decode()
    assert "approximately 30 percent" in first
    assert "What changed" not in first


def test_publishing_sends_the_signal_once_committed(
    editor: Any, gender: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received = []

    def listener(sender: Any, brief: Brief, version: BriefVersion, **kwargs: Any) -> None:
        received.append((brief.slug, version.number))

    brief_published.connect(listener)
    try:
        brief = drafted(editor, gender)
        with django_capture_on_commit_callbacks(execute=True):
            services.PublishBrief(editor, brief).execute()
    finally:
        brief_published.disconnect(listener)
    assert received == [("gender-brief", 1)]


def test_the_gender_brief_as_pdf_and_word_with_linked_sources(
    client: Any, editor: Any, gender: Any
) -> None:
    brief = published(editor, gender)
    response = client.get(f"{brief.get_absolute_url()}v1.pdf")
    assert response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    assert 1 <= len(pdf) <= 3
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Women make up approximately 30 percent" in text
    assert "Nord-Kivu" in text
    response = client.get(f"{brief.get_absolute_url()}v1.docx")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode()
        links = docx.read("word/_rels/document.xml.rels").decode()
    assert "Women make up approximately 30 percent" in body
    assert "<w:hyperlink" in body
    assert f"/library/facts/{gender['fact'].pk}/" in links or "/library/" in links
    assert client.get(f"{brief.get_absolute_url()}v1.exe").status_code == 404


def test_the_page_in_french(client: Any, editor: Any, gender: Any) -> None:
    brief = published(editor, gender)
    page = client.get(brief.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "L&#x27;enjeu et pourquoi il compte" in page
    assert "Télécharger" in page or "PDF" in page


def test_search_and_home_count_only_published_briefs(client: Any, editor: Any, gender: Any) -> None:
    from asmhub.briefs.search import search_everything

    drafted(editor, gender)
    from django.contrib.auth.models import AnonymousUser

    assert search_everything(AnonymousUser(), "Gender", 5)[0].total == 0
    assert search_everything(editor, "Gender", 5)[0].total == 1
    assert services.home_stats(AnonymousUser())[0].count == 0
    services.PublishBrief(editor, Brief.objects.get()).execute()
    assert search_everything(AnonymousUser(), "Gender", 5)[0].total == 1
    assert services.home_stats(AnonymousUser())[0].count == 1


def test_citation_marks_link_to_their_sources_and_the_text_stays_escaped() -> None:
    from asmhub.briefs.templatetags.briefs_tags import cite_links

    html = cite_links("<b>30 %</b> [2] and [x]", "issue")
    assert html == ('&lt;b&gt;30 %&lt;/b&gt; <a class="cite" href="#cite-issue-2">[2]</a> and [x]')


def test_the_api_serves_only_published_versions(client: Any, editor: Any, gender: Any) -> None:
    brief = drafted(editor, gender)
    assert client.get("/api/briefs/").json() == []
    assert client.get(f"/api/briefs/{brief.slug}/versions/1").status_code == 404
    services.PublishBrief(editor, brief).execute()
    listed = client.get("/api/briefs/").json()
    assert [b["latest_version"] for b in listed] == [1]
    answer = client.get(f"/api/briefs/{brief.slug}/versions/1?language=fr").json()
    assert answer["sections"][0]["title"] == "L'enjeu et pourquoi il compte"
    assert all(c["url"].startswith("http") for s in answer["sections"] for c in s["citations"])


def test_followers_of_the_issue_are_told_of_each_published_version(
    editor: Any, gender: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reader = make_user("reader", None)
    reader.email = "reader@example.org"
    reader.save()
    follows.follow(reader, gender["issue"])
    brief = drafted(editor, gender)
    assert [m for m in mail.outbox if "reader@example.org" in m.to] == []  # a draft is not news

    with django_capture_on_commit_callbacks(execute=True):
        services.PublishBrief(editor, brief).execute()
    [message] = [m for m in mail.outbox if "reader@example.org" in m.to]
    assert brief.title in message.subject
    assert "/briefs/gender-brief/v1/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        services.PublishBrief(editor, brief, "Figures of 2021").execute()
    assert len([m for m in mail.outbox if "reader@example.org" in m.to]) == 2


def test_a_briefs_published_indicator_counts_each_new_version(
    editor: Any, gender: Any, django_capture_on_commit_callbacks: Any
) -> None:
    strategy = Strategy.objects.create(
        title="Putting ASM on the agenda",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        status=Status.PUBLISHED,
    )
    indicator = Indicator.objects.create(
        strategy=strategy,
        title="Briefs published",
        metric="briefs-published",
        baseline_on=dt.date(2020, 1, 1),
    )
    indicator.full_clean()  # the metric is one the form offers
    brief = drafted(editor, gender)
    with django_capture_on_commit_callbacks(execute=True):
        services.PublishBrief(editor, brief).execute()
    assert indicator.latest().value == 1  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        services.PublishBrief(editor, brief, "Figures of 2021").execute()
    assert indicator.latest().value == 2  # type: ignore[union-attr]
