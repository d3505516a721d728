"""What donors already fund, as they publish it to IATI (activity standard 2.0x).

An ``Activity`` is keyed by its ``iati-identifier``: importing it again updates it.
Codes keep the IATI code lists' values (taxonomy.Code holds their names). ``Footprint``
is the aggregate that the donor pages and the matching read: per donor, country, lever
issue and year, the number of ASM-relevant activities and their budget.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.directory.models import Organization
from asmhub.taxonomy.models import Country, LeverIssue, SDGGoal, SDGTarget


class Activity(models.Model):
    iati_identifier = models.CharField(_("IATI identifier"), max_length=200, unique=True)
    reporting_org_ref = models.CharField(max_length=120, blank=True, db_index=True)
    reporting_org_name = models.CharField(max_length=300, blank=True)
    reporting_org_type = models.CharField(max_length=4, blank=True)
    reporting_org = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="iati_activities",
        help_text=_("The directory organization that published it"),
    )
    title = models.TextField(_("title"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("activity status"), max_length=4, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    actual_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    last_updated = models.CharField(max_length=40, blank=True)
    recipient_regions = models.JSONField(default=list, blank=True)
    sdg_goals = models.ManyToManyField(SDGGoal, blank=True, related_name="iati_activities")
    sdg_targets = models.ManyToManyField(SDGTarget, blank=True, related_name="iati_activities")
    lever_issues = models.ManyToManyField(LeverIssue, blank=True, related_name="iati_activities")
    is_asm = models.BooleanField(_("ASM-relevant"), default=False, db_index=True)
    asm_reasons = models.JSONField(default=list, blank=True)
    total_budget = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    total_spent = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    source_file = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_start", "iati_identifier"]
        verbose_name = _("IATI activity")
        verbose_name_plural = _("IATI activities")

    def __str__(self) -> str:
        return f"{self.iati_identifier}: {self.title[:80]}"

    def get_absolute_url(self) -> str:
        return reverse("funding:activity", args=[self.iati_identifier])

    @property
    def start(self) -> object:
        return self.actual_start or self.planned_start

    @property
    def end(self) -> object:
        return self.actual_end or self.planned_end


class ActivityCountry(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="countries")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "country"], name="one_row_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.percentage or ''}".strip()


class ActivitySector(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sectors")
    vocabulary = models.CharField(max_length=4, default="1")
    code = models.CharField(max_length=40)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["vocabulary", "code"])]

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.code}"


class ActivityParticipant(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=4)
    ref = models.CharField(max_length=120, blank=True)
    name = models.CharField(max_length=300, blank=True)
    org_type = models.CharField(max_length=4, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name or self.ref} (role {self.role})"


class Budget(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budgets")
    kind = models.CharField(max_length=4, default="1")
    status = models.CharField(max_length=4, default="1")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    value_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["period_start"]

    def __str__(self) -> str:
        return f"{self.value} {self.currency} from {self.period_start}"


class Transaction(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=4)
    date = models.DateField(null=True, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    value_date = models.DateField(null=True, blank=True)
    provider = models.CharField(max_length=300, blank=True)
    receiver = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value} {self.currency} on {self.date}"


class Footprint(models.Model):
    """ASM-relevant funding by a donor, per country, lever issue and year (rebuilt)."""

    donor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="footprint")
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lever_issue = models.ForeignKey(
        LeverIssue, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    activities = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["country", "lever_issue"]),
            models.Index(fields=["donor", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.donor_id} {self.country_id} {self.lever_issue_id} {self.year}"
