from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from asmhub.calendar.models import Event, Kind, SavedFilter
from asmhub.calendar.services import local_span
from asmhub.core.crud import ContributionForm
from asmhub.directory.models import Organization
from asmhub.taxonomy.models import Country, LeverIssue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC")
    return [(n, n.replace("_", " ")) for n in names]


class EventForm(ContributionForm):
    """An event in its own local time: the form turns day, time and zone into UTC."""

    start_day = forms.DateField(label=_("First day"), widget=DATE)
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME, required=False)
    end_day = forms.DateField(label=_("Last day"), widget=DATE, required=False)
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME, required=False)
    timezone = forms.ChoiceField(label=_("Time zone"), choices=timezone_choices, initial="UTC")

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "state",
            "description",
            "organizer",
            "parent",
            "all_day",
            "month_only",
            "rule",
            "place",
            "online_url",
            "countries",
            "lever_issues",
            "audience",
            "is_advocacy",
            "advocacy_message",
            "link",
            "contact",
            "source",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "advocacy_message": forms.Textarea(attrs={"rows": 3}),
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "lever_issues": forms.CheckboxSelectMultiple,
        }

    field_order = [
        "title",
        "kind",
        "state",
        "start_day",
        "start_time",
        "end_day",
        "end_time",
        "timezone",
        "all_day",
        "month_only",
        "rule",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        event: Event = self.instance
        organizer: Any = self.fields["organizer"]
        organizer.queryset = Organization.objects.order_by("name")
        parent: Any = self.fields["parent"]
        parent.queryset = Event.objects.filter(parent__isnull=True).exclude(pk=event.pk)
        self.only_visible("organizer", "parent")
        if event.pk:
            self.initial.update(
                {
                    "start_day": event.first_day,
                    "end_day": event.last_day,
                    "timezone": event.timezone,
                    "start_time": None if event.all_day else event.local_start.time(),
                    "end_time": None if event.all_day else event.local_end.time(),
                }
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_day") is None:
            return data
        starts = None if data.get("all_day") else data.get("start_time")
        try:
            data["start"], data["end"], data["all_day"] = local_span(
                data["start_day"],
                data.get("end_day"),
                starts,
                data.get("end_time"),
                data.get("timezone") or "UTC",
            )
        except ValueError as exc:
            self.add_error("end_day" if "day" in str(exc) else "end_time", str(exc))
        return data


def _options(queryset: Any, value: str, label: Any = str) -> list[tuple[str, str]]:
    return [(getattr(o, value), label(o)) for o in queryset]


class FilterForm(forms.Form):
    """The calendar's filters; the same keys as ``services.Filter`` and the API."""

    kind = forms.MultipleChoiceField(
        label=_("Kind"), choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    country = forms.MultipleChoiceField(
        label=_("Country"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    issue = forms.MultipleChoiceField(
        label=_("Lever issue"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    organizer = forms.MultipleChoiceField(
        label=_("Organizer"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    advocacy = forms.BooleanField(label=_("Advocacy opportunities only"), required=False)
    q = forms.CharField(label=_("Words"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _options(  # type: ignore[attr-defined]
            Country.objects.order_by("name"), "code", lambda c: c.tr("name")
        )
        self.fields["issue"].choices = _options(  # type: ignore[attr-defined]
            LeverIssue.objects.all(), "slug", lambda i: i.tr("name")
        )
        self.fields["organizer"].choices = _options(  # type: ignore[attr-defined]
            Organization.objects.filter(
                Q(organized_events__isnull=False) | Q(donor_profile__isnull=False)
            )
            .distinct()
            .order_by("name"),
            "slug",
            lambda o: o.short_name,
        )


class SavedFilterForm(forms.ModelForm):
    class Meta:
        model = SavedFilter
        fields = ["name", "weekly_digest"]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("An .ics file"), required=False)
    url = forms.URLField(label=_("or its address"), required=False, assume_scheme="https")
    default_kind = forms.ChoiceField(
        label=_("Kind of the events that do not say"), choices=Kind.choices, initial=Kind.CONFERENCE
    )
    default_timezone = forms.ChoiceField(
        label=_("Time zone of times given without one"), choices=timezone_choices, initial="UTC"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("url") and not self.data.get("content"):
            raise forms.ValidationError(_("Choose a file or give an address."))
        return data
