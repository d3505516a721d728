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
