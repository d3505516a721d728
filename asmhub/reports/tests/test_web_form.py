"""Reports by the public web form: three languages, no name, a photo without metadata."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from asmhub.reports import protect
from asmhub.reports.models import Outbound, Report
from asmhub.taxonomy.models import RiskCategory

pytestmark = pytest.mark.django_db
URL = reverse("reports:new")


def _jpeg_with_place() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "SECRET-CAMERA"  # Make
    exif[0x010E] = "SECRET-GPS-NOTE"  # ImageDescription
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _values(monitoring: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "text": "Children work in the pit at night",
        "site": monitoring["kamituga"].pk,
        "happened_on": "2024-02-01",
        "actor": "Pit boss",
        "risk_category": RiskCategory.objects.get(slug="serious-abuses").pk,
        **extra,
    }


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fr", "Signaler un problème"), ("en", "Report a problem"), ("sw", "Ripoti tatizo")],
)
def test_the_form_speaks_french_english_and_swahili(
    client: Client, monitoring: dict[str, Any], lang: str, title: str
) -> None:
    page = client.get(URL, {"lang": lang}).content.decode()
    assert title in page and 'name="phone"' in page and 'name="name"' not in page


def test_a_web_report_with_a_number_gets_its_reference_and_a_reply_in_its_language(
    client: Client, monitoring: dict[str, Any]
) -> None:
    answer = client.post(URL, _values(monitoring, lang="sw", phone="+243 990 00 11 22"))
    assert answer.status_code == 200
    report = Report.objects.get()
    assert report.reference in answer.content.decode()
    assert report.channel == "web" and report.language == "sw"
    assert report.area == monitoring["kamituga"].territory
    assert report.number_hash == protect.number_hash("+243990001122")
    assert "+243990001122" not in report.number_sealed
    reply = Outbound.objects.get()
    assert reply.number == "+243990001122" and "Imepokelewa" in reply.text


def test_a_web_report_needs_a_place_and_refuses_bad_input_writing_nothing(
    client: Client, monitoring: dict[str, Any]
) -> None:
    no_place = client.post(URL, _values(monitoring, site="", lang="en"))
    assert "Say where" in no_place.content.decode()
    half = client.post(URL, _values(monitoring, site="", latitude="-1.2", lang="en"))
    assert "both latitude" in half.content.decode()
    phone = client.post(URL, _values(monitoring, phone="call me", lang="en"))
    assert "Not a phone number" in phone.content.decode()
    future = client.post(URL, _values(monitoring, happened_on="2999-01-01", lang="en"))
    assert "cannot be in the future" in future.content.decode()
    assert not Report.objects.exists() and not Outbound.objects.exists()
    placed = client.post(URL, _values(monitoring, site="", place="Near the river", lang="en"))
    assert placed.status_code == 200 and Report.objects.get().place == "Near the river"


def test_a_photo_is_kept_without_its_metadata(
    client: Client, monitoring: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    photo = SimpleUploadedFile("pit.jpg", _jpeg_with_place(), content_type="image/jpeg")
    assert b"SECRET-CAMERA" in _jpeg_with_place()
    client.post(URL, {**_values(monitoring), "photo": photo})
    stored = Report.objects.get().photo
    data = stored.read()
    assert b"SECRET-CAMERA" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and not image.getexif()


@pytest.mark.parametrize("kind", ["text", "large"])
def test_a_photo_that_is_not_an_image_or_too_large_is_refused(
    client: Client, monitoring: dict[str, Any], settings: Any, kind: str
) -> None:
    settings.ASMHUB_REPORTS_MAX_PHOTO_BYTES = 1000
    content = b"GIF89a not really" if kind == "text" else _jpeg_with_place() + b"\0" * 2000
    photo = SimpleUploadedFile("x.jpg", content, content_type="image/jpeg")
    answer = client.post(URL, {**_values(monitoring), "lang": "en", "photo": photo})
    assert "JPEG, PNG or WebP image of at most 0.001 MB" in answer.content.decode()
    assert not Report.objects.exists()


def test_reports_from_one_address_are_rate_limited(
    client: Client, monitoring: dict[str, Any], settings: Any
) -> None:
    settings.ASMHUB_REPORTS_PER_HOUR = 2
    statuses = [client.post(URL, _values(monitoring)).status_code for _ in range(3)]
    assert statuses == [200, 200, 429] and Report.objects.count() == 2


def test_the_status_page_shows_the_state_and_nothing_of_the_report(
    client: Client, monitoring: dict[str, Any]
) -> None:
    client.post(URL, _values(monitoring))
    report = Report.objects.get()
    page = client.get(reverse("reports:status"), {"ref": report.reference, "lang": "fr"})
    text = page.content.decode()
    assert "Reçu" in text and "Children work" not in text and "Kamituga" not in text
    unknown = client.get(reverse("reports:status"), {"ref": "RNOPE", "lang": "en"})
    assert "No report has this reference" in unknown.content.decode()


def test_without_a_programme_the_form_says_reporting_is_closed(client: Client, db: Any) -> None:
    answer = client.get(URL, {"lang": "en"})
    assert answer.status_code == 503 and "not open" in answer.content.decode()
