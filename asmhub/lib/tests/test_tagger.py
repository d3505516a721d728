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
