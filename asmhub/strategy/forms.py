"""Forms of the results framework. Views save them through ``services.save`` (audited)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.funding.models import Activity as IatiActivity
from asmhub.funding.models import Project
from asmhub.library.models import Resource, SuccessStory
from asmhub.monitoring.models import AdminUnit
from asmhub.strategy import metrics
from asmhub.strategy.models import (
    Action,
    Activity,
    Goal,
    GroupDocument,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    ProgressUpdate,
    Strategy,
    WorkPlan,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OWNED = [
    "title",
    "description",
    "owner_organization",
    "owner_person",
    "owner_group",
    "starts_on",
    "due_on",
    "members_only",
    "lever_issues",
    "sdg_targets",
    "mdg_targets",
    "countries",
    "minerals",
]
RELATIONS = ["lever_issues", "sdg_targets", "mdg_targets", "countries", "minerals"]


def split(form: forms.ModelForm[Any], fields: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cleaned values of ``form`` as (plain fields, many-to-many relations)."""
    data = {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data}
    many = [
        *RELATIONS,
        "resources",
        "stories",
        "areas",
        "activities",
        "projects",
        "goals",
        "objectives",
    ]
    relations = {f: list(data.pop(f)) for f in many if f in data}
    return data, relations


class StrategyForm(forms.ModelForm[Strategy]):
    class Meta:
        model = Strategy
        fields: ClassVar[list[str]] = [
            "title",
            "summary",
            "starts_on",
            "ends_on",
            "source",
            "review_rule",
        ]
        widgets: ClassVar[dict[str, Any]] = {"starts_on": DATE, "ends_on": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A strategy cannot end before it starts."))
        return data


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields: ClassVar[list[str]] = ["term", *OWNED, "position"]
        widgets: ClassVar[dict[str, Any]] = {"starts_on": DATE, "due_on": DATE}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_group"].queryset = strategy.groups.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date comes before the start date."))
        return data


class ObjectiveForm(forms.ModelForm[Objective]):
    class Meta:
        model = Objective
        fields: ClassVar[list[str]] = ["title", "description", "minerals", "position"]


class ActionForm(forms.ModelForm[Action]):
    class Meta:
        model = Action
        fields: ClassVar[list[str]] = ["objective", *OWNED, "position"]
        widgets: ClassVar[dict[str, Any]] = {"starts_on": DATE, "due_on": DATE}

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = goal.objectives.all()  # type: ignore[attr-defined]
        self.fields["owner_group"].queryset = goal.strategy.groups.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The due date comes before the start date."))
        return data


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProgressForm(forms.ModelForm[ProgressUpdate]):
    """A progress update with its evidence. Monitoring areas are named by their code (as in
    the area page's address) or name, IATI activities by their identifier, one a line;
    funded projects are chosen among those the user may see."""

    areas = forms.CharField(
        label=_("evidence: monitoring areas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One area a line: its code (e.g. cd-nord-kivu) or its name."),
    )
    activities = forms.CharField(
        label=_("evidence: IATI activities"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One IATI identifier a line, e.g. GB-GOV-1-300123."),
    )

    class Meta:
        model = ProgressUpdate
        fields: ClassVar[list[str]] = [
            "written_on",
            "text",
            "resources",
            "stories",
            "areas",
            "activities",
            "projects",
        ]
        widgets: ClassVar[dict[str, Any]] = {"written_on": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        for name, model in (
            ("projects", Project),
            ("resources", Resource),
            ("stories", SuccessStory),
        ):
            self.fields[name].queryset = permissions.visible(  # type: ignore[attr-defined]
                user, model.objects.all()
            )
        if self.instance.pk:
            self.initial["areas"] = "\n".join(a.slug for a in self.instance.areas.all())
            self.initial["activities"] = "\n".join(
                a.iati_identifier for a in self.instance.activities.all()
            )

    def clean_areas(self) -> list[Any]:

        found, problems = [], []
        for n, line in enumerate(_lines(self.cleaned_data.get("areas", "")), start=1):
            by_code = AdminUnit.objects.filter(slug=line.lower()).first()
            named = list(AdminUnit.objects.filter(name__iexact=line)[:2])
            if by_code:
                found.append(by_code)
            elif len(named) == 1:
                found.append(named[0])
            elif named:
                problems.append(
                    _("Line %(n)s: several areas are called “%(v)s”; give its code.")
                    % {"n": n, "v": line}
                )
            else:
                problems.append(
                    _("Line %(n)s: no monitoring area has the code or name “%(v)s”.")
                    % {"n": n, "v": line}
                )
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean_activities(self) -> list[Any]:

        found, problems = [], []
        for n, line in enumerate(_lines(self.cleaned_data.get("activities", "")), start=1):
            activity = IatiActivity.objects.filter(iati_identifier=line).first()
            if activity:
                found.append(activity)
            else:
                problems.append(
                    _("Line %(n)s: no IATI activity has the identifier “%(v)s”.")
                    % {"n": n, "v": line}
                )
        if problems:
            raise forms.ValidationError(problems)
        return found


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        fields: ClassVar[list[str]] = [
            "goal",
            "title",
            "unit",
            "metric",
            "currency",
            "source",
            "baseline",
            "baseline_on",
            "members_only",
            "position",
        ]
        widgets: ClassVar[dict[str, Any]] = {"baseline_on": DATE}

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = strategy.goals.all()  # type: ignore[attr-defined]

        self.fields["metric"] = forms.ChoiceField(
            label=_("computed from"),
            required=False,
            choices=[("", _("Entered by hand, with a source")), *metrics.choices()],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("metric") and not data.get("source"):
            self.add_error("source", _("An indicator entered by hand needs its source."))
        return data


class ValueForm(forms.ModelForm[IndicatorValue]):
    class Meta:
        model = IndicatorValue
        fields: ClassVar[list[str]] = ["on", "value", "source"]
        widgets: ClassVar[dict[str, Any]] = {"on": DATE}

    def clean_source(self) -> str:
        source = str(self.cleaned_data.get("source") or "").strip()
        if not source:
            raise forms.ValidationError(_("Say where this figure comes from."))
        return source


class TargetForm(forms.ModelForm[IndicatorTarget]):
    class Meta:
        model = IndicatorTarget
        fields: ClassVar[list[str]] = ["due_on", "value", "note"]
        widgets: ClassVar[dict[str, Any]] = {"due_on": DATE}


class ReviewForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=300)
    held_on = forms.DateField(label=_("held on"), widget=DATE)
    decisions = forms.CharField(label=_("decisions"), widget=forms.Textarea, required=False)
    changes = forms.CharField(label=_("changes"), widget=forms.Textarea, required=False)
    convening: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("review meeting"),
        queryset=None,
        required=False,
        help_text=_("The convening at which the review was held, if any."),
    )
    new_convening = forms.BooleanField(
        label=_("Create a convening for this review meeting"),
        required=False,
        help_text=_(
            "A convening on the review's date, linked to the review; created by an editor, "
            "it is published."
        ),
    )

    def __init__(self, *args: Any, convenings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["convening"].queryset = convenings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("convening") and data.get("new_convening"):
            self.add_error("new_convening", _("Choose a convening or create one, not both."))
        return data


class WorkPlanForm(forms.ModelForm[WorkPlan]):
    class Meta:
        model = WorkPlan
        fields: ClassVar[list[str]] = [
            "title",
            "year",
            "summary",
            "strategy",
            "members_only",
            "source",
        ]

    def __init__(self, *args: Any, strategies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies  # type: ignore[attr-defined]

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if not 1990 <= year <= 2100:
            raise forms.ValidationError(_("A year between 1990 and 2100."))
        return year


class DraftPlanForm(forms.Form):
    convening: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("convening"), queryset=None
    )
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=200)
    strategy: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("strategy"), queryset=None, required=False
    )

    def __init__(self, *args: Any, convenings: Any, strategies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["convening"].queryset = convenings  # type: ignore[attr-defined]
        self.fields["strategy"].queryset = strategies  # type: ignore[attr-defined]


class ActivityForm(forms.ModelForm[Activity]):
    class Meta:
        model = Activity
        fields: ClassVar[list[str]] = [
            "kind",
            "title",
            "description",
            "budget_amount",
            "budget_currency",
            "lead_organization",
            "lead_person",
            "lead_group",
            "status",
            "goals",
            "objectives",
            "lever_issues",
            "members_only",
            "position",
        ]

    def __init__(self, *args: Any, plan: WorkPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy = plan.strategy
        fields: Any = self.fields
        if strategy is None:
            for name in ("goals", "objectives", "lead_group"):
                fields[name].queryset = fields[name].queryset.none()
        else:
            fields["goals"].queryset = strategy.goals.all()
            fields["objectives"].queryset = Objective.objects.filter(goal__strategy=strategy)
            fields["lead_group"].queryset = strategy.groups.all()

    def clean_budget_currency(self) -> str:
        return str(self.cleaned_data.get("budget_currency") or "").strip().upper()


class JoinForm(forms.Form):
    message = forms.CharField(
        label=_("Why would you like to join?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class DocumentForm(forms.ModelForm[GroupDocument]):
    class Meta:
        model = GroupDocument
        fields: ClassVar[list[str]] = ["title", "note", "file", "link"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB, the limit."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("link"):
            self.add_error("file", _("Attach a file or give a link."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
