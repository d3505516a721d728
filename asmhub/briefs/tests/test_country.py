"""Country profiles: figures only as editors entered them, with source and year; gaps and
old figures flagged; the DRC profile as a page, a PDF and a Word file with every figure
cited and linked; the comparison; and who may enter figures."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pypdfium2
import pytest
from django.utils.translation import override

from asmhub.briefs import country as profiles
from asmhub.briefs.demo import load_demo_briefs
from asmhub.briefs.models import CountryFacts, CountryFigure
from asmhub.briefs.tests.conftest import REPORT, make_sites
from asmhub.core.models import Status
from asmhub.library.models import Resource
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db

SUMMARY = "2020 PPA Member Meeting: Summary"


@pytest.fixture
def drc(db: Any) -> Country:
    Resource.objects.create(title=SUMMARY, year=2020, status=Status.PUBLISHED)
    Resource.objects.create(title=REPORT, year=2005, status=Status.PUBLISHED)
    load_demo_briefs()
    country = Country.objects.get(code="CD")
    make_sites(country)
    return country


def test_the_demo_holds_only_the_figure_the_seeds_give(drc: Country) -> None:
    figure = CountryFigure.objects.get(country=drc)
    assert (figure.value, figure.value_max, figure.year) == (98, 99, 2020)
    assert figure.source is not None and figure.source.title == SUMMARY
    assert "98-99%" in figure.quote


def test_the_drc_profile_cites_and_links_every_figure_and_flags_gaps(
    client: Any, drc: Country
) -> None:
    with override("en"):
        sections = {s["key"]: s for s in profiles.profile(drc)}
    figures = sections["figures"]
    row = figures["table"]["rows"][0]
    assert row[:3] == ["Share of artisanal gold smuggled (Gold)", "98–99 %", 2020]
    source = next(c for c in figures["citations"] if f"[{c['n']}]" == row[3])
    assert source["label"] == SUMMARY
    assert source["url"] == Resource.objects.get(title=SUMMARY).get_absolute_url()
    assert "Data gaps" in figures["text"]
    assert "People working in ASM" in figures["text"]
    assert "Formalization:" in sections["legal"]["text"]
    assert "whether the national poverty-reduction" in sections["legal"]["text"]
    assert "6 sites monitored" in sections["monitoring"]["text"]
    page = client.get("/briefs/countries/cd/").content.decode()
    assert "98–99 %" in page
    assert f'href="{source["url"]}"' in page
    assert f'<td><a class="cite" href="#cite-figures-{source["n"]}">' in page


def test_the_drc_profile_as_pdf_and_word(client: Any, drc: Country) -> None:
    response = client.get("/briefs/countries/cd/profile.pdf")
    pdf = pypdfium2.PdfDocument(response.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "98–99 %" in text and SUMMARY in text
    response = client.get("/briefs/countries/cd/profile.docx")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode()
        rels = docx.read("word/_rels/document.xml.rels").decode()
    assert "98–99 %" in body and SUMMARY in body
    assert Resource.objects.get(title=SUMMARY).get_absolute_url() in rels


def test_an_old_figure_is_a_data_gap(drc: Country, settings: Any) -> None:
    settings.ASMHUB_BRIEFS_FIGURE_MAX_AGE = 3
    CountryFigure.objects.create(
        country=drc,
        kind=CountryFigure.Kind.MINERS,
        value=2000000,
        unit="people",
        year=2010,
        source_url="https://example.org/census",
    )
    figures = profiles.figures(drc)
    miners = next(r for r in figures.table["rows"] if r[2] == 2010)  # type: ignore[index]
    assert "older than 3 years" in miners[4]
    assert "People working in ASM" in figures.text


def test_a_figure_without_a_source_is_refused_and_nothing_is_written(
    login: Any, editor: Any, drc: Country
) -> None:
    before = CountryFigure.objects.count()
    response = login(editor).post(
        "/briefs/countries/cd/figures/new/",
        {"kind": "miners", "value": "1000", "year": "2020", "unit": "people"},
    )
    assert response.status_code == 200
    assert "Give the figure" in response.content.decode()
    assert CountryFigure.objects.count() == before


def test_an_editor_enters_a_figure_with_its_source(login: Any, editor: Any, drc: Country) -> None:
    response = login(editor).post(
        "/briefs/countries/cd/figures/new/",
        {
            "kind": "miners",
            "value": "1000",
            "year": "2020",
            "unit": "people",
            "source_url": "https://example.org/survey",
        },
    )
    assert response.status_code == 302
    assert CountryFigure.objects.filter(kind="miners", country=drc).exists()


def test_members_and_visitors_cannot_enter_figures_or_facts(
    client: Any, login: Any, owner: Any, drc: Country
) -> None:
    data = {"kind": "miners", "value": "1", "year": "2020", "source_url": "https://e.org"}
    assert client.post("/briefs/countries/cd/figures/new/", data).status_code == 302  # sign in
    member = login(owner)
    assert member.post("/briefs/countries/cd/figures/new/", data).status_code == 403
    assert member.post("/briefs/countries/cd/facts/", {"legal_framework": "x"}).status_code == 403
    assert not CountryFigure.objects.filter(kind="miners").exists()
    assert not CountryFacts.objects.filter(legal_framework="x").exists()


def test_countries_side_by_side(client: Any, drc: Country) -> None:
    page = client.get("/briefs/countries/compare/?c=cd&c=tz&c=zz").content.decode()
    assert "Congo" in page and "Tanzania" in page
    assert "98–99 %" in page
    assert "data gap" in page
    assert "No country has the code: ZZ." in page


def test_the_demo_loads_twice_without_duplicates(drc: Country) -> None:
    from asmhub.briefs.models import Brief, BriefVersion, NetworkResource

    load_demo_briefs()
    assert CountryFigure.objects.filter(country=drc).count() == 1
    assert Brief.objects.count() == 3
    assert BriefVersion.objects.count() == 3
    # The campaign's resources: only what the seeds say the network needs.
    assert list(NetworkResource.objects.values_list("side", flat=True)) == ["needs", "needs"]


def test_a_demo_figure_citing_a_missing_title_names_it(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(
        "figures:\n  - {country: CD, kind: other, value: 1, year: 2020, source: Nowhere}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="no library resource is titled 'Nowhere'"):
        load_demo_briefs(path)
    assert not CountryFigure.objects.exists()
