from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from asmhub.accounts.models import User
from asmhub.library.models import Resource, TagSuggestion
from asmhub.library.tagging import build_terms, decide, suggest


def test_the_ontology_draws_on_the_taxonomy_and_the_aurora_queries(db: None) -> None:
    terms, version = build_terms()
    labels = {label for term in terms for label in term.labels}
    assert version
    assert {"issue:mercury-chemicals", "mineral:tin", "country:PE", "sdg:8", "mdg:3"} <= labels
    assert not any(
        t.phrase.lower() == "or" for t in terms
    )  # too short to mean gold in English text


def test_ingesting_suggests_tags_with_triggers(add_text: Callable[..., Resource]) -> None:
    resource = add_text()
    found = {s.label: s for s in resource.suggestions.filter(passage=None)}
    assert "issue:mercury-chemicals" in found and "country:PE" in found
    assert "mercury" in [t.lower() for t in found["issue:mercury-chemicals"].triggers]
    assert 0 < found["country:PE"].confidence <= 1
    assert resource.suggestions.exclude(passage=None).exists()


def test_decisions_tag_the_resource_and_survive_a_new_run(
    add_text: Callable[..., Resource], editor: User
) -> None:
    resource = add_text()
    peru = resource.suggestions.get(passage=None, label="country:PE")
    decide(editor, peru, accept=True)
    assert resource.countries.filter(code="PE").exists()
    mercury = resource.suggestions.get(passage=None, label="issue:mercury-chemicals")
    decide(editor, mercury, accept=False)
    suggest(resource)
    kept = resource.suggestions.filter(passage=None)
    assert kept.get(label="country:PE").decision == TagSuggestion.Decision.ACCEPTED
    assert kept.get(label="issue:mercury-chemicals").decision == TagSuggestion.Decision.REJECTED
    assert kept.filter(label="country:PE").count() == 1


def test_only_those_who_may_change_a_resource_curate_it(
    client: Client,
    login: Callable[[User], Client],
    add_text: Callable[..., Resource],
    outsider: User,
    editor: User,
) -> None:
    resource = add_text()
    suggestion = resource.suggestions.filter(passage=None).first()
    assert suggestion is not None
    url = f"/library/{resource.slug}/suggestions/{suggestion.pk}/"
    assert login(outsider).post(url, {"decision": "accept"}).status_code == 403
    response = login(editor).post(url, {"decision": "accept"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Accepted" in response.content.decode()


def test_eval_tagging_reports_per_label_and_macro_scores(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text(
        "id,text,labels\n"
        '1,"Women amalgamate gold with mercury in Santa Filomena, Peru.",issue:mercury-chemicals;country:PE;mineral:gold\n'
        '2,"The meeting discussed the budget.",\n'
    )
    call_command("eval-tagging", str(labelled), "--threshold", "0.3")
    out = capsys.readouterr().out
    assert "issue:mercury-chemicals" in out and "country:PE" in out
    assert "macro average over 3 labels" in out


def test_accepting_an_organization_suggestion_records_it_as_named(
    add_text: Callable[..., Resource], editor: User
) -> None:
    from asmhub.conftest import make_org

    make_org("CooperAcción", "national-ngo")
    resource = add_text()  # the text names CooperAcción
    named = resource.suggestions.get(passage=None, label="org:cooperaccion")
    decide(editor, named, accept=True)
    assert resource.organizations.filter(slug="cooperaccion").exists()
