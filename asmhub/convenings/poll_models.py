"""Polls taken during a session and surveys sent after it.

A poll is open between ``opens_at`` and ``closes_at`` (either may be blank: not yet
scheduled, or open until closed by hand). Each participant has one response per poll,
keyed by ``respondent_key``; answering again replaces the earlier answers. An anonymous
poll stores no link from the response to the participant, only the key, which cannot be
turned back into the participant without the poll's secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asmhub.convenings.models import Convening, Participant, Session
from asmhub.taxonomy.models import LeverIssue, SDGGoal


def new_secret() -> str:
    return secrets.token_hex(16)


class Poll(models.Model):
    class Kind(models.TextChoices):
        POLL = "poll", _("Live poll")
        SURVEY = "survey", _("Survey")

    class Results(models.TextChoices):
        LIVE = "live", _("Participants see results as they come in")
        AFTER_ANSWER = "after-answer", _("Participants see results once they have answered")
        AFTER_CLOSE = "after-close", _("Participants see results when it closes")
        ORGANIZERS = "organizers", _("Only organizers see results")

    class State(models.TextChoices):
        DRAFT = "draft", _("Not yet open")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="polls")
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.POLL)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Anonymous answers are never shown with a name, not even to organizers."),
    )
    results = models.CharField(
        _("results"), max_length=12, choices=Results.choices, default=Results.LIVE
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("closes"), null=True, blank=True, help_text=_("For a survey, its deadline.")
    )
    reminder_days = models.JSONField(
        _("reminders (days before the deadline)"), default=list, blank=True
    )
    illustrative = models.BooleanField(
        _("illustrative responses"),
        default=False,
        help_text=_("The responses are made up to show the feature, not recorded."),
    )
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    source = models.CharField(_("source"), max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["convening", "opens_at", "id"]
        verbose_name = _("poll or survey")
        verbose_name_plural = _("polls and surveys")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("convenings:poll", args=[self.convening.slug, self.pk])

    def state_at(self, moment: dt.datetime | None = None) -> str:
        now = moment or timezone.now()
        if self.opens_at is None or self.opens_at > now:
            return self.State.DRAFT
        if self.closes_at is not None and self.closes_at <= now:
            return self.State.CLOSED
        return self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_at()

    def respondent_key(self, participant: Participant) -> str:
        return hashlib.sha256(f"{self.secret}:{participant.pk}".encode()).hexdigest()


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        RANKING = "ranking", _("Ranking")
        RATING = "rating", _("Rating")
        TEXT = "text", _("Free text")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("explanation"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is required"), default=False)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"), null=True, blank=True
    )
    scale_min = models.SmallIntegerField(_("lowest rating"), default=1)
    scale_max = models.SmallIntegerField(_("highest rating"), default=5)
    scale_min_label = models.CharField(_("lowest rating means"), max_length=60, blank=True)
    scale_max_label = models.CharField(_("highest rating means"), max_length=60, blank=True)

    class Meta:
        ordering = ["poll", "position", "id"]
        verbose_name = _("question")

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    """A choice of a single, multiple-choice or ranking question; for a rating question,
    each option is one thing to rate."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("label"), max_length=300)
    lever_issue = models.ForeignKey(
        LeverIssue, verbose_name=_("lever issue"), null=True, blank=True, on_delete=models.SET_NULL
    )
    sdg_goal = models.ForeignKey(
        SDGGoal, verbose_name=_("SDG"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("option")

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="responses",
        help_text=_("Blank for anonymous polls."),
    )
    illustrative = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["poll", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "respondent_key"], name="one_response_per_participant"
            )
        ]
        verbose_name = _("response")

    def __str__(self) -> str:
        return f"Response to {self.poll}"


class Answer(models.Model):
    """One part of a response: a chosen option (with its rank or rating) or a text."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        Option, null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    rating = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "rank", "id"]
        verbose_name = _("answer")

    def __str__(self) -> str:
        return f"{self.question}: {self.option or self.rating or self.text[:40]}"


class Reminder(models.Model):
    """A reminder sent to a participant who had not answered a survey, so none goes twice."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="reminders")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    days_before = models.SmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "participant", "days_before"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder for {self.poll} to {self.participant}"
