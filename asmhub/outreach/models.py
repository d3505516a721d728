"""Outreach: who follows what, how they want to hear of it, newsletters and who unsubscribed.

No table here copies a person's contact details except ``NewsletterRecipient.address``,
the record of where one newsletter went, which only secretariat administrators see
(``permissions.can_send_newsletters``). Unsubscribes are kept as a keyed hash of the
address (``Suppression``), so the list of people who left holds no address at all.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.directory.models import Person
from asmhub.taxonomy.models import Country, StakeholderType


class Kind(models.TextChoices):
    """What an alert is about; an alert source declares one of these."""

    RESOURCE = "resource", _("New resource in the library")
    BRIEF = "brief", _("New brief")
    OPPORTUNITY = "opportunity", _("New funding opportunity")
    EVENT = "event", _("New event")
    DEADLINE = "deadline", _("Call deadline approaching")


class Follow(models.Model):
    """A signed-in user follows a lever issue, country, mineral, donor or organization."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_type_id", "target_repr"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "target_type", "target_id"], name="follow_once")
        ]
        verbose_name = _("follow")

    def __str__(self) -> str:
        return f"{self.user} follows {self.target_repr}"

    @property
    def target(self) -> models.Model | None:
        model = self.target_type.model_class()
        assert model is not None
        return model._default_manager.filter(pk=self.target_id).first()


class EmailFollow(models.Model):
    """A visitor without an account follows a record by e-mail address: it counts only
    once confirmed through the link sent to that address (double opt-in), and receives
    alerts at once of what anyone may see."""

    address = models.EmailField()
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "target_type", "target_id"], name="email_follow_once"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} follows {self.target_repr}"

    def get_absolute_url(self) -> str:
        return reverse("outreach:following")


class AlertSettings(models.Model):
    """Which kinds of alert a user receives about what they follow, and how often."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("At once, one e-mail per item")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")
        OFF = "off", _("No e-mail")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_settings"
    )
    kinds = models.JSONField(_("alert me of"), default=list, blank=True)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return f"Alerts of {self.user}: {self.frequency}"


class PendingAlert(models.Model):
    """An item waiting for its place in a user's next digest; kept once sent (``sent_at``)
    so that the same item is never announced twice to the same user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_alerts"
    )
    kind = models.CharField(max_length=20)
    item_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    item_id = models.CharField(max_length=64)
    because = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "item_type", "item_id"], name="pending_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_type_id}:{self.item_id} for {self.user_id}"


class Newsletter(models.Model):
    """An issue of the network's newsletter: an introduction and published items, sent to
    a segment of the directory."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    subject = models.CharField(_("subject"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language of the headings and links around your text."),
    )
    intro = models.TextField(_("introduction"), blank=True)
    resources = models.ManyToManyField(
        "library.Resource", verbose_name=_("resources"), blank=True, related_name="+"
    )
    stories = models.ManyToManyField(
        "library.SuccessStory", verbose_name=_("success stories"), blank=True, related_name="+"
    )
    events = models.ManyToManyField(
        "calendar.Event", verbose_name=_("events"), blank=True, related_name="+"
    )
    opportunities = models.ManyToManyField(
        "funding.Opportunity",
        verbose_name=_("funding opportunities"),
        blank=True,
        related_name="+",
    )
    # The segment: within one criterion any value matches, across criteria all must.
    stakeholder_types = models.ManyToManyField(
        StakeholderType, verbose_name=_("stakeholder types"), blank=True, related_name="+"
    )
    donors_only = models.BooleanField(
        _("only people of organizations with a donor profile"), default=False
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    working_groups = models.ManyToManyField(
        "strategy.WorkingGroup", verbose_name=_("working groups"), blank=True, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("newsletter")
        permissions = [
            ("send_newsletter", "Can compose and send newsletters and see their recipients"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("outreach:newsletter", args=[self.pk])


class NewsletterRecipient(models.Model):
    """Where one newsletter went: one row per address, with what happened to it."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNSUBSCRIBED = "unsubscribed", _("Not sent: unsubscribed")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=250, blank=True)
    address = models.EmailField()
    outcome = models.CharField(
        max_length=14, choices=Outcome.choices, default=Outcome.QUEUED, db_index=True
    )
    error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "address"], name="newsletter_address_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} → {self.name or '#' + str(self.pk)}"


class Suppression(models.Model):
    """An address that unsubscribed from a list, kept as a keyed hash of the address."""

    class List(models.TextChoices):
        NEWSLETTER = "newsletter", _("Newsletter")

    address_hash = models.CharField(max_length=64)
    list = models.CharField(max_length=20, choices=List.choices, default=List.NEWSLETTER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address_hash", "list"], name="suppress_once")
        ]

    def __str__(self) -> str:
        return f"{self.list}: {self.address_hash[:8]}…"
