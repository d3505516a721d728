"""Working groups: expressing interest in joining reaches the secretariat, who accepts or
declines and the person is told; the members' space is for members and editors only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from asmhub.conftest import make_user
from asmhub.core.models import AuditEntry, Notification
from asmhub.strategy import groups
from asmhub.strategy.models import GroupDocument, JoinRequest, Strategy, WorkingGroup


@pytest.fixture
def group(strategy: Strategy, org: Any) -> WorkingGroup:
    group = WorkingGroup.objects.create(strategy=strategy, name="Projects and Resources")
    group.members.set([org])
    return group


@pytest.fixture
def secretariat(admin_user: Any) -> Any:
    admin_user.email = "secretariat@example.org"
    admin_user.save()
    return admin_user


def test_a_request_reaches_the_secretariat_by_email_and_on_its_page(
    group: WorkingGroup, outsider: Any, secretariat: Any, login: Any, client: Any
) -> None:
    login(outsider)
    response = client.post(
        reverse("strategy:group-join", args=[group.pk]), {"message": "We fund projects."}
    )
    assert response.status_code == 302
    join = JoinRequest.objects.get()
    assert (join.user, join.state) == (outsider, "pending")
    assert [m.to for m in mail.outbox] == [["secretariat@example.org"]]
    assert "We fund projects." in mail.outbox[0].body
    assert reverse("strategy:join-requests") in mail.outbox[0].body
    assert Notification.objects.filter(reason="strategy-join", step="new").count() == 1
    assert AuditEntry.objects.filter(action="request-to-join").exists()
    login(secretariat)
    page = client.get(reverse("strategy:join-requests")).content.decode()
    assert "We fund projects." in page
    assert (
        "1 request to join a working group" in client.get(reverse("strategy:list")).content.decode()
    )


def test_a_second_request_while_one_waits_is_refused(group: WorkingGroup, outsider: Any) -> None:
    groups.request_to_join(outsider, group, "Please")
    with pytest.raises(ValidationError):
        groups.request_to_join(outsider, group, "Again")
    with pytest.raises(ValidationError):
        groups.request_to_join(make_user("x", "member"), group, "   ")
    assert JoinRequest.objects.count() == 1


def test_members_cannot_ask_to_join_their_own_group(group: WorkingGroup, owner: Any) -> None:
    with pytest.raises(PermissionDenied):
        groups.request_to_join(owner, group, "I am in already")


def test_only_the_secretariat_answers(
    group: WorkingGroup, outsider: Any, editor: Any, owner: Any, login: Any, client: Any
) -> None:
    join = groups.request_to_join(outsider, group, "Please")
    for user in (editor, owner, outsider):
        with pytest.raises(PermissionDenied):
            groups.decide(user, join, accept=True)
    login(editor)
    client.post(reverse("strategy:join-decide", args=[join.pk]), {"decision": "accept"})
    join.refresh_from_db()
    assert join.state == "pending"
    assert not group.memberships.exists()
    assert client.get(reverse("strategy:join-requests")).status_code == 403


def test_accepting_adds_the_person_and_tells_them(
    group: WorkingGroup, outsider: Any, secretariat: Any, login: Any, client: Any
) -> None:
    outsider.email = "outsider@example.org"
    outsider.save()
    join = groups.request_to_join(outsider, group, "Please")
    mail.outbox.clear()
    login(secretariat)
    client.post(
        reverse("strategy:join-decide", args=[join.pk]),
        {"decision": "accept", "answer": "Welcome aboard"},
    )
    join.refresh_from_db()
    assert (join.state, join.decided_by) == ("accepted", secretariat)
    assert group.memberships.filter(user=outsider).exists()
    assert [m.to for m in mail.outbox] == [["outsider@example.org"]]
    assert "Welcome aboard" in mail.outbox[0].body
    with pytest.raises(ValidationError):  # answered once
        groups.decide(secretariat, join, accept=False)


def test_declining_tells_the_person_and_adds_nobody(
    group: WorkingGroup, outsider: Any, secretariat: Any
) -> None:
    outsider.email = "outsider@example.org"
    outsider.save()
    join = groups.request_to_join(outsider, group, "Please")
    mail.outbox.clear()
    groups.decide(secretariat, join, accept=False, answer="The group is full this year.")
    assert not group.memberships.exists()
    assert "declined" in mail.outbox[0].body
    assert Notification.objects.filter(step="declined").count() == 1


def test_the_members_space_is_for_members_and_editors(
    group: WorkingGroup,
    owner: Any,
    outsider: Any,
    editor: Any,
    secretariat: Any,
    login: Any,
    client: Any,
) -> None:
    login(owner)
    response = client.post(
        reverse("strategy:document-add", args=[group.pk]),
        {"title": "Minutes of March", "file": SimpleUploadedFile("minutes.txt", b"secret")},
    )
    assert response.status_code == 302
    document = GroupDocument.objects.get()
    file_url = reverse("strategy:document-file", args=[document.pk])
    assert b"".join(client.get(file_url).streaming_content) == b"secret"
    page = reverse("strategy:group", args=[group.pk])
    assert "Minutes of March" in client.get(page).content.decode()
    login(outsider)
    assert "Minutes of March" not in client.get(page).content.decode()
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("strategy:document-add", args=[group.pk])).status_code == 403
    client.logout()
    assert "Minutes of March" not in client.get(page).content.decode()
    login(editor)
    assert client.get(file_url).status_code == 200
    # once accepted, a person from another organization sees the space too
    groups.decide(secretariat, groups.request_to_join(outsider, group, "Please"), accept=True)
    login(outsider)
    assert client.get(file_url).status_code == 200


def test_a_document_needs_a_file_or_a_link(group: WorkingGroup, owner: Any) -> None:
    with pytest.raises(ValidationError):
        groups.add_document(owner, group, {"title": "Nothing"})
    assert not GroupDocument.objects.exists()
