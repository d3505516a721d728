"""Field monitoring: programmes, mine sites, visits, incidents, corrective action plans, taxes.

A visit records what a field team saw at a site on a date. A blank in a survey means
"no data", so every observation that may be missing is nullable: ``None`` is "not
recorded", ``False`` is "observed absent". What only granted roles may read (armed
actors, informants, incidents, exact coordinates of flagged sites) is named in
``access.py``; every page, API answer and export reads sites through ``present.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.core.models import Slugged, Translatable
from asmhub.taxonomy.models import Country, Mineral, RiskCategory


class Programme(Slugged):
    """Whose data: a monitoring programme (a survey campaign, a due-diligence scheme)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monitoring_programmes",
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="monitoring_programmes",
        help_text=_("Where the programme's sites are; imports place their sites here."),
    )
    is_synthetic = models.BooleanField(
        _("synthetic data"),
        default=False,
        help_text=_("Generated data for demonstration; every page showing it says so."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring programme")

    def __str__(self) -> str:
        return self.name

    def slug_text(self) -> str:
        return self.name


class ProgrammeGrant(models.Model):
    """A user's or an organization's access to a programme's restricted fields."""

    class Level(models.TextChoices):
        RESTRICTED = "restricted", _("Reads restricted fields")
        MANAGER = "manager", _("Reads restricted fields, imports and edits")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="monitoring_grants",
    )
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="monitoring_grants",
    )
    level = models.CharField(
        _("level"), max_length=12, choices=Level.choices, default=Level.RESTRICTED
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme grant")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organization__isnull=True)
                | Q(user__isnull=True, organization__isnull=False),
                name="grant_to_user_or_organization",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or self.organization}: {self.level} in {self.programme}"


class AdminUnit(models.Model):
    """A unit of a country's administrative hierarchy, as field surveys name them."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        TERRITORY = 2, _("Territory")
        COLLECTIVITE = 3, _("Chiefdom or sector (collectivité)")
        GROUPEMENT = 4, _("Groupement")

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="admin_units")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    key = models.CharField(max_length=400, unique=True, help_text="country/province/territory/…")
    slug = models.SlugField(max_length=160, unique=True)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("administrative unit")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:area", args=[self.slug])


class Site(models.Model):
    class Working(models.TextChoices):
        ALLUVIAL = "alluvial", _("Alluvial")
        OPEN_PIT = "open-pit", _("Open pit")
        UNDERGROUND = "underground", _("Underground")

    class LegalStatus(models.TextChoices):
        LICENCE = "licence", _("Within a mining licence")
        ARTISANAL_ZONE = "artisanal-zone", _("Artisanal mining zone")
        NONE = "none", _("No legal title")

    class Qualification(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")
        BLUE = "blue", _("Blue (not yet validated)")
        NOT_QUALIFIED = "not-qualified", _("Not qualified")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sites")
    pcode = models.CharField(_("site code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_origin = models.CharField(_("location from"), max_length=80, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="mine_sites")
    province = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    territory = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    collectivite = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    groupement = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.CharField(_("village"), max_length=120, blank=True)
    minerals = models.ManyToManyField(Mineral, blank=True, related_name="mine_sites")
    working = models.CharField(
        _("type of working"), max_length=12, choices=Working.choices, blank=True
    )
    legal_status = models.CharField(
        _("legal status"), max_length=16, choices=LegalStatus.choices, blank=True
    )
    qualification = models.CharField(
        _("qualification"), max_length=14, choices=Qualification.choices, blank=True
    )
    qualified_on = models.DateField(_("qualified on"), null=True, blank=True)
    qualification_valid_until = models.DateField(
        _("qualification valid until"), null=True, blank=True
    )
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    flagged = models.BooleanField(
        _("flagged"),
        default=False,
        help_text=_("Red, armed presence at the last visit, or an open incident."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("mine site")
        constraints = [
            models.UniqueConstraint(fields=["programme", "pcode"], name="one_site_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:site", args=[self.pk])


class Visit(models.Model):
    """One row of a field survey: an observation on site, a status record, or a report by
    a third party (``record_type``, read by ``records.py``)."""

    class RecordType(models.TextChoices):
        ONSITE = "onsite", _("Visit on site")
        STATUS = "status", _("Status record")
        THIRD_PARTY = "third-party", _("Third-party report")

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="visits")
    key = models.CharField(max_length=120, help_text="source-specific: ipis:<vid>, odk:<uuid>")
    date = models.DateField(_("date"), db_index=True)
    source = models.CharField(_("source"), max_length=120, blank=True)
    project = models.CharField(_("project"), max_length=200, blank=True)
    onsite = models.BooleanField(
        _("observed on site"),
        default=True,
        help_text=_("False for a status record (qualification, traceability) made off site."),
    )
    no_visit_reason = models.CharField(_("why not visited"), max_length=200, blank=True)
    record_type = models.CharField(
        _("kind of record"),
        max_length=12,
        choices=RecordType.choices,
        default=RecordType.ONSITE,
        help_text=_(
            "A status record observes nothing and never stands for the site's latest visit; "
            "third-party reports count in the index only when the platform is set to count them."
        ),
    )
    workers = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    pits = models.PositiveIntegerField(_("pits"), null=True, blank=True)
    access_dry = models.CharField(_("access in the dry season"), max_length=80, blank=True)
    access_wet = models.CharField(_("access in the wet season"), max_length=80, blank=True)
    armed_presence = models.BooleanField(_("armed presence"), null=True)
    armed_interference = models.BooleanField(_("armed interference"), null=True)
    state_services = models.JSONField(
        _("state services"), default=list, blank=True, help_text='[{"name": …, "taxes": bool}]'
    )
    state_service_present = models.BooleanField(_("state service present"), null=True)
    traceability = models.BooleanField(_("traceability scheme present"), null=True)
    traceability_scheme = models.CharField(_("traceability scheme"), max_length=80, blank=True)
    qualification = models.CharField(
        _("qualification"), max_length=14, choices=Site.Qualification.choices, blank=True
    )
    qualification_as_recorded = models.CharField(
        _("qualification as recorded"), max_length=80, blank=True
    )
    mechanisation = models.BooleanField(_("mechanised"), null=True)
    mechanisation_level = models.CharField(
        _("level of mechanisation"), max_length=6, choices=Level.choices, blank=True
    )
    women = models.BooleanField(_("women present"), null=True)
    women_work = models.JSONField(_("women's work"), default=list, blank=True)
    pregnant_women = models.BooleanField(_("pregnant women present"), null=True)
    separate_sanitation = models.BooleanField(_("separate sanitation"), null=True)
    children_under_15 = models.BooleanField(_("children under 15"), null=True)
    children_under_15_work = models.JSONField(
        _("work of children under 15"), default=list, blank=True
    )
    children_15_18 = models.BooleanField(_("children aged 15 to 18"), null=True)
    children_15_18_work = models.JSONField(
        _("work of children aged 15 to 18"), default=list, blank=True
    )
    mercury = models.BooleanField(_("mercury used"), null=True)
    accidents = models.BooleanField(_("accidents"), null=True)
    accident_causes = models.JSONField(_("causes of accidents"), default=list, blank=True)
    phone_coverage = models.BooleanField(_("phone coverage"), null=True)
    informant = models.CharField(_("informant"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    known = models.PositiveIntegerField(default=0, help_text="observations.py: recorded")
    present = models.PositiveIntegerField(default=0, help_text="observations.py: seen")
    content_hash = models.CharField(
        max_length=32, blank=True, help_text="writer.py: what the import wrote, to skip unchanged"
    )
    imported_by = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("visit")
        constraints = [models.UniqueConstraint(fields=["site", "key"], name="one_visit_per_key")]
        indexes = [models.Index(fields=["site", "date"])]

    def __str__(self) -> str:
        return f"{self.site.name} {self.date:%Y-%m-%d}"


class VisitMineral(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="minerals")
    position = models.PositiveSmallIntegerField(default=1)
    mineral = models.ForeignKey(Mineral, null=True, blank=True, on_delete=models.PROTECT)
    name = models.CharField(_("as recorded"), max_length=80)
    selling_points = models.CharField(_("selling points"), max_length=300, blank=True)
    final_destination = models.CharField(_("final destination"), max_length=300, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class ArmedActor(models.Model):
    """An armed actor seen at a visit. Every field is restricted (``access.py``)."""

    class Kind(models.TextChoices):
        NON_STATE = "non-state", _("Non-state armed group")
        ARMY = "army", _("Army")
        POLICE = "police", _("Police")
        OTHER = "other", _("Other")

    ACTIVITIES = (
        ("entry-taxation", _("Taxation at the entrance")),
        ("commercial-taxation", _("Taxation of trade")),
        ("production-taxation", _("Taxation of production")),
        ("buying", _("Buying minerals")),
        ("digging", _("Digging")),
        ("forced-labour", _("Forced labour")),
        ("monopoly", _("Monopoly on trade")),
        ("pillaging", _("Pillaging")),
        ("pit-ownership", _("Owning pits")),
    )

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="armed_actors")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, blank=True)
    frequency = models.CharField(_("frequency"), max_length=40, blank=True)
    activities = models.JSONField(_("what they do"), default=list, blank=True)
    conduct = models.CharField(
        _("conduct seen"), max_length=20, blank=True, help_text="vocabulary.yaml: actor_conduct"
    )
    interference = models.BooleanField(_("interferes"), null=True)
    taxes = models.BooleanField(_("taxes"), null=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class Indicator(Slugged, Translatable):
    """A socioeconomic indicator defined as data, so that a programme adds its own."""

    class Kind(models.TextChoices):
        NUMBER = "number", _("Number")
        BOOLEAN = "boolean", _("Yes or no")
        CHOICE = "choice", _("One of a list")
        TEXT = "text", _("Text")

    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
        help_text=_("Empty for the platform's own indicators."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    allowed_values = models.JSONField(_("allowed values"), default=list, blank=True)
    minimum = models.FloatField(_("minimum"), null=True, blank=True)
    maximum = models.FloatField(_("maximum"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.name

    def slug_text(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "indicator"], name="one_value_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


class Incident(models.Model):
    """A risk seen at a site, in the terms of the OECD Guidance's Annex II. Restricted."""

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        UNDER_ACTION = "under-action", _("Corrective action under way")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed without action")

    OPEN_STATES = (State.OPEN, State.UNDER_ACTION)

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="incidents")
    date = models.DateField(_("date"))
    risk_category = models.ForeignKey(
        RiskCategory, verbose_name=_("risk category"), on_delete=models.PROTECT
    )
    description = models.TextField(_("description"))
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    state = models.CharField(_("status"), max_length=14, choices=State.choices, default=State.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("incident")

    def __str__(self) -> str:
        return f"{self.risk_category.code} {self.site.name} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:incident", args=[self.pk])


class CorrectivePlan(models.Model):
    """A corrective action plan answering one or more incidents."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    incidents = models.ManyToManyField(Incident, related_name="plans")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("corrective action plan")

    def __str__(self) -> str:
        return self.title


class CorrectiveAction(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in-progress", _("In progress")
        DONE = "done", _("Done, awaiting verification")
        VERIFIED = "verified", _("Verified")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATES = (State.PLANNED, State.IN_PROGRESS, State.DONE)

    plan = models.ForeignKey(CorrectivePlan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("owner organization"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.PLANNED
    )
    evidence = models.TextField(_("verification evidence"), blank=True)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("corrective action")

    def __str__(self) -> str:
        return self.description[:80]


class ColumnMapping(models.Model):
    """A saved mapping of a spreadsheet's columns to visit fields, for CSV and XLSX imports."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    columns = models.JSONField(help_text='{"visit field": "column heading"}')
    values = models.JSONField(default=dict, blank=True, help_text='{"field": {"cell": "value"}}')
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("column mapping")

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """An uploaded survey file: checked (dry run) first, committed when the user says so."""

    class Format(models.TextChoices):
        IPIS = "ipis", _("IPIS open-data CSV")
        XLSFORM = "xlsform", _("ASM Hub site-visit form (ODK, KoboToolbox) as CSV or JSON")
        MAPPED = "mapped", _("Any CSV or XLSX, through a saved column mapping")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    mapping = models.ForeignKey(ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    report = models.JSONField(default=dict, blank=True)
    problems_file = models.FileField(
        _("every problem, as CSV"), upload_to="monitoring/imports/", blank=True, max_length=200
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("monitoring:import", args=[self.pk])


from asmhub.monitoring.snapshot import MonitoringVersion  # noqa: E402, F401
from asmhub.monitoring.tax_models import LegalTax, LevyingBody, ObservedTax  # noqa: E402, F401
