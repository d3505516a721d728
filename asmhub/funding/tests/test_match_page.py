"""The match address opened directly is the whole concept page, styled, with the weights."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.funding.models import Concept, DonorProfile

pytestmark = pytest.mark.django_db


def test_the_match_address_opened_directly_serves_the_whole_page(
    client: Client, three_donors: dict[str, DonorProfile], mercury_concept: Concept
) -> None:
    url = reverse("funding:concept-match", args=[mercury_concept.slug])
    page = client.get(url, {"w_priorities": "0"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "<html" in body and 'rel="stylesheet"' in body
    assert f"<h1>{mercury_concept.title}</h1>" in body
    assert 'name="w_priorities" value="0.0"' in body and "Andes Fund" in body
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="match"' in fragment
