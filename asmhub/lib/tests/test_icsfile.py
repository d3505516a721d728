import pytest

from asmhub.lib.icsfile import LayoutError, layout

GOOD = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:a@example.org\r\n"
    "SUMMARY:A long title that is\r\n"
    "  folded onto the next line\r\n"
    "DTSTART:20201109T140000Z\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "SUMMARY;LANGUAGE=fr:Sans identifiant\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_components_keep_the_lines_of_their_properties() -> None:
    (calendar,) = layout(GOOD)
    first, second = calendar.walk("VEVENT")
    assert (first.line, first.end_line) == (3, 8)
    assert first.line_of("DTSTART") == 7
    assert first.line_of("summary") == 5
    assert second.line_of("SUMMARY") == 10
    assert not second.has("UID") and second.line_of("UID") == 9  # its BEGIN


def test_a_folded_line_is_one_content_line() -> None:
    (calendar,) = layout(GOOD)
    summary = next(p for p in calendar.walk("VEVENT")[0].properties if p.name == "SUMMARY")
    assert summary.text == "SUMMARY:A long title that is folded onto the next line"


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR\n",
            4,
            "closes BEGIN:VEVENT of line 2",
        ),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n", 2, "never closed"),
        ("BEGIN:VCALENDAR\nthis is not a property\nEND:VCALENDAR\n", 2, "not a content line"),
        ("BEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VEVENT\n", 3, "without a BEGIN"),
        ("BEGIN:VEVENT\nEND:VEVENT\n", 1, "outside BEGIN:VCALENDAR"),
        ("UID:x\n", 1, "outside BEGIN:VCALENDAR"),
        (" folded\n", 1, "continuation"),
        ("", 1, "empty"),
    ],
)
def test_a_broken_layout_names_its_line(text: str, line: int, says: str) -> None:
    with pytest.raises(LayoutError) as caught:
        layout(text)
    assert caught.value.line == line
    assert says in caught.value.message
