"""Files the import refuses whole: larger than the upload limit, or a CSV with a line of
10 MB. A clear message names what and where; nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from asmhub.monitoring.models import ImportBatch, Programme, ProgrammeGrant, Site, Visit
from asmhub.monitoring.tests.test_import_ipis import BISIE, ipis_file
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(owner: Any) -> Programme:
    found = Programme.objects.create(name="Survey", country=Country.objects.get(code="CD"))
    ProgrammeGrant.objects.create(programme=found, user=owner, level="manager")
    return found


def post(client: Client, programme: Programme, content: bytes) -> str:
    response = client.post(
        reverse("monitoring:imports"),
        {
            "programme": programme.pk,
            "format": "ipis",
            "file": SimpleUploadedFile("big.csv", content),
        },
    )
    assert response.status_code == 200  # the form again, with the message
    return str(response.content.decode())


def nothing_written() -> bool:
    return not (ImportBatch.objects.exists() or Site.objects.exists() or Visit.objects.exists())


def test_a_file_over_the_upload_limit_is_refused(
    programme: Programme, owner: Any, login: Any, settings: Any
) -> None:
    settings.ASMHUB_MONITORING_MAX_UPLOAD_BYTES = 2_000_000
    page = post(login(owner), programme, ipis_file(BISIE) + b"x" * 3_000_000)
    assert "The file is 3 MB; the limit is 2 MB." in page
    assert nothing_written()


def test_a_csv_with_a_line_of_ten_megabytes_is_refused(
    programme: Programme, owner: Any, login: Any
) -> None:
    long = {**BISIE, "vid": "2", "pcode": "codmine00002", "name": "x" * 10_000_000}
    page = post(login(owner), programme, ipis_file(BISIE, long))
    assert "big.csv cannot be read as CSV (field larger than field limit" in page
    assert nothing_written()
