"""The knowledge clearinghouse: resources, their passages, and the search index.

A resource is a document (report, study, toolkit...) with its metadata and tags;
its text is split into passages that keep their page and heading. Every searchable
piece of text also has a row in ``SearchDocument``, which the search backends index
(SQLite FTS5 or PostgreSQL full-text search; see search.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Contribution, Slugged
from asmhub.directory.models import Organization
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, Mineral, SDGGoal, SDGTarget


class ResourceType(models.TextChoices):
    REPORT = "report", _("Report")
    STUDY = "study", _("Study")
    BRIEF = "brief", _("Brief")
    TOOLKIT = "toolkit", _("Toolkit")
    DATASET = "dataset", _("Dataset")
    POLICY = "policy", _("Policy or law")
    MEETING_SUMMARY = "meeting-summary", _("Meeting summary")
    VIDEO = "video", _("Film or video")
    PHOTOS = "photos", _("Photo set")
    PRESS = "press", _("Press article")


class IngestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Reading the file")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be read")
    NO_FILE = "no-file", _("No file")


class Resource(Slugged, Contribution):
    title = models.CharField(_("title"), max_length=400)
    resource_type = models.CharField(
        _("type"), max_length=20, choices=ResourceType.choices, default=ResourceType.REPORT
    )
    authors = models.CharField(
        _("authors"), max_length=500, blank=True, help_text=_("Separated by semicolons")
    )
    publishers = models.ManyToManyField(
        Organization,
        verbose_name=_("publishing organizations"),
        blank=True,
        related_name="publications",
    )
    published_on = models.DateField(_("date"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    language = models.CharField(
        _("language"), max_length=8, default="en", help_text=_("ISO 639-1 code")
    )
    place = models.CharField(_("place of publication"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="resources"
    )
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="resources"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="resources"
    )
    sdg_goals = models.ManyToManyField(
        SDGGoal, verbose_name=_("SDG goals"), blank=True, related_name="resources"
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), blank=True, related_name="resources"
    )
    mdg_goals = models.ManyToManyField(
        MDGGoal, verbose_name=_("MDG goals"), blank=True, related_name="resources"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations named"), blank=True, related_name="mentioned_in"
    )
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to="library/%Y/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    format = models.CharField(max_length=12, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    ingest_status = models.CharField(
        max_length=12, choices=IngestStatus.choices, default=IngestStatus.NO_FILE
    )
    ingest_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("resource")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:resource", args=[self.slug])

    def slug_text(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.published_on and not self.year:
            self.year = self.published_on.year
        super().save(*args, **kwargs)

    def author_list(self) -> list[str]:
        return [a.strip() for a in self.authors.split(";") if a.strip()]


class Passage(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveIntegerField()
    page = models.PositiveIntegerField(null=True, blank=True)
    heading = models.CharField(max_length=300, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["resource", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "position"], name="one_passage_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource.title[:60]} §{self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.resource.get_absolute_url()}#p{self.position}"


class TagSuggestion(models.Model):
    """A label the tagger proposes for a resource (``passage`` empty) or one passage.

    Labels are ``issue:<slug>``, ``sdg:<n>``, ``mdg:<n>``, ``country:<ISO>``,
    ``mineral:<slug>`` and ``org:<slug>``. A curator's decision is kept: accepted and
    rejected suggestions are the labelled data the tagger is measured against.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("Suggested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="suggestions")
    passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions"
    )
    label = models.CharField(max_length=80)
    confidence = models.FloatField()
    triggers = models.JSONField(default=list)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    ontology_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-confidence", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "label"],
                condition=models.Q(passage=None),
                name="one_resource_suggestion_per_label",
            ),
            models.UniqueConstraint(
                fields=["passage", "label"], name="one_passage_suggestion_per_label"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.confidence:.2f})"

    @property
    def family(self) -> str:
        return self.label.split(":", 1)[0]

    @property
    def key(self) -> str:
        return self.label.split(":", 1)[1]


class Fact(Contribution):
    """A short sourced statement with a number, for briefs and donor packs to quote."""

    class Scope(models.TextChoices):
        GLOBAL = "global", _("Global")
        REGION = "region", _("Region")
        COUNTRY = "country", _("Country")
        MINERAL = "mineral", _("Mineral")

    statement = models.TextField(_("statement"))
    value = models.FloatField(_("value"), null=True, blank=True)
    value_max = models.FloatField(_("up to (for a range)"), null=True, blank=True)
    qualifier = models.CharField(
        _("qualifier"), max_length=20, blank=True, help_text=_("about, up to, at least...")
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.GLOBAL)
    scope_detail = models.CharField(_("scope detail"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="facts"
    )
    minerals = models.ManyToManyField(
        Mineral, verbose_name=_("minerals"), blank=True, related_name="facts"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="facts"
    )
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    resource = models.ForeignKey(
        Resource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="facts"
    )
    passage = models.ForeignKey(
        Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="facts"
    )
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    quote = models.TextField(_("quote"), help_text=_("The source's own words, with the figure"))

    class Meta:
        ordering = ["-year", "statement"]
        verbose_name = _("fact")

    def __str__(self) -> str:
        return self.statement[:120]

    def get_absolute_url(self) -> str:
        return reverse("library:fact", args=[self.pk])

    @property
    def source_url(self) -> str:
        return self.passage.get_absolute_url() if self.passage else self.resource.get_absolute_url()


class SuccessStory(Slugged, Contribution):
    """A success story, from embryonic to verified and promoted, with its evidence."""

    class Stage(models.TextChoices):
        EMBRYONIC = "embryonic", _("Embryonic")
        DOCUMENTED = "documented", _("Documented")
        VERIFIED = "verified", _("Verified")
        PROMOTED = "promoted", _("Promoted")

    title = models.CharField(_("title"), max_length=300)
    place = models.CharField(_("place"), max_length=200, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="stories"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="stories"
    )
    period = models.CharField(_("period"), max_length=100, blank=True)
    problem = models.TextField(_("the problem"), blank=True)
    intervention = models.TextField(_("the intervention"), blank=True)
    results = models.TextField(_("results, with figures"), blank=True)
    beneficiaries = models.JSONField(_("who benefited"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=200, blank=True)
    multiplier_effects = models.TextField(_("multiplier effects"), blank=True)
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="stories"
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, verbose_name=_("SDG targets"), blank=True, related_name="stories"
    )
    mdg_goals = models.ManyToManyField(
        MDGGoal, verbose_name=_("MDG goals"), blank=True, related_name="stories"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.EMBRYONIC
    )
    verified_by = models.CharField(_("verified by"), max_length=200, blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verification_evidence = models.TextField(_("verification evidence"), blank=True)
    evidence = models.JSONField(_("evidence quotes"), default=list, blank=True)
    evidence_resources = models.ManyToManyField(
        Resource, verbose_name=_("evidence"), blank=True, related_name="stories"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:story", args=[self.slug])

    def slug_text(self) -> str:
        return self.title


class SearchDocument(models.Model):
    """One searchable text: a resource's metadata, a passage, a fact or a success story.

    ``services.reindex_resource`` and the save signals of facts and stories keep these
    rows in step; a fact's row also names its source resource, so that the resource's
    facets apply to it.
    """

    class Kind(models.TextChoices):
        RESOURCE = "resource", _("Resource")
        PASSAGE = "passage", _("Passage")
        FACT = "fact", _("Fact")
        STORY = "story", _("Success story")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="search_documents"
    )
    passage = models.OneToOneField(Passage, null=True, blank=True, on_delete=models.CASCADE)
    fact = models.OneToOneField(Fact, null=True, blank=True, on_delete=models.CASCADE)
    story = models.OneToOneField(SuccessStory, null=True, blank=True, on_delete=models.CASCADE)
    page = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=400)
    heading = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    is_public = models.BooleanField(default=False, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "is_public"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title[:60]}"
