"""Every setting read from the environment and every asmhub command is documented."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "asmhub"


def test_every_environment_variable_is_documented() -> None:
    source = (PACKAGE / "settings.py").read_text()
    variables = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', source))
    assert "DATABASE_URL" in variables and len(variables) > 10
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(v for v in variables if f"`{v}`" not in documented)
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_every_asmhub_command_is_documented() -> None:
    ours = sorted(name for name, app in get_commands().items() if app.startswith("asmhub."))
    assert {"demo", "load-taxonomy", "load-demo", "import-directory"} <= set(ours)
    documented = (ROOT / "docs" / "cli.md").read_text()
    missing = [name for name in ours if f"asmhub {name}" not in documented]
    assert not missing, f"document these in docs/cli.md: {missing}"


def test_every_make_target_ci_runs_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    for target in re.findall(r"make (\w[\w-]*)", ci):
        assert re.search(rf"^{target}:", makefile, re.M), target
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make test" in ci


def test_every_test_docs_security_names_exists() -> None:
    """docs/security.md proves each rule by naming its test: the names must stay true."""
    security = (ROOT / "docs" / "security.md").read_text()
    named = re.findall(r"`(\w+/tests/test_\w+\.py)(?:::(\w+))?`", security)
    assert len(named) > 20
    for path, function in named:
        source = PACKAGE / path
        assert source.exists(), f"docs/security.md names {path}, which does not exist"
        if function:
            assert f"def {function}(" in source.read_text(), f"{path}::{function}"
