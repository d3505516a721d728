"""The embedded search index: visibility held in it, following writes, repair, rebuild."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from asmhub.core.models import Status
from asmhub.library import search_index
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.library.search import search
from asmhub.library.services import reindex_resource


@pytest.fixture(autouse=True)
def _embedded_engine(settings: Any) -> None:
    """These tests are about the embedded index, which is not the default engine."""
    settings.ASMHUB_SEARCH_ENGINE = "tantivy"


def indexed_ids() -> set[int]:
    index = search_index.get_index()
    index.reload()
    found = index.searcher().aggregate(
        search_index.tantivy.Query.all_query(),
        {"d": {"terms": {"field": "doc_id", "size": 100_000}}},
    )
    return {int(b["key"]) for b in found["d"]["buckets"]}


def test_visibility_is_held_in_the_index(
    add_text: Callable[..., Resource], owner: Any, outsider: Any, editor: Any
) -> None:
    draft = add_text(
        "draft.md",
        "Confidential tantalum study in Rubaya.\n",
        publish=False,
        owner_organization=owner.organization,
    )
    public = add_text("open.md", "Coltan from Rubaya.\n")
    Fact.objects.create(
        statement="Rubaya coltan output doubled.",
        resource=public,
        status=Status.DRAFT,
        owner_organization=owner.organization,
    )
    searcher = search_index.searcher()
    q = search_index.tantivy.Query

    def visible_to(who: list[str]) -> set[tuple[str, int]]:
        query = q.boolean_query(
            [
                (
                    search_index.tantivy.Occur.Must,
                    q.term_query(search_index.SCHEMA, "body_en", "rubaya"),
                ),
                (
                    search_index.tantivy.Occur.Must,
                    q.term_set_query(search_index.SCHEMA, "vis", who),
                ),
            ]
        )
        return {
            (searcher.doc(a).get_first("kind"), searcher.doc(a).get_first("resource_id"))
            for _, a in searcher.search(query, 10).hits
        }

    # The draft resource and the draft fact are not public; their owner sees both.
    assert visible_to(["public"]) == {("passage", public.pk)}
    assert visible_to([f"org:{owner.organization_id}"]) == {
        ("passage", draft.pk),
        ("fact", public.pk),
    }
    assert search(AnonymousUser(), "tantalum", {}).total == 0
    assert search(outsider, "tantalum", {}).total == 0
    assert search(owner, "tantalum", {}).total >= 1
    assert search(editor, "output", {}).total == 1
    assert search(outsider, "output", {}).total == 0
    draft.status = Status.PUBLISHED
    draft.save()  # publishing reaches the index with the write
    assert search(AnonymousUser(), "tantalum", {}).total >= 1


def test_the_index_follows_edits_relations_and_deletes(add_text: Callable[..., Resource]) -> None:
    from asmhub.taxonomy.models import Country

    resource = add_text("gold.md", "Mercury-free gold in Ghana.\n")
    assert search(AnonymousUser(), "Ghana", {"country": ["GH"]}).total == 0
    resource.countries.add(Country.objects.get(code="GH"))
    assert search(AnonymousUser(), "Ghana", {"country": ["GH"]}).total >= 1
    story = SuccessStory.objects.create(title="Galamsey cooperative", status=Status.PUBLISHED)
    assert search(AnonymousUser(), "galamsey", {}).total == 1
    story.delete()
    resource.delete()
    assert search(AnonymousUser(), "galamsey", {}).total == 0
    assert search(AnonymousUser(), "Ghana", {}).total == 0
    assert indexed_ids() == set()


def test_or_exclusion_stemming_and_accents(add_text: Callable[..., Resource]) -> None:
    add_text("a.md", "Artisanal miners use mercury.\n")
    add_text("b.md", "Les coopératives minières de Kolwezi.\n", language="fr")
    user = AnonymousUser()
    assert search(user, "mercury OR Kolwezi", {}).total == 2
    assert search(user, "miner", {}).total == 1  # English stem: miners
    assert search(user, "cooperative miniere", {}).total == 1  # French stem, accents folded
    assert search(user, "mercury -artisanal", {}).total == 0
    assert search(user, "Kolwezi -mercury", {}).total == 1


def test_a_write_that_missed_the_index_is_repaired_by_the_start_up_check(
    add_text: Callable[..., Resource], monkeypatch: pytest.MonkeyPatch
) -> None:
    resource = add_text("gold.md", "Mercury-free gold in Ghana.\n")
    before = indexed_ids()
    # A crash between the commit and the index update: the write never reaches the index.
    monkeypatch.setattr(search_index, "schedule", lambda unit: None)
    resource.passages.update(text="Cyanide leaching in Obuasi.")
    reindex_resource(resource)
    resource.status = Status.DRAFT
    resource.save()
    assert indexed_ids() == before
    assert search_index.check() == [f"r{resource.pk}"]
    assert indexed_ids() == set(resource.search_documents.values_list("id", flat=True))
    assert search_index.check() == []
    monkeypatch.undo()
    search_index._checked.clear()  # a new process: the first search runs the check
    assert search(AnonymousUser(), "Obuasi", {}).total == 0  # now a draft


def test_the_start_up_check_runs_before_the_first_search(
    add_text: Callable[..., Resource], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "schedule", lambda unit: None)
    add_text("gold.md", "Mercury-free gold in Ghana.\n")
    search_index._checked.clear()
    assert search(AnonymousUser(), "Ghana", {}).total >= 1


def test_the_reindex_command_rebuilds_the_index(
    add_text: Callable[..., Resource], settings: Any
) -> None:
    resource = add_text("gold.md", "Mercury-free gold in Ghana.\n")
    writer = search_index._writer()
    writer.delete_all_documents()
    writer.commit()
    writer.wait_merging_threads()
    assert indexed_ids() == set()
    out = StringIO()
    call_command("reindex", stdout=out)
    assert indexed_ids() == set(resource.search_documents.values_list("id", flat=True))
    assert "rebuilt" in out.getvalue()
    call_command("reindex", "--check", stdout=out)
    assert "0 record group(s)" in out.getvalue()
    settings.ASMHUB_SEARCH_ENGINE = "database"
    with pytest.raises(CommandError, match="ASMHUB_SEARCH_ENGINE"):
        call_command("reindex")


def test_broad_searches_count_facets_in_the_index_and_say_so(
    add_text: Callable[..., Resource], monkeypatch: pytest.MonkeyPatch, client: Any
) -> None:
    from asmhub.library import search as search_module
    from asmhub.taxonomy.models import Country

    peru = add_text("peru.md", "Gold and mercury in Peru.\n", year=2005)
    peru.countries.add(Country.objects.get(code="PE"))
    ghana = add_text("ghana.md", "Gold and cyanide in Ghana.\n", year=2020)
    ghana.countries.add(Country.objects.get(code="GH"))
    exact = search(AnonymousUser(), "gold", {"country": ["GH"]})
    monkeypatch.setattr(search_module, "EXACT_FACETS_UP_TO", 0)
    broad = search(AnonymousUser(), "gold", {"country": ["GH"]})
    assert not exact.approximate and broad.approximate

    def counts(result: Any) -> dict[str, dict[str, int]]:
        return {f.key: {o.value: o.count for o in f.options} for f in result.facets}

    assert counts(broad) == counts(exact)
    assert counts(broad)["country"] == {"GH": 1, "PE": 1}  # its own selection ignored
    assert counts(broad)["year"] == {"2020": 1}
    assert [h.resource_id for h in broad.hits] == [ghana.pk] * len(broad.hits)
    page = client.get("/library/", {"q": "gold"}).content.decode()
    assert "the counts next to the filters are estimates" in page


def test_snippets_mark_words_after_accented_text(add_text: Callable[..., Resource]) -> None:
    add_text("fr.md", "Les coopératives ont réduit l'usage du mercure.\n", language="fr")
    snippet = search(AnonymousUser(), "mercure", {}).hits[0].snippet
    assert "<mark>mercure</mark>" in snippet and "coopératives" in snippet


def test_a_prefix_finds_words_whose_stem_is_shorter(add_text: Callable[..., Resource]) -> None:
    add_text("a.md", "The legalization of artisanal mining in Ghana.\n")
    result = search(AnonymousUser(), "legaliz*", {})
    assert result.total == 1
    assert search(AnonymousUser(), "legalization artisan*", {}).total == 1
