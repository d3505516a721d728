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
from asmhub.taxonomy.models import Country, LeverIssue, MDGTarget, Mineral, SDGTarget


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
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="+"
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
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="+"
    )
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
    """What was done on an action, with evidence: library resources and stories, monitoring
    areas (their public pages of aggregates) and funded projects (IATI activities and the
    funding app's projects)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField(_("date"), default=today)
    text = models.TextField(_("what was done"))
    resources = models.ManyToManyField(
        "library.Resource", verbose_name=_("evidence: resources"), blank=True, related_name="+"
    )
    stories = models.ManyToManyField(
        "library.SuccessStory", verbose_name=_("evidence: stories"), blank=True, related_name="+"
    )
    areas = models.ManyToManyField(
        "monitoring.AdminUnit",
        verbose_name=_("evidence: monitoring areas"),
        blank=True,
        related_name="+",
    )
    activities = models.ManyToManyField(
        "funding.Activity",
        verbose_name=_("evidence: IATI activities"),
        blank=True,
        related_name="+",
    )
    projects = models.ManyToManyField(
        "funding.Project",
        verbose_name=_("evidence: funded projects"),
        blank=True,
        related_name="+",
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

    class Metric:
        """The keys of the strategy app's own metrics (``metrics.py``); other apps
        register theirs through their AppConfig."""

        NEW_MEMBERS = "new-members"
        VERIFIED_STORIES = "verified-stories"
        EVENTS_HELD = "events-held"
        FUNDING_REQUESTED = "funding-requested"
        FUNDING_WON = "funding-won"
        SITES_CORRECTED = "sites-corrected"

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    title = models.CharField(_("title"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    metric = models.CharField(
        _("computed from"),
        max_length=40,
        blank=True,
        help_text=_("One of the registered metrics; blank for an indicator entered by hand."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        help_text=_(
            "For funding metrics: add up amounts in this ISO 4217 currency; "
            "blank counts applications."
        ),
    )
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

    @property
    def metric_label(self) -> str:
        from asmhub.strategy import metrics

        found = metrics.get(self.metric)
        return str(found.label) if found else self.metric

    @property
    def audience(self) -> str:
        """Who may see it, from its metric (``metrics.py``); decided in core.permissions."""
        from asmhub.strategy import metrics

        return metrics.audience(self.metric)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from asmhub.strategy import metrics

        if self.metric and metrics.get(self.metric) is None:
            raise ValidationError({"metric": _("Unknown metric “%(m)s”.") % {"m": self.metric}})
        if self.currency and (len(self.currency) != 3 or not self.currency.isalpha()):
            raise ValidationError(
                {"currency": _("A currency is a three-letter ISO 4217 code, e.g. USD.")}
            )
        self.currency = self.currency.upper()

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
    convening = models.ForeignKey(
        "convenings.Convening",
        verbose_name=_("review meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategy_reviews",
        help_text=_("The convening at which the review was held."),
    )
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


class GroupMembership(models.Model):
    """A person (an account) in a working group, besides its member organizations."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_groups"
    )
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class JoinRequest(models.Model):
    """An expression of interest in joining a group: a message to the secretariat, answered."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the secretariat")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message"), max_length=2000)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    answer = models.TextField(_("answer"), blank=True, max_length=2000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request to join")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=models.Q(state="pending"),
                name="one_pending_request_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.group} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("strategy:group", args=[self.group_id])


class GroupDocument(models.Model):
    """A document in a working group's members' space: seen by its members and editors only."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    file = models.FileField(_("file"), upload_to="strategy/groups/%Y/", blank=True)
    link = models.URLField(_("link"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("group document")

    def __str__(self) -> str:
        return self.title


class WorkPlan(Slugged, Contribution):
    """A yearly plan of activities, often drafted from a convening's polls and priorities."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)
    strategy = models.ForeignKey(
        Strategy,
        verbose_name=_("strategy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_plans",
    )
    convening = models.ForeignKey(
        "convenings.Convening",
        verbose_name=_("drawn from the convening"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_plans",
    )
    members_only = models.BooleanField(_("members only"), default=False)
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("work plan")

    def __str__(self) -> str:
        return self.title

    def slug_text(self) -> str:
        return f"{self.title} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("strategy:plan", args=[self.slug])


class Activity(models.Model):
    """One activity of a work plan: its kind, budget, lead and the goals it serves.

    An activity drafted from a convening keeps the poll option or priority it came from
    (``from_option``, ``from_statement``) and the poll result as it stood then
    (``poll_result``)."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        CO_CREATION = "co-creation", _("Co-creation")
        COLLABORATION = "collaboration", _("Member collaboration")
        ENGAGEMENT = "engagement", _("Stakeholder engagement")
        RESEARCH = "research", _("Research")
        ADVOCACY = "advocacy", _("Advocacy")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(
        _("kind"), max_length=14, choices=Kind.choices, default=Kind.COLLABORATION
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    budget_amount = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD")
    )
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_person = models.ForeignKey(
        Person,
        verbose_name=_("lead person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lead_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("lead working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Progress.choices, default=Progress.PROPOSED
    )
    goals = models.ManyToManyField(
        Goal, verbose_name=_("goals served"), blank=True, related_name="activities"
    )
    objectives = models.ManyToManyField(
        Objective, verbose_name=_("objectives served"), blank=True, related_name="activities"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="+"
    )
    members_only = models.BooleanField(_("members only"), default=False)
    from_statement = models.ForeignKey(
        "convenings.Statement",
        verbose_name=_("from the priority"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_option = models.ForeignKey(
        "convenings.Option",
        verbose_name=_("from the poll option"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    poll_result = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#activity-{self.pk}"

    @property
    def poll_lines(self) -> list[tuple[str, str]]:
        """Each question's result for this activity: (question, result in words)."""
        from asmhub.strategy.workplans import figure_text

        return [
            (f.get("question", ""), figure_text(f))
            for f in (self.poll_result or {}).get("figures") or []
        ]

    @property
    def lead(self) -> str:
        parts = [str(o) for o in (self.lead_person, self.lead_organization, self.lead_group) if o]
        return ", ".join(parts)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.budget_amount is not None and not self.budget_currency:
            raise ValidationError({"budget_currency": _("A budget needs its currency.")})
        if self.budget_currency and (
            len(self.budget_currency) != 3 or not self.budget_currency.isalpha()
        ):
            raise ValidationError(
                {"budget_currency": _("A currency is a three-letter ISO 4217 code, e.g. USD.")}
            )
        if self.budget_amount is not None and self.budget_amount < 0:
            raise ValidationError({"budget_amount": _("A budget cannot be negative.")})
