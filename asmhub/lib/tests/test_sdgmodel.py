import math

import pytest

from asmhub.lib.sdgmodel import (
    FEATURES,
    EngineHit,
    LinearModel,
    TargetIndex,
    features,
    stem,
    target_texts,
)

TARGETS = {
    "6.1": "By 2030, achieve universal and equitable access to safe and affordable drinking water",
    "6.2": "Achieve access to adequate and equitable sanitation and hygiene for all",
    "7.1": "Ensure universal access to affordable, reliable and modern energy services",
    "14.4": "Effectively regulate harvesting and end overfishing of fish stocks",
}


def test_plurals_fold_in_english_and_french() -> None:
    assert stem("policies") == "policy"
    assert stem("femmes") == "femme"
    assert stem("access") == "access"  # a double s is not a plural
    assert stem("bus") == "bus"


def test_targets_and_indicators_join_under_the_target_code() -> None:
    texts = target_texts(
        [{"6-1-title": "Safe drinking water", "6-short": "ignored"}],
        [{"6-1-1-title": "Proportion using safely managed drinking water services"}],
    )
    assert texts == {
        "6.1": "Safe drinking water Proportion using safely managed drinking water services"
    }


def test_the_closest_target_and_the_shared_words_explain_the_similarity() -> None:
    index = TargetIndex.build(TARGETS)
    per_goal = features("Villages lack drinking water; wells run dry.", {}, index)
    values, code, shared = per_goal[6]
    assert code == "6.1"
    assert "drinking" in shared and "water" in shared
    assert values["target_similarity"] > 0 and values["relative_similarity"] == 1.0
    assert per_goal[14][0]["goal_similarity"] == 0.0
    assert per_goal[3][1] == ""  # a goal without targets in the index


def _model(**weights: float) -> LinearModel:
    return LinearModel(
        weights={name: weights.get(name, 0.0) for name in FEATURES},
        intercepts={6: -1.0, 14: -1.0},
        offset=-0.5,
    )


def test_the_probability_is_the_sum_of_the_contributions_and_each_is_kept() -> None:
    index = TargetIndex.build(TARGETS)
    model = _model(engine_confidence=3.0, target_similarity=2.0)
    hits = {6: EngineHit(confidence=0.8, strong=1, words=["drinking water"], lines=["asmhub:6.s1"])}
    (water,) = [p for p in model.predict("Drinking water for all.", hits, index) if p.goal == 6]
    parts = water.contributions
    assert parts["intercept"] == pytest.approx(-0.5)  # -1.0 minus the offset -0.5
    assert parts["engine_confidence"] == pytest.approx(2.4)
    assert water.probability == pytest.approx(1 / (1 + math.exp(-sum(parts.values()))))
    assert water.explanation()[0] == "drinking water"
    assert water.explanation()[-1].startswith("target 6.1 (")


def test_weights_round_trip_through_json_and_a_missing_weight_is_named() -> None:
    model = _model(engine_confidence=1.25)
    again = LinearModel.from_json(model.to_json())
    assert again.weights == model.weights and again.intercepts == model.intercepts
    data = model.to_json()
    del data["weights"]["terms"]
    with pytest.raises(ValueError, match="SDG model: no weight for terms"):
        LinearModel.from_json(data)
