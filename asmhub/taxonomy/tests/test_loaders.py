from pathlib import Path

import pytest

from asmhub.taxonomy import loaders
from asmhub.taxonomy import models as tx


@pytest.mark.django_db
def test_taxonomy_holds_the_official_goal_counts() -> None:
    assert tx.SDGGoal.objects.count() == 17
    assert tx.SDGTarget.objects.count() == 169
    assert tx.SDGIndicator.objects.count() >= 230
    assert tx.MDGGoal.objects.count() == 8
    assert tx.MDGTarget.objects.count() == 21
    assert tx.LeverIssue.objects.count() == 14


@pytest.mark.django_db
def test_sdg_texts_come_in_four_languages() -> None:
    target = tx.SDGTarget.objects.get(code="8.7")
    assert "child labour" in target.title
    assert set(target.translations) == {"fr", "es", "sw"}
    assert "travail des enfants" in target.tr("title", "fr")


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    before = {
        model: model.objects.count() for model in (tx.SDGTarget, tx.Country, tx.Code, tx.Mineral)
    }
    report = loaders.load_taxonomy()
    assert report.changed == 0, report.lines()
    assert {model: model.objects.count() for model in before} == before


@pytest.mark.django_db
def test_lever_issues_link_to_goals_and_targets() -> None:
    child_labour = tx.LeverIssue.objects.get(slug="child-labour-education")
    assert "8.7" in set(child_labour.sdg_targets.values_list("code", flat=True))
    assert 8 in set(child_labour.sdg_goals().values_list("number", flat=True))
    assert child_labour.tr("name", "fr") != child_labour.name


@pytest.mark.django_db
def test_minerals_carry_french_field_names() -> None:
    tin = tx.Mineral.objects.get(slug="tin")
    assert "cassitérite" in tin.aliases
    assert tx.Mineral.objects.get(slug="gold").group.slug == "3tg"


@pytest.mark.django_db
def test_countries_have_m49_regions_and_french_names() -> None:
    drc = tx.Country.objects.select_related("subregion__parent").get(code="CD")
    assert drc.subregion is not None and drc.subregion.slug == "middle-africa"
    assert drc.subregion.parent is not None and drc.subregion.parent.slug == "africa"
    assert drc.groupings.filter(slug="great-lakes-icglr").exists()
    assert "Congo" in drc.tr("name", "fr")


@pytest.mark.django_db
def test_mining_sector_codes_are_loaded() -> None:
    codes = tx.Code.objects.filter(codelist__name="Sector", category="322")
    assert codes.filter(code="32264").exists() or codes.count() >= 5
    assert tx.CodeList.objects.filter(name="SectorVocabulary").exists()


@pytest.mark.django_db
def test_a_bad_reference_is_named_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for item in loaders.DATA_DIR.iterdir():
        (data / item.name).symlink_to(item)
    broken = (loaders.DATA_DIR / "lever_issues.yaml").read_text().replace('"8.7"', '"8.99"', 1)
    (data / "lever_issues.yaml").unlink()
    (data / "lever_issues.yaml").write_text(broken)
    monkeypatch.setattr(loaders, "DATA_DIR", data)
    tx.Mineral.objects.filter(slug="gold").update(name="changed")
    with pytest.raises(
        loaders.TaxonomyDataError,
        match=r"lever_issues.yaml child-labour-education: unknown SDG targets \['8.99'\]",
    ):
        loaders.load_taxonomy()
    assert tx.Mineral.objects.get(slug="gold").name == "changed"  # the failed load rolled back


@pytest.mark.django_db
def test_text_is_stored_in_composed_unicode() -> None:
    import unicodedata

    title = tx.SDGGoal.objects.get(number=8).tr("title", "fr")
    assert title == unicodedata.normalize("NFC", title)
    assert "économique" in title
