"""Convenings: meetings the sector holds, what was said at them and what they produce.

Seed 000 sets out what a convening is for: a goal, objectives, an output (the report,
whose sections ``data/report_outline.yaml`` lists) and expected outcomes. A convening
has participants from the directory, an agenda of sessions with presentations and
breakout groups, polls and surveys (``poll_models``), statements captured from all of
these, commitments for action, and the report drafted from them (``report_models``).

Who may do what is decided in ``access``; participants' contact details leave only
through ``access.participant_contact``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.models import validate_timezone
from asmhub.core.models import Contribution, Slugged
from asmhub.directory.models import Organization, Person
from asmhub.library.models import Resource
from asmhub.taxonomy.models import Country, LeverIssue, MDGGoal, SDGGoal, StakeholderType


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Convening(Slugged, Contribution):
    """A conference, workshop or member meeting run through the platform."""

    class Stage(models.TextChoices):
        PLANNED = "planned", _("Being planned")
        OPEN = "open", _("Taking place")
        HELD = "held", _("Held")
        REPORTED = "reported", _("Report published")

    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=80, blank=True)
    organizers = models.ManyToManyField(
        Organization, verbose_name=_("organizers"), related_name="convenings_organized"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), null=True, blank=True, on_delete=models.SET_NULL
    )
    online = models.BooleanField(_("online"), default=False)
    goal = models.TextField(_("goal"), blank=True)
    objectives = models.JSONField(_("objectives"), default=list, blank=True)
    expected_outputs = models.JSONField(_("expected outputs"), default=list, blank=True)
    expected_outcomes = models.JSONField(_("expected outcomes"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.PLANNED
    )
    event = models.ForeignKey(
        "calendar.Event",
        verbose_name=_("calendar entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convenings",
    )
    secretariat = models.ForeignKey(
        Organization,
        verbose_name=_("secretariat"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="convenings_served",
        help_text=_("The body whose role the report's last section describes."),
    )
    brand_name = models.CharField(_("name on the report"), max_length=120, blank=True)
    brand_colour = models.CharField(
        _("report colour"),
        max_length=7,
        default="#1f5f4a",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #rrggbb."))],
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries in focus"), blank=True, related_name="convenings"
    )
    lever_issues = models.ManyToManyField(
        LeverIssue, verbose_name=_("lever issues"), blank=True, related_name="convenings"
    )
    source = models.CharField(_("source"), max_length=400, blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("convening")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("convenings:detail", args=[self.slug])

    def slug_text(self) -> str:
        return f"{self.starts_on:%Y} {self.short_title or self.title}"

    @property
    def label(self) -> str:
        return self.short_title or self.title


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    PRESENTER = "presenter", _("Presenter")
    FACILITATOR = "facilitator", _("Facilitator")
    PANELLIST = "panellist", _("Panellist")
    PARTICIPANT = "participant", _("Participant")
    SECRETARIAT = "secretariat", _("Secretariat")


class Participant(models.Model):
    """A person or an organization taking part, with roles and what they consent to share."""

    class Listing(models.TextChoices):
        HIDDEN = "hidden", _("Not on the public list")
        ORGANIZATION = "organization", _("Organization only")
        NAME = "name", _("Name and organization")

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("platform account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    title = models.CharField(_("title or role at the meeting"), max_length=250, blank=True)
    stakeholder_group = models.ForeignKey(
        StakeholderType,
        verbose_name=_("stakeholder group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Left blank, the organization's own type is used."),
    )
    listing = models.CharField(
        _("public participant list"),
        max_length=12,
        choices=Listing.choices,
        default=Listing.ORGANIZATION,
    )
    share_contact = models.BooleanField(
        _("shares contact details with other participants"), default=False
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    # The directory person was made for this participation, so its listing consent
    # decides whether that person is public in the directory.
    made_person = models.BooleanField(default=False, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["person__name", "organization__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(organization__isnull=False),
                name="participant_is_someone",
            ),
            models.UniqueConstraint(
                fields=["convening", "person"],
                condition=models.Q(person__isnull=False),
                name="one_participation_per_person",
            ),
        ]
        verbose_name = _("participant")

    def __str__(self) -> str:
        if self.person is not None and self.organization is not None:
            return f"{self.person}, {self.organization.short_name}"
        return str(self.person or self.organization)

    @property
    def group(self) -> StakeholderType | None:
        if self.stakeholder_group_id:
            return self.stakeholder_group
        return self.organization.stakeholder_type if self.organization is not None else None

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]


class Session(models.Model):
    """A slot of the agenda. Times are local to the convening's time zone."""

    class Kind(models.TextChoices):
        PRESENTATIONS = "presentations", _("Presentations")
        PANEL = "panel", _("Panel")
        DONOR_DISCUSSION = "donor-discussion", _("Donor discussion")
        DISCUSSION = "discussion", _("Discussion")
        BREAKOUTS = "breakouts", _("Breakout groups")
        PLENARY = "plenary", _("Plenary")
        BRIEFING = "briefing", _("Briefing (in advance)")
        BREAK = "break", _("Break")

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="sessions")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        help_text=_("A block of the agenda (such as “Session One”) that this slot belongs to."),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts"), null=True, blank=True)
    ends_at = models.TimeField(_("ends"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    chairs = models.ManyToManyField(
        Participant, verbose_name=_("chairs"), blank=True, related_name="chaired"
    )
    facilitators = models.ManyToManyField(
        Participant, verbose_name=_("facilitators"), blank=True, related_name="facilitated"
    )
    description = models.TextField(_("description"), blank=True)
    guiding_questions = models.JSONField(_("questions to consider"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["day", "position", "starts_at", "id"]
        verbose_name = _("session")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("convenings:session", args=[self.convening.slug, self.pk])


class Presentation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="presentations")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=300)
    speakers = models.ManyToManyField(
        Participant, verbose_name=_("speakers"), blank=True, related_name="presentations"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("organizations"), blank=True, related_name="+"
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    mdg_goals = models.ManyToManyField(MDGGoal, verbose_name=_("MDGs"), blank=True)
    sdg_goals = models.ManyToManyField(SDGGoal, verbose_name=_("SDGs"), blank=True)
    lever_issues = models.ManyToManyField(LeverIssue, verbose_name=_("lever issues"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("Left blank, the report drafts one from the notes or transcript."),
    )
    materials: models.ManyToManyField[Resource, Material] = models.ManyToManyField(
        Resource, through="Material", verbose_name=_("materials"), blank=True
    )

    class Meta:
        ordering = ["session__day", "session__position", "position", "id"]
        verbose_name = _("presentation")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("convenings:presentation", args=[self.session.convening.slug, self.pk])


class Material(models.Model):
    """A library resource that belongs to a presentation: slides, a recording, notes."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        RECORDING = "recording", _("Recording")
        NOTES = "notes", _("Notes")
        TRANSCRIPT = "transcript", _("Transcript")
        PAPER = "paper", _("Paper or report")

    presentation = models.ForeignKey(Presentation, on_delete=models.CASCADE)
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "resource", "kind"], name="one_material_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.resource}"


class Breakout(models.Model):
    """A group of a breakout session, with its task, members and what it reported back."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="breakouts")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=120)
    task = models.TextField(_("task"), blank=True)
    guiding_questions = models.JSONField(_("guiding questions"), default=list, blank=True)
    facilitator = models.ForeignKey(
        Participant,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breakouts_facilitated",
    )
    rapporteur = models.ForeignKey(
        Participant,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breakouts_reported",
    )
    members = models.ManyToManyField(
        Participant, verbose_name=_("members"), blank=True, related_name="breakouts"
    )
    notes = models.TextField(_("notes"), blank=True)
    report_back = models.TextField(_("report-back"), blank=True)

    class Meta:
        ordering = ["session__day", "session__position", "position", "id"]
        verbose_name = _("breakout group")

    def __str__(self) -> str:
        return f"{self.session.title}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("convenings:breakout", args=[self.session.convening.slug, self.pk])


class WhiteboardItem(models.Model):
    """A short note on a group's virtual whiteboard, under a theme."""

    breakout = models.ForeignKey(Breakout, on_delete=models.CASCADE, related_name="whiteboard")
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    text = models.CharField(_("note"), max_length=400)
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "position", "id"]
        verbose_name = _("whiteboard note")

    def __str__(self) -> str:
        return self.text[:60]


class Statement(models.Model):
    """A priority, challenge, lesson or recommendation voiced at the convening, with its source.

    ``topic`` is a short name (“Poverty”); statements with the same topic from different
    sources are counted together when the report computes the common priorities.
    """

    class Kind(models.TextChoices):
        PRIORITY = "priority", _("Priority for action")
        CHALLENGE = "challenge", _("Challenge")
        LESSON = "lesson", _("Lesson learned")
        RECOMMENDATION = "recommendation", _("Recommendation")
        CAMPAIGN = "campaign", _("Campaign idea")
        SECRETARIAT = "secretariat", _("Role of the secretariat")

    class Scope(models.TextChoices):
        HELD = "held", _("Held by the source")
        SHARED = "shared", _("Stated as shared by several stakeholders")

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="statements")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PRIORITY)
    topic = models.CharField(_("topic"), max_length=120)
    statement = models.TextField(_("statement"))
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.HELD)
    stakeholder_groups = models.ManyToManyField(
        StakeholderType, verbose_name=_("stakeholder groups"), blank=True, related_name="+"
    )
    lever_issues = models.ManyToManyField(LeverIssue, verbose_name=_("lever issues"), blank=True)
    sdg_goals = models.ManyToManyField(SDGGoal, verbose_name=_("SDGs"), blank=True)
    mdg_goals = models.ManyToManyField(MDGGoal, verbose_name=_("MDGs"), blank=True)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.CASCADE
    )
    breakout = models.ForeignKey(
        Breakout, verbose_name=_("breakout group"), null=True, blank=True, on_delete=models.CASCADE
    )
    presentation = models.ForeignKey(
        Presentation,
        verbose_name=_("presentation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    question = models.ForeignKey(
        "convenings.Question",
        verbose_name=_("poll question"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    quote = models.TextField(_("source's words"), blank=True)
    position = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("captured statement")

    def __str__(self) -> str:
        return f"{self.topic}: {self.statement[:60]}"

    @property
    def source(self) -> Breakout | Presentation | Session | models.Model | None:
        return self.breakout or self.presentation or self.question or self.session

    def source_label(self) -> str:
        if self.breakout_id:
            return str(self.breakout)
        if self.presentation_id:
            return str(self.presentation)
        if self.question is not None:
            return f"{self.question.poll}: {self.question}"
        return str(self.session) if self.session_id else ""


class Commitment(models.Model):
    """Who commits to do what, by when: the roles and responsibilities seed 000 asks for."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        COMMITTED = "committed", _("Committed")
        IN_PROGRESS = "in-progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    convening = models.ForeignKey(Convening, on_delete=models.CASCADE, related_name="commitments")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT
    )
    what = models.TextField(_("what"))
    due_on = models.DateField(_("by when"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    lever_issues = models.ManyToManyField(LeverIssue, verbose_name=_("lever issues"), blank=True)
    session = models.ForeignKey(
        Session, verbose_name=_("agreed in"), null=True, blank=True, on_delete=models.SET_NULL
    )
    breakout = models.ForeignKey(
        Breakout, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    notes = models.TextField(_("notes"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "position", "id"]
        verbose_name = _("commitment")

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def who(self) -> str:
        if self.person is not None and self.organization is not None:
            return f"{self.person}, {self.organization.short_name}"
        return str(self.person or self.organization or "")


from asmhub.convenings.poll_models import Answer, Option, Poll, Question, Reminder, Response  # noqa: E402
from asmhub.convenings.report_models import Report, ReportSection  # noqa: E402

__all__ = [
    "Answer",
    "Breakout",
    "Commitment",
    "Convening",
    "Material",
    "Option",
    "Participant",
    "Poll",
    "Presentation",
    "Question",
    "Reminder",
    "Report",
    "ReportSection",
    "Response",
    "Role",
    "Session",
    "Statement",
    "WhiteboardItem",
]
