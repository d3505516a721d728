"""Reports from mining communities, by web and SMS, and what the platform keeps of the reporter.

A reporter is never named. A phone number is kept as a keyed hash (``number_hash``, to
recognise a sender and rate-limit them) and, while replies are still owed, sealed
(``number_sealed``, encrypted with ``ASMHUB_REPORTS_NUMBER_KEY``); the sealed number is
dropped when the report is followed up or closed. An outbound message holds the number
in clear only until the gateway has taken it. Who reads what is said in ``access.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.monitoring.models import AdminUnit, Incident, Programme, Site
from asmhub.taxonomy.models import RiskCategory


class Report(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        NEW = "new", _("New")
        CHECKING = "checking", _("Being checked")
        VERIFIED = "verified", _("Verified")
        INCIDENT = "incident", _("Turned into an incident")
        MERGED = "merged", _("Merged into another report")
        CLOSED = "closed", _("Closed")

    FINAL = (State.INCIDENT, State.MERGED, State.CLOSED)

    reference = models.CharField(_("reference"), max_length=12, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="reports")
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, default="fr")
    text = models.TextField(_("what happened"))
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    area = models.ForeignKey(
        AdminUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    happened_on = models.DateField(_("when"), null=True, blank=True)
    actor = models.CharField(_("who"), max_length=200, blank=True)
    risk_category = models.ForeignKey(
        RiskCategory,
        verbose_name=_("risk category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    photo = models.FileField(_("photo"), upload_to="reports/", blank=True)
    number_hash = models.CharField(max_length=64, blank=True, db_index=True)
    number_sealed = models.TextField(blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.NEW)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    close_reason = models.TextField(_("reason for closing"), blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("community report")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.pk])


class InboundMessage(models.Model):
    """A gateway message id already taken, so that a replayed call is refused."""

    message_id = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.message_id


class Conversation(models.Model):
    """Where a sender is in the guided SMS exchange: the answers so far, keyed by hash."""

    number_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=5, default="fr")
    step = models.CharField(max_length=12)
    answers = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"conversation {self.pk}"  # never the number, nor its hash


class Outbound(models.Model):
    """A reply waiting for the gateway. ``number`` is cleared once it is sent."""

    number_hash = models.CharField(max_length=64, db_index=True)
    number = models.CharField(max_length=32, blank=True)
    text = models.CharField(max_length=320)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply {self.pk}"  # never the number


class Step(models.Model):
    """One triage step on a report, for the report's own history (the audit trail has all)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="steps")
    verb = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.verb} {self.at:%Y-%m-%d}"
