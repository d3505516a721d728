"""Forms of the monitoring pages: imports, column mappings, incidents and their plans."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from asmhub.directory.models import Organization
from asmhub.lib.tabular import normalise_header
from asmhub.monitoring import records
from asmhub.monitoring.models import (
    ColumnMapping,
    CorrectiveAction,
    ImportBatch,
    Incident,
    Programme,
)


class ImportForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    format = forms.ChoiceField(label=_("Format"), choices=ImportBatch.Format.choices)
    mapping = forms.ModelChoiceField(
        label=_("Column mapping (for “any CSV or XLSX”)"),
        queryset=ColumnMapping.objects.all(),
        required=False,
    )
    file = forms.FileField(label=_("File (CSV, XLSX or JSON)"))

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.ASMHUB_MONITORING_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)d MB; the limit is %(limit)d MB.")
                % {"size": upload.size // 1_000_000, "limit": limit // 1_000_000}
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("format") == ImportBatch.Format.MAPPED and not data.get("mapping"):
            self.add_error("mapping", _("Choose the column mapping of this file."))
        return data


def _guess(heading: str, keys: list[str]) -> str:
    plain = normalise_header(heading)
    return plain if plain in keys else ""


class MappingForm(forms.Form):
    """Name a mapping and say, for each heading of a sample file, which visit field it fills."""

    name = forms.CharField(label=_("Name of the mapping"), max_length=120)

    def __init__(self, *args: Any, headings: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keys = records.keys()
        choices = [("", _("— not imported —"))] + [(k, k) for k in keys]
        self.headings = headings or []
        for position, heading in enumerate(self.headings):
            self.fields[f"col_{position}"] = forms.ChoiceField(
                label=heading, choices=choices, required=False, initial=_guess(heading, keys)
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if ColumnMapping.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A mapping of that name exists already."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(f"col_{i}") for i in range(len(self.headings))]
        picked = [c for c in chosen if c]
        for key in {k for k in picked if picked.count(k) > 1}:
            raise forms.ValidationError(_("Two columns fill “%s”: keep one.") % key)
        for required in ("pcode", "date"):
            if required not in picked:
                raise forms.ValidationError(
                    _("A column must fill “%s”: without it a row cannot be placed.") % required
                )
        return data

    def columns(self) -> dict[str, str]:
        return {
            self.cleaned_data[f"col_{i}"]: heading
            for i, heading in enumerate(self.headings)
            if self.cleaned_data.get(f"col_{i}")
        }


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["date", "risk_category", "severity", "state", "description", "source"]
        widgets = {"date": _DateInput(), "description": forms.Textarea(attrs={"rows": 4})}


class ActionForm(forms.ModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_on", "state", "evidence"]
        widgets = {
            "due_on": _DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.order_by("name")  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    """A corrective action plan with its first action."""

    title = forms.CharField(label=_("Plan"), max_length=200)
    description = forms.CharField(label=_("First action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("Owner organization"), queryset=Organization.objects.order_by("name")
    )
    due_on = forms.DateField(label=_("Due"), widget=_DateInput())
