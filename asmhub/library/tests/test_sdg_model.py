import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from asmhub.accounts.models import User
from asmhub.lib.tagger import split_of
from asmhub.library.models import Resource
from asmhub.library.tagging import SDG_MODEL, sdg_model, tagger

SDG_SET = SDG_MODEL.parent / "sdg_eval.csv"


def test_the_shipped_weights_reproduce_known_predictions(db: None) -> None:
    sdg = tagger(frozenset({"sdg"}))
    found = {s.label: s for s in sdg.tag("Fish stocks are overfished by industrial fleets.")}
    assert found["sdg:14"].confidence == 0.998
    assert found["sdg:9"].confidence == 0.752  # "industrial": a weak reason, kept as found
    energy = sdg.tag("Improving energy efficiency in buildings.", minimum=0.5)
    assert [(s.label, s.confidence) for s in energy] == [("sdg:7", 0.999)]
    assert "target 7.3 (energy efficiency)" in energy[0].triggers
    assert sdg.version == "2.0+sdg-model-1"


def test_the_weights_say_what_they_were_fitted_on(db: None) -> None:
    meta = sdg_model().meta
    assert "tune part" in meta["trained_on"] and "test part is never read" in meta["trained_on"]
    assert 0 < meta["threshold"] < 1 and meta["C"] > 0
    data = json.loads(SDG_MODEL.read_text(encoding="utf-8"))
    assert set(data["intercepts"]) == {str(g) for g in range(1, 18)}


def test_every_suggested_goal_is_explained(db: None) -> None:
    with SDG_SET.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if split_of(r["id"]) == "tune"][:40]
    sdg = tagger(frozenset({"sdg"}))
    suggested = 0
    for row in rows:
        for s in sdg.tag(row["text"], minimum=0.3):
            suggested += 1
            assert s.triggers, (row["id"], s.label)
            from_queries = [x for x in s.sources if not x.startswith("model:")]
            assert from_queries or any(t.startswith("target ") for t in s.triggers), s.label
    assert suggested > len(rows)


def test_the_queries_alone_are_still_at_hand(db: None) -> None:
    engine = tagger(frozenset({"sdg"}), layered=False)
    (energy,) = engine.tag("Improving energy efficiency in buildings.", minimum=0.5)
    assert energy.label == "sdg:7" and energy.confidence == 0.916
    assert not any(t.startswith("target ") for t in energy.triggers)
    assert "asmhub:7.strong1" in energy.sources


def test_the_resource_page_shows_the_closest_target(
    client: Client, login: Callable[[User], Client], add_text: Callable[..., Resource], editor: User
) -> None:
    resource = add_text(
        "coast.md",
        "# Coast\n\nThe fisheries of the lagoon are overfished and fishers lose their catch.\n",
    )
    whole = resource.suggestions.get(passage=None, label="sdg:14")
    assert "fisheries" in whole.triggers
    assert any(t.startswith("target 14.") for t in whole.triggers)
    assert whole.ontology_version == "2.0+sdg-model-1"
    page = login(editor).get(f"/library/{resource.slug}/").content.decode()
    assert "target 14." in page


def test_tag_gives_the_target_among_the_reasons(db: None) -> None:
    out = io.StringIO()
    line = '{"id": "w", "text": "Access to safe drinking water and sanitation."}\n'
    call_command("tag", "--families", "sdg", stdin=io.StringIO(line), stdout=out)
    (water,) = json.loads(out.getvalue())["labels"]
    assert water["label"] == "sdg:6" and water["confidence"] >= 0.5
    assert "drinking water" in water["because"]
    assert any(b.startswith("target 6.") for b in water["because"])


def test_eval_tagging_sdg_reproduces_the_published_figures(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("eval-tagging", "--sdg")
    out = capsys.readouterr().out
    assert "sdg_eval.csv (test part): 166 texts" in out
    assert "tagger: mean accuracy over 17 labels 0.895 (95% bootstrap interval" in out
    assert "queries alone: mean accuracy over 17 labels 0.890" in out
    assert "Aurora alone: mean accuracy over 17 labels 0.600" in out
    assert "nothing: mean accuracy over 17 labels 0.500" in out
    assert "tagger minus queries alone: +0.004 (95% paired bootstrap interval" in out
    nine = next(line for line in out.splitlines() if line.startswith("sdg:9 ") and "–" in line)
    assert nine.split()[1:5] == ["8", "16", "0.562", "0.33–0.77"]


def test_the_wilson_interval() -> None:
    from importlib import import_module

    wilson = import_module("asmhub.library.management.commands.eval-tagging").wilson
    low, high = wilson(8, 16)
    assert (round(low, 2), round(high, 2)) == (0.28, 0.72)
    assert wilson(12, 12)[1] == 1.0 and wilson(0, 0) == (0.0, 1.0)


def test_training_needs_scikit_learn_and_says_so(
    db: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(
        CommandError, match=r'scikit-learn is needed to train \(pip install -e "\.\[train\]"\)'
    ):
        call_command("train-sdg-model", "--output", str(tmp_path / "m.json"), stdout=io.StringIO())
    assert not (tmp_path / "m.json").exists()


def test_training_again_gives_the_shipped_weights(db: None, tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason='the "train" extra is not installed')
    output = tmp_path / "model.json"
    call_command("train-sdg-model", "--output", str(output), stdout=io.StringIO())
    fresh = json.loads(output.read_text(encoding="utf-8"))
    shipped = json.loads(SDG_MODEL.read_text(encoding="utf-8"))
    assert fresh["meta"]["C"] == shipped["meta"]["C"]
    assert fresh["meta"]["threshold"] == shipped["meta"]["threshold"]
    for name, weight in shipped["weights"].items():
        assert fresh["weights"][name] == pytest.approx(weight, abs=1e-4)
