"""Alerts to followers: the registry of alert sources, and who is told of what.

An *alert source* says, for one kind of record, when an item becomes public and what it
is about. Apps declare theirs on their AppConfig::

    class LibraryConfig(AppConfig):
        alert_sources = "asmhub.library.alerts.alert_sources"   # () -> list[AlertSource]

or call ``register_alert_source(AlertSource(...))`` from ``ready()``; ``AlertSource``
is declared in ``core.alerts``, so a declaring app does not import outreach. A source is
announced in one of two ways:

- ``signal=None`` (contributions): when ``core.signals.status_changed`` reports that an
  item of ``model`` became published (through ``ChangeStatus`` or created published);
- ``signal=<a Signal>``: when that signal is sent, the item being its keyword argument
  ``signal_item`` (the briefs send ``brief_published`` with ``version=`` when a version
  is published).

``topics(item)`` returns the followable records the item is about (lever issues,
countries, minerals, organizations, donor profiles); everyone following one of them, who
asked for alerts of that kind and who may see the item (``may_see``, by default
``core.permissions.can_view``) is told: at once (one e-mail per item, sent once through
``core.notify``) or in their next digest.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from asmhub.core.alerts import AlertSource
from asmhub.core.models import Status
from asmhub.core.notify import notify
from asmhub.core.services import site_url
from asmhub.outreach import tokens
from asmhub.outreach.models import AlertSettings, EmailFollow, Follow, Kind, PendingAlert

# A call is announced to followers this many days before it closes.
DEADLINE_DAYS = 14
# However often the job runs, a digest goes at most once in these intervals.
DIGEST_INTERVAL = {
    AlertSettings.Frequency.DAILY: dt.timedelta(hours=20),
    AlertSettings.Frequency.WEEKLY: dt.timedelta(days=6, hours=20),
}


_SOURCES: dict[str, list[AlertSource]] = defaultdict(list)


def register_alert_source(source: AlertSource) -> None:
    """Add ``source``; a source with a signal is connected to it here."""
    if source.kind not in Kind.values:
        raise ValueError(f"unknown alert kind {source.kind!r}; one of {Kind.values}")
    model = source.model_class._meta.label_lower
    if source in _SOURCES[model]:
        return
    _SOURCES[model].append(source)
    if source.signal is not None:

        def receiver(sender: Any, **kwargs: Any) -> None:
            _enqueue(kwargs[source.signal_item], source.kind)

        source.signal.connect(receiver, weak=False, dispatch_uid=f"alert:{model}:{source.kind}")


def load_app_sources() -> None:
    """Register what every app declares in ``alert_sources`` on its AppConfig."""
    for config in apps.get_app_configs():
        path = getattr(config, "alert_sources", None)
        if path:
            for source in import_string(path)():
                register_alert_source(source)


def sources_for(model: type[models.Model]) -> list[AlertSource]:
    return list(_SOURCES.get(model._meta.label_lower, []))


def all_sources() -> list[AlertSource]:
    return [s for group in _SOURCES.values() for s in group]


def on_status_changed(sender: Any, instance: Any, old: Any, new: Any, **kwargs: Any) -> None:
    """``core.signals.status_changed``: a contribution that became published is announced."""
    if new != Status.PUBLISHED or old == Status.PUBLISHED:
        return
    for source in sources_for(type(instance)):
        if source.signal is None and source.on_publish:
            _enqueue(instance, source.kind)


def _enqueue(instance: Any, kind: str) -> None:
    """Announce through the task worker, so that a publication with many followers does
    not hold up the editor's request."""
    from asmhub.outreach.tasks import announce_item

    announce_item.enqueue(instance._meta.label_lower, str(instance.pk), kind)


def announce_by_key(model_label: str, pk: str, kind: str) -> int:
    """``announce`` for the item of ``model_label`` with key ``pk`` (what the task runs);
    0 when the item is gone."""
    model = apps.get_model(model_label)
    item = model._default_manager.filter(pk=pk).first()
    told = 0
    for source in sources_for(model):
        if item is not None and source.kind == kind:
            told += announce(source, item)
    return told


def topic_key(obj: models.Model) -> tuple[int, str]:
    return ContentType.objects.get_for_model(obj).pk, str(obj.pk)


def settings_for(user: Any) -> AlertSettings:
    """The user's alert settings; until they choose, every kind, at once."""
    found = AlertSettings.objects.filter(user=user).first()
    return found or AlertSettings(user=user, kinds=list(Kind.values))


def _followers(topics: Iterable[models.Model]) -> dict[Any, list[str]]:
    """The active users with an address following any of ``topics``, with what of it."""
    condition = models.Q(pk__in=[])
    for obj in topics:
        type_id, pk = topic_key(obj)
        condition |= models.Q(target_type_id=type_id, target_id=pk)
    found: dict[Any, list[str]] = defaultdict(list)
    for follow in (
        Follow.objects.filter(condition, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    ):
        found[follow.user].append(follow.target_repr)
    return found


def _email_followers(topics: Iterable[models.Model]) -> dict[str, tuple[int, list[str]]]:
    """Confirmed follows by address alone: address → (a follow's key, what of it)."""
    condition = models.Q(pk__in=[])
    for obj in topics:
        type_id, pk = topic_key(obj)
        condition |= models.Q(target_type_id=type_id, target_id=pk)
    found: dict[str, tuple[int, list[str]]] = {}
    for follow in EmailFollow.objects.filter(condition).exclude(confirmed_at=None):
        _key, because = found.setdefault(follow.address, (follow.pk, []))
        because.append(follow.target_repr)
    return found


def announce(source: AlertSource, item: Any, step: str = "") -> int:
    """Tell the followers of what ``item`` is about; how many were told or queued."""
    if not source.is_published(item):
        return 0
    told = 0
    topics = list(source.topics(item))
    if source.may_see(AnonymousUser(), item):
        for address, (follow_id, because) in _email_followers(topics).items():
            told += len(_send_to_address(address, follow_id, source.kind, item, because, step))
    for user, because in _followers(topics).items():
        chosen = settings_for(user)
        if source.kind not in chosen.kinds or chosen.frequency == AlertSettings.Frequency.OFF:
            continue
        if not source.may_see(user, item):
            continue
        if chosen.frequency == AlertSettings.Frequency.IMMEDIATE:
            told += len(_send_now(user, source.kind, item, because, step))
        else:
            told += _queue(user, source.kind, item, because)
    return told


def _language(user: Any) -> str:
    return str(getattr(user, "language", "") or settings.LANGUAGE_CODE)


def _unsubscribe_headers(user: Any) -> Callable[[str], dict[str, str]]:
    link = site_url(reverse("outreach:unsubscribe", args=[tokens.make_for_alerts(user.pk)]))
    return lambda address: {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _context(user: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "items": items,
        "settings_url": site_url(reverse("outreach:following")),
        "unsubscribe_url": site_url(
            reverse("outreach:unsubscribe", args=[tokens.make_for_alerts(user.pk)])
        ),
    }


def describe(kind: str, item: Any, because: Iterable[str]) -> dict[str, Any]:
    return {
        "kind": Kind(kind).label,
        "title": str(item),
        "link": site_url(item.get_absolute_url()),
        "because": ", ".join(sorted(set(because))),
        "closes_on": getattr(item, "closes_on", None) if kind == Kind.DEADLINE else None,
    }


def _send_now(user: Any, kind: str, item: Any, because: list[str], step: str) -> list[str]:
    with translation.override(_language(user)):
        entry = describe(kind, item, because)
        subject = _("%(kind)s: %(title)s") % {"kind": entry["kind"], "title": str(item)[:120]}
        return notify(
            [user.email],
            subject,
            "outreach/email/alert.txt",
            _context(user, [entry]),
            reason=f"alert-{kind}",
            target=item,
            step=step,
            headers=_unsubscribe_headers(user),
        )


def _send_to_address(
    address: str, follow_id: int, kind: str, item: Any, because: list[str], step: str
) -> list[str]:
    """An alert to someone who follows by e-mail address, without an account."""
    link = site_url(reverse("outreach:unsubscribe", args=[tokens.make_for_email_follow(follow_id)]))
    with translation.override(settings.LANGUAGE_CODE):
        entry = describe(kind, item, because)
        subject = _("%(kind)s: %(title)s") % {"kind": entry["kind"], "title": str(item)[:120]}
        return notify(
            [address],
            subject,
            "outreach/email/alert.txt",
            {"items": [entry], "settings_url": "", "unsubscribe_url": link},
            reason=f"alert-{kind}",
            target=item,
            step=step,
            headers=lambda a: {
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def _queue(user: Any, kind: str, item: Any, because: list[str]) -> int:
    try:
        with transaction.atomic():
            PendingAlert.objects.create(
                user=user,
                kind=kind,
                item_type=ContentType.objects.get_for_model(item),
                item_id=str(item.pk),
                because=", ".join(sorted(set(because)))[:300],
            )
    except IntegrityError:
        return 0  # already in a digest
    return 1


# Call deadlines: run daily (``asmhub send-alerts``).


def announce_deadlines(today: dt.date | None = None) -> int:
    """Tell followers of the calls closing within ``DEADLINE_DAYS`` days (once per call)."""
    day = today or timezone.localdate()
    told = 0
    for source in all_sources():
        if source.kind != Kind.DEADLINE:
            continue
        model = source.model_class
        upcoming = model._default_manager.filter(
            status=Status.PUBLISHED,
            closes_on__gte=day,
            closes_on__lte=day + dt.timedelta(days=DEADLINE_DAYS),
        )
        for item in upcoming:
            told += announce(source, item, step="deadline")
    return told


# Digests: run daily (``asmhub send-alerts``); weekly subscribers get one a week.


def digests_due(now: dt.datetime | None = None) -> list[AlertSettings]:
    moment = now or timezone.now()
    due = []
    for chosen in AlertSettings.objects.filter(
        frequency__in=list(DIGEST_INTERVAL), user__is_active=True
    ).select_related("user"):
        interval = DIGEST_INTERVAL[AlertSettings.Frequency(chosen.frequency)]
        if chosen.last_digest_at is None or moment - chosen.last_digest_at >= interval:
            due.append(chosen)
    return due


def send_digest(chosen: AlertSettings, now: dt.datetime | None = None) -> int:
    """Send one user's digest of the items queued for them; how many items it held.
    Items no longer published, or that the user may no longer see, are dropped."""
    moment = now or timezone.now()
    user = chosen.user
    pending = list(PendingAlert.objects.filter(user=user, sent_at=None).select_related("item_type"))
    entries: list[dict[str, Any]] = []
    with translation.override(_language(user)):
        for row in pending:
            model = row.item_type.model_class()
            item = model._default_manager.filter(pk=row.item_id).first() if model else None
            source = (
                next((s for s in sources_for(model) if s.kind == row.kind), None) if model else None
            )
            if item is None or source is None or not source.is_published(item):
                continue
            if not source.may_see(user, item):
                continue
            entries.append(describe(row.kind, item, [row.because]))
        if entries and user.email:
            subject = _("ASM Hub: %(count)s new for what you follow") % {"count": len(entries)}
            notify(
                [user.email],
                subject,
                "outreach/email/digest.txt",
                {**_context(user, entries), "frequency": chosen.get_frequency_display()},
                reason="alert-digest",
                target=chosen,
                step=moment.strftime("%Y-%m-%dT%H:%M"),
                headers=_unsubscribe_headers(user),
            )
    PendingAlert.objects.filter(pk__in=[r.pk for r in pending]).update(sent_at=moment)
    chosen.last_digest_at = moment
    chosen.save(update_fields=["last_digest_at"])
    return len(entries)
