"""Back up and restore the whole platform: the database and the uploaded files.

One archive (tar, gzipped when its name ends in ``.gz`` or ``.tgz``) holds:

- ``database.sqlite3``: SQLite's online backup of the live database, consistent while the
  site runs; or ``database.pgdump``: ``pg_dump --format=custom`` of the PostgreSQL
  database, taken in an exported snapshot so that the row counts describe the same moment;
- ``media/...``: the uploaded files of the default storage when it is the filesystem
  (an S3 bucket is kept by the store's own versioning; the manifest records that);
- ``manifest.json`` (written last): when and by which version it was made, the database
  vendor, the applied migrations of every app, the row count of every table, and the
  SHA-256 of every other member.

``restore`` reads the whole archive and checks every checksum before it touches
anything, refuses an archive whose schema is newer than the code, another vendor's
database, or a database that already holds records (unless forced); then it replaces
the database and the files, checks the row counts against the manifest, and migrates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

import asmhub

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# Connection settings that pg_dump and pg_restore take in a connection string.
LIBPQ_KEYS = (
    "dbname",
    "user",
    "host",
    "port",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "options",
    "connect_timeout",
    "application_name",
    "target_session_attrs",
)


class BackupError(Exception):
    """A backup that cannot be made, or an archive that cannot be restored; nothing changed."""


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    tables: int
    rows: int
    files: int
    migrations_applied: list[str] = field(default_factory=list)
    changed_by_migrate: dict[str, tuple[int, int]] = field(default_factory=dict)


# ---------------------------------------------------------------------------- backup


def default_output(now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path(f"asmhub-backup-{stamp}.tar.gz")


def backup(output: Path) -> dict[str, Any]:
    """Write the archive to ``output`` (which must not exist) and return its manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(_("%(path)s already exists: choose another --output.") % {"path": output})
    if not output.parent.is_dir():
        raise BackupError(_("%(path)s: no such directory.") % {"path": output.parent})
    vendor = _vendor()
    with tempfile.TemporaryDirectory(prefix="asmhub-backup-") as work:
        dump = Path(work) / DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            tables, applied = _sqlite_dump(dump)
        else:
            tables, applied = _pg_dump(dump)
        files_info, files = _media_files()
        checksums: dict[str, str] = {}
        partial = output.with_name(f".{output.name}.partial")
        gzipped = output.name.endswith((".gz", ".tgz"))
        try:
            with tarfile.open(partial, "w:gz") if gzipped else tarfile.open(partial, "w") as tar:
                checksums[dump.name] = _add(tar, dump, dump.name)
                for name, path in files:
                    checksums[name] = _add(tar, path, name)
                manifest = {
                    "format": FORMAT,
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "platform": {"name": "asmhub", "version": asmhub.__version__},
                    "django": django.get_version(),
                    "database": {"vendor": vendor, "member": dump.name},
                    "schema": _schema(applied),
                    "tables": tables,
                    "files": files_info,
                    "checksums": checksums,
                }
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _vendor() -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            _("Backups support SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _sqlite_dump(target: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """SQLite's online backup of the live database, then counts read from the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _sqlite_counts(copy), _installed(
            copy.execute("SELECT app, name FROM django_migrations").fetchall()
        )
    finally:
        copy.close()


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {}
    for name in names:
        sql = f"SELECT COUNT(*) FROM {_quote(name)}"  # noqa: S608 (catalogue names)
        counts[name] = db.execute(sql).fetchone()[0]
    return counts


def _pg_dump(target: Path) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """``pg_dump`` in a snapshot that the row counts are read in too."""
    import psycopg

    tool = _pg_tool("pg_dump")
    conninfo, env = _pg_conninfo()
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD")) as snap:
        snap.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        snap.read_only = True
        with snap.cursor() as cur:
            snapshot = cur.execute("SELECT pg_export_snapshot()").fetchone()
            assert snapshot is not None
            tables = _pg_counts(cur)
            applied = _installed(cur.execute("SELECT app, name FROM django_migrations").fetchall())
            _run(
                [
                    tool,
                    "--format=custom",
                    f"--snapshot={snapshot[0]}",
                    f"--file={target}",
                    f"--dbname={conninfo}",
                ],
                env,
            )
        snap.rollback()
    return tables, applied


def _pg_counts(cur: Any) -> dict[str, int]:
    names = [
        row[0]
        for row in cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        ).fetchall()
    ]
    counts = {}
    for name in names:
        sql = f"SELECT COUNT(*) FROM {_quote(name)}"  # noqa: S608 (catalogue names)
        row = cur.execute(sql).fetchone()
        counts[name] = row[0]
    return counts


def _quote(name: str) -> str:
    """A table name from the database's own catalogue, quoted as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _installed(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    labels = {config.label for config in apps.get_app_configs()}
    return sorted((app, name) for app, name in rows if app in labels)


def _schema(applied: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    schema: dict[str, dict[str, Any]] = {}
    for app, name in applied:
        schema.setdefault(app, {"applied": []})["applied"].append(name)
    for entry in schema.values():
        entry["latest"] = max(entry["applied"])
    return schema


def _media_files() -> tuple[dict[str, Any], list[tuple[str, Path]]]:
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        backend = f"{type(storage).__module__}.{type(storage).__qualname__}"
        return {
            "storage": backend,
            "included": False,
            "note": "The uploaded files are not in this archive: they live in the object "
            "store, which keeps them through its own versioning.",
        }, []
    root = Path(storage.location)
    files = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                files.append((f"{MEDIA}/{path.relative_to(root).as_posix()}", path))
    return {"storage": "filesystem", "included": True, "count": len(files)}, files


class _Hashing(io.RawIOBase):
    """A file read through, hashed as it is read."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha.update(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, name: str) -> str:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _Hashing(handle)
        tar.addfile(info, reader)
    return reader.sha.hexdigest()


# ---------------------------------------------------------------------------- restore


def restore(path: Path, force: bool = False) -> RestoreResult:
    """Replace the database and the uploaded files with the archive's; see the module doc."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("%(path)s: no such file.") % {"path": path})
    vendor = _vendor()
    storage = storages["default"]
    media_root = Path(storage.location) if isinstance(storage, FileSystemStorage) else None
    staging_parent = media_root.parent if media_root else None
    if staging_parent:
        staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".asmhub-restore-", dir=staging_parent) as work:
        staging = Path(work)
        manifest = read_archive(path, staging)
        _check_schema(path, manifest)
        archived_vendor = manifest["database"]["vendor"]
        if archived_vendor != vendor:
            raise BackupError(
                _(
                    "%(path)s holds a %(archived)s database and this site runs on %(vendor)s: "
                    "restore it on a %(archived)s site, then move the data with "
                    "`asmhub dumpdata` and `asmhub loaddata`."
                )
                % {"path": path, "archived": archived_vendor, "vendor": vendor}
            )
        files_included = bool(manifest["files"].get("included"))
        if files_included and media_root is None:
            raise BackupError(
                _(
                    "%(path)s holds uploaded files but this site keeps them in an object "
                    "store: restore on a site with ASMHUB_STORAGE=filesystem, then copy "
                    "the media folder into the bucket."
                )
                % {"path": path}
            )
        if not force:
            holding = tables_with_records()
            if holding:
                raise BackupError(
                    _(
                        "The database already holds records (%(tables)s): restoring would "
                        "replace them. Run again with --force to replace them."
                    )
                    % {"tables": ", ".join(holding[:5]) + (", ..." if len(holding) > 5 else "")}
                )
        if connection.in_atomic_block:
            raise BackupError(_("A restore cannot run inside a database transaction."))
        dump = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            _sqlite_restore(path, dump)
        else:
            _pg_restore(dump, set(manifest["tables"]))
        counts = table_counts()
        expected: dict[str, int] = manifest["tables"]
        wrong = [
            f"{table}: {counts.get(table)} rows, {n} in the archive"
            for table, n in sorted(expected.items())
            if counts.get(table) != n
        ]
        if wrong:
            raise BackupError(
                _("The restored database does not match %(path)s: %(tables)s")
                % {"path": path, "tables": "; ".join(wrong)}
            )
        files = 0
        if files_included and media_root is not None:
            files = _replace_media(staging / MEDIA, media_root)
    before = {(m.app, m.name) for m in MigrationRecorder.Migration.objects.all()}
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    applied = sorted(
        f"{app}.{name}"
        for app, name in {(m.app, m.name) for m in MigrationRecorder.Migration.objects.all()}
        - before
    )
    after = table_counts()
    changed = {
        table: (n, after.get(table, 0)) for table, n in counts.items() if after.get(table, 0) != n
    }
    return RestoreResult(
        manifest=manifest,
        tables=len(expected),
        rows=sum(expected.values()),
        files=files,
        migrations_applied=applied,
        changed_by_migrate=changed,
    )


def read_archive(path: Path, into: Path) -> dict[str, Any]:
    """Extract the archive into ``into`` and check it whole; return its manifest.

    Refuses anything that is not a tar archive, a member that is not a plain file with a
    plain relative name, a member the manifest does not list, a listed member that is
    missing, and a member whose SHA-256 is not the manifest's.
    """
    digests: dict[str, str] = {}
    if path.stat().st_size == 0:
        raise BackupError(_("%(path)s is empty: it is not a backup archive.") % {"path": path})
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the "with" below)
    except tarfile.TarError as exc:
        raise BackupError(
            _("%(path)s is not a backup archive (not a tar file, gzipped or not).") % {"path": path}
        ) from exc
    current = "?"
    try:
        with tar:
            for member in tar:
                current = member.name
                name = _member_name(path, member)
                if name in digests:
                    raise BackupError(
                        _("%(path)s: the member %(member)s appears twice.")
                        % {"path": path, "member": name}
                    )
                target = into / name
                target.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                sha = hashlib.sha256()
                with source, target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                digests[name] = sha.hexdigest()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(
            _("%(path)s is damaged near the member %(member)s: %(error)s")
            % {"path": path, "member": current, "error": str(exc) or type(exc).__name__}
        ) from exc
    if MANIFEST not in digests:
        raise BackupError(
            _("%(path)s is not a backup archive: it has no %(manifest)s.")
            % {"path": path, "manifest": MANIFEST}
        )
    manifest = _load_manifest(path, into / MANIFEST)
    listed: dict[str, str] = manifest["checksums"]
    for name, digest in sorted(listed.items()):
        if name not in digests:
            raise BackupError(
                _("%(path)s is damaged: the member %(member)s is missing.")
                % {"path": path, "member": name}
            )
        if digests[name] != digest:
            raise BackupError(
                _("%(path)s is damaged: the member %(member)s does not match its checksum.")
                % {"path": path, "member": name}
            )
    unlisted = sorted(set(digests) - set(listed) - {MANIFEST})
    if unlisted:
        raise BackupError(
            _("%(path)s: the member %(member)s is not listed in the manifest.")
            % {"path": path, "member": unlisted[0]}
        )
    if manifest["database"]["member"] not in digests:
        raise BackupError(
            _("%(path)s is damaged: the member %(member)s is missing.")
            % {"path": path, "member": manifest["database"]["member"]}
        )
    return manifest


def _member_name(path: Path, member: tarfile.TarInfo) -> str:
    name = member.name
    parts = PurePosixPath(name).parts
    plain = (
        member.isfile()
        and bool(parts)
        and not name.startswith("/")
        and ".." not in parts
        and "." not in parts
        and (
            name in (MANIFEST, *DATABASE_MEMBERS.values()) or (parts[0] == MEDIA and len(parts) > 1)
        )
    )
    if not plain:
        raise BackupError(
            _("%(path)s: the member %(member)s is not one a backup archive holds.")
            % {"path": path, "member": name}
        )
    return name


def _load_manifest(path: Path, file: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(
            _("%(path)s: %(manifest)s is not valid JSON: %(error)s")
            % {"path": path, "manifest": MANIFEST, "error": exc}
        ) from exc
    if not isinstance(manifest, dict):
        raise BackupError(
            _("%(path)s: %(manifest)s is not an object.") % {"path": path, "manifest": MANIFEST}
        )
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("%(path)s: archive format %(format)s; this version reads format %(ours)s.")
            % {"path": path, "format": manifest.get("format"), "ours": FORMAT}
        )
    shapes = {
        "database": dict,
        "schema": dict,
        "tables": dict,
        "files": dict,
        "checksums": dict,
    }
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(
                _("%(path)s: %(manifest)s lacks %(key)s.")
                % {"path": path, "manifest": MANIFEST, "key": key}
            )
    database = manifest["database"]
    if (
        database.get("vendor") not in DATABASE_MEMBERS
        or database.get("member") != (DATABASE_MEMBERS[database["vendor"]])
    ):
        raise BackupError(
            _("%(path)s: %(manifest)s names no database this version restores.")
            % {"path": path, "manifest": MANIFEST}
        )
    return manifest


def _check_schema(path: Path, manifest: dict[str, Any]) -> None:
    """Refuse an archive holding a migration that this code does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    unknown = []
    for app, entry in sorted(manifest["schema"].items()):
        names = entry.get("applied") if isinstance(entry, dict) else None
        if not isinstance(names, list) or not names:
            raise BackupError(
                _("%(path)s: %(manifest)s lacks %(key)s.")
                % {"path": path, "manifest": MANIFEST, "key": f"schema.{app}.applied"}
            )
        unknown += [f"{app}.{name}" for name in names if (app, name) not in known]
    if unknown:
        raise BackupError(
            _(
                "%(path)s comes from a newer version of the platform: this code does not have "
                "the migration %(migrations)s. Upgrade the platform, then restore."
            )
            % {"path": path, "migrations": ", ".join(unknown)}
        )


def table_counts() -> dict[str, int]:
    """The row count of every table of the live database."""
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        quote = connection.ops.quote_name
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")  # noqa: S608 (catalogue names)
            counts[name] = cursor.fetchone()[0]
    return counts


def tables_with_records() -> list[str]:
    """The tables of models holding rows, leaving out what ``migrate`` itself fills."""
    housekeeping = {
        ContentType._meta.db_table,
        Permission._meta.db_table,
        Group._meta.db_table,
        Group.permissions.through._meta.db_table,
        MigrationRecorder.Migration._meta.db_table,
    }
    existing = set(connection.introspection.table_names())
    holding = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in housekeeping or table not in existing or not model._meta.managed:
            continue
        if model._base_manager.exists():
            holding.append(table)
    return sorted(set(holding))


def _sqlite_restore(path: Path, dump: Path) -> None:
    """Copy the archived database into the live one with SQLite's backup API.

    The copy is one step under the database's write lock: another connection sees the
    old database or the new one, never a mix, and the WAL files stay consistent.
    """
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise BackupError(
                _("%(path)s: the archived database fails SQLite's check: %(error)s")
                % {"path": path, "error": check[0] if check else "?"}
            )
        connection.ensure_connection()
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("%(path)s: the database could not be restored: %(error)s")
            % {"path": path, "error": exc}
        ) from exc
    finally:
        source.close()


def _pg_restore(dump: Path, archived_tables: set[str]) -> None:
    tool = _pg_tool("pg_restore")
    conninfo, env = _pg_conninfo()
    # Tables the archive lacks (a later migration made them) would block migrate, and
    # foreign keys from them would block pg_restore's drops: they go first.
    extra = sorted(set(connection.introspection.table_names()) - archived_tables)
    if extra:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(quote(t) for t in extra)} CASCADE")
    connection.close()
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env,
    )


def _pg_conninfo() -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    from psycopg.conninfo import make_conninfo

    params = connection.get_connection_params()
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    libpq = {key: str(params[key]) for key in LIBPQ_KEYS if params.get(key) not in (None, "")}
    return make_conninfo(**libpq), env


def _pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            _(
                "%(tool)s is not installed: install the PostgreSQL client tools "
                "(Debian: apt-get install postgresql-client)."
            )
            % {"tool": name}
        )
    version = [tool, "--version"]
    out = subprocess.run(version, capture_output=True, text=True, check=False).stdout  # noqa: S603
    found = re.search(r"\b(\d+)(?:\.\d+)*", out)
    client = int(found.group(1)) if found else 0
    connection.ensure_connection()
    server = connection.pg_version // 10000  # type: ignore[attr-defined]
    if client < server:
        raise BackupError(
            _(
                "%(tool)s %(client)s cannot work with a PostgreSQL %(server)s server: install "
                "the client tools of version %(server)s or later."
            )
            % {"tool": name, "client": client or out.strip(), "server": server}
        )
    return tool


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (status %(status)s): %(error)s")
            % {
                "tool": Path(command[0]).name,
                "status": done.returncode,
                "error": done.stderr.strip() or done.stdout.strip(),
            }
        )


def _replace_media(staged: Path, media_root: Path) -> int:
    """Put the archived files in place of the media folder, by renaming where possible."""
    staged.mkdir(parents=True, exist_ok=True)
    count = sum(1 for p in staged.rglob("*") if p.is_file())
    if not media_root.exists():
        os.replace(staged, media_root)
        return count
    old = media_root.with_name(f".{media_root.name}.replaced")
    shutil.rmtree(old, ignore_errors=True)
    try:
        os.replace(media_root, old)
    except OSError:
        # A mount point cannot be renamed: empty it and move the files in instead.
        for child in list(media_root.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in list(staged.iterdir()):
            shutil.move(str(child), media_root / child.name)
        return count
    os.replace(staged, media_root)
    shutil.rmtree(old, ignore_errors=True)
    return count
