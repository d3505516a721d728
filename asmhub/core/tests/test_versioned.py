"""An in-memory copy is kept while its token is the stored one, and rebuilt after a bump."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from asmhub.core.versioned import Versioned
from asmhub.monitoring.snapshot import MonitoringVersion


@dataclass
class Copy:
    token: str


@pytest.mark.django_db
def test_the_copy_is_rebuilt_only_after_a_bump() -> None:
    builds: list[str] = []

    def build(token: str) -> Copy:
        builds.append(token)
        return Copy(token)

    versioned: Versioned[Any] = Versioned(MonitoringVersion, build)
    first = versioned.current()
    assert versioned.current() is first and builds == [""]
    versioned.bump()
    second = versioned.current()
    assert second is not first and second.token == versioned.token() != ""
    other = Versioned(MonitoringVersion, build)  # another process's copy sees the same token
    assert other.current().token == second.token
    assert len(builds) == 3
