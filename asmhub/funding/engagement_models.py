"""What donor officers do with a project concept: save it, express interest, and write to
its proposers, who answer and choose what of their contact details the donor sees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.directory.models import Organization


class SavedConcept(models.Model):
    """A concept a donor officer keeps on their list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_concepts"
    )
    concept = models.ForeignKey(
        "funding.Concept", on_delete=models.CASCADE, related_name="saved_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "concept"], name="saved_concept_once")
        ]
        ordering = ["-created_at"]
        verbose_name = _("saved concept")

    def __str__(self) -> str:
        return f"{self.user} · {self.concept}"


class Interest(models.Model):
    """A donor's interest in a concept, expressed by one of its officers; the proposers
    see it on the concept's page."""

    concept = models.ForeignKey(
        "funding.Concept", on_delete=models.CASCADE, related_name="interests"
    )
    donor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="interests")
    expressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concept", "donor"], name="interest_once_per_donor")
        ]
        ordering = ["-created_at"]
        verbose_name = _("donor interest")

    def __str__(self) -> str:
        return f"{self.donor} · {self.concept}"


class ConceptMessage(models.Model):
    """One message between a donor and a concept's proposers. A thread is the messages of
    one concept and one donor. A proposer's reply carries only the contact details the
    proposer chose to share (``shared``); nothing else of theirs reaches the donor."""

    class Direction(models.TextChoices):
        TO_PROPOSERS = "to-proposers", _("From the donor to the proposers")
        TO_DONOR = "to-donor", _("From the proposers to the donor")

    concept = models.ForeignKey(
        "funding.Concept", on_delete=models.CASCADE, related_name="messages"
    )
    donor = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="concept_messages"
    )
    direction = models.CharField(max_length=14, choices=Direction.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"))
    shared = models.JSONField(_("contact details shared"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["concept", "donor", "created_at"])]
        verbose_name = _("message about a concept")

    def __str__(self) -> str:
        return f"{self.concept} · {self.donor} · {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("funding:conversation", args=[self.concept.slug, self.donor.slug])
