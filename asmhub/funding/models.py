"""Donor intelligence: what donors want, when they decide, what they fund, and the needs.

The 2005 conference found that ASM stays unfunded because its advocates do not "speak
the language of the funding sources": they must know each donor's "priorities and
mandates", its "planning and funding cycles", and bring "strong proposals" with "clear
linkages with donor objectives". A donor is an Organization of the directory with a
``DonorProfile``; its weighted ``Priority`` rows, ``FundingCycle`` recurrence rules and
``Opportunity`` records are what ``matching`` ranks a ``Concept`` against. What donors
already fund comes from IATI (``iati_models``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Contribution, Slugged
from asmhub.directory.models import Organization, Person
from asmhub.funding.engagement_models import (  # noqa: F401  (registered with the app)
    ConceptMessage,
    Interest,
    SavedConcept,
)
from asmhub.funding.iati_models import (  # noqa: F401  (registered with the app)
    Activity,
    ActivityCountry,
    ActivityParticipant,
    ActivitySector,
    Budget,
    Footprint,
    Transaction,
)
from asmhub.lib.recurrence import TooFrequentError, check_rule, next_after, occurrences
from asmhub.taxonomy.models import Country, LeverIssue, Mineral, Region, SDGGoal, StakeholderType


class IndexVersion(models.Model):
    """One row: the token of the funding data the matching index (``index.py``) was
    built from, renewed by every write the ranking reads."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class Instrument(models.TextChoices):
    GRANT = "grant", _("Grant")
    TRUST_FUND = "trust-fund", _("Trust fund")
    BUDGET_SUPPORT = "budget-support", _("Budget support")
    LOAN = "loan", _("Loan")
    TECHNICAL_ASSISTANCE = "technical-assistance", _("Technical assistance")
    CO_FINANCING = "co-financing", _("Co-financing")


class EntryPoint(models.TextChoices):
    HEADQUARTERS = "headquarters", _("Headquarters programme")
    COUNTRY_OFFICE = "country-office", _("Country office or mission")
    MINISTRY = "ministry", _("Beneficiary government's ministry")
    TRUST_FUND = "trust-fund", _("Trust fund")
    OPEN_CALL = "open-call", _("Open call for proposals")
    LINE_MINISTRY = "line-ministry", _("Line ministry of the donor government")


class Beneficiary(models.TextChoices):
    MINERS = "miners", _("Miners")
    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children")
    COMMUNITIES = "communities", _("Communities")


@deconstructible
class ChoiceList:
    """Validates a JSON list whose items are values of ``choices``."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices

    def __call__(self, value: object) -> None:
        allowed = set(self.choices.values)
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise ValidationError(
                _("Choose among: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))}
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChoiceList) and other.choices is self.choices


def validate_rule(value: str) -> None:
    """A rule that may be stored: one that parses, occurs, and repeats at most daily."""
    try:
        check_rule(value, dt.date(2000, 1, 1))
    except TooFrequentError as exc:
        raise ValidationError(
            _(
                "%(part)s repeats more often than once a day; the most frequent rule "
                "accepted is FREQ=DAILY."
            ),
            code="too_frequent",
            params={"part": exc.part},
        ) from exc
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class DonorProfile(Contribution):
    """What a donor organization funds, how, where, and how it decides."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="donor_profile"
    )
    mandate = models.TextField(_("mandate"), blank=True)
    focus_countries = models.ManyToManyField(
        Country, verbose_name=_("focus countries"), blank=True, related_name="focus_of_donors"
    )
    focus_regions = models.ManyToManyField(
        Region, verbose_name=_("focus regions"), blank=True, related_name="focus_of_donors"
    )
    instruments = models.JSONField(
        _("instruments"),
        default=list,
        blank=True,
        validators=[ChoiceList(Instrument)],
    )
    size_min = models.DecimalField(
        _("typical size from"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    size_max = models.DecimalField(
        _("typical size to"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    eligible_types = models.ManyToManyField(
        StakeholderType, verbose_name=_("who may apply"), blank=True, related_name="+"
    )
    eligibility = models.TextField(_("eligibility in words"), blank=True)
    decision_process = models.TextField(_("how decisions are made, and by whom"), blank=True)
    entry_points = models.JSONField(
        _("entry points"),
        default=list,
        blank=True,
        validators=[ChoiceList(EntryPoint)],
    )
    strategy_link = models.TextField(
        _("link to Poverty Reduction Strategies or country strategies"), blank=True
    )
    shies_away = models.TextField(_("why it shies away from ASM"), blank=True)
    champions = models.ManyToManyField(
        Person, verbose_name=_("champions inside it"), blank=True, related_name="championed_donors"
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("donor profile")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def described_organization_id(self) -> int | None:
        """The donor organization this profile describes (see core.permissions)."""
        return self.organization_id

    def get_absolute_url(self) -> str:
        return reverse("funding:donor", args=[self.organization.slug])

    def instrument_labels(self) -> list[str]:
        return [str(Instrument(v).label) for v in self.instruments]

    def entry_point_labels(self) -> list[str]:
        return [str(EntryPoint(v).label) for v in self.entry_points]


class Priority(models.Model):
    """A donor's interest in one lever issue or one SDG goal, weighted 0 to 1."""

    profile = models.ForeignKey(DonorProfile, on_delete=models.CASCADE, related_name="priorities")
    lever_issue = models.ForeignKey(
        LeverIssue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sdg_goal = models.ForeignKey(
        SDGGoal, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weight = models.FloatField(
        _("weight"), validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["-weight"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(lever_issue__isnull=False, sdg_goal__isnull=True)
                    | models.Q(lever_issue__isnull=True, sdg_goal__isnull=False)
                ),
                name="priority_is_an_issue_or_a_goal",
            ),
            models.UniqueConstraint(
                fields=["profile", "lever_issue"], name="one_priority_per_issue"
            ),
            models.UniqueConstraint(fields=["profile", "sdg_goal"], name="one_priority_per_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.weight:.2f}"

    @property
    def term(self) -> LeverIssue | SDGGoal:
        return self.lever_issue or self.sdg_goal  # type: ignore[return-value]


class FundingCycle(models.Model):
    """A recurring moment in a donor's (or a government's) calendar, as an RFC 5545 rule."""

    class Kind(models.TextChoices):
        FISCAL_YEAR = "fiscal-year", _("Fiscal year start")
        CALL_OPENS = "call-opens", _("Annual call opens")
        CALL_CLOSES = "call-closes", _("Annual call closes")
        BOARD = "board", _("Board meeting")
        COUNTRY_STRATEGY = "country-strategy", _("Country strategy renewal")
        PRS = "prs", _("Poverty Reduction Strategy cycle")

    profile = models.ForeignKey(DonorProfile, on_delete=models.CASCADE, related_name="cycles")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    rule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        validators=[validate_rule],
        help_text=_("RFC 5545 RRULE, e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1"),
    )
    starts_on = models.DateField(_("first occurrence"))
    duration_days = models.PositiveSmallIntegerField(_("lasts (days)"), default=1)
    country = models.ForeignKey(
        Country,
        verbose_name=_("government (for a PRS cycle)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["profile", "kind", "title"]

    def __str__(self) -> str:
        return self.title

    def occurrences(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The dates of this cycle between ``start`` and ``end``, both included."""
        return occurrences(self.rule, self.starts_on, start, end)

    def next_occurrence(self, after: dt.date) -> dt.date | None:
        return next_after(self.rule, self.starts_on, after)


class Opportunity(Slugged, Contribution):
    """A funding opportunity: a call, a window, a grant round."""

    class Stage(models.TextChoices):
        FORECAST = "forecast", _("Forecast")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        AWARDED = "awarded", _("Awarded")
        ARCHIVED = "archived", _("Archived")

    title = models.CharField(_("title"), max_length=300)
    donor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="opportunities")
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.FORECAST, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    instrument = models.CharField(
        _("instrument"), max_length=24, choices=Instrument.choices, default=Instrument.GRANT
    )
    opens_on = models.DateField(_("opens"), null=True, blank=True)
    closes_on = models.DateField(_("closes"), null=True, blank=True, db_index=True)
    award_floor = models.DecimalField(
        _("award floor"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    award_ceiling = models.DecimalField(
        _("award ceiling"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    expected_awards = models.PositiveSmallIntegerField(
        _("expected number of awards"), null=True, blank=True
    )
    cofinancing_required = models.BooleanField(_("co-financing required"), default=False)
    eligible_types = models.ManyToManyField(
        StakeholderType, verbose_name=_("eligible applicants"), blank=True, related_name="+"
    )
    eligibility = models.TextField(_("eligibility in words"), blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="opportunities"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="opportunities"
    )
    sdg_goals = models.ManyToManyField(
        SDGGoal, verbose_name=_("SDG goals"), blank=True, related_name="opportunities"
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["closes_on", "title"]
        indexes = [  # lists of open or forecast calls by closing date
            models.Index(fields=["stage", "closes_on", "donor"], name="opportunity_stage_closes")
        ]
        verbose_name = _("funding opportunity")
        verbose_name_plural = _("funding opportunities")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:opportunity", args=[self.slug])

    def slug_text(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("An opportunity cannot close before it opens.")})
        if self.award_floor and self.award_ceiling and self.award_ceiling < self.award_floor:
            raise ValidationError({"award_ceiling": _("The ceiling is below the floor.")})


class Concept(Slugged, Contribution):
    """A need put as a project concept, to be matched with donors."""

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    proposers = models.ManyToManyField(
        Organization, verbose_name=_("proposing organizations"), blank=True, related_name="concepts"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="concepts"
    )
    areas = models.CharField(_("areas"), max_length=300, blank=True)
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="concepts"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="concepts"
    )
    sdg_goals = models.ManyToManyField(
        SDGGoal, verbose_name=_("SDG goals"), blank=True, related_name="concepts"
    )
    beneficiaries = models.JSONField(
        _("beneficiaries"),
        default=list,
        blank=True,
        validators=[ChoiceList(Beneficiary)],
    )
    budget = models.DecimalField(
        _("budget sought"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    instrument = models.CharField(
        _("instrument sought"), max_length=24, choices=Instrument.choices, blank=True
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    evidence_resources = models.ManyToManyField(
        "library.Resource", verbose_name=_("evidence: resources"), blank=True, related_name="+"
    )
    evidence_stories = models.ManyToManyField(
        "library.SuccessStory",
        verbose_name=_("evidence: success stories"),
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("project concept")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:concept", args=[self.slug])

    def slug_text(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A concept cannot end before it starts.")})

    def beneficiary_labels(self) -> list[str]:
        return [str(Beneficiary(v).label) for v in self.beneficiaries]


class Application(Contribution):
    """The network's own application to an opportunity: the pipeline."""

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        DRAFTING = "drafting", _("Drafting")
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        AWARDED = "awarded", _("Awarded")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="applications"
    )
    applicant = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="applications"
    )
    concept = models.ForeignKey(
        Concept, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    amount_requested = models.DecimalField(
        _("requested"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    amount_granted = models.DecimalField(
        _("granted"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    submitted_on = models.DateField(_("submitted"), null=True, blank=True)
    decision_on = models.DateField(_("decision"), null=True, blank=True)
    report_due_on = models.DateField(_("report due"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("application")

    def __str__(self) -> str:
        return f"{self.applicant.short_name} → {self.opportunity.title}"

    def get_absolute_url(self) -> str:
        return reverse("funding:application", args=[self.pk])


class Project(Slugged, Contribution):
    """An existing ASM project or programme: an opening for engaging donors.

    Entered by hand, or registered from an ASM-relevant IATI activity (``activity``).
    """

    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    funders = models.ManyToManyField(
        Organization, verbose_name=_("funders"), blank=True, related_name="funded_projects"
    )
    implementers = models.ManyToManyField(
        Organization,
        verbose_name=_("implementers"),
        blank=True,
        related_name="implemented_projects",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="projects"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="projects"
    )
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="projects"
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    link = models.URLField(_("link"), max_length=500, blank=True)
    activity = models.OneToOneField(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="project"
    )
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("project or programme")
        verbose_name_plural = _("projects and programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:project", args=[self.slug])

    def slug_text(self) -> str:
        return self.title
