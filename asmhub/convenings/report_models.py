"""The convening's report: drafted from the records, edited section by section, published.

Each section keeps what was generated (``draft``, ``content``, ``citations``) apart from
what a person wrote (``body``). Regenerating refreshes the generated parts; a section a
person has edited keeps its text and is marked as having newer source material.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from asmhub.convenings.models import Convening


class Report(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    convening = models.OneToOneField(Convening, on_delete=models.CASCADE, related_name="report")
    title = models.CharField(_("title"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    generated_at = models.DateTimeField(_("drafted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edition = models.PositiveSmallIntegerField(_("edition"), default=0)
    # Records an editor added although they are dated after the convening:
    # [{"model": "funding.project", "pk": 3}, ...] (see report_links.as_of).
    included = models.JSONField(_("records added by an editor"), default=list, blank=True)

    class Meta:
        verbose_name = _("convening report")

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ReportSection(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    draft = models.TextField(_("drafted text"), blank=True)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("Paragraphs separated by a blank line; lines starting with “- ” are a list."),
    )
    content = models.JSONField(_("tables and lists drawn from the records"), default=dict)
    citations = models.JSONField(_("records cited"), default=list)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    # The drafted parts in the other languages of the interface:
    # {"fr": {"title": ..., "draft": ..., "content": ..., "citations": ...}}.
    translations = models.JSONField(default=dict, blank=True)
    stale = models.BooleanField(
        default=False, help_text=_("The records changed after a person edited this section.")
    )

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="one_section_per_key")
        ]
        verbose_name = _("report section")

    def __str__(self) -> str:
        return self.title

    @property
    def text(self) -> str:
        return self.body if self.edited_at else self.draft
