"""A person's personal data: gathered into one export, or erased on request.

The subject of a request is a directory person, a platform account, or both (the
directory does not tie people to accounts, so an administrator names both when they are
the same human being). ``export`` gathers every record that names the subject;
``ErasePersonalData`` anonymises them in one transaction and leaves one audit entry that
says who erased whom, when and on which request, and nothing of what was erased.

Which relations are personal is decided here and checked by
``core/tests/test_personal_data.py``, which walks every model: a new foreign key to a
person, an account or a convening participant fails that test until it is handled here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from asmhub.accounts.models import ApiToken, User
from asmhub.calendar.models import Event, SavedFilter
from asmhub.convenings.models import (
    Breakout,
    Commitment,
    Participant,
    Presentation,
    ReportSection,
    Response,
    Session,
    Statement,
    WhiteboardItem,
    new_token,
)
from asmhub.convenings.poll_models import Reminder
from asmhub.core import permissions
from asmhub.core.actions import Action, audit
from asmhub.core.models import AuditEntry, Notification, Status
from asmhub.directory.models import Affiliation, ConsentRecord, ContactDetails, Person
from asmhub.funding.engagement_models import SavedConcept
from asmhub.monitoring.models import ProgrammeGrant
from asmhub.outreach.models import (
    AlertSettings,
    EmailFollow,
    Follow,
    NewsletterRecipient,
    PendingAlert,
)
from asmhub.strategy.models import Action as StrategyAction
from asmhub.strategy.models import (
    Activity,
    Goal,
    GroupMembership,
    JoinRequest,
    WorkingGroup,
)

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor

FORMAT = "asmhub-personal-data/1"
ERASED = "[erased]"

# Relations to Person, User and Participant that this module reads and erases by name.
# Every other relation to User is an authorship link ("created by", "edited by"),
# listed in the export under "records" and kept: the account itself is anonymised.
HANDLED = {
    "directory.Affiliation.person",
    "directory.ContactDetails.person",
    "directory.ConsentRecord.person",
    "directory.ConsentRecord.user",
    "funding.DonorProfile.champions",
    "calendar.Event.contact",
    "calendar.SavedFilter.user",
    "funding.SavedConcept.user",
    "convenings.Participant.person",
    "convenings.Participant.user",
    "convenings.Commitment.person",
    "convenings.Session.chairs",
    "convenings.Session.facilitators",
    "convenings.Presentation.speakers",
    "convenings.Breakout.facilitator",
    "convenings.Breakout.rapporteur",
    "convenings.Breakout.members",
    "convenings.WhiteboardItem.author",
    "convenings.Response.participant",
    "convenings.Reminder.participant",
    "strategy.WorkingGroup.chair",
    "strategy.Goal.owner_person",
    "strategy.Action.owner_person",
    "strategy.Activity.lead_person",
    "strategy.GroupMembership.user",
    "strategy.JoinRequest.user",
    "accounts.ApiToken.user",
    "monitoring.ProgrammeGrant.user",
    "core.AuditEntry.actor",
    "admin.LogEntry.user",
    "outreach.Follow.user",
    "outreach.AlertSettings.user",
    "outreach.PendingAlert.user",
    "outreach.NewsletterRecipient.person",
    "outreach.NewsletterRecipient.user",
}


def personal_relations() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every forward relation (foreign key, one-to-one, many-to-many) to a person, an
    account or a participant, on every installed model."""
    targets = {Person, User, Participant}
    found: list[tuple[type[models.Model], models.Field[Any, Any]]] = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not isinstance(f, models.Field):
                continue
            if f.is_relation and not f.auto_created and f.related_model in targets:
                found.append((model, f))
    return found


def find_subject(person: str | None, username: str | None) -> Subject:
    """The subject named by a person's slug or id and/or an account's username.

    Raises ``LookupError`` naming what was not found."""
    found_person = found_user = None
    if person:
        lookup = Q(slug=person) | (Q(pk=int(person)) if person.isdigit() else Q(pk__in=[]))
        found_person = Person.objects.filter(lookup).first()
        if found_person is None:
            raise LookupError(f"No person with slug or id {person!r}")
    if username:
        found_user = User.objects.filter(username=username).first()
        if found_user is None:
            raise LookupError(f"No account named {username!r}")
    if found_person is None and found_user is None:
        raise LookupError("Name a person (slug or id) or an account (--user)")
    return Subject(found_person, found_user)


def relation_label(model: type[models.Model], f: models.Field[Any, Any]) -> str:
    return f"{model._meta.label}.{f.name}"


@dataclass
class Subject:
    """Whose data: a directory person, an account, or both."""

    person: Person | None = None
    user: User | None = None
    participants: list[Participant] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.person is None and self.user is None:
            raise ValueError("name a person or an account")
        condition = Q(pk__in=[])
        if self.person is not None:
            condition |= Q(person=self.person)
        if self.user is not None:
            condition |= Q(user=self.user)
        self.participants = list(
            Participant.objects.filter(condition).select_related(
                "convening", "person", "organization", "user"
            )
        )

    def describe(self) -> dict[str, Any]:
        return {
            "person": self.person.pk if self.person is not None else None,
            "account": self.user.pk if self.user is not None else None,
        }

    def names(self) -> list[str]:
        """The strings that identify the subject in free text, longest first."""
        found: set[str] = set()
        if self.person is not None:
            found |= {self.person.name, str(self.person)}
            contact = ContactDetails.objects.filter(person=self.person).first()
            if contact is not None:
                found |= {contact.email, contact.phone}
        if self.user is not None:
            # Not the username: short usernames are common words; the rows that hold it
            # (the account, its audit entries, sign-in records) are handled by key.
            full = f"{self.user.first_name} {self.user.last_name}".strip()
            found |= {self.user.email, full}
        return sorted((n for n in found if len(n.strip()) >= 3), key=len, reverse=True)


# ---------------------------------------------------------------- export


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _ref(obj: models.Model) -> dict[str, Any]:
    return {"type": obj._meta.label, "id": obj.pk, "name": str(obj)}


def _audit_entries(subject: Subject) -> models.QuerySet[AuditEntry]:
    """Audit entries about the subject: theirs as actor, about their records, or naming them."""
    targets = Q(pk__in=[])
    for obj in _own_records(subject):
        targets |= Q(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))
    if subject.user is not None:
        targets |= Q(actor=subject.user)
    mentions = Q(pk__in=[])
    for name in subject.names():
        escaped = json.dumps(name)[1:-1]
        mentions |= Q(target_repr__icontains=name) | Q(changes_text__icontains=name)
        if escaped != name:
            mentions |= Q(changes_text__icontains=escaped)
    return (
        AuditEntry.objects.annotate(changes_text=Cast("changes", TextField()))
        .filter(targets | mentions)
        .select_related("actor", "target_type")
        .order_by("created_at", "id")
    )


def _own_records(subject: Subject) -> list[models.Model]:
    """The rows that are the subject: their person, contact details, account, participations."""
    rows: list[models.Model] = list(subject.participants)
    if subject.person is not None:
        rows.append(subject.person)
        rows += list(ContactDetails.objects.filter(person=subject.person))
    if subject.user is not None:
        rows.append(subject.user)
    return rows


def _person(person: Person) -> dict[str, Any]:
    contact = ContactDetails.objects.filter(person=person).first()
    return {
        "id": person.pk,
        "name": person.name,
        "honorific": person.honorific,
        "slug": person.slug,
        "status": person.status,
        "expertise": person.expertise,
        "is_champion": person.is_champion,
        "champion_of": person.champion_of,
        "source": person.source,
        "lever_issues": [str(x) for x in person.lever_issues.all()],
        "countries": [c.code for c in person.countries.all()],
        "champion_countries": [c.code for c in person.champion_countries.all()],
        "affiliations": [
            {"organization": str(a.organization), "title": a.title, "primary": a.is_primary}
            for a in person.affiliations.select_related("organization")
        ],
        "contact_details": (
            {"email": contact.email, "phone": contact.phone} if contact is not None else None
        ),
        "created_at": _when(person.created_at),
        "updated_at": _when(person.updated_at),
        "champion_inside_donors": [str(d) for d in person.championed_donors.all()],
        "contact_for_events": [_ref(e) for e in Event.objects.filter(contact=person)],
        "commitments": [
            {
                "convening": str(c.convening),
                "what": c.what,
                "due_on": _when(c.due_on),
                "state": c.state,
                "notes": c.notes,
            }
            for c in Commitment.objects.filter(person=person).select_related("convening")
        ],
        "strategy_ownership": _strategy_ownership(person),
        "newsletters_received": _newsletters(NewsletterRecipient.objects.filter(person=person)),
        "follows_by_email": [
            {"what": f.target_repr, "confirmed_at": _when(f.confirmed_at)}
            for f in EmailFollow.objects.filter(
                address__in=[
                    e.lower()
                    for e in ContactDetails.objects.filter(person=person).values_list(
                        "email", flat=True
                    )
                    if e
                ]
            )
        ],
    }


def _newsletters(rows: models.QuerySet[NewsletterRecipient]) -> list[dict[str, Any]]:
    return [
        {
            "newsletter": r.newsletter.subject,
            "address": r.address,
            "outcome": r.outcome,
            "sent_at": _when(r.sent_at),
        }
        for r in rows.select_related("newsletter")
    ]


def _strategy_ownership(person: Person) -> list[dict[str, Any]]:
    """The goals and actions the person owns and the working groups they chair."""
    found: list[dict[str, Any]] = [
        {"goal": g.title, "due_on": _when(g.due_on), "status": g.status}
        for g in Goal.objects.filter(owner_person=person)
    ]
    found += [
        {"action": a.title, "due_on": _when(a.due_on), "status": a.status}
        for a in StrategyAction.objects.filter(owner_person=person)
    ]
    found += [
        {"leads_activity": a.title, "work_plan": str(a.plan)}
        for a in Activity.objects.filter(lead_person=person).select_related("plan")
    ]
    found += [{"chairs": w.name} for w in WorkingGroup.objects.filter(chair=person)]
    return found


def _working_groups(user: User) -> dict[str, Any]:
    """The working groups the account belongs to and its requests to join one."""
    return {
        "memberships": [
            {"group": str(m.group), "since": _when(m.joined_at)}
            for m in GroupMembership.objects.filter(user=user).select_related("group")
        ],
        "requests_to_join": [
            {
                "group": str(r.group),
                "message": r.message,
                "state": r.state,
                "asked_at": _when(r.created_at),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("group")
        ],
    }


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organization": str(user.organization) if user.organization_id else None,
        "roles": user.roles(),
        "is_active": user.is_active,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
        "api_tokens": [
            {
                "name": t.name,
                "hint": t.hint,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "expires_at": _when(t.expires_at),
            }
            for t in ApiToken.objects.filter(user=user)
        ],
        "calendar_subscriptions": [
            {
                "name": s.name,
                "filter": s.params,
                "feed": s.feed_path(),
                "weekly_digest": s.weekly_digest,
                "last_digest_at": _when(s.last_digest_at),
                "created_at": _when(s.created_at),
            }
            for s in SavedFilter.objects.filter(user=user)
        ],
        "saved_concepts": [
            {"concept": str(c.concept), "saved_at": _when(c.created_at)}
            for c in SavedConcept.objects.filter(user=user).select_related("concept")
        ],
        "monitoring_grants": [
            {"programme": str(g.programme), "level": g.level, "created_at": _when(g.created_at)}
            for g in ProgrammeGrant.objects.filter(user=user).select_related("programme")
        ],
        "follows": [
            {"what": f.target_repr, "since": _when(f.created_at)}
            for f in Follow.objects.filter(user=user)
        ],
        "alert_settings": [
            {"kinds": a.kinds, "frequency": a.frequency, "last_digest_at": _when(a.last_digest_at)}
            for a in AlertSettings.objects.filter(user=user)
        ],
        "alerts_waiting": PendingAlert.objects.filter(user=user, sent_at=None).count(),
        "newsletters_received": _newsletters(NewsletterRecipient.objects.filter(user=user)),
        "working_groups": _working_groups(user),
        "sign_ins": [
            {
                "at": _when(a.attempt_time),
                "logout": _when(a.logout_time),
                "address": a.ip_address,
                "browser": a.user_agent,
            }
            for a in AccessLog.objects.filter(username=user.username)
        ],
        "failed_sign_ins": [
            {"at": _when(a.attempt_time), "address": a.ip_address, "browser": a.user_agent}
            for a in AccessFailureLog.objects.filter(username=user.username)
        ],
    }


def _participation(p: Participant) -> dict[str, Any]:
    responses = Response.objects.filter(participant=p).prefetch_related(
        "answers__question", "answers__option"
    )
    return {
        "convening": str(p.convening),
        "convening_id": p.convening_id,
        "organization": str(p.organization) if p.organization_id else None,
        "roles": p.roles,
        "title": p.title,
        "listing": p.listing,
        "share_contact": p.share_contact,
        "consent_recorded_at": _when(p.consent_recorded_at),
        "attended": p.attended,
        "personal_link": reverse("convenings:join", args=[p.convening.slug, p.token]),
        "sessions_chaired": [str(s) for s in p.chaired.all()],
        "sessions_facilitated": [str(s) for s in p.facilitated.all()],
        "presentations": [str(x) for x in p.presentations.all()],
        "breakout_groups": [str(b) for b in p.breakouts.all()],
        "breakouts_facilitated": [str(b) for b in p.breakouts_facilitated.all()],
        "breakouts_reported": [str(b) for b in p.breakouts_reported.all()],
        "whiteboard_notes": [
            {"group": str(w.breakout), "theme": w.theme, "text": w.text}
            for w in WhiteboardItem.objects.filter(author=p).select_related("breakout__session")
        ],
        "poll_responses": [
            {
                "poll": str(r.poll),
                "submitted_at": _when(r.submitted_at),
                "answers": [
                    {
                        "question": str(a.question.text),
                        "option": str(a.option) if a.option_id else None,
                        "rank": a.rank,
                        "rating": a.rating,
                        "text": a.text,
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "reminders_sent": [
            {"poll": str(r.poll), "sent_at": _when(r.sent_at)}
            for r in Reminder.objects.filter(participant=p).select_related("poll")
        ],
    }


def _consents(subject: Subject) -> list[dict[str, Any]]:
    condition = Q(pk__in=[])
    if subject.person is not None:
        condition |= Q(person=subject.person)
    if subject.user is not None:
        condition |= Q(user=subject.user)
    return [
        {
            "purpose": c.purpose,
            "scope": c.scope,
            "granted": c.granted,
            "value": c.value,
            "method": c.method,
            "recorded_by": c.recorded_by.username if c.recorded_by is not None else None,
            "recorded_at": _when(c.recorded_at),
        }
        for c in ConsentRecord.objects.filter(condition)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    ]


def _authored(user: User) -> list[dict[str, Any]]:
    """Records the account created, edited, published or decided: every relation to User
    that is not handled above."""
    rows = []
    for model, f in personal_relations():
        if f.related_model is not User or relation_label(model, f) in HANDLED:
            continue
        for obj in model._default_manager.filter(**{f.name: user}).order_by("pk"):
            row = _ref(obj)
            row["as"] = f.name
            if hasattr(obj, "status"):
                row["status"] = obj.status
            rows.append(row)
    return rows


def gather(subject: Subject) -> dict[str, Any]:
    """Every personal record of the subject, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": _when(timezone.now()),
        "subject": subject.describe(),
        "person": _person(subject.person) if subject.person is not None else None,
        "account": _account(subject.user) if subject.user is not None else None,
        "consents": _consents(subject),
        "participations": [_participation(p) for p in subject.participants],
        "contributions": _authored(subject.user) if subject.user is not None else [],
        "audit_entries": [
            {
                "at": _when(e.created_at),
                "actor": e.actor.username if e.actor is not None else None,
                "action": e.action,
                "record": {"type": e.target_type.model, "id": e.target_id, "name": e.target_repr},
                "changes": e.changes,
            }
            for e in _audit_entries(subject)
        ],
    }
    if subject.user is not None:
        data["administration_log"] = [
            {"at": _when(e.action_time), "record": e.object_repr, "change": e.change_message}
            for e in LogEntry.objects.filter(user=subject.user).order_by("action_time")
        ]
    return data


def check_may_handle(actor: Visitor, subject: Subject) -> None:
    """Administrators handle anyone's data; a signed-in user only their own account's.

    ``actor`` None is the ``asmhub personal-data`` command, run by whoever runs the server.
    """
    if actor is None or permissions.can_manage_personal_data(actor):
        return
    own_account = (
        subject.person is None
        and subject.user is not None
        and getattr(actor, "is_authenticated", False)
        and actor.pk == subject.user.pk
    )
    if not own_account:
        raise PermissionDenied(_("Only a secretariat administrator may handle others' data."))


def export(actor: Visitor, subject: Subject) -> str:
    """The subject's data as one JSON document; the export itself is audited."""
    check_may_handle(actor, subject)
    document = json.dumps(gather(subject), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    target = subject.person if subject.person is not None else subject.user
    assert target is not None
    audit(actor, "personal-data:export", target, {"subject": subject.describe()})
    return document


# ---------------------------------------------------------------- erasure


def placeholder(person: Person) -> str:
    return f"Anonymised person #{person.pk}"


def _scrubber(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``names`` as whole words, in any case."""
    names = [n for n in names if n]
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub(value: Any, pattern: re.Pattern[str] | None, replacement: str) -> Any:
    """``value`` (a string, or JSON data) with every match of ``pattern`` replaced."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def _scrub_rows(
    queryset: models.QuerySet[Any],
    fields: list[str],
    pattern: re.Pattern[str] | None,
    replacement: str,
) -> int:
    changed = 0
    for row in queryset:
        dirty = []
        for name in fields:
            before = getattr(row, name)
            after = scrub(before, pattern, replacement)
            if after != before:
                setattr(row, name, after)
                dirty.append(name)
        if dirty:
            type(row)._default_manager.filter(pk=row.pk).update(
                **{n: getattr(row, n) for n in dirty}
            )
            changed += 1
    return changed


def _erase_text_about(subject: Subject, pattern: re.Pattern[str] | None, replacement: str) -> int:
    """Free text naming the subject in the records of the convenings they took part in,
    their commitments and the events they were the contact for."""
    convenings = {p.convening_id for p in subject.participants}
    changed = 0
    changed += _scrub_rows(
        Session.objects.filter(convening__in=convenings),
        ["description", "notes"],
        pattern,
        replacement,
    )
    changed += _scrub_rows(
        Presentation.objects.filter(session__convening__in=convenings),
        ["title", "notes", "transcript", "summary"],
        pattern,
        replacement,
    )
    changed += _scrub_rows(
        Breakout.objects.filter(session__convening__in=convenings),
        ["task", "notes", "report_back"],
        pattern,
        replacement,
    )
    changed += _scrub_rows(
        WhiteboardItem.objects.filter(breakout__session__convening__in=convenings),
        ["text"],
        pattern,
        replacement,
    )
    changed += _scrub_rows(
        Statement.objects.filter(convening__in=convenings),
        ["statement", "quote"],
        pattern,
        replacement,
    )
    changed += _scrub_rows(
        ReportSection.objects.filter(report__convening__in=convenings),
        ["draft", "body", "content", "citations"],
        pattern,
        replacement,
    )
    if subject.person is not None:
        changed += _scrub_rows(
            Commitment.objects.filter(person=subject.person),
            ["what", "notes"],
            pattern,
            replacement,
        )
        changed += _scrub_rows(
            Event.objects.filter(contact=subject.person), ["description"], pattern, replacement
        )
    return changed


class ErasePersonalData(Action[Any]):
    """Anonymise the subject on request, in one transaction, audited without their data.

    The person row stays (commitments and participations keep their place in the
    convening's record) under a placeholder name; the account stays (records keep their
    author) under a placeholder username, deactivated. Everything else that named them is
    deleted or cleared. The audit entry holds the request reference and the counts.
    """

    def __init__(self, user: Visitor, subject: Subject, reference: str) -> None:
        target = subject.person if subject.person is not None else subject.user
        super().__init__(user, target)
        self.subject = subject
        self.reference = reference.strip()
        self.verb = "personal-data:erase"
        self.counts: dict[str, int] = {}

    def check(self) -> None:
        check_may_handle(self.user, self.subject)
        if not self.reference:
            raise ValueError(_("Give the reference of the request (why the data is erased)."))
        if len(self.reference) > 200:
            raise ValueError(_("The request reference is longer than 200 characters."))
        pattern = _scrubber(self.subject.names())
        if pattern is not None and pattern.search(self.reference):
            raise ValueError(
                _(
                    "The request reference repeats the person's name or contact details; "
                    "give one that does not."
                )
            )

    def apply(self) -> dict[str, Any]:
        subject = self.subject
        person, user = subject.person, subject.user
        if person is not None:
            replacement = placeholder(person)
        else:
            assert user is not None
            replacement = f"erased-user-{user.pk}"
        pattern = _scrubber(subject.names())
        counts = self.counts
        own = _own_records(subject)
        counts["audit_entries"] = self._scrub_audit(own, pattern, replacement)
        counts["administration_log"] = self._scrub_admin_log(own, pattern, replacement)
        counts["task_results"] = self._delete_task_results()
        counts["notifications"] = Notification.objects.filter(
            recipient__in=[n.lower() for n in subject.names() if "@" in n]
        ).delete()[0]
        counts["texts"] = _erase_text_about(subject, pattern, replacement)
        counts["participations"] = self._erase_participations(pattern, replacement)
        consents = Q(pk__in=[])
        if person is not None:
            consents |= Q(person=person)
        if user is not None:
            consents |= Q(user=user)
        counts["consents"] = ConsentRecord.objects.filter(consents).delete()[0]
        if person is not None:
            counts.update(self._erase_person(person))
        if user is not None:
            counts.update(self._erase_account(user))
        return {"reference": self.reference, "subject": subject.describe(), "counts": counts}

    def _scrub_audit(
        self, own: list[models.Model], pattern: re.Pattern[str] | None, replacement: str
    ) -> int:
        own_keys = {(ContentType.objects.get_for_model(obj).pk, str(obj.pk)) for obj in own}
        changed = 0
        for entry in _audit_entries(self.subject):
            target_repr, changes = entry.target_repr, entry.changes
            if (entry.target_type_id, entry.target_id) in own_keys:
                # An entry about their own record: the field names stay, the values go.
                changes = {k: v if k == "status" else ERASED for k, v in changes.items()}
                target_repr = replacement
            target_repr = scrub(target_repr, pattern, replacement)
            changes = scrub(changes, pattern, replacement)
            if (target_repr, changes) != (entry.target_repr, entry.changes):
                AuditEntry.objects.filter(pk=entry.pk).update(
                    target_repr=target_repr, changes=changes
                )
                changed += 1
        return changed

    def _scrub_admin_log(
        self, own: list[models.Model], pattern: re.Pattern[str] | None, replacement: str
    ) -> int:
        condition = Q(pk__in=[])
        for obj in own:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            )
        for name in self.subject.names():
            condition |= Q(object_repr__icontains=name) | Q(change_message__icontains=name)
        return _scrub_rows(
            LogEntry.objects.filter(condition),
            ["object_repr", "change_message"],
            pattern,
            replacement,
        )

    def _delete_task_results(self) -> int:
        """Queued and finished background work (e-mails) that names them."""
        condition = Q(pk__in=[])
        for name in self.subject.names():
            for needle in {name, json.dumps(name)[1:-1]}:
                condition |= Q(args_text__icontains=needle) | Q(return_text__icontains=needle)
        found = DBTaskResult.objects.annotate(
            args_text=Cast("args_kwargs", TextField()),
            return_text=Cast("return_value", TextField()),
        ).filter(condition)
        return DBTaskResult.objects.filter(
            pk__in=list(found.values_list("pk", flat=True))
        ).delete()[0]

    def _erase_participations(self, pattern: re.Pattern[str] | None, replacement: str) -> int:
        for p in self.subject.participants:
            Reminder.objects.filter(participant=p).delete()
            WhiteboardItem.objects.filter(author=p).update(author=None)
            for response in Response.objects.filter(participant=p):
                for answer in response.answers.all():
                    text = scrub(answer.text, pattern, replacement)
                    if text != answer.text:
                        type(answer)._default_manager.filter(pk=answer.pk).update(text=text)
            # Their answers still count in the results, no longer tied to them.
            Response.objects.filter(participant=p).update(participant=None)
            p.title = ""
            p.listing = Participant.Listing.HIDDEN
            p.share_contact = False
            p.consent_recorded_at = None
            p.token = new_token()
            p.user = None
            p.save(
                update_fields=[
                    "title",
                    "listing",
                    "share_contact",
                    "consent_recorded_at",
                    "token",
                    "user",
                ]
            )
        return len(self.subject.participants)

    def _erase_person(self, person: Person) -> dict[str, int]:
        addresses = list(
            ContactDetails.objects.filter(person=person)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        counts = {
            "follows_by_email": EmailFollow.objects.filter(
                address__in=[a.lower() for a in addresses]
            ).delete()[0],
            "contact_details": ContactDetails.objects.filter(person=person).delete()[0],
            "affiliations": Affiliation.objects.filter(person=person).delete()[0],
            "event_contacts": Event.objects.filter(contact=person).update(contact=None),
            "newsletter_recipients": NewsletterRecipient.objects.filter(person=person).delete()[0],
        }
        person.championed_donors.clear()
        person.lever_issues.clear()
        person.countries.clear()
        person.champion_countries.clear()
        name = placeholder(person)
        slug = f"anonymised-person-{person.pk}"
        Person.objects.filter(pk=person.pk).update(
            name=name,
            slug=slug,
            honorific="",
            expertise="",
            is_champion=False,
            champion_of="",
            source="",
            status=Status.ARCHIVED,
        )
        person.refresh_from_db()
        counts["person"] = 1
        return counts

    def _erase_account(self, user: User) -> dict[str, int]:
        old_username = user.username
        counts = {
            "api_tokens": ApiToken.objects.filter(user=user).delete()[0],
            "calendar_subscriptions": SavedFilter.objects.filter(user=user).delete()[0],
            "saved_concepts": SavedConcept.objects.filter(user=user).delete()[0],
            "monitoring_grants": ProgrammeGrant.objects.filter(user=user).delete()[0],
            "follows": Follow.objects.filter(user=user).delete()[0]
            + EmailFollow.objects.filter(address=user.email.lower())
            .exclude(address="")
            .delete()[0],
            "alert_settings": AlertSettings.objects.filter(user=user).delete()[0]
            + PendingAlert.objects.filter(user=user).delete()[0],
            "newsletter_recipients": NewsletterRecipient.objects.filter(user=user).delete()[0],
            "working_group_memberships": GroupMembership.objects.filter(user=user).delete()[0],
            "requests_to_join": JoinRequest.objects.filter(user=user).delete()[0],
            "sign_in_records": sum(
                model.objects.filter(username=old_username).delete()[0]
                for model in (AccessAttempt, AccessFailureLog, AccessLog)
            ),
        }
        user.groups.clear()
        user.user_permissions.clear()
        user.username = f"erased-user-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.organization = None
        user.set_unusable_password()
        user.save()
        counts["account"] = 1
        return counts
