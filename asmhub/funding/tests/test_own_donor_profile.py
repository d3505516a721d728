"""A donor officer maintains the donor's own profile; changes to a published profile wait
for an editor, and the public page stays as published meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.conftest import make_user
from asmhub.core.models import Revision
from asmhub.funding.models import DonorProfile
from asmhub.taxonomy.models import Country

from .conftest import donor

pytestmark = pytest.mark.django_db


def _form(profile: DonorProfile, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mandate": profile.mandate,
        "focus_countries": [c.pk for c in profile.focus_countries.all()],
        "currency": profile.currency or "USD",
        "eligibility": "",
        "decision_process": "",
        "strategy_link": "",
        "shies_away": "",
        "source": "",
    }
    data.update(changes)
    return data


def test_a_donor_officer_proposes_and_an_editor_approves(
    login: Callable[[User], Client], editor: User
) -> None:
    profile = donor("Andes Fund", {"mercury-chemicals": 1.0}, ("PE",))
    officer = make_user("officer", "member", profile.organization)
    client = login(officer)
    edit = reverse("funding:donor-edit", args=[profile.organization.slug])
    assert client.get(edit).status_code == 200
    mandate = "Cleaner gold in the Andes, with the organizations of miners."
    peru_bolivia = [c.pk for c in Country.objects.filter(code__in=["PE", "BO"])]
    response = client.post(edit, _form(profile, mandate=mandate, focus_countries=peru_bolivia))
    assert response.status_code == 302, response.context["form"].errors
    profile.refresh_from_db()
    assert profile.mandate == "" and list(
        profile.focus_countries.values_list("code", flat=True)
    ) == ["PE"]
    assert mandate not in Client().get(profile.get_absolute_url()).content.decode()
    revision = Revision.objects.get()
    assert revision.values == {"mandate": mandate}
    assert sorted(revision.relations["focus_countries"]) == sorted(peru_bolivia)

    reviewer = Client()
    reviewer.force_login(editor)
    assert revision.target_repr in reviewer.get(reverse("core:revisions")).content.decode()
    reviewer.post(revision.get_absolute_url(), {"decision": "approve"})
    profile.refresh_from_db()
    assert profile.mandate == mandate
    assert sorted(profile.focus_countries.values_list("code", flat=True)) == ["BO", "PE"]
    assert mandate in Client().get(profile.get_absolute_url()).content.decode()


def test_a_member_of_another_organization_may_not_edit_the_donor_profile(
    login: Callable[[User], Client], outsider: User
) -> None:
    profile = donor("Andes Fund", {"mercury-chemicals": 1.0}, ("PE",))
    edit = reverse("funding:donor-edit", args=[profile.organization.slug])
    assert login(outsider).get(edit).status_code == 403
    assert not Revision.objects.exists()
