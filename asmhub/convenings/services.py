"""Writes to a convening's records, and the views of them that several pages share.

The convening itself is a contribution, saved through ``core.actions.SaveContribution``.
Its parts (participants, sessions, presentations, groups, whiteboard notes, statements,
commitments) are saved through ``SaveRecord``, which lets only the convening's
organizers write and records each change in the audit trail. Whiteboard notes may also
be added by participants of the group's convening (``AddWhiteboardItem``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from asmhub.convenings import access
from asmhub.convenings.models import (
    Breakout,
    Convening,
    Participant,
    Presentation,
    Session,
    Statement,
    WhiteboardItem,
)
from asmhub.core import permissions
from asmhub.core.actions import Action, ChangeStatus, SaveContribution, _plain
from asmhub.core.models import AuditEntry, Status
from asmhub.directory.models import ConsentRecord, Person
from asmhub.directory.services import record_consent


class SaveRecord(Action[Any]):
    """Create or change one record that belongs to ``convening``; organizers only.

    An existing record is read again from the database, so the audit trail compares the
    new values with the stored ones, not with an instance a form has already changed.
    """

    def __init__(
        self,
        user: Any,
        convening: Convening,
        instance: models.Model,
        values: dict[str, Any],
        relations: dict[str, Any] | None = None,
    ) -> None:
        if instance.pk is not None:
            instance = type(instance)._default_manager.get(pk=instance.pk)
        super().__init__(user, instance)
        self.convening = convening
        self.values = values
        self.relations = relations or {}
        self.creating = instance.pk is None
        self.verb = "create" if self.creating else "update"

    def check(self) -> None:
        access.check_organizer(self.user, self.convening)

    def apply(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name, value in self.values.items():
            old = None if self.creating else getattr(self.instance, name)
            if self.creating or old != value:
                changes[name] = {"from": _plain(old), "to": _plain(value)}
                setattr(self.instance, name, value)
        self.instance.full_clean(exclude=list(self.relations))
        self.instance.save()
        for name, objects in self.relations.items():
            manager = getattr(self.instance, name)
            before = set() if self.creating else set(manager.all())
            after = set(objects)
            if before != after:
                manager.set(after)
                changes[name] = {"from": _plain(before), "to": _plain(after)}
        return changes


class _ParticipantPerson(SaveContribution[Person]):
    """A person made in the directory for a participant: public only if the participant
    agreed to be listed by name, and then only when an editor records it (others' new
    people wait as drafts of their organization, as any contribution does)."""

    def __init__(self, user: Any, name: str, listed: bool) -> None:
        super().__init__(user, Person(), {"name": name})
        self.listed = listed

    def apply(self) -> dict[str, Any]:
        changes = super().apply()
        status = person_status(self.user, self.instance, self.listed)
        if status != self.instance.status:
            self.instance.status = status
            self.instance.save(update_fields=["status", "updated_at"])
            changes["status"] = {"from": None, "to": status}
        return changes


def person_status(user: Any, person: Person, listed: bool) -> str:
    """The directory status of a person made for a participation, given its consent."""
    if not listed:
        return Status.DRAFT
    if person.status == Status.PUBLISHED or permissions.is_editor(user):
        return Status.PUBLISHED
    return person.status


class SaveParticipant(SaveRecord):
    """A participant. A name not yet in the directory becomes a person of the organizer's
    organization, public in the directory only while the participant consents to be
    listed by name; a change of consent (listing, sharing contact details) is
    timestamped, compared with what was stored, and carried to that person."""

    CONSENT = ("listing", "share_contact")

    def __init__(
        self,
        user: Any,
        convening: Convening,
        instance: Participant,
        values: dict[str, Any],
        relations: dict[str, Any] | None = None,
        new_person: str = "",
    ) -> None:
        super().__init__(user, convening, instance, dict(values), relations)
        self.new_person = new_person.strip()

    def apply(self) -> dict[str, Any]:
        listing = self.values.get("listing", self.instance.listing)
        listed = listing == Participant.Listing.NAME
        if self.new_person:
            person = _ParticipantPerson(self.user, self.new_person, listed).execute()
            self.values["person"] = person
            self.values["made_person"] = True
        elif "person" in self.values and self.values["person"] != self.instance.person:
            self.values["made_person"] = False
        changed = [
            name
            for name in self.CONSENT
            if name in self.values
            and (self.creating or getattr(self.instance, name) != self.values[name])
        ]
        if self.creating or changed:
            self.values["consent_recorded_at"] = timezone.now()
        changes = super().apply()
        self._record_consents(changed)
        person = self.instance.person
        if self.instance.made_person and person is not None and not self.new_person:
            status = person_status(self.user, person, listed)
            if status != person.status:
                old = person.status
                person.status = status
                person.save(update_fields=["status", "updated_at"])
                AuditEntry.record(
                    self.user, f"status:{status}", person, {"status": {"from": old, "to": status}}
                )
        return changes

    def _record_consents(self, changed: list[str]) -> None:
        """One consent record per changed choice, recorded on the person's behalf."""
        participant: Participant = self.instance
        scope = f"convening {self.convening.slug}"
        common = {
            "person": participant.person,
            "user": participant.user,
            "method": ConsentRecord.Method.ON_BEHALF,
            "recorded_by": self.user,
            "scope": scope,
        }
        if "listing" in changed:
            record_consent(
                purpose=ConsentRecord.Purpose.PARTICIPANT_LISTING,
                granted=participant.listing != Participant.Listing.HIDDEN,
                value=participant.listing,
                **common,
            )
        if "share_contact" in changed:
            record_consent(
                purpose=ConsentRecord.Purpose.CONTACT_SHARING,
                granted=participant.share_contact,
                **common,
            )


class SaveConvening(SaveContribution[Convening]):
    """Changes to a convening by any of its organizers, not only the contributing one."""

    def check(self) -> None:
        if self.creating:
            super().check()
        else:
            access.check_organizer(self.user, self.instance)


class DeleteRecord(Action[Any]):
    """Remove one record of ``convening``; organizers only. The audit entry is written
    first, while the record still has its key."""

    def __init__(self, user: Any, convening: Convening, instance: models.Model) -> None:
        super().__init__(user, instance)
        self.convening = convening
        self.verb = "delete"

    def check(self) -> None:
        access.check_organizer(self.user, self.convening)

    def execute(self) -> Any:
        self.check()
        with transaction.atomic():
            AuditEntry.record(self.user, self.verb, self.instance, {"deleted": str(self.instance)})
            self.instance.delete()
        return self.instance


class AddWhiteboardItem(Action[Any]):
    """A note on a group's whiteboard, from an organizer or a participant of the convening."""

    def __init__(self, user: Any, participant: Participant | None, item: WhiteboardItem) -> None:
        super().__init__(user, item)
        self.participant = participant
        self.verb = "create"

    def check(self) -> None:
        convening = self.instance.breakout.session.convening
        if self.participant is None and not access.is_organizer(self.user, convening):
            raise PermissionDenied(_("Only participants and organizers may add notes."))

    def apply(self) -> dict[str, Any]:
        item = self.instance
        item.author = self.participant
        item.position = item.breakout.whiteboard.filter(theme=item.theme).count()
        item.full_clean()
        item.save()
        return {"theme": item.theme, "text": item.text}


def local_zone(convening: Convening) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(convening.time_zone or "UTC")


def local_now(convening: Convening) -> dt.datetime:
    return timezone.now().astimezone(local_zone(convening))


@dataclass
class AgendaDay:
    day: dt.date
    sessions: list[Session] = field(default_factory=list)


def agenda(convening: Convening) -> list[AgendaDay]:
    """The convening's sessions by day, each top-level session followed by its parts."""
    sessions = list(
        convening.sessions.select_related("parent")
        .prefetch_related(
            "chairs__person",
            "facilitators__person",
            Prefetch(
                "presentations",
                queryset=Presentation.objects.prefetch_related(
                    "speakers__person", "speakers__organization", "mdg_goals", "organizations"
                ),
            ),
            Prefetch(
                "breakouts",
                queryset=Breakout.objects.select_related("facilitator__person").annotate(
                    member_count=Count("members", distinct=True)
                ),
            ),
        )
        .order_by("day", "position", "starts_at", "id")
    )
    children: dict[int, list[Session]] = {}
    for s in sessions:
        if s.parent_id:
            children.setdefault(s.parent_id, []).append(s)
    days: dict[dt.date, AgendaDay] = {}
    for s in sessions:
        if s.parent_id and any(p.pk == s.parent_id for p in sessions):
            continue
        days.setdefault(s.day, AgendaDay(s.day)).sessions.append(s)
        s.children = children.get(s.pk, [])  # type: ignore[attr-defined]
    return [days[d] for d in sorted(days)]


def next_position(queryset: models.QuerySet[Any]) -> int:
    last = queryset.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1


def whiteboard(breakout: Breakout) -> list[tuple[str, list[WhiteboardItem]]]:
    """The group's notes by theme, in the order themes first appeared."""
    themes: dict[str, list[WhiteboardItem]] = {}
    for item in breakout.whiteboard.select_related("author__person").order_by("id"):
        themes.setdefault(item.theme or _("Other notes"), []).append(item)
    return list(themes.items())


def statements_by_kind(convening: Convening) -> list[tuple[str, list[Statement]]]:
    labels = dict(Statement.Kind.choices)
    grouped: dict[str, list[Statement]] = {}
    queryset = convening.statements.select_related(
        "breakout__session", "presentation", "session", "question__poll"
    ).prefetch_related("stakeholder_groups", "lever_issues", "sdg_goals", "mdg_goals")
    for statement in queryset.order_by("kind", "position", "id"):
        grouped.setdefault(statement.kind, []).append(statement)
    return [(str(labels[k]), grouped[k]) for k in labels if k in grouped]


def add_participant_for_user(user: Any, convening: Convening) -> Participant:
    """The organizer who creates a convening takes part in it, as its secretariat."""
    existing = convening.participants.filter(user=user).first()
    if existing is not None:
        return existing
    participant = Participant(
        convening=convening,
        organization_id=getattr(user, "organization_id", None),
        user=user,
        roles=["secretariat"],
        listing=Participant.Listing.ORGANIZATION,
    )
    if participant.organization_id is None:
        raise PermissionDenied(_("Join an organization before organizing a convening."))
    return SaveRecord(user, convening, participant, {}).execute()


def _valid_url(address: str) -> str:
    """``address`` when a URL field accepts it (a served host such as "testserver" or an
    intranet name has no dot), else ""."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    try:
        URLValidator()(address)
    except ValidationError:
        return ""
    return address


def put_on_calendar(user: Any, convening: Convening) -> Any:
    """A published convening appears on the shared calendar as an all-day event on its
    dates, written by the editor who published it; a convening already linked to a
    calendar entry keeps it. Returns the entry, or None while the convening is not
    published."""
    from asmhub.calendar.models import Event, Kind
    from asmhub.calendar.services import midnight
    from asmhub.core.models import Status
    from asmhub.core.services import site_url

    if convening.status != Status.PUBLISHED or not permissions.is_editor(user):
        return None
    if convening.event_id is not None:
        return convening.event
    with transaction.atomic():
        values = {
            "title": convening.title,
            "kind": Kind.CONFERENCE,
            "description": convening.goal,
            "organizer": convening.owner_organization,
            "start": midnight(convening.starts_on),
            "end": midnight(convening.ends_on + dt.timedelta(days=1)),
            "all_day": True,
            "place": convening.place,
            "link": _valid_url(site_url(convening.get_absolute_url())),
        }
        relations = {
            "countries": list(convening.countries.all())
            + ([convening.country] if convening.country else []),
            "lever_issues": list(convening.lever_issues.all()),
        }
        event = SaveContribution(user, Event(), values, relations).execute()
        if event.status != Status.PUBLISHED:
            ChangeStatus(user, event, Status.PUBLISHED).execute()
        Convening.objects.filter(pk=convening.pk).update(event=event)
        convening.event = event
        AuditEntry.record(user, "update", convening, {"event": {"from": None, "to": _plain(event)}})
    return event
