from asmhub.lib.summarize import sentences, summarize

NOTES = (
    "Artisanal mining supports millions of families in rural Africa. "
    "The speaker showed that mining income pays school fees and health costs for these families. "
    "The weather on the day of the survey was fine. "
    "Without access to finance, artisanal miners cannot buy safer equipment. "
    "Finance for artisanal miners and their families is the lever that donors can pull. "
    "Questions followed."
)


def test_sentences_split_on_stops_blank_lines_and_list_items() -> None:
    text = "First point, e.g. gold. Second point!\n\n- a listed item\n- another item"
    assert sentences(text) == [
        "First point, e.g. gold.",
        "Second point!",
        "a listed item",
        "another item",
    ]


def test_short_text_comes_back_whole() -> None:
    assert summarize("One sentence only. And another.") == ["One sentence only.", "And another."]


def test_summary_keeps_the_sentences_about_the_main_subject_in_order() -> None:
    summary = summarize(NOTES, max_sentences=2)
    assert len(summary) == 2
    assert all("famil" in s or "finance" in s.lower() for s in summary)
    assert "weather" not in " ".join(summary)
    assert NOTES.index(summary[0]) < NOTES.index(summary[1])


def test_word_budget_limits_the_summary() -> None:
    summary = summarize(NOTES, max_sentences=5, max_words=25)
    assert sum(len(s.split()) for s in summary) <= 25 or len(summary) == 1


def test_empty_text_gives_no_sentences() -> None:
    assert summarize("") == []
