"""Fixtures every app's tests share: the taxonomy, and the personas.

Personas, as every permission test needs them: ``owner`` and ``colleague`` are
members of ``org``; ``outsider`` is a member of ``other_org``; ``editor`` moderates;
``admin`` is a secretariat administrator. The taxonomy is loaded once per run.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import django
import pytest
from django.core.cache import cache
from django.test import Client

from asmhub.accounts.models import User
from asmhub.accounts.services import assign_role, sync_roles
from asmhub.core.models import Status
from asmhub.directory.models import Organization, Person
from asmhub.taxonomy.loaders import load_taxonomy
from asmhub.taxonomy.models import StakeholderType


def schema_key() -> str:
    """A digest of everything that shapes the test database: Django's version and every
    migration file. A kept test database is used only by runs with the same key."""
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(Path(__file__).parent.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(path.parents[2])).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request: pytest.FixtureRequest) -> Iterator[None]:
    """Test databases are kept between runs, named after the schema they were migrated to
    (``schema_key``), so a run migrates only when a migration changed; ``--create-db``
    builds them afresh. SQLite's is a file in the data folder, one per parallel worker and
    per concurrent run (a lock file says which are in use; unused files of older keys are
    removed); PostgreSQL's is a database next to the configured one."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    key = schema_key()
    if database["ENGINE"] != "django.db.backends.sqlite3":
        test["NAME"] = f"test_{database['NAME']}_{key}"
        # then the usual _gw0, _gw1 suffix of each parallel worker
        request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")
        yield
        return
    folder = Path(settings.DATA_DIR) / "test-databases"
    folder.mkdir(parents=True, exist_ok=True)
    for lock_path in folder.glob("test-*.lock"):
        if not lock_path.name.startswith(f"test-{key}-") and (held := _lock(lock_path)):
            for stale in folder.glob(lock_path.name.removesuffix(".lock") + ".sqlite3*"):
                stale.unlink(missing_ok=True)
            lock_path.unlink(missing_ok=True)
            held.close()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    number = 0
    while not (held := _lock(folder / f"test-{key}-{worker}-{number}.lock")):
        number += 1
    test["NAME"] = str(folder / f"test-{key}-{worker}-{number}.sqlite3")
    yield
    held.close()


def _lock(path: Path) -> Any:
    """An open file holding an exclusive lock on ``path``, or None when another process
    holds it."""
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


@pytest.fixture(scope="session")
def django_db_keepdb() -> bool:
    return True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    # Idempotent: a kept database already holds both, unless a transactional test emptied it.
    with django_db_blocker.unblock():
        load_taxonomy()
        sync_roles()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    # A fast hasher: the suite creates many users; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Throttles and lockouts live in the cache; tests must not share them.
    cache.clear()


@pytest.fixture(autouse=True)
def _search_index(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own search index, kept in step as soon as a write is made (a test
    runs inside a transaction that never commits)."""
    from asmhub.library import search_index

    settings.ASMHUB_SEARCH_INDEX_DIR = tmp_path / "search-index"
    monkeypatch.setattr(search_index, "_run_after_commit", lambda callback: callback())


def make_org(
    name: str, type_slug: str = "international-ngo", status: str = Status.PUBLISHED, **fields: Any
) -> Organization:
    return Organization.objects.create(
        name=name,
        stakeholder_type=StakeholderType.objects.get(slug=type_slug),
        status=status,
        **fields,
    )


def make_person(name: str, status: str = Status.PUBLISHED, **fields: Any) -> Person:
    return Person.objects.create(name=name, status=status, **fields)


def make_user(username: str, role: str | None, organization: Organization | None = None) -> User:
    user = User.objects.create_user(
        username=username, password="a-long-pass-phrase-91", organization=organization
    )
    if role:
        assign_role(user, role)
    return user


@pytest.fixture
def org(db: Any) -> Organization:
    return make_org("Artisanal Gold Council", acronym="AGC")


@pytest.fixture
def other_org(db: Any) -> Organization:
    return make_org("Pact")


@pytest.fixture
def owner(org: Organization) -> User:
    return make_user("owner", "member", org)


@pytest.fixture
def colleague(org: Organization) -> User:
    return make_user("colleague", "member", org)


@pytest.fixture
def outsider(other_org: Organization) -> User:
    return make_user("outsider", "member", other_org)


@pytest.fixture
def editor(db: Any) -> User:
    return make_user("editor", "editor")


@pytest.fixture
def admin_user(db: Any) -> User:
    return make_user("secretariat", "secretariat-admin")


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def _login(user: User) -> Client:
        client.force_login(user)
        return client

    return _login


# Browser tests (``pytest -m browser``) drive Debian's Chromium through Playwright.
CHROMIUM = os.environ.get("ASMHUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("ASMHUB_SCREENSHOTS", "")


@pytest.fixture
def browser(live_server: Any, transactional_db: Any) -> Iterator[Any]:
    """Headless Chromium over a live server whose database holds the taxonomy and the
    roles (a transactional test starts empty); ``browser.base_url`` is the server's."""
    load_taxonomy()
    sync_roles()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        launched.base_url = live_server.url  # type: ignore[attr-defined]
        yield launched
        launched.close()


def browser_page(browser: Any, base_url: str) -> Any:
    """A new 1280×900 page in its own context; console errors, CSP reports and script
    errors collect in ``page.problems``, which a test expects to stay empty."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=base_url, accept_downloads=True
    )
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda msg: (
            (msg.type == "error" or "Content Security Policy" in msg.text)
            and page.problems.append(msg.text)
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def save_screenshot(page: Any, name: str) -> None:
    """The whole page as ``name.png`` in $ASMHUB_SCREENSHOTS, when it is set."""
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)
