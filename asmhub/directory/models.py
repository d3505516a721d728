"""The directory: organizations and people of the ASM sector.

People's e-mail and phone live in ``ContactDetails``, a separate table that no
public page, public API schema or export reads; only
``services.contact_details_for`` hands them out, to users with the permission.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Contribution, Slugged
from asmhub.taxonomy.models import Country, LeverIssue, StakeholderType


class Organization(Slugged, Contribution):
    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    stakeholder_type = models.ForeignKey(
        StakeholderType,
        verbose_name=_("stakeholder type"),
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    hq_country = models.ForeignKey(
        Country,
        verbose_name=_("headquarters country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="headquartered",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries of operation"), blank=True, related_name="organizations"
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    lever_issues = models.ManyToManyField(
        LeverIssue,
        verbose_name=_("lever issues of interest"),
        blank=True,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")

    def clean(self) -> None:
        super().clean()
        loop = parent_loop(self, self.parent)
        if loop:
            raise ValidationError({"parent": loop})

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def described_organization_id(self) -> int | None:
        """The organization this record describes: itself (see core.permissions)."""
        return self.pk

    def get_absolute_url(self) -> str:
        return reverse("directory:organization", args=[self.slug])

    def slug_text(self) -> str:
        return self.acronym or self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class NetworkMembership(models.Model):
    """An organization's membership of a network (an organization of type network)."""

    class State(models.TextChoices):
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")
        FORMER = "former", _("Former member")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="network_members"
    )
    since = models.PositiveSmallIntegerField(_("member since (year)"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.MEMBER
    )

    class Meta:
        ordering = ["network__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network"], name="one_membership_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.network}"


class Person(Slugged, Contribution):
    name = models.CharField(_("name"), max_length=200)
    honorific = models.CharField(_("honorific"), max_length=20, blank=True)
    expertise = models.TextField(_("expertise"), blank=True)
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="people"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="people"
    )
    is_champion = models.BooleanField(_("champion"), default=False)
    champion_of = models.CharField(_("champions"), max_length=300, blank=True)
    champion_countries = models.ManyToManyField(
        Country, verbose_name=_("champions where"), blank=True, related_name="champions"
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [
            ("view_contact_details", "Can see people's e-mail addresses and phone numbers"),
            ("manage_personal_data", "Can export and erase anyone's personal data"),
        ]

    def __str__(self) -> str:
        return f"{self.honorific} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("directory:person", args=[self.slug])

    def slug_text(self) -> str:
        return self.name

    @property
    def primary_affiliation(self) -> Affiliation | None:
        affiliations = list(self.affiliations.all())
        return next(
            (a for a in affiliations if a.is_primary), affiliations[0] if affiliations else None
        )


class Affiliation(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    title = models.CharField(_("title or role"), max_length=250, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], name="one_affiliation_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}, {self.title}, {self.organization.short_name}".replace(
            ", ,", ","
        )


class ContactDetails(models.Model):
    """Personal contact details: shown only to users with directory.view_contact_details."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("contact details")
        verbose_name_plural = _("contact details")

    def __str__(self) -> str:
        return f"Contact details of {self.person.name}"


class ConsentRecord(models.Model):
    """When, to what and how a person agreed, or withdrew: one row per change, never edited.

    The subject is a directory person, a platform account, or both. ``scope`` says where
    the consent applies (a convening, the calendar), ``value`` what was chosen (a listing
    level, yes or no); ``recorded_by`` is the account that recorded it, the subject's own
    when they chose it themselves.
    """

    class Purpose(models.TextChoices):
        DIRECTORY_LISTING = "directory-listing", _("Listing in the directory")
        CONTACT_SHARING = "contact-sharing", _("Sharing contact details with other participants")
        PARTICIPANT_LISTING = "participant-listing", _("Listing among a convening's participants")
        DIGEST = "digest", _("The weekly calendar e-mail digest")
        NEWSLETTER = "newsletter", _("The network's newsletter")

    class Method(models.TextChoices):
        FORM = "form", _("Their own choice in a form")
        IMPORT = "import", _("A file import")
        ON_BEHALF = "on-behalf", _("Recorded on their behalf")

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="consents"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = models.CharField(_("to what"), max_length=24, choices=Purpose.choices)
    scope = models.CharField(_("where"), max_length=200, blank=True)
    granted = models.BooleanField(_("agreed"))
    value = models.CharField(_("choice"), max_length=40, blank=True)
    method = models.CharField(_("how"), max_length=12, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent record")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(user__isnull=False),
                name="consent_has_a_subject",
            )
        ]

    def __str__(self) -> str:
        state = "agreed to" if self.granted else "withdrew from"
        return f"{state} {self.purpose} {self.scope}".strip()


def parent_loop(org: Organization, parent: Organization | None) -> str:
    """Why ``parent`` cannot be ``org``'s parent (it is ``org``, or ``org`` is among its
    own parents), or "" when it can."""
    if parent is None:
        return ""
    if parent is org or (org.pk is not None and parent.pk == org.pk):
        return str(_("An organization cannot be its own parent."))
    seen: set[int] = set()
    ancestor: Organization | None = parent
    while ancestor is not None and ancestor.pk not in seen:
        seen.add(ancestor.pk)
        if org.pk is not None and ancestor.parent_id == org.pk:
            return str(
                _("%(parent)s is already part of %(name)s: it cannot also be its parent.")
                % {"parent": parent.name, "name": org.name}
            )
        ancestor = ancestor.parent
    return ""
