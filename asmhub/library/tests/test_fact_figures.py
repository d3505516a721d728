"""Proposed facts catch counts with their unit and amounts with their currency."""

from __future__ import annotations

from collections.abc import Callable

from asmhub.accounts.models import User
from asmhub.library.models import Fact, Resource
from asmhub.library.stories import propose_facts


def test_counts_and_amounts_become_candidate_facts_with_their_units(
    add_text: Callable[..., Resource], editor: User
) -> None:
    resource = add_text(
        "meeting.md",
        "# Members\n\nThe alliance now counts 85 members from industry and civil society. "
        "The projects work group awarded USD 40,000 to a pilot in South Kivu. "
        "Another grant of 12,500 EUR went to a training programme in Ituri. "
        "The meeting took place in 2020 and lasted a whole day.\n",
    )
    assert propose_facts(resource, editor) == 3
    found = {f.unit: f.value for f in Fact.objects.filter(resource=resource)}
    assert found == {"members": 85, "USD": 40_000, "EUR": 12_500}
    statements = set(Fact.objects.values_list("statement", flat=True))
    assert not any("took place in 2020" in s for s in statements)
