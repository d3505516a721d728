"""The rules of the code's layout that no linter checks: audit entries are written only
through core/actions.py, asmhub modules are imported at the top of a module, and
docs/architecture.md lists the apps that exist. The order of the apps and lib's freedom
from Django are import-linter contracts (pyproject.toml, `make check`)."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from django.conf import settings

PACKAGE = Path(__file__).resolve().parents[2]
ARCHITECTURE = PACKAGE.parent / "docs" / "architecture.md"

# Writes not yet turned into actions, in apps whose modules are being reorganised; each
# entry goes when its write does (the test fails on an entry that is no longer needed).
AUDIT_PENDING = {
    "convenings/services.py",
    "monitoring/importers.py",
    "monitoring/incidents.py",
    "monitoring/management/commands/create-programme.py",
    "monitoring/retention.py",
    "monitoring/taxes.py",
    "strategy/services.py",
}

# Imports still made inside functions: each breaks an import cycle (or reaches up the
# tower) that a move of shared pieces will remove. AppConfig.ready() is exempt, since
# Django imports models only after the apps are ready.
LATE_IMPORTS = {
    ("accounts/services.py", "asmhub.directory.models"),
    ("calendar/demo.py", "asmhub.core.services"),
    ("convenings/demo.py", "asmhub.convenings.access"),
    ("convenings/demo.py", "asmhub.core.services"),
    ("convenings/report.py", "asmhub.core"),
    ("convenings/report_sections.py", "asmhub.convenings.report_models"),
    ("convenings/services.py", "asmhub.calendar.models"),
    ("convenings/services.py", "asmhub.calendar.services"),
    ("convenings/services.py", "asmhub.core.models"),
    ("convenings/services.py", "asmhub.core.services"),
    ("core/notify.py", "asmhub.core.tasks"),
    # outreach's tasks call alerts and newsletters, which enqueue those tasks.
    ("outreach/alerts.py", "asmhub.outreach.tasks"),
    ("outreach/newsletter.py", "asmhub.outreach.models"),
    ("outreach/newsletter.py", "asmhub.outreach.tasks"),
    ("outreach/tasks.py", "asmhub.outreach.follows"),
    # a work plan's model method reads the drafting module, which imports the models.
    ("strategy/models.py", "asmhub.strategy.workplans"),
    ("strategy/models.py", "asmhub.strategy"),
    ("strategy/templatetags/strategy_links.py", "asmhub.strategy"),
    ("core/permissions.py", "asmhub.funding.models"),
    # who sees a strategy figure counted from restricted monitoring records
    ("core/permissions.py", "asmhub.monitoring.access"),
    ("core/permissions.py", "asmhub.monitoring.models"),
    ("core/services.py", "asmhub.directory.models"),
    ("core/services.py", "asmhub.taxonomy.models"),
    ("core/templatetags/asmhub.py", "asmhub.library.citations"),
    ("monitoring/demo.py", "asmhub.core.services"),
    ("monitoring/demo.py", "asmhub.monitoring"),
    ("monitoring/demo.py", "asmhub.monitoring.access"),
    ("monitoring/importers.py", "asmhub.monitoring.xlsform"),
    ("monitoring/services.py", "asmhub.funding"),
    ("monitoring/services.py", "asmhub.funding.models"),
    ("monitoring/services.py", "asmhub.library.models"),
    ("monitoring/snapshot.py", "asmhub.monitoring.models"),
    ("monitoring/views_areas.py", "asmhub.reports.services"),
    ("monitoring/xlsform.py", "asmhub.core.exports"),
    ("monitoring/xlsform.py", "asmhub.core.filelimits"),
    ("monitoring/xlsform.py", "asmhub.lib.tabular"),
    ("monitoring/xlsform.py", "asmhub.monitoring.importers"),
    ("monitoring/xlsform.py", "asmhub.monitoring.models"),
    ("strategy/demo.py", "asmhub.convenings.models"),
    ("strategy/reminders.py", "asmhub.convenings.models"),
    ("strategy/signals.py", "asmhub.strategy.services"),
    ("taxonomy/lookup.py", "asmhub.directory.models"),
}


@cache
def runtime_modules() -> list[tuple[str, ast.Module]]:
    """Every module of the package that runs in production, parsed (once per run)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if {"tests", "migrations"} & set(relative.parts) or relative.name == "conftest.py":
            continue
        found.append((relative.as_posix(), ast.parse(path.read_text(encoding="utf-8"))))
    return found


def audit_writers(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """The modules that call ``AuditEntry.record`` (or ``.objects.create`` on it)."""
    writers = set()
    for name, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = ast.unparse(node.func.value)
            if (owner == "AuditEntry" and node.func.attr == "record") or (
                owner == "AuditEntry.objects" and node.func.attr in {"create", "bulk_create"}
            ):
                writers.add(name)
    return writers


def late_imports(modules: list[tuple[str, ast.Module]]) -> set[tuple[str, str]]:
    """(module, imported) for each asmhub import made inside a function."""
    found = set()
    for name, tree in modules:
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if name.endswith("apps.py") and function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("asmhub"):
                    found.add((name, str(node.module)))
                elif isinstance(node, ast.Import):
                    found |= {(name, a.name) for a in node.names if a.name.startswith("asmhub")}
    return found


def test_audit_entries_are_written_only_through_core_actions() -> None:
    writers = audit_writers(runtime_modules())
    assert "core/actions.py" in writers  # the check sees the one legitimate writer
    assert writers - {"core/actions.py"} == AUDIT_PENDING


def test_the_audit_check_sees_a_direct_write() -> None:
    tree = ast.parse("def f(u, o):\n    AuditEntry.record(u, 'x', o)\n")
    assert audit_writers([("library/x.py", tree)]) == {"library/x.py"}


def test_asmhub_modules_are_imported_at_module_level() -> None:
    found = late_imports(runtime_modules())
    assert found - LATE_IMPORTS == set(), "import these at the top of the module"
    assert LATE_IMPORTS - found == set(), "moved to the top: remove from LATE_IMPORTS"


def test_the_import_check_sees_an_import_inside_a_function() -> None:
    tree = ast.parse("def f():\n    from asmhub.core import models\n")
    assert late_imports([("library/x.py", tree)]) == {("library/x.py", "asmhub.core")}


def documented_apps() -> set[str]:
    """The folders named in the package tree of docs/architecture.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    tree = text.split("```", 2)[1]
    return set(re.findall(r"^  (\w+)/", tree, re.MULTILINE))


def test_the_architecture_document_lists_every_app_and_no_other() -> None:
    installed = {app.rpartition(".")[2] for app in settings.INSTALLED_APPS if "asmhub." in app}
    helpers = {"lib", "locale"}  # folders of the package that are not apps
    assert documented_apps() - helpers == installed
    assert all((PACKAGE / name).is_dir() for name in helpers & documented_apps())
