from __future__ import annotations

import pytest

from asmhub.lib.extract import Block, extract
from asmhub.lib.passages import Passage, split_passages


def _words(count: int, word: str = "gold") -> str:
    return " ".join([word] * count)


def test_small_blocks_are_grouped_up_to_the_target() -> None:
    blocks = [Block(1, "Intro", _words(45)) for _ in range(5)]
    passages = split_passages(blocks, target_words=100, max_words=150)
    assert [len(p.text.split()) for p in passages] == [90, 90, 45]
    assert passages[0].text == f"{_words(45)}\n\n{_words(45)}"


def test_passages_do_not_cross_pages_or_headings() -> None:
    blocks = [
        Block(1, "Intro", "Gold is mined here."),
        Block(1, "Intro", "Tin too."),
        Block(2, "Intro", "Page two starts."),
        Block(2, "Methods", "We asked miners."),
    ]
    passages = split_passages(blocks)
    assert passages == [
        Passage(0, 1, "Intro", "Gold is mined here.\n\nTin too."),
        Passage(1, 2, "Intro", "Page two starts."),
        Passage(2, 2, "Methods", "We asked miners."),
    ]


def test_long_block_is_split_between_sentences() -> None:
    sentence = "Gold " + _words(28) + " end."
    block = Block(None, "Costs", " ".join([sentence] * 10))
    passages = split_passages([block], target_words=60, max_words=100)
    assert [len(p.text.split()) for p in passages] == [60] * 5
    assert all(p.text.endswith("end.") for p in passages)
    assert all((p.page, p.heading) == (None, "Costs") for p in passages)


def test_sentence_longer_than_the_limit_is_split_between_words() -> None:
    passages = split_passages([Block(3, "", _words(250))], target_words=50, max_words=100)
    assert [len(p.text.split()) for p in passages] == [84, 84, 82]
    assert " ".join(p.text for p in passages) == _words(250)


def test_lower_case_after_a_full_stop_does_not_end_a_sentence() -> None:
    text = f"{_words(30)} e.g. {_words(30)}. Next {_words(49)}."
    passages = split_passages([Block(1, "", text)], target_words=40, max_words=100)
    assert [len(p.text.split()) for p in passages] == [61, 50]
    assert passages[0].text.endswith("gold e.g. " + _words(30) + ".")


def test_positions_are_consecutive_and_no_passage_is_empty() -> None:
    texts = [(1, "Dust."), (1, "  "), (1, "Water."), (2, "\n"), (3, "Ore.")]
    passages = split_passages(Block(page, "", text) for page, text in texts)
    assert passages == [Passage(0, 1, "", "Dust.\n\nWater."), Passage(1, 3, "", "Ore.")]
    assert split_passages([]) == []


def test_passage_keeps_the_page_and_heading_where_it_starts() -> None:
    blocks = [Block(1, "Intro", _words(100)), Block(1, "Intro", _words(30, "tin"))]
    passages = split_passages(blocks, target_words=100, max_words=220)
    assert [(p.position, p.page, p.heading) for p in passages] == [(0, 1, "Intro"), (1, 1, "Intro")]
    assert passages[1].text == _words(30, "tin")


def test_target_above_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="target_words <= max_words"):
        split_passages([], target_words=300, max_words=200)


def test_extracted_text_splits_into_cited_passages() -> None:
    text = (
        "Mercury Use\n\n"
        "Miners mix mercury with crushed ore to catch fine gold. The amalgam is burned "
        "in the open, and the vapour harms the people who breathe it.\n\n"
        "Retorts capture most of the vapour.\f"
        "Costs\n\n"
        "A steel retort costs about fifty dollars.\n"
    )
    passages = split_passages(extract("note.txt", text.encode()).blocks, target_words=20)
    assert [(p.position, p.page, p.heading) for p in passages] == [
        (0, 1, "Mercury Use"),
        (1, 1, "Mercury Use"),
        (2, 2, "Costs"),
    ]
    assert passages[1].text == "Retorts capture most of the vapour."
