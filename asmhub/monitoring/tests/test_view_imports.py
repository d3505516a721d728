"""The import pages: upload, the dry-run report, commit; column mappings."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from asmhub.core.models import AuditEntry
from asmhub.monitoring.models import ColumnMapping, ImportBatch, Programme, ProgrammeGrant, Visit
from asmhub.monitoring.tests.test_import_ipis import BISIE, ipis_file
from asmhub.taxonomy.models import Country

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(owner: Any) -> Programme:
    found = Programme.objects.create(name="Survey", country=Country.objects.get(code="CD"))
    ProgrammeGrant.objects.create(programme=found, user=owner, level="manager")
    return found


def upload(client: Client, programme: Programme, content: bytes, **extra: Any) -> Any:
    data = {
        "programme": programme.pk,
        "format": "ipis",
        "file": SimpleUploadedFile("s.csv", content),
    }
    return client.post(reverse("monitoring:imports"), {**data, **extra})


def test_a_manager_checks_then_commits(programme: Programme, owner: Any, login: Any) -> None:
    client = login(owner)
    bad = {**BISIE, "vid": "9", "pcode": "codmine00002", "mercury": "maybe"}
    response = upload(client, programme, ipis_file(BISIE, bad))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Checked: nothing is written yet" in page
    assert "maybe" in page and "is not a yes/no" in page
    assert not Visit.objects.exists()
    client.post(reverse("monitoring:import-commit", args=[batch.pk]))
    assert Visit.objects.count() == 2
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Committed" in page and "Commit the import" not in page
    client.post(reverse("monitoring:import-commit", args=[batch.pk]))
    assert Visit.objects.count() == 2


def test_an_unreadable_file_is_refused_with_its_reason(
    programme: Programme, owner: Any, login: Any
) -> None:
    response = upload(login(owner), programme, b"a,b\n1,2\n")
    assert response.status_code == 200
    assert "not the IPIS layout: no column pcode" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_others_may_not_import(
    programme: Programme, outsider: Any, editor: Any, login: Any, client: Client
) -> None:
    assert client.get(reverse("monitoring:imports")).status_code == 302  # to sign in
    for user in (outsider, editor):
        login(user)
        assert client.get(reverse("monitoring:imports")).status_code == 403
        assert upload(client, programme, ipis_file(BISIE)).status_code == 403
    assert not ImportBatch.objects.exists()


def test_a_batch_of_another_programme_is_not_found(
    programme: Programme, owner: Any, outsider: Any, login: Any
) -> None:
    upload(login(owner), programme, ipis_file(BISIE))
    batch = ImportBatch.objects.get()
    other = Programme.objects.create(name="Other", country=programme.country)
    ProgrammeGrant.objects.create(programme=other, user=outsider, level="manager")
    client = login(outsider)
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("monitoring:import-commit", args=[batch.pk])).status_code == 404
    assert not Visit.objects.exists()


def test_a_mapping_made_from_a_sample_file_imports_it(
    programme: Programme, owner: Any, login: Any
) -> None:
    client = login(owner)
    content = b"Code site;Jour;Nom;Mercure\nX-1;2021-02-03;Nyabibwe;oui\n"
    page = client.post(
        reverse("monitoring:mapping-create"), {"sample": SimpleUploadedFile("m.csv", content)}
    ).content.decode()
    assert "code_site" in page
    headings = ["code_site", "jour", "nom", "mercure"]
    form = {"name": "Provincial survey", "heading": headings}
    form |= {"col_0": "pcode", "col_1": "", "col_2": "site_name", "col_3": "mercury"}
    refused = client.post(reverse("monitoring:mapping-create"), form)
    assert "A column must fill “date”" in refused.content.decode()
    form["col_1"] = "date"
    assert client.post(reverse("monitoring:mapping-create"), form).status_code == 302
    mapping = ColumnMapping.objects.get()
    entry = AuditEntry.for_object(mapping).get()
    assert (entry.action, entry.actor, entry.changes["columns"]) == (
        "create",
        owner,
        mapping.columns,
    )
    assert mapping.columns == {
        "pcode": "code_site",
        "date": "jour",
        "site_name": "nom",
        "mercury": "mercure",
    }
    upload(client, programme, content, format="mapped", mapping=mapping.pk)
    batch = ImportBatch.objects.get()
    client.post(reverse("monitoring:import-commit", args=[batch.pk]))
    visit = Visit.objects.get()
    assert (visit.site.pcode, visit.site.name, visit.mercury) == ("X-1", "Nyabibwe", True)
