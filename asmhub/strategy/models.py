"""The network's results framework: strategies, goals, objectives, actions, indicators and
the periodic reviews that keep them on track.

Overdue is never stored: it is computed from the due date and the status (``is_overdue``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Contribution, Slugged
from asmhub.directory.models import Organization, Person
from asmhub.funding.models import validate_rule
from asmhub.lib.recurrence import occurrences
from asmhub.taxonomy.models import Country, LeverIssue, MDGTarget, SDGTarget


class Progress(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    IN_PROGRESS = "in-progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


CLOSED = {Progress.DONE, Progress.DROPPED}


def today() -> dt.date:
    return timezone.localdate()


class Strategy(Slugged, Contribution):
    """A strategy of the network: its goals, short and long term, and how they are measured."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    review_rule = models.CharField(
        _("review cycle"),
        max_length=300,
        blank=True,
        validators=[validate_rule],
        help_text=_(
            "When the strategy is reviewed, as an RFC 5545 RRULE counted from its start, "
            "e.g. FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"
        ),
    )

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.title

    def slug_text(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:detail", args=[self.slug])

    def review_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The review dates of the cycle from ``start`` to ``end`` (both included), within
        the strategy's own span; none without a review cycle."""
        if not self.review_rule:
            return []
        first, last = max(start, self.starts_on), min(end, self.ends_on)
        if last < first:
            return []
        return occurrences(self.review_rule, self.starts_on, first, last)

    def next_reviews(self, after: dt.date, count: int = 3) -> list[dt.date]:
        """The next ``count`` review dates on or after ``after``."""
        return self.review_dates(after, self.ends_on)[:count]


class WorkingGroup(models.Model):
    """A group of member organizations that owns goals or actions."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    mandate = models.TextField(_("mandate"), blank=True)
    chair = models.ForeignKey(
        Person, verbose_name=_("chair"), null=True, blank=True, on_delete=models.PROTECT
    )
    members = models.ManyToManyField(
        Organization, verbose_name=_("members"), blank=True, related_name="working_groups"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("working group")

    def __str__(self) -> str:
        return self.name


class Owned(models.Model):
    """What goals and actions share: an owner, dates, a status and tags."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name=_("owner organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_person = models.ForeignKey(
        Person,
        verbose_name=_("owner person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("owner working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Progress.choices, default=Progress.PROPOSED
    )
    members_only = models.BooleanField(_("members only"), default=False)
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="+"
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), blank=True, related_name="+"
    )
    mdg_targets = models.ManyToManyField(
        MDGTarget, verbose_name=_("MDG targets"), blank=True, related_name="+"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self) -> str:
        parts = [
            str(o) for o in (self.owner_person, self.owner_organization, self.owner_group) if o
        ]
        return ", ".join(parts)

    def is_overdue(self, on: dt.date | None = None) -> bool:
        """Past its due date and neither done nor dropped."""
        return bool(self.due_on and self.due_on < (on or today()) and self.status not in CLOSED)

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class Goal(Owned):
    class Term(models.TextChoices):
        SHORT = "short", _("Short term")
        LONG = "long", _("Long term")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="goals")
    term = models.CharField(_("term"), max_length=5, choices=Term.choices, default=Term.SHORT)

    class Meta:
        ordering = ["strategy", "position", "id"]
        verbose_name = _("strategic goal")

    def get_absolute_url(self) -> str:
        return reverse("strategy:goal", args=[self.pk])


class Objective(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["goal", "position", "id"]
        verbose_name = _("objective")

    def __str__(self) -> str:
        return self.title


class Action(Owned):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    commitment = models.OneToOneField(
        "convenings.Commitment",
        verbose_name=_("from the commitment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_action",
    )

    class Meta:
        ordering = ["objective", "position", "id"]
        verbose_name = _("action")

    def get_absolute_url(self) -> str:
        return reverse("strategy:action", args=[self.pk])

    @property
    def goal(self) -> Goal:
        return self.objective.goal


class StatusChange(models.Model):
    """One move of a goal's or an action's status: the history."""

    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=Progress.choices)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class ProgressUpdate(models.Model):
    """What was done on an action, with evidence from the library."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField(_("date"), default=today)
    text = models.TextField(_("what was done"))
    resources = models.ManyToManyField(
        "library.Resource", verbose_name=_("evidence: resources"), blank=True, related_name="+"
    )
    stories = models.ManyToManyField(
        "library.SuccessStory", verbose_name=_("evidence: stories"), blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]
        verbose_name = _("progress update")

    def __str__(self) -> str:
        return f"{self.written_on}: {self.text[:60]}"


class Indicator(models.Model):
    """A measure of progress: a baseline, targets by date and actuals.

    A computed indicator (``metric`` set) counts platform records in its period and is
    refreshed whenever one of those records changes; the others are entered with a source.
    """

    class Metric(models.TextChoices):
        NEW_MEMBERS = "new-members", _("New member organizations")
        VERIFIED_STORIES = "verified-stories", _("Verified success stories")
        EVENTS_HELD = "events-held", _("Events held")
        FUNDING_WON = "funding-won", _("Funding won through applications")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    title = models.CharField(_("title"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    metric = models.CharField(_("computed from"), max_length=20, choices=Metric.choices, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    baseline_on = models.DateField(_("baseline date"))
    members_only = models.BooleanField(_("members only"), default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["strategy", "position", "id"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:indicator", args=[self.pk])

    @property
    def computed(self) -> bool:
        return bool(self.metric)

    def latest(self, on: dt.date | None = None) -> IndicatorValue | None:
        values = self.values.all()
        if on is not None:
            values = values.filter(on__lte=on)
        return values.order_by("-on", "-id").first()


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    due_on = models.DateField(_("by"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} by {self.due_on}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    on = models.DateField(_("date"))
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    computed = models.BooleanField(default=False)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "on"],
                condition=models.Q(computed=True),
                name="one_computed_value_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} on {self.on}"


class Review(models.Model):
    """A periodic review: the status of every action and indicator on a date, frozen, with
    the decisions and changes it made."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=300)
    decisions = models.TextField(_("decisions"), blank=True)
    changes = models.TextField(_("changes"), blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("review")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:review", args=[self.pk])
