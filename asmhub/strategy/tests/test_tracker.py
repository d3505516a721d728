"""Every convening commitment in one tracker, made an action in one click, overdue computed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from asmhub.accounts.models import User
from asmhub.convenings.models import Commitment
from asmhub.convenings.tests.conftest import make_convening
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import Organization
from asmhub.strategy import services
from asmhub.strategy.models import Action, Objective, Progress

pytestmark = pytest.mark.django_db
DUE = dt.date(2005, 9, 30)


@pytest.fixture
def commitment(org: Organization) -> Commitment:
    convening = make_convening(org, starts_on=dt.date(2005, 6, 16), ends_on=dt.date(2005, 6, 17))
    return Commitment.objects.create(
        convening=convening,
        organization=org,
        what="Hold the 2005 annual conference in Salvador de Bahia, Brazil, in September, "
        "with miners taking part.",
        due_on=DUE,
    )


def test_a_commitment_appears_with_owner_due_date_and_overdue_flag(
    commitment: Commitment,
) -> None:
    before, after = DUE, DUE + dt.timedelta(days=1)
    [entry] = services.tracker(AnonymousUser(), on=before)
    assert entry.title == commitment.what  # whole, not cut at 80 characters
    assert (entry.kind, entry.owner, entry.due_on, entry.overdue) == (
        "commitment",
        "Artisanal Gold Council (AGC)",
        DUE,
        False,
    )
    assert services.tracker(AnonymousUser(), on=after)[0].overdue
    commitment.state = Commitment.State.DONE
    commitment.save()
    assert not services.tracker(AnonymousUser(), on=after)[0].overdue


def test_commitments_of_a_draft_convening_stay_hidden(
    org: Organization, outsider: User, owner: User
) -> None:
    draft = make_convening(org, status=Status.DRAFT)
    Commitment.objects.create(convening=draft, organization=org, what="Secret", due_on=DUE)
    assert services.tracker(AnonymousUser()) == []
    assert services.tracker(outsider) == []
    assert [e.title for e in services.tracker(owner)] == ["Secret"]


def test_a_commitment_becomes_an_action_in_one_audited_click_and_turns_overdue(
    commitment: Commitment, objective: Objective, owner: User, login: Callable[[User], Client]
) -> None:
    response = login(owner).post(
        reverse("strategy:adopt", args=[commitment.pk]), {"objective": objective.pk}
    )
    action = Action.objects.get(commitment=commitment)
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    assert (action.title, action.due_on, action.owner_organization_id) == (
        commitment.what,
        DUE,
        commitment.organization_id,
    )
    assert AuditEntry.for_object(action).get().action == "adopt-commitment"
    assert not action.is_overdue(DUE) and action.is_overdue(DUE + dt.timedelta(days=1))
    entries = services.tracker(owner, on=DUE + dt.timedelta(days=1))
    assert [(e.kind, e.overdue) for e in entries] == [("action", True)]
    services.change_status(owner, action, Progress.DONE)
    assert not services.tracker(owner, on=DUE + dt.timedelta(days=1))[0].overdue


def test_a_commitment_is_made_an_action_once(
    commitment: Commitment, objective: Objective, editor: User
) -> None:
    services.adopt_commitment(editor, commitment, objective)
    with pytest.raises(Exception, match="already an action"):
        services.adopt_commitment(editor, commitment, objective)
    assert Action.objects.filter(commitment=commitment).count() == 1


def test_outsiders_cannot_adopt_into_a_goal_they_do_not_own(
    commitment: Commitment, objective: Objective, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.adopt_commitment(outsider, commitment, objective)
    assert not Action.objects.exists()
    assert not AuditEntry.objects.exists()


def test_my_commitments_are_those_of_my_organization(
    commitment: Commitment,
    other_org: Organization,
    action: Action,
    outsider: User,
    owner: User,
    login: Callable[[User], Client],
) -> None:
    Commitment.objects.create(
        convening=commitment.convening, organization=other_org, what="Pact's own", due_on=DUE
    )
    action.owner_organization = other_org
    action.save()
    assert {e.title for e in services.tracker(outsider, mine=True)} == {"Pact's own", action.title}
    assert {e.title for e in services.tracker(owner, mine=True)} == {commitment.what}
    page = login(outsider).get(reverse("strategy:tracker") + "?mine=1").content.decode()
    assert "Pact&#x27;s own" in page and commitment.what not in page


def test_the_tracker_page_and_api_flag_overdue(commitment: Commitment) -> None:
    page = Client().get(reverse("strategy:tracker")).content.decode()
    assert commitment.what in page and "Overdue" in page
    [entry] = Client().get("/api/strategy/tracker").json()
    assert entry["overdue"] is True and entry["kind"] == "commitment"


def test_the_tracker_speaks_french(commitment: Commitment) -> None:
    page = Client().get(reverse("strategy:tracker"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Actions et engagements" in page and "En retard" in page
