"""The French and English vocabulary of the survey layouts: every listed word reads."""

from __future__ import annotations

import pytest

from asmhub.monitoring import values

SECTIONS = [
    section
    for section, content in values.vocabulary().items()
    if isinstance(content, dict) and section not in ("flags", "scales")
]
WORDS = [
    (section, str(code), str(word))
    for section in SECTIONS
    for code, words in values.vocabulary()[section].items()
    for word in [code, *words]
]
LEVELS = [
    (scale, str(step), str(word))
    for scale, steps in values.vocabulary()["scales"].items()
    for step, words in steps.items()
    for word in [step, *words]
]


@pytest.mark.parametrize(("section", "code", "word"), WORDS)
def test_every_listed_word_maps_to_its_code_as_one_value(
    section: str, code: str, word: str
) -> None:
    assert values.code(section, word) == code
    assert values.code(section, word.upper()) == code
    if not values.is_none_word(word):
        assert values.items(word) == [word]


@pytest.mark.parametrize(("scale", "step", "word"), LEVELS)
def test_every_step_of_a_scale_reads(scale: str, step: str, word: str) -> None:
    assert values.ordinal(scale, word) == step


@pytest.mark.parametrize("word", values.vocabulary()["none"])
def test_none_words_are_nothing(word: str) -> None:
    assert values.items(word) == [] and values.is_none_word(word.upper())


@pytest.mark.parametrize("word", values.vocabulary()["unknown"])
def test_dont_know_is_no_data(word: str) -> None:
    assert values.items(word) == [] and values.ordinal("level", word) is None


def test_lists_split_on_commas_only() -> None:
    assert values.items("Je ne sais pas") == []
    assert values.items("Transport des minerais, Usage du mercure") == [
        "Transport des minerais",
        "Usage du mercure",
    ]
    assert values.items("N/A") == [] and values.items("Creuser/Transporter") == [
        "Creuser/Transporter"
    ]
    assert values.items("digging transport") == ["digging transport"]
    assert values.items("digging transport", spaces=True) == ["digging", "transport"]  # XLSForm
    assert values.items("Transport des minerais", spaces=True) == ["Transport des minerais"]


def test_flags_read() -> None:
    for word in values.vocabulary()["flags"]["yes"]:
        assert values.flag(word) is True
    for word in values.vocabulary()["flags"]["no"]:
        assert values.flag(word) is False
