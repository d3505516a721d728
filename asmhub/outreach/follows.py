"""Following: which records may be followed, and the follow and unfollow writes."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from asmhub.core import permissions
from asmhub.core.actions import audit
from asmhub.core.models import Translatable
from asmhub.core.notify import notify
from asmhub.core.services import site_url
from asmhub.outreach import tokens
from asmhub.outreach.models import EmailFollow, Follow

# What may be followed: model label → the name of its kind, in the order of the page.
FOLLOWABLE = {
    "taxonomy.leverissue": gettext_lazy("Lever issues"),
    "taxonomy.country": gettext_lazy("Countries"),
    "taxonomy.mineral": gettext_lazy("Minerals"),
    "funding.donorprofile": gettext_lazy("Donors"),
    "directory.organization": gettext_lazy("Organizations"),
}


def label(obj: Any) -> str:
    """The record's name in the reader's language (taxonomy terms are translated)."""
    if isinstance(obj, Translatable) and hasattr(obj, "name"):
        return obj.tr("name")
    return str(obj)


def is_followable(obj: Any) -> bool:
    return isinstance(obj, models.Model) and obj._meta.label_lower in FOLLOWABLE


def find(user: Any, obj: models.Model) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(
        user=user, target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
    ).first()


def resolve(type_label: str, pk: str, user: Any) -> models.Model:
    """The followable record named by ``type_label`` (``app.model``) and ``pk``, if the
    user may see it; ``ValidationError`` naming what is wrong otherwise."""
    if type_label not in FOLLOWABLE:
        raise ValidationError(_("“%(kind)s” cannot be followed.") % {"kind": type_label})
    app_label, model_name = type_label.split(".")
    model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    assert model is not None
    try:
        obj = model._default_manager.filter(pk=pk).first()
    except (ValueError, TypeError):  # a key of the wrong type names nothing
        obj = None
    if obj is None or not permissions.can_view(user, obj):
        raise ValidationError(
            _("There is no %(kind)s with the key “%(key)s”.")
            % {"kind": model._meta.verbose_name, "key": pk}
        )
    return obj


def follow(user: Any, obj: models.Model) -> Follow:
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to follow."))
    if not is_followable(obj):
        raise ValidationError(_("This cannot be followed."))
    existing = find(user, obj)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            made = Follow.objects.create(
                user=user,
                target_type=ContentType.objects.get_for_model(obj),
                target_id=str(obj.pk),
                target_repr=str(obj)[:300],
            )
            audit(user, "follow", obj)
    except IntegrityError:  # a second click that raced the first
        found = find(user, obj)
        assert found is not None
        return found
    return made


def unfollow(user: Any, obj: models.Model) -> bool:
    existing = find(user, obj)
    if existing is None:
        return False
    with transaction.atomic():
        existing.delete()
        audit(user, "unfollow", obj)
    return True


def followed_by(user: Any) -> list[tuple[str, list[Follow]]]:
    """The user's follows grouped by kind, in the order of ``FOLLOWABLE``; follows of
    records the user may no longer see are left out."""
    groups: dict[str, list[Follow]] = {label: [] for label in FOLLOWABLE}
    for f in Follow.objects.filter(user=user).select_related("target_type"):
        kind = f"{f.target_type.app_label}.{f.target_type.model}"
        target = f.target
        if kind in groups and target is not None and permissions.can_view(user, target):
            f.resolved = target  # type: ignore[attr-defined]
            f.label = label(target)  # type: ignore[attr-defined]
            groups[kind].append(f)
    return [(str(FOLLOWABLE[kind]), rows) for kind, rows in groups.items() if rows]


# Following without an account: by e-mail address, confirmed by a link (double opt-in).

# An address with this many follows still unconfirmed gets no further confirmation mail,
# so the form cannot be used to flood someone's mailbox.
MAX_UNCONFIRMED = 5
# Unconfirmed follows are forgotten after this many days (``asmhub send-alerts``).
UNCONFIRMED_DAYS = 7


def follow_by_email(address: str, obj: models.Model) -> EmailFollow | None:
    """Record a follow of a public record by ``address`` and send the confirmation link
    once; None when the address has too many follows waiting for confirmation."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.validators import validate_email

    address = address.strip().lower()
    validate_email(address)
    if not is_followable(obj) or not permissions.can_view(AnonymousUser(), obj):
        raise ValidationError(_("This cannot be followed."))
    target_type = ContentType.objects.get_for_model(obj)
    existing = EmailFollow.objects.filter(
        address=address, target_type=target_type, target_id=str(obj.pk)
    ).first()
    if existing is not None and existing.confirmed_at is not None:
        return existing
    if existing is None:
        waiting = EmailFollow.objects.filter(address=address, confirmed_at=None).count()
        if waiting >= MAX_UNCONFIRMED:
            return None
        existing = EmailFollow.objects.create(
            address=address,
            target_type=target_type,
            target_id=str(obj.pk),
            target_repr=str(obj)[:300],
        )
    link = site_url(
        reverse(
            "outreach:confirm-follow",
            args=[tokens.make_for_email_follow(existing.pk, "confirm-follow")],
        )
    )
    notify(
        [address],
        _("Confirm that you want to follow %(what)s") % {"what": label(obj)},
        "outreach/email/confirm_follow.txt",
        {"what": label(obj), "link": link},
        reason="follow-confirm",
        target=existing,
    )
    return existing


def confirm_email_follow(follow_id: str) -> EmailFollow | None:
    from django.utils import timezone

    found = EmailFollow.objects.filter(pk=follow_id).first()
    if found is not None and found.confirmed_at is None:
        found.confirmed_at = timezone.now()
        found.save(update_fields=["confirmed_at"])
    return found


def forget_unconfirmed(now: Any = None) -> int:
    import datetime as dt

    from django.utils import timezone

    cutoff = (now or timezone.now()) - dt.timedelta(days=UNCONFIRMED_DAYS)
    return EmailFollow.objects.filter(confirmed_at=None, created_at__lt=cutoff).delete()[0]
