"""Briefs and country profiles: the documents that go to donors.

A ``Brief`` is the working copy: sections drafted from the records (in every language of
the interface) and edited by the secretariat. Publishing freezes it into a
``BriefVersion``, a snapshot that never changes afterwards, whatever happens to the
records it was drafted from; the next publication is a new version, and the page says
what changed between the two.

A country profile reads most of what it shows from the other capabilities when it is
shown; the ASM figures and the legal facts are entered by editors with their source
(``CountryFigure``, ``CountryFacts``), never computed or guessed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.taxonomy.models import Country, LeverIssue, Mineral


class Brief(models.Model):
    class Kind(models.TextChoices):
        ISSUE = "issue", _("Lever-issue brief")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ISSUE)
    slug = models.SlugField(unique=True, max_length=120)
    lever_issue = models.ForeignKey(
        LeverIssue,
        verbose_name=_("lever issue"),
        on_delete=models.PROTECT,
        related_name="briefs",
    )
    title = models.CharField(_("title"), max_length=300)
    # What a person wrote, per language and section: {"en": {"ask": "..."}, "fr": {...}}.
    # A section without a person's text shows what was drafted from the records.
    bodies = models.JSONField(default=dict, blank=True)
    # The drafted sections per language: {"en": [{key, title, text, items, table,
    # citations}, ...], "fr": [...]}, refreshed by drafting again.
    drafted = models.JSONField(default=dict, blank=True)
    drafted_at = models.DateTimeField(_("drafted"), null=True, blank=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lever_issue__position", "title"]
        verbose_name = _("brief")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("briefs:brief", args=[self.slug])

    def latest(self) -> BriefVersion | None:
        return self.versions.order_by("-number").first()


class BriefVersion(models.Model):
    """A published brief, frozen: its ``document`` holds every section as published, in
    every language, with the records it cites. It is never changed once saved."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=300)
    document = models.JSONField()
    note = models.CharField(_("what changed, in a line"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["brief", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["brief", "number"], name="one_brief_version_number")
        ]
        verbose_name = _("published version")

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("A published version is never changed; publish a new one."))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("briefs:version", args=[self.brief.slug, self.number])


class CountryFacts(models.Model):
    """What editors record of a country's legal framework, with sources."""

    class Mention(models.TextChoices):
        UNKNOWN = "unknown", _("Not yet checked")
        YES = "yes", _("Yes")
        NO = "no", _("No")

    country = models.OneToOneField(
        Country, on_delete=models.CASCADE, related_name="asm_facts", verbose_name=_("country")
    )
    legal_framework = models.TextField(_("legal framework for ASM"), blank=True)
    formalization = models.TextField(_("formalization status"), blank=True)
    legal_source = models.ForeignKey(
        "library.Resource",
        verbose_name=_("source of the legal framework"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    legal_source_url = models.URLField(_("or its address"), max_length=500, blank=True)
    strategy_mentions_asm = models.CharField(
        _("the national poverty-reduction or development strategy mentions ASM"),
        max_length=8,
        choices=Mention.choices,
        default=Mention.UNKNOWN,
    )
    strategy_title = models.CharField(_("that strategy"), max_length=300, blank=True)
    strategy_source = models.ForeignKey(
        "library.Resource",
        verbose_name=_("source on the strategy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    strategy_source_url = models.URLField(_("or its address"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("country's ASM facts")

    def __str__(self) -> str:
        return str(self.country)


class CountryFigure(models.Model):
    """One ASM figure of a country, entered by an editor with its source and year."""

    class Kind(models.TextChoices):
        MINERS = "miners", _("People working in ASM")
        WOMEN_SHARE = "women-share", _("Share of women among ASM workers")
        PRODUCTION_SHARE = "production-share", _("Share of national production from ASM")
        DEPENDENTS = "dependents", _("People depending on ASM")
        OTHER = "other", _("Other figure")

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="asm_figures", verbose_name=_("country")
    )
    kind = models.CharField(_("figure"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("what it counts"), max_length=200, blank=True)
    mineral = models.ForeignKey(
        Mineral,
        verbose_name=_("mineral"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.FloatField(_("value"))
    value_max = models.FloatField(_("up to (for a range)"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.ForeignKey(
        "library.Resource",
        verbose_name=_("source in the library"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_url = models.URLField(_("or the source's address"), max_length=500, blank=True)
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    quote = models.TextField(_("the source's words"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country", "kind", "mineral", "-year"]
        verbose_name = _("country figure")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source__isnull=True, source_url=""),
                name="country_figure_has_a_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.get_kind_display()} {self.year}"

    def clean(self) -> None:
        if self.source_id is None and not self.source_url:
            raise ValidationError(
                {"source": _("Give the figure's source: a library resource or an address.")}
            )
        if self.value_max is not None and self.value_max < self.value:
            raise ValidationError({"value_max": _("“Up to” must not be below the value.")})


class MessageFact(models.Model):
    """A fact of the library chosen for the campaign's message, in the editors' order."""

    fact = models.OneToOneField(
        "library.Fact", on_delete=models.CASCADE, related_name="+", verbose_name=_("fact")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("fact of the message")

    def __str__(self) -> str:
        return f"{self.position}. {self.fact}"


class PressKit(models.Model):
    """What the network tells the media about itself: one row, edited by editors. The media
    contacts are what the network chose to publish here, never read from people's
    private contact details."""

    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("the network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    about = models.TextField(_("who the network is"), blank=True)
    media_name = models.CharField(_("media contact"), max_length=200, blank=True)
    media_email = models.EmailField(_("media e-mail, published"), blank=True)
    media_phone = models.CharField(_("media phone, published"), max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("press kit")

    def __str__(self) -> str:
        return str(self.organization or _("press kit"))


class NetworkResource(models.Model):
    """What the network has to campaign with, or still needs (the 2005 objectives' "what
    resources are available and what is needed"), entered by editors."""

    class Side(models.TextChoices):
        HAS = "has", _("The network has")
        NEEDS = "needs", _("The network needs")

    side = models.CharField(_("has or needs"), max_length=5, choices=Side.choices)
    title = models.CharField(_("what"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    link = models.URLField(_("link"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["side", "position", "id"]
        verbose_name = _("resource of the network")

    def __str__(self) -> str:
        return self.title
