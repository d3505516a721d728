from __future__ import annotations

from collections.abc import Callable

import pytest

from asmhub.library.models import Resource
from asmhub.library.services import ingest_bytes

REPORT = """# Artisanal gold in southern Peru

## Women and mercury

CooperAcción works with six artisanal mining communities in Santa Filomena, southern Peru, where women
process ore with mercury at home. The programme reduced mercury exposure of women and children.

## Finance

Women in the communities set up their own lending facility, a savings scheme run by an association.
"""


@pytest.fixture
def add_text(db: None) -> Callable[..., Resource]:
    def _add(
        name: str = "report.md", text: str = REPORT, publish: bool = True, **values: object
    ) -> Resource:
        outcome = ingest_bytes(name, text.encode(), publish=publish)
        assert outcome.resource is not None, outcome.reason
        for key, value in values.items():
            setattr(outcome.resource, key, value)
        outcome.resource.save()
        return outcome.resource

    return _add
