"""The shared taxonomy every capability tags its records with.

All of it is reference data: loaded from the files in ``data/`` by
``asmhub load-taxonomy`` (see loaders.py), never typed into the database by hand.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Translatable


class SDGGoal(Translatable):
    number = models.PositiveSmallIntegerField(unique=True)
    short = models.CharField(max_length=120)
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG goal")

    def __str__(self) -> str:
        return f"SDG {self.number}: {self.short}"

    @property
    def code(self) -> str:
        return str(self.number)

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:sdg-goal", args=[self.number])


class SDGTarget(Translatable):
    goal = models.ForeignKey(SDGGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=8, unique=True)
    title = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal__number", "position"]
        verbose_name = _("SDG target")

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"


class SDGIndicator(Translatable):
    target = models.ForeignKey(SDGTarget, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=12, unique=True)
    title = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["target__goal__number", "target__position", "position"]
        verbose_name = _("SDG indicator")

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"


class MDGGoal(Translatable):
    number = models.PositiveSmallIntegerField(unique=True)
    short = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    sdg_goals = models.ManyToManyField(SDGGoal, blank=True, related_name="mdg_goals")
    crosswalk_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("MDG goal")

    def __str__(self) -> str:
        return f"MDG {self.number}: {self.short}"

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:mdg-goal", args=[self.number])


class MDGTarget(Translatable):
    goal = models.ForeignKey(MDGGoal, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(max_length=8, unique=True)
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal__number", "position"]
        verbose_name = _("MDG target")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class LeverIssue(Translatable):
    """An issue through which ASM touches development goals, and donors can act."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=160)
    definition = models.TextField()
    mdg_goals = models.ManyToManyField(MDGGoal, blank=True, related_name="lever_issues")
    sdg_targets = models.ManyToManyField(SDGTarget, blank=True, related_name="lever_issues")
    keywords = models.JSONField(default=dict, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("lever issue")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:lever-issue", args=[self.slug])

    def sdg_goals(self) -> models.QuerySet[SDGGoal]:
        return SDGGoal.objects.filter(targets__lever_issues=self).distinct()


class MineralGroup(Translatable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("mineral group")

    def __str__(self) -> str:
        return self.name


class Mineral(Translatable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    ore = models.CharField(max_length=120, blank=True)
    group = models.ForeignKey(MineralGroup, on_delete=models.PROTECT, related_name="minerals")
    aliases = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group__position", "position"]
        verbose_name = _("mineral")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:mineral", args=[self.slug])


class Region(Translatable):
    class Kind(models.TextChoices):
        REGION = "region", _("Region (UN M49)")
        SUBREGION = "subregion", _("Sub-region (UN M49)")
        GROUPING = "grouping", _("Grouping")

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position"]
        verbose_name = _("region")

    def __str__(self) -> str:
        return self.name


class Country(Translatable):
    code = models.CharField(max_length=2, primary_key=True)
    alpha3 = models.CharField(max_length=3, unique=True)
    numeric = models.CharField(max_length=3, blank=True)
    name = models.CharField(max_length=120)
    official_name = models.CharField(max_length=200, blank=True)
    subregion = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="countries"
    )
    groupings = models.ManyToManyField(Region, blank=True, related_name="member_countries")

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("taxonomy:country", args=[self.code])


class StakeholderType(Translatable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    is_donor = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("stakeholder type")

    def __str__(self) -> str:
        return self.name


class MinerProfile(Translatable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField()
    source_quote = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("miner profile")

    def __str__(self) -> str:
        return self.name


class RiskCategory(Translatable):
    """A risk category of Annex II of the OECD Due Diligence Guidance."""

    slug = models.SlugField(unique=True)
    code = models.CharField(max_length=12)
    name = models.CharField(max_length=200)
    description = models.TextField()
    annex_paragraphs = models.CharField(max_length=20, blank=True)
    forms = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CodeList(models.Model):
    """An IATI code list, as published by the IATI Standard."""

    name = models.CharField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    source_url = models.URLField(blank=True)
    category_list = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("IATI code list")

    def __str__(self) -> str:
        return self.name


class Code(Translatable):
    codelist = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=400)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["codelist", "code"]
        constraints = [
            models.UniqueConstraint(fields=["codelist", "code"], name="unique_code_per_list")
        ]
        verbose_name = _("IATI code")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
