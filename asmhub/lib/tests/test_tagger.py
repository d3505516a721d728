import math

import pytest

from asmhub.lib.tagger import Tagger, Term, evaluate, fold

TERMS = [
    Term("mercury", ("issue:mercury",), 0.6),
    Term("amalgamation", ("issue:mercury", "sdg:3.9"), 1.2),
    Term("cassitérite", ("mineral:tin",)),
    Term("Tanzanian", ("country:TZ",)),
    Term("Lima", ("country:PE",), case_sensitive=True),
    Term("child labour", ("issue:child",), 1.5),
]


def test_fold_removes_accents_and_case() -> None:
    assert fold("Cassitérite ÉTAIN") == "cassiterite etain"


def test_suggestions_carry_confidence_and_triggers() -> None:
    found = {
        s.label: s
        for s in Tagger(TERMS).tag("Mercury amalgamation in Tanzanian pits; mercury again.")
    }
    assert set(found) == {"issue:mercury", "sdg:3.9", "country:TZ"}
    mercury = found["issue:mercury"]
    assert mercury.triggers == ["amalgamation", "mercury"] or mercury.triggers == [
        "mercury",
        "amalgamation",
    ]
    assert mercury.count == 3
    assert mercury.confidence > found["country:TZ"].confidence > 0.5


def test_whole_words_and_case_rules() -> None:
    tagger = Tagger(TERMS)
    assert tagger.tag("mercurybased") == []
    assert tagger.tag("lima beans") == []  # a case-sensitive term
    assert [s.label for s in tagger.tag("Offices in Lima")] == ["country:PE"]
    assert [s.label for s in tagger.tag("CASSITERITE and child\nlabour")] == [
        "issue:child",
        "mineral:tin",
    ]


def test_one_weak_word_stays_below_one_half() -> None:
    (only,) = Tagger(TERMS).tag("mercury")
    assert only.confidence < 0.5
    assert Tagger(TERMS).tag("mercury", minimum=0.5) == []


def test_evaluation_counts_precision_recall_and_f1() -> None:
    scores, macro = evaluate(
        [
            ({"a", "b"}, {"a"}),
            ({"a"}, {"a", "c"}),
            ({"b"}, {"b"}),
        ]
    )
    by_label = {s.label: s for s in scores}
    assert (by_label["a"].precision, by_label["a"].recall) == (1.0, 1.0)
    assert by_label["b"].recall == pytest.approx(0.5) and by_label["b"].precision == 1.0
    assert by_label["c"].precision == 0.0 and by_label["c"].support == 0
    assert macro["recall"] == pytest.approx(0.75)  # over a and b, the labels expected somewhere
    assert macro["f1"] == pytest.approx((1.0 + 2 / 3) / 2)


def test_terms_spelt_alike_count_once_per_label() -> None:
    # an English and a French keyword that fold to the same spelling
    twice = [
        Term("formalization", ("issue:formal",), 0.7),
        Term("Formalization", ("issue:formal",), 0.7),
    ]
    (only,) = Tagger(twice).tag("Formalization of the sector")
    assert only.confidence == round(1 - math.exp(-0.7), 3)


def test_rules_add_weight_by_distinct_words_and_explain() -> None:
    from asmhub.lib.boolquery import parse
    from asmhub.lib.tagger import Rule

    rules = [
        Rule("sdg:7", parse('"energy" W/3 "efficiency"'), 0.8),
        Rule("sdg:8", parse('"livelihood*" OR "wages" OR "workers"'), 0.45),
    ]
    tagger = Tagger([], rules=rules)
    (energy,) = tagger.tag("Efficiency of energy use.")
    assert energy.label == "sdg:7" and energy.confidence == round(
        1 - math.exp(-0.8 * (1 + math.log(2))), 3
    )
    assert energy.triggers == ["efficiency", "energy"]
    (weak,) = tagger.tag("Their livelihoods.")
    assert weak.confidence < 0.5
    (two,) = tagger.tag("Their livelihoods and wages.")
    assert two.confidence > 0.5 and two.triggers == ["livelihoods", "wages"]
    assert tagger.tag("Energy for all of us; efficiency comes later.") == []
