"""Writes that need a permission check and leave an audit entry go through actions.

An action checks, then runs its change in one transaction together with the audit
entry, so a refused or failed write leaves nothing behind. This module is the only one
that writes ``AuditEntry`` rows (``core/tests/test_layout.py`` keeps it so): writes that
are not an ``Action`` subclass (imports, ingests, exports of personal data) record their
entry through ``audit`` inside their own transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from asmhub.core import permissions, revisions
from asmhub.core.models import AuditEntry, Contribution, Revision, Status
from asmhub.core.signals import revision_changed, send_on_commit, status_changed

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor

C = TypeVar("C", bound=Contribution)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def audit(
    actor: Visitor | None, verb: str, obj: models.Model, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """The audit entry of a write the caller makes in its transaction: who (an anonymous
    visitor is recorded as nobody), what verb, on which record, with which changes."""
    return AuditEntry.record(actor, verb, obj, changes)


class Action(Generic[C]):
    def __init__(self, user: Visitor, instance: C) -> None:
        # Any, not Visitor: once check() has passed, subclasses store the user in foreign
        # keys (created_by, decided_by), which an anonymous visitor never reaches.
        self.user: Any = user
        self.instance = instance
        self.verb = ""

    def check(self) -> None:
        raise NotImplementedError

    def apply(self) -> dict[str, Any]:
        """Change the instance; return the changes to record."""
        raise NotImplementedError

    def execute(self) -> C:
        self.check()
        with transaction.atomic():
            changes = self.apply()
            AuditEntry.record(self.user, self.verb, self.instance, changes)
        return self.instance


class SaveContribution(Action[C]):
    """Create or edit a contribution from cleaned field values.

    ``values`` holds plain fields, ``relations`` many-to-many fields (lists of objects).
    """

    def __init__(
        self,
        user: Visitor,
        instance: C,
        values: dict[str, Any],
        relations: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(user, instance)
        self.values = values
        self.relations = relations or {}
        self.creating = instance.pk is None
        self.verb = "create" if self.creating else "update"
        # Set when the change was kept as a proposal for review instead of applied.
        self.pending: Revision | None = None

    def execute(self) -> C:
        self.check()
        if not self.creating and permissions.change_needs_review(self.user, self.instance):
            self.pending = self._propose()
            return self.instance
        return super().execute()

    def _propose(self) -> Revision:
        """Keep the change aside for an editor; the record stays as it is meanwhile.
        An earlier proposal for the same record still awaiting review is replaced."""
        model = type(self.instance)
        plain, m2m = revisions.changed_only(self.instance, self.values, self.relations)
        candidate = model._default_manager.get(pk=self.instance.pk)
        for name, value in plain.items():
            setattr(candidate, name, value)
        candidate.full_clean(exclude=list(self.relations))
        target_type = ContentType.objects.get_for_model(self.instance)
        with transaction.atomic():
            Revision.objects.filter(
                target_type=target_type,
                target_id=str(self.instance.pk),
                state=Revision.State.PENDING,
            ).update(state=Revision.State.SUPERSEDED)
            revision = Revision.objects.create(
                target_type=target_type,
                target_id=str(self.instance.pk),
                target_repr=str(self.instance)[:300],
                values=revisions.dump_values(model, plain),
                relations=revisions.dump_relations(m2m),
                proposed_by=self.user,
            )
            changes: dict[str, Any] = {
                name: {"from": _plain(getattr(self.instance, name)), "to": _plain(value)}
                for name, value in plain.items()
            }
            changes.update({name: {"to": _plain(objects)} for name, objects in m2m.items()})
            changes["revision"] = revision.pk
            AuditEntry.record(self.user, "propose", self.instance, changes)
            send_on_commit(revision_changed, Revision, revision=revision, actor=self.user)
        return revision

    def check(self) -> None:
        if self.creating:
            if not (permissions.can_contribute(self.user) or permissions.is_editor(self.user)):
                raise PermissionDenied(_("You may not contribute records."))
        elif not permissions.can_change(self.user, self.instance):
            raise PermissionDenied(
                _("Only the contributing organization or an editor may change this.")
            )

    def apply(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for field, value in self.values.items():
            old = None if self.creating else getattr(self.instance, field)
            if self.creating or old != value:
                changes[field] = {
                    "from": None if self.creating else _plain(old),
                    "to": _plain(value),
                }
                setattr(self.instance, field, value)
        if self.creating:
            self.instance.created_by = self.user
            if self.instance.owner_organization_id is None:
                self.instance.owner_organization_id = getattr(self.user, "organization_id", None)
            self.instance.status = (
                Status.PUBLISHED if permissions.is_editor(self.user) else Status.DRAFT
            )
            changes["status"] = {"from": None, "to": self.instance.status}
            send_on_commit(
                status_changed,
                type(self.instance),
                instance=self.instance,
                old=None,
                new=self.instance.status,
                actor=self.user,
            )
        self.instance.full_clean(exclude=list(self.relations))
        self.instance.save()
        for field, objects in self.relations.items():
            manager = getattr(self.instance, field)
            before = set(manager.all()) if not self.creating else set()
            after = set(objects)
            if before != after:
                manager.set(after)
                changes[field] = {"from": _plain(before), "to": _plain(after)}
        return changes


class ChangeStatus(Action[C]):
    """Move a contribution through moderation: submit, publish, return to draft, archive."""

    TRANSITIONS: ClassVar[dict[str, tuple[set[str], bool]]] = {
        # target: (allowed from, needs an editor)
        Status.SUBMITTED: ({Status.DRAFT}, False),
        Status.PUBLISHED: ({Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED}, True),
        Status.DRAFT: ({Status.SUBMITTED, Status.PUBLISHED}, False),
        Status.ARCHIVED: ({Status.PUBLISHED, Status.DRAFT, Status.SUBMITTED}, True),
    }

    def __init__(self, user: Visitor, instance: C, target: str) -> None:
        super().__init__(user, instance)
        self.target = target
        self.verb = f"status:{target}"

    def check(self) -> None:
        if self.target not in self.TRANSITIONS:
            raise PermissionDenied(_("Unknown status."))
        allowed_from, editor_only = self.TRANSITIONS[self.target]
        if self.instance.status not in allowed_from:
            raise PermissionDenied(
                _("A record in status “%(status)s” cannot move to “%(target)s”.")
                % {"status": self.instance.status, "target": self.target}
            )
        if editor_only and not permissions.can_publish(self.user, self.instance):
            raise PermissionDenied(_("Only an editor may publish or archive."))
        if not permissions.can_change(self.user, self.instance):
            raise PermissionDenied(
                _("Only the contributing organization or an editor may change this.")
            )
        if (
            self.target == Status.DRAFT
            and self.instance.status == Status.PUBLISHED
            and not permissions.is_editor(self.user)
        ):
            raise PermissionDenied(_("Only an editor may unpublish."))

    def apply(self) -> dict[str, Any]:
        old = self.instance.status
        self.instance.status = self.target
        self.instance.save(update_fields=["status", "updated_at"])
        send_on_commit(
            status_changed,
            type(self.instance),
            instance=self.instance,
            old=old,
            new=self.target,
            actor=self.user,
        )
        return {"status": {"from": old, "to": self.target}}


class ReviewRevision(Action[Any]):
    """An editor approves a proposed change (applied through ``SaveContribution``, so the
    record's audit trail shows each field) or rejects it with a note; either way the
    decision is recorded on the record."""

    def __init__(self, user: Visitor, revision: Revision, approve: bool, note: str = "") -> None:
        target = revision.target
        if target is None:
            raise PermissionDenied(_("The record this change was proposed for is gone."))
        super().__init__(user, target)
        self.revision = revision
        self.approve = approve
        self.note = note.strip()
        self.verb = "revision:approved" if approve else "revision:rejected"

    def check(self) -> None:
        if not permissions.can_review_revisions(self.user):
            raise PermissionDenied(_("Only an editor may approve or reject a proposed change."))
        if self.revision.state != Revision.State.PENDING:
            raise PermissionDenied(_("This proposed change has already been decided."))

    def apply(self) -> dict[str, Any]:
        from django.utils import timezone

        model = type(self.instance)
        if self.approve:
            SaveContribution(
                self.user,
                self.instance,
                revisions.load_values(model, self.revision.values),
                revisions.load_relations(model, self.revision.relations),
            ).execute()
        self.revision.state = Revision.State.APPROVED if self.approve else Revision.State.REJECTED
        self.revision.decided_by = self.user
        self.revision.decided_at = timezone.now()
        self.revision.note = self.note
        self.revision.save()
        send_on_commit(revision_changed, Revision, revision=self.revision, actor=self.user)
        return {"revision": self.revision.pk, "note": self.note}
