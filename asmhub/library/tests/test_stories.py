from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from asmhub.accounts.models import User
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.services import load_demo_directory
from asmhub.library.models import Fact, Resource, SuccessStory
from asmhub.library.services import load_demo_library
from asmhub.library.stories import change_stage, propose_facts


@pytest.fixture
def demo(db: None) -> None:
    load_demo_directory()
    load_demo_library()


def test_the_demo_holds_the_seed_stories_and_sourced_facts(demo: None) -> None:
    slugs = set(SuccessStory.objects.values_list("slug", flat=True))
    assert {"santa-filomena-women", "ecuador-pmsc", "bolivia-medmin", "peru-gama"} <= slugs
    santa = SuccessStory.objects.get(slug="santa-filomena-women")
    assert (
        santa.countries.filter(code="PE").exists()
        and santa.organizations.filter(slug="cooperaccion").exists()
    )
    assert santa.evidence and santa.evidence_resources.exists()
    facts = Fact.objects.all()
    assert facts.count() >= 25
    linked = facts.exclude(passage=None)
    assert linked.count() >= facts.count() * 0.8  # nearly every fact points at its passage
    for fact in linked[:10]:
        assert fact.quote[:40].split()[0] in fact.passage.text  # type: ignore[union-attr]


def test_the_demo_facts_and_stories_load_idempotently(demo: None) -> None:
    before = (Fact.objects.count(), SuccessStory.objects.count())
    load_demo_library()
    assert (Fact.objects.count(), SuccessStory.objects.count()) == before


def test_candidate_facts_are_drafts_with_their_passage(
    add_text: Callable[..., Resource], editor: User
) -> None:
    resource = add_text(
        "figures.md",
        "# Sector\n\nAbout 13 million people work in ASM worldwide, 3.7 million "
        "of them in Africa. The weather was fine.\n",
    )
    created = propose_facts(resource, editor)
    assert created == 1
    fact = Fact.objects.get()
    assert fact.status == Status.DRAFT and fact.passage is not None
    assert fact.value == 13_000_000 and "13 million" in fact.quote
    assert propose_facts(resource, editor) == 0  # not proposed twice


def test_stories_move_through_stages_with_their_history(
    demo: None, owner: User, editor: User
) -> None:
    story = (
        SuccessStory.objects.get(slug="mongolia-association")
        if SuccessStory.objects.filter(slug="mongolia-association").exists()
        else SuccessStory.objects.first()
    )
    assert story is not None
    with pytest.raises(PermissionDenied):
        change_stage(owner, story, SuccessStory.Stage.VERIFIED, verified_by="x", evidence="y")
    with pytest.raises(PermissionDenied, match="who verified"):
        change_stage(editor, story, SuccessStory.Stage.VERIFIED)
    change_stage(
        editor,
        story,
        SuccessStory.Stage.VERIFIED,
        verified_by="CASM Secretariat",
        evidence="Site visit report, 2006",
    )
    story.refresh_from_db()
    assert story.stage == "verified" and story.verified_on is not None
    assert AuditEntry.for_object(story).get().action == "stage:verified"


def test_story_and_fact_pages(client: Client, demo: None) -> None:
    assert "Santa Filomena" in client.get("/library/stories/").content.decode()
    body = client.get("/library/stories/santa-filomena-women/").content.decode()
    assert "CooperAcción" in body and "The intervention" in body
    fact = Fact.objects.exclude(passage=None).first()
    assert fact is not None
    page = client.get(fact.get_absolute_url()).content.decode()
    assert f"#p{fact.passage.position}" in page  # type: ignore[union-attr]
    assert client.get("/library/facts/").status_code == 200


def test_draft_facts_stay_private(
    client: Client, login: Callable[[User], Client], add_text: Callable[..., Resource], editor: User
) -> None:
    resource = add_text(
        "figures.md", "# Sector\n\nAbout 13 million people work in ASM worldwide today.\n"
    )
    propose_facts(resource, editor)
    fact = Fact.objects.get()
    assert client.get(fact.get_absolute_url()).status_code == 404
    assert "13 million" not in client.get("/library/facts/").content.decode()
    assert login(editor).get(fact.get_absolute_url()).status_code == 200
