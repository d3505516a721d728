"""The schedule of legal taxes per jurisdiction, and the taxes seen in the field.

``LegalTax`` rows say who may levy what, how much, on which legal text, from when to
when; ``ObservedTax`` rows are payments reported at sites or roadblocks. ``taxes.py``
compares the two and names what no law allows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Translatable
from asmhub.taxonomy.models import Country


class LevyingBody(Translatable):
    """Who takes a payment: a state service, a customary authority, an armed actor."""

    class Kind(models.TextChoices):
        STATE = "state", _("State service")
        CUSTOMARY = "customary", _("Customary authority")
        COOPERATIVE = "cooperative", _("Cooperative or association")
        ARMY = "army", _("Army")
        POLICE = "police", _("Police")
        NON_STATE = "non-state", _("Non-state armed group")
        OTHER = "other", _("Other")

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    aliases = models.JSONField(default=list, blank=True)
    may_levy = models.BooleanField(
        _("may levy taxes"),
        default=True,
        help_text=_("False for bodies that no law allows to levy anything (armed actors)."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("levying body")
        verbose_name_plural = _("levying bodies")

    def __str__(self) -> str:
        return self.name


class TaxBase(models.TextChoices):
    PER_PERSON_YEAR = "person-year", _("Per person and year (card, permit)")
    PER_ENTRY = "entry", _("Per entry to the site")
    PER_QUANTITY = "quantity", _("Per quantity of mineral")
    PER_VALUE = "value", _("Share of the value")
    PER_TRANSPORT = "transport", _("Per load transported (roadblock)")
    PER_PIT = "pit", _("Per pit or shaft")
    OTHER = "other", _("Other")


class LegalTax(Translatable):
    """A tax or fee that a law allows, in a jurisdiction, during a period."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="legal_taxes")
    admin_unit = models.ForeignKey(
        "monitoring.AdminUnit",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="legal_taxes",
        help_text=_("Empty when the tax applies in the whole country."),
    )
    levying_body = models.ForeignKey(
        LevyingBody, verbose_name=_("levied by"), on_delete=models.PROTECT, related_name="taxes"
    )
    name = models.CharField(_("name"), max_length=200)
    base = models.CharField(_("levied on"), max_length=12, choices=TaxBase.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    legal_text = models.CharField(_("legal text"), max_length=400)
    legal_url = models.URLField(_("legal text online"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("An example entry whose amount must be checked against the legal text."),
    )

    class Meta:
        ordering = ["country", "levying_body", "name"]
        verbose_name = _("legal tax")

    def __str__(self) -> str:
        return f"{self.name} ({self.levying_body})"


class ObservedTax(models.Model):
    """A payment reported at a site or a roadblock, compared with the legal schedule."""

    class Verdict(models.TextChoices):
        LEGAL = "legal", _("Allowed by law")
        EXCESSIVE = "excessive", _("Allowed, but more than the law sets")
        ILLEGAL = "illegal", _("No law allows it")
        UNKNOWN = "unknown", _("Cannot tell")

    site = models.ForeignKey(
        "monitoring.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="taxes"
    )
    visit = models.ForeignKey(
        "monitoring.Visit", null=True, blank=True, on_delete=models.CASCADE, related_name="taxes"
    )
    place = models.ForeignKey(
        "monitoring.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    roadblock = models.CharField(_("roadblock"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    levying_body = models.ForeignKey(
        LevyingBody, null=True, blank=True, on_delete=models.PROTECT, related_name="observed"
    )
    body_as_recorded = models.CharField(_("levied by, as recorded"), max_length=200, blank=True)
    base = models.CharField(_("levied on"), max_length=12, choices=TaxBase.choices, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=Verdict.choices, default=Verdict.UNKNOWN
    )
    legal_tax = models.ForeignKey(
        LegalTax, null=True, blank=True, on_delete=models.SET_NULL, related_name="observed"
    )
    incident = models.OneToOneField(
        "monitoring.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observed_tax",
    )

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("observed tax")

    def __str__(self) -> str:
        return f"{self.body_as_recorded or self.levying_body} {self.amount or ''} {self.currency}"
