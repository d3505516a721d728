"""Links in the report's files point at the address the site is served at, or the one set."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.convenings.models import Convening
from asmhub.convenings.tests.test_report import recorded  # noqa: F401 (fixture)
from asmhub.core.services import site_url

pytestmark = pytest.mark.django_db


def _pdf_text(client: Client, convening: Convening, **headers: Any) -> str:
    import pypdfium2

    pdf = client.get(reverse("convenings:report-pdf", args=[convening.slug]), **headers)
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(pdf.content)
    return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))


def test_pdf_links_follow_the_address_served(
    login: Any,
    owner: Any,
    recorded: Convening,  # noqa: F811
    settings: Any,
) -> None:
    settings.ASMHUB_SITE_URL = ""
    client = login(owner)
    client.post(reverse("convenings:report-draft", args=[recorded.slug]))
    text = _pdf_text(client, recorded, HTTP_HOST="127.0.0.1:8123")
    assert "http://127.0.0.1:8123/" in text
    assert "localhost:8000" not in text


def test_a_set_site_address_is_used_everywhere(
    login: Any,
    owner: Any,
    recorded: Convening,  # noqa: F811
    settings: Any,
) -> None:
    settings.ASMHUB_SITE_URL = "https://hub.example.org/"
    client = login(owner)
    client.post(reverse("convenings:report-draft", args=[recorded.slug]))
    text = _pdf_text(client, recorded, HTTP_HOST="127.0.0.1:8123")
    assert "https://hub.example.org/" in text and "127.0.0.1:8123" not in text
    assert site_url("/calendar/") == "https://hub.example.org/calendar/"


def test_outside_a_request_the_address_falls_back_to_localhost(settings: Any) -> None:
    settings.ASMHUB_SITE_URL = ""
    assert site_url("/x/") == "http://localhost:8000/x/"
