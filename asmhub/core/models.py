"""Shared model pieces: translations of reference text, contributions and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor


class Translatable(models.Model):
    """Reference records whose English text sits in fields and other languages in JSON.

    ``translations`` maps a language code to field values, e.g. ``{"fr": {"name": "Or"}}``.
    """

    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str, language: str | None = None) -> str:
        """The field in the active (or given) language, falling back to English."""
        lang = (language or get_language() or "en").split("-")[0]
        if lang != "en":
            value = self.translations.get(lang, {}).get(field)
            if value:
                return str(value)
        return str(getattr(self, field) or "")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Contribution(models.Model):
    """A record contributed by an organization and moderated before it is public.

    Only the contributing organization's members and editors may change it
    (see ``asmhub.core.permissions``).
    """

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    owner_organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("contributed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        raise NotImplementedError("each contribution model has its own page")

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED


class Slugged(models.Model):
    """Records at a stable address: the slug is made once, from ``slug_text()``, on first save."""

    slug = models.SlugField(unique=True, max_length=120, blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(type(self), self.slug_text()[:90])
        super().save(*args, **kwargs)

    def slug_text(self) -> str:
        raise NotImplementedError


class AuditEntry(models.Model):
    """One write made through an action: who did what to which record, and the changes."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=40)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"

    @classmethod
    def for_object(cls, obj: models.Model) -> models.QuerySet[AuditEntry]:
        return cls.objects.filter(
            target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk)
        ).select_related("actor")

    @classmethod
    def record(
        cls,
        actor: Visitor | None,
        action: str,
        obj: models.Model,
        changes: dict[str, Any] | None = None,
    ) -> AuditEntry:
        return cls.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            target_type=ContentType.objects.get_for_model(obj),
            target_id=str(obj.pk),
            target_repr=str(obj)[:300],
            changes=changes or {},
        )


def unique_slug(model: type[models.Model], text: str, exclude_pk: Any = None) -> str:
    """A slug made from ``text`` that no other row of ``model`` uses."""
    base = slugify(text)[:100] or "record"
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Revision(models.Model):
    """A change to a published record, proposed by the organization the record describes,
    kept aside until an editor approves it, so that the public page stays as it was.

    ``values`` holds plain fields as JSON (a foreign key by its key), ``relations`` the
    keys of many-to-many fields; only the fields that differ from the record are kept.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUPERSEDED = "superseded", _("Replaced by a later proposal")

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    values = models.JSONField(default=dict, blank=True)
    relations = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note to the proposer"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "state"])]
        verbose_name = _("proposed change")

    def __str__(self) -> str:
        return f"{self.target_repr} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("core:revision", args=[self.pk])

    @property
    def target(self) -> Any:
        model = self.target_type.model_class()
        assert model is not None
        return model._default_manager.filter(pk=self.target_id).first()


class Notification(models.Model):
    """One e-mail sent through ``core.notify``: the key that makes each message go once.

    ``recipient`` is the address, ``reason`` what the message is about (such as
    ``strategy-due``), the target the record it concerns and ``step`` which of several
    messages about it (such as ``before-7`` or ``overdue``)."""

    recipient = models.CharField(max_length=254)
    reason = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    step = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=300)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "reason", "target_type", "target_id", "step"],
                name="notification_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} {self.step} → {self.recipient}"


class DataVersion(models.Model):
    """One row per app holding a random token, replaced in the transaction of every write
    to that app's tables (``core.dataversions``): cached pages and computations keyed by
    the tokens are never served after the data they were built from changed."""

    app = models.CharField(max_length=64, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.app}: {self.token}"
