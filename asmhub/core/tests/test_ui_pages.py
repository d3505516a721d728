"""What the pages send for small screens and assistive technology, checked without a
browser (the browser tests check the same pages rendered: test_browser_ui.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


class Attributes(HTMLParser):
    """The attributes of the element with ``id``, as a browser reads them."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted = wanted
        self.found: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("id") == self.wanted:
            self.found = dict(attrs)


def attributes(html: str, element_id: str) -> dict[str, str | None]:
    parser = Attributes(element_id)
    parser.feed(html)
    return parser.found


def test_the_library_search_hint_is_whole_in_both_languages(client: Client) -> None:
    page = client.get(reverse("library:search")).content.decode()
    field = attributes(page, "q")
    assert field["placeholder"] == 'Words, "a phrase" or a prefix*: mercury women Peru'
    assert "or" not in field  # no stray attribute made of the hint's tail
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("library:search")).content.decode()
    assert attributes(page, "q")["placeholder"] == (
        'Mots, "une expression" ou un préfixe* : mercure femmes Pérou'
    )


def test_the_menu_button_is_in_every_header_and_starts_closed(client: Client) -> None:
    page = client.get(reverse("core:about")).content.decode()
    header = page[page.index("<header") : page.index("</header>")]
    assert 'class="nav-toggle" aria-expanded="false" aria-controls="site-menu" hidden' in header
    assert 'id="site-menu"' in header
    assert "<script" not in header and "onclick" not in page  # the CSP allows no inline code


def test_list_filters_sit_in_a_drawer(client: Client) -> None:
    page = client.get(reverse("directory:organizations")).content.decode()
    assert '<details class="facets-drawer" open data-drawer>' in page


def test_a_target_summary_holds_no_link(client: Client) -> None:
    page = client.get(reverse("taxonomy:sdg-goal", args=[8])).content.decode()
    for summary in page.split("<summary>")[1:]:
        assert "<a " not in summary.split("</summary>")[0]


def _css_colours() -> dict[str, str]:
    import re
    from pathlib import Path

    static = Path(__file__).resolve().parents[2]
    root = (static / "core" / "static" / "core" / "css" / "asmhub.css").read_text()
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_need_index_badge_meets_wcag_aa_contrast() -> None:
    """The score badge on "areas of most need" declares its own text colour, dark on the
    pale ochre, at 4.5:1 or more (it inherited white once: about 1.2:1)."""
    import re
    from pathlib import Path

    css = (
        Path(__file__).resolve().parents[2]
        / "monitoring"
        / "static"
        / "monitoring"
        / "monitoring.css"
    ).read_text()
    rule = re.search(r"\.most-need \.score \{([^}]*)\}", css)
    assert rule is not None
    declared = dict(re.findall(r"([\w-]+):\s*([^;]+);", rule.group(1)))
    colours = _css_colours()

    def resolve(value: str) -> str:
        found = re.fullmatch(r"var\(--([\w-]+)\)", value.strip())
        return colours[found.group(1)] if found else value.strip()

    assert "color" in declared and "background" in declared
    text, background = resolve(declared["color"]), resolve(declared["background"])
    lighter, darker = sorted((_luminance(text), _luminance(background)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5
