import pytest
from django.core.exceptions import PermissionDenied

from asmhub.accounts.models import User
from asmhub.conftest import make_org
from asmhub.core.actions import ChangeStatus, SaveContribution
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import Organization
from asmhub.taxonomy.models import LeverIssue


def test_a_refused_action_writes_nothing(outsider: User, org: Organization) -> None:
    record = make_org("Gold Mining Cooperative", owner_organization=org)
    with pytest.raises(PermissionDenied):
        SaveContribution(outsider, record, {"name": "Renamed"}).execute()
    assert not AuditEntry.objects.exists()
    record.refresh_from_db()
    assert record.name == "Gold Mining Cooperative"


def test_an_action_records_what_changed(owner: User, org: Organization) -> None:
    record = make_org("Gold Mining Cooperative", owner_organization=org)
    mercury = LeverIssue.objects.get(slug="mercury-chemicals")
    SaveContribution(owner, record, {"acronym": "GMC"}, {"lever_issues": [mercury]}).execute()
    entry = AuditEntry.objects.get()
    assert entry.action == "update" and entry.actor == owner
    assert entry.changes == {
        "acronym": {"from": "", "to": "GMC"},
        "lever_issues": {"from": [], "to": [mercury.name]},
    }


def test_status_moves_follow_the_moderation_rules(
    owner: User, editor: User, org: Organization
) -> None:
    record = make_org("Gold Mining Cooperative", status=Status.DRAFT, owner_organization=org)
    with pytest.raises(PermissionDenied, match="Only an editor"):
        ChangeStatus(owner, record, Status.PUBLISHED).execute()
    with pytest.raises(PermissionDenied, match="cannot move"):
        ChangeStatus(owner, record, Status.DRAFT).execute()
    ChangeStatus(editor, record, Status.PUBLISHED).execute()
    with pytest.raises(PermissionDenied, match="Only an editor may unpublish"):
        ChangeStatus(owner, record, Status.DRAFT).execute()
    assert record.status == Status.PUBLISHED
