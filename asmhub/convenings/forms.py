"""Forms for a convening and its parts. Choices are limited to the convening's own records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.forms import DATE, TIME, timezone_choices
from asmhub.calendar.models import Event
from asmhub.convenings.models import (
    Breakout,
    Commitment,
    Convening,
    Material,
    Participant,
    Presentation,
    Role,
    Session,
    Statement,
    WhiteboardItem,
)
from asmhub.core import permissions
from asmhub.core.crud import ContributionForm
from asmhub.directory.models import Organization, Person
from asmhub.library.models import Resource

ROWS = {"rows": 3}


class LinesField(forms.CharField):
    """A list of short texts, typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One per line."))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip().lstrip("-•").strip() for line in text.splitlines() if line.strip()]


def limit(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Offer only ``queryset`` in the choice field ``name``."""
    field: Any = form.fields[name]
    field.queryset = queryset


def organizations_for(user: Any) -> Any:
    """Organizations a user may name: the published ones and their own."""
    condition = Q(status="published")
    if getattr(user, "organization_id", None):
        condition |= Q(pk=user.organization_id)
    return Organization.objects.filter(condition).order_by("name")


class ConveningForm(ContributionForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")
    objectives = LinesField(label=_("Objectives"))
    expected_outputs = LinesField(label=_("Expected outputs"))
    expected_outcomes = LinesField(label=_("Expected outcomes"))

    class Meta:
        model = Convening
        fields = [
            "title",
            "short_title",
            "organizers",
            "starts_on",
            "ends_on",
            "time_zone",
            "place",
            "country",
            "online",
            "goal",
            "objectives",
            "expected_outputs",
            "expected_outcomes",
            "description",
            "stage",
            "secretariat",
            "countries",
            "lever_issues",
            "brand_name",
            "brand_colour",
            "event",
            "source",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "goal": forms.Textarea(attrs=ROWS),
            "description": forms.Textarea(attrs={"rows": 4}),
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
            "lever_issues": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organizations_for(self.user)
        limit(self, "organizers", orgs)
        limit(self, "secretariat", orgs)
        limit(self, "event", Event.objects.filter(status="published").order_by("-start"))
        if not self.instance.pk and getattr(self.user, "organization_id", None):
            self.initial["organizers"] = self.initial.get("organizers") or [
                self.user.organization_id
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first and last and last < first:
            self.add_error("ends_on", _("The last day cannot come before the first."))
        organizers = data.get("organizers")
        org_id = getattr(self.user, "organization_id", None)
        if not self.instance.pk and org_id is None:
            # The creator takes part as the convening's secretariat, for an organization.
            self.add_error(None, _("Join an organization before organizing a convening."))
        if (
            organizers is not None
            and not permissions.is_editor(self.user)
            and org_id not in {o.pk for o in organizers}
        ):
            self.add_error("organizers", _("Your own organization must be among the organizers."))
        return data


class ConveningPartForm(forms.ModelForm):
    """A form for a record of ``convening``: participant choices come from its own list."""

    participant_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, convening: Convening, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.convening = convening
        people = convening.participants.select_related("person", "organization")
        for name in self.participant_fields:
            if name in self.fields:
                limit(self, name, people)

    def m2m_fields(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.many_to_many if f.name in self.fields]

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """Plain values and many-to-many values, for ``services.SaveRecord``."""
        m2m = set(self.m2m_fields())
        model_fields = {f.name for f in self._meta.model._meta.get_fields()}
        plain = {k: v for k, v in self.cleaned_data.items() if k in model_fields and k not in m2m}
        return plain, {k: self.cleaned_data[k] for k in m2m}


class ParticipantForm(ConveningPartForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Role.PARTICIPANT],
    )
    new_person = forms.CharField(
        label=_("…or a person not yet in the directory"),
        max_length=200,
        required=False,
        help_text=_(
            "Their name; they are added to the directory for your organization, public "
            "only while they agree to be listed by name."
        ),
    )

    class Meta:
        model = Participant
        fields = [
            "person",
            "new_person",
            "organization",
            "roles",
            "title",
            "stakeholder_group",
            "listing",
            "share_contact",
            "attended",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            self.initial["roles"] = self.initial.get("roles") or [Role.PARTICIPANT]
        # Published people, and the participant's own person even while it is a draft
        # (a person made for a participant who is not listed stays out of the directory).
        limit(
            self,
            "person",
            Person.objects.filter(
                Q(status="published") | Q(pk=self.instance.person_id or 0)
            ).order_by("name"),
        )
        limit(self, "organization", organizations_for(user))
        self.fields["share_contact"].help_text = _(
            "Only with the participant's consent: other participants then see their e-mail "
            "and phone."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("person") and data.get("new_person"):
            self.add_error("new_person", _("Choose a person or type a new name, not both."))
        if not (data.get("person") or data.get("new_person") or data.get("organization")):
            raise forms.ValidationError(_("Name a person, an organization, or both."))
        person = data.get("person")
        if person is not None:
            taken = self.convening.participants.filter(person=person)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("person", _("This person is already a participant."))
        return data

    def _get_validation_exclusions(self) -> set[str]:
        """With a new name, the person does not exist yet: the constraints on ``person``
        are checked when the participant is saved with them."""
        exclude: set[str] = super()._get_validation_exclusions()  # type: ignore[misc]
        if self.cleaned_data.get("new_person"):
            exclude.add("person")
        return exclude


class SessionForm(ConveningPartForm):
    participant_fields = ("chairs", "facilitators")
    guiding_questions = LinesField(label=_("Questions to consider"))

    class Meta:
        model = Session
        fields = [
            "title",
            "kind",
            "parent",
            "day",
            "starts_at",
            "ends_at",
            "position",
            "chairs",
            "facilitators",
            "description",
            "guiding_questions",
            "notes",
        ]
        widgets = {
            "day": DATE,
            "starts_at": TIME,
            "ends_at": TIME,
            "description": forms.Textarea(attrs=ROWS),
            "notes": forms.Textarea(attrs={"rows": 6}),
            "chairs": forms.CheckboxSelectMultiple,
            "facilitators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = self.convening.sessions.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        limit(self, "parent", parents)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day = data.get("day")
        outside = day and not (self.convening.starts_on <= day <= self.convening.ends_on)
        # Briefings and recorded talks may come before the meeting itself.
        if outside and data.get("kind") != Session.Kind.BRIEFING:
            self.add_error(
                "day",
                _("The day must fall between %(first)s and %(last)s, the convening's days.")
                % {"first": self.convening.starts_on, "last": self.convening.ends_on},
            )
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", _("A session cannot end before it starts."))
        return data


class PresentationForm(ConveningPartForm):
    participant_fields = ("speakers",)

    class Meta:
        model = Presentation
        fields = [
            "title",
            "session",
            "position",
            "speakers",
            "organizations",
            "theme",
            "mdg_goals",
            "sdg_goals",
            "lever_issues",
            "notes",
            "transcript",
            "summary",
        ]
        widgets = {
            "speakers": forms.CheckboxSelectMultiple,
            "mdg_goals": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "lever_issues": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 6}),
            "transcript": forms.Textarea(attrs={"rows": 6}),
            "summary": forms.Textarea(attrs=ROWS),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "session", self.convening.sessions.all())
        limit(
            self, "organizations", Organization.objects.filter(status="published").order_by("name")
        )


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["resource", "kind", "page"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "resource", permissions.visible(user, Resource.objects.all()).order_by("title"))
        self.fields["resource"].help_text = _(
            "Slides, recordings, notes and transcripts are kept in the library; add the file "
            "there first."
        )


class BreakoutForm(ConveningPartForm):
    participant_fields = ("facilitator", "rapporteur", "members")
    guiding_questions = LinesField(label=_("Guiding questions"))

    class Meta:
        model = Breakout
        fields = [
            "name",
            "session",
            "position",
            "task",
            "guiding_questions",
            "facilitator",
            "rapporteur",
            "members",
        ]
        widgets = {"task": forms.Textarea(attrs=ROWS), "members": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "session", self.convening.sessions.all())


class BreakoutReportForm(ConveningPartForm):
    participant_fields = ("rapporteur",)

    class Meta:
        model = Breakout
        fields = ["rapporteur", "notes", "report_back"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 8}),
            "report_back": forms.Textarea(attrs={"rows": 8}),
        }


class WhiteboardForm(forms.ModelForm):
    class Meta:
        model = WhiteboardItem
        fields = ["theme", "text"]


class StatementForm(ConveningPartForm):
    source = forms.ChoiceField(label=_("Where it was said"), required=False)

    class Meta:
        model = Statement
        fields = [
            "kind",
            "topic",
            "statement",
            "scope",
            "source",
            "quote",
            "stakeholder_groups",
            "lever_issues",
            "mdg_goals",
            "sdg_goals",
        ]
        widgets = {
            "statement": forms.Textarea(attrs=ROWS),
            "quote": forms.Textarea(attrs=ROWS),
            "stakeholder_groups": forms.CheckboxSelectMultiple,
            "lever_issues": forms.CheckboxSelectMultiple,
            "mdg_goals": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
        }

    SOURCES = ("breakout", "presentation", "session", "question")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        c = self.convening
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (
                str(_("Breakout groups")),
                [
                    (f"breakout:{b.pk}", str(b))
                    for b in Breakout.objects.filter(session__convening=c)
                ],
            ),
            (
                str(_("Presentations")),
                [
                    (f"presentation:{p.pk}", str(p))
                    for p in Presentation.objects.filter(session__convening=c)
                ],
            ),
            (str(_("Sessions")), [(f"session:{s.pk}", str(s)) for s in c.sessions.all()]),
            (
                str(_("Poll questions")),
                [
                    (f"question:{q.pk}", f"{q.poll}: {q}")
                    for poll in c.polls.all()
                    for q in poll.questions.all()
                ],
            ),
        ]
        source: Any = self.fields["source"]
        source.choices = [("", "—")] + [g for g in groups if g[1]]
        if self.instance.pk:
            for name in self.SOURCES:
                if getattr(self.instance, f"{name}_id"):
                    self.initial["source"] = f"{name}:{getattr(self.instance, f'{name}_id')}"
                    break

    def clean_source(self) -> dict[str, Any]:
        value = self.cleaned_data.get("source") or ""
        chosen: dict[str, int | None] = {f"{name}_id": None for name in self.SOURCES}
        if value:
            name, _sep, pk = value.partition(":")
            chosen[f"{name}_id"] = int(pk)
        return chosen

    def split(self) -> tuple[dict[str, Any], dict[str, Any]]:
        plain, m2m = super().split()
        plain.pop("source", None)
        plain.update(self.cleaned_data["source"])
        return plain, m2m


class CommitmentForm(ConveningPartForm):
    class Meta:
        model = Commitment
        fields = [
            "what",
            "organization",
            "person",
            "due_on",
            "state",
            "lever_issues",
            "session",
            "breakout",
            "notes",
        ]
        widgets = {
            "what": forms.Textarea(attrs=ROWS),
            "due_on": DATE,
            "notes": forms.Textarea(attrs=ROWS),
            "lever_issues": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        c = self.convening
        limit(self, "organization", organizations_for(user))
        limit(self, "person", Person.objects.filter(participations__convening=c).order_by("name"))
        limit(self, "session", c.sessions.all())
        limit(self, "breakout", Breakout.objects.filter(session__convening=c))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("organization") or data.get("person")):
            raise forms.ValidationError(_("Say who commits: an organization, a person or both."))
        return data
