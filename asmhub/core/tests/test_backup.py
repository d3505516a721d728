"""``asmhub backup`` and ``asmhub restore``, on the database the suite runs on.

The round trip needs committed data (pg_dump reads it from another process, SQLite's
backup API cannot write into a connection inside a transaction), so it is the one
transactional test here; pytest-django runs it after the others.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings

from asmhub.accounts.models import User
from asmhub.conftest import make_org, make_person, make_user
from asmhub.core.backup import BackupError, backup, restore, table_counts
from asmhub.directory.models import Organization, Person
from asmhub.library.models import Resource
from asmhub.taxonomy.models import LeverIssue

PDF = b"%PDF-1.4 an uploaded report\n"


def samples() -> dict[str, list[dict[str, Any]]]:
    """The first rows of every model's table, by primary key."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values()[:5])
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_and_the_uploaded_files(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    org = make_org("Artisanal Gold Council", acronym="AGC")
    person = make_person("Jane Doe")
    person.lever_issues.set(LeverIssue.objects.all()[:2])
    make_user("owner", "member", org)
    resource = Resource.objects.create(title="Field report", slug="field-report")
    resource.file.save("report.pdf", ContentFile(PDF))
    stored = resource.file.name
    counts, rows = table_counts(), samples()
    archive = tmp_path / "site.tar.gz"

    manifest = backup(archive)

    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == {t: n for t, n in counts.items() if t in manifest["tables"]}
    assert manifest["tables"]["directory_organization"] == counts["directory_organization"] > 0
    latest = MigrationLoader(None).graph.leaf_nodes("directory")[0][1]
    assert manifest["schema"]["directory"]["latest"] == latest
    assert set(manifest["checksums"]) == {manifest["database"]["member"], f"media/{stored}"}

    # Everything changes after the backup: rows edited, deleted and added, files too.
    Person.objects.filter(pk=person.pk).update(name="Someone else")
    User.objects.filter(username="owner").delete()
    make_org("Pact")
    resource.file.delete(save=False)
    (tmp_path / "media" / "stray.txt").write_text("not in the backup")

    with pytest.raises(BackupError, match="--force"):
        restore(archive)
    result = restore(archive, force=True)

    assert table_counts() == counts
    assert samples() == rows
    assert Person.objects.get(pk=person.pk).name == "Jane Doe"
    assert User.objects.filter(username="owner").exists()
    assert not Organization.objects.filter(name="Pact").exists()
    with Resource.objects.get(pk=resource.pk).file.open("rb") as handle:
        assert handle.read() == PDF
    assert not (tmp_path / "media" / "stray.txt").exists()
    assert result.files == 1 and result.migrations_applied == []


# ---------------------------------------------------------------- refused archives


@pytest.fixture(scope="module")
def archive(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[Path]:
    """A good archive of the test database as set up, with one uploaded file."""
    folder = tmp_path_factory.mktemp("backup")
    (folder / "media" / "library").mkdir(parents=True)
    (folder / "media" / "library" / "a.pdf").write_bytes(PDF)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(folder / "media")):
        backup(folder / "good.tar.gz")
    yield folder / "good.tar.gz"


def rewrite(
    source: Path,
    target: Path,
    member: Callable[[str, bytes], tuple[str, bytes]] = lambda name, data: (name, data),
    manifest: Callable[[dict[str, Any]], None] = lambda m: None,
) -> Path:
    """Copy an archive, changing members and the manifest on the way."""
    with tarfile.open(source) as tar_in, tarfile.open(target, "w:gz") as tar_out:
        for info in tar_in:
            handle = tar_in.extractfile(info)
            assert handle is not None
            name, data = info.name, handle.read()
            if name == "manifest.json":
                content = json.loads(data)
                manifest(content)
                data = json.dumps(content).encode()
            else:
                name, data = member(name, data)
            new = tarfile.TarInfo(name)
            new.size = len(data)
            tar_out.addfile(new, io.BytesIO(data))
    return target


@pytest.fixture
def site(db: Any, settings: Any, tmp_path: Path) -> Path:
    """A site holding a record and an uploaded file, to check that a refusal keeps them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "kept.txt").write_text("kept")
    make_org("Kept organisation")
    return tmp_path


def assert_unchanged(site: Path) -> None:
    assert Organization.objects.filter(name="Kept organisation").exists()
    assert [p.name for p in (site / "media").iterdir()] == ["kept.txt"]


def test_a_tampered_member_is_named_and_nothing_is_restored(archive: Path, site: Path) -> None:
    def tamper(name: str, data: bytes) -> tuple[str, bytes]:
        return name, (data.replace(b"report", b"rapport") if name.startswith("media/") else data)

    bad = rewrite(archive, site / "bad.tar.gz", member=tamper)
    with pytest.raises(BackupError, match=r"media/library/a\.pdf does not match its checksum"):
        restore(bad, force=True)
    assert_unchanged(site)


def test_an_archive_from_a_newer_schema_is_refused(archive: Path, site: Path) -> None:
    def newer(manifest: dict[str, Any]) -> None:
        manifest["schema"]["directory"]["applied"].append("9999_from_the_future")
        manifest["schema"]["directory"]["latest"] = "9999_from_the_future"

    bad = rewrite(archive, site / "newer.tar.gz", manifest=newer)
    with pytest.raises(BackupError, match=r"newer version.*directory\.9999_from_the_future"):
        restore(bad, force=True)
    assert_unchanged(site)


def test_a_member_the_manifest_does_not_list_is_refused(archive: Path, site: Path) -> None:
    def smuggle(name: str, data: bytes) -> tuple[str, bytes]:
        return ("media/extra.txt" if name.startswith("media/") else name), data

    bad = rewrite(archive, site / "extra.tar.gz", member=smuggle)
    with pytest.raises(BackupError, match=r"media/library/a\.pdf is missing"):
        restore(bad, force=True)
    escape = rewrite(
        archive,
        site / "escape.tar.gz",
        member=lambda n, d: (("media/../../evil" if n.startswith("media/") else n), d),
    )
    with pytest.raises(BackupError, match=r"media/\.\./\.\./evil is not one a backup archive"):
        restore(escape, force=True)
    assert_unchanged(site)
    assert not (site.parent / "evil").exists()


def test_another_vendors_database_is_refused(archive: Path, site: Path) -> None:
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    members = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

    def rename(name: str, data: bytes) -> tuple[str, bytes]:
        return (members[other] if name.startswith("database.") else name), data

    def relabel(manifest: dict[str, Any]) -> None:
        manifest["database"] = {"vendor": other, "member": members[other]}
        manifest["checksums"][members[other]] = manifest["checksums"].pop(
            members[connection.vendor]
        )

    bad = rewrite(archive, site / "other.tar.gz", member=rename, manifest=relabel)
    with pytest.raises(BackupError, match=f"holds a {other} database"):
        restore(bad, force=True)
    assert_unchanged(site)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00garbage\xff" * 200, "not a tar file"),
        (None, "is damaged near the member"),
    ],
    ids=["empty", "garbage", "truncated"],
)
def test_a_file_that_is_not_an_archive_is_refused(
    archive: Path, site: Path, content: bytes | None, message: str
) -> None:
    path = site / "not-an-archive.tar.gz"
    data = archive.read_bytes()
    path.write_bytes(data[: len(data) // 2] if content is None else content)
    with pytest.raises(BackupError, match=message):
        restore(path, force=True)
    assert_unchanged(site)


def test_a_database_with_records_is_kept_without_force(archive: Path, site: Path) -> None:
    with pytest.raises(CommandError, match=r"directory_organization.*--force"):
        call_command("restore", str(archive))
    assert_unchanged(site)


def test_backup_refuses_to_overwrite_a_file(db: Any, tmp_path: Path) -> None:
    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(existing))
    assert existing.read_bytes() == b"an older backup"
