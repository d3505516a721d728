from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asmhub.core.crud import ContributionForm
from asmhub.directory.models import Organization
from asmhub.funding.models import (
    Application,
    Beneficiary,
    Concept,
    DonorProfile,
    EntryPoint,
    Instrument,
    Opportunity,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choices_field(choices: Any, label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices.choices, widget=forms.CheckboxSelectMultiple, required=False, label=label
    )


class DonorProfileForm(ContributionForm):
    instruments = _choices_field(Instrument, _("Instruments"))
    entry_points = _choices_field(EntryPoint, _("Entry points"))

    class Meta:
        model = DonorProfile
        fields = [
            "mandate",
            "focus_countries",
            "focus_regions",
            "instruments",
            "size_min",
            "size_max",
            "currency",
            "eligible_types",
            "eligibility",
            "decision_process",
            "entry_points",
            "strategy_link",
            "shies_away",
            "champions",
            "last_verified",
            "source",
        ]
        widgets = {
            "focus_countries": forms.SelectMultiple(attrs={"size": 8}),
            "focus_regions": forms.SelectMultiple(attrs={"size": 6}),
            "eligible_types": forms.CheckboxSelectMultiple,
            "champions": forms.SelectMultiple(attrs={"size": 6}),
            "last_verified": DATE,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "mandate",
                    "eligibility",
                    "decision_process",
                    "strategy_link",
                    "shies_away",
                )
            },
        }


class OpportunityForm(ContributionForm):
    class Meta:
        model = Opportunity
        fields = [
            "title",
            "donor",
            "stage",
            "description",
            "instrument",
            "opens_on",
            "closes_on",
            "award_floor",
            "award_ceiling",
            "currency",
            "expected_awards",
            "cofinancing_required",
            "eligible_types",
            "eligibility",
            "countries",
            "lever_issues",
            "sdg_goals",
            "link",
        ]
        widgets = {
            "opens_on": DATE,
            "closes_on": DATE,
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "lever_issues": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "eligible_types": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donor"].queryset = Organization.objects.order_by("name")  # type: ignore[attr-defined]
        self.only_visible("donor")


class ConceptForm(ContributionForm):
    beneficiaries = _choices_field(Beneficiary, _("Beneficiaries"))

    class Meta:
        model = Concept
        fields = [
            "title",
            "summary",
            "proposers",
            "countries",
            "areas",
            "minerals",
            "lever_issues",
            "sdg_goals",
            "beneficiaries",
            "budget",
            "currency",
            "instrument",
            "starts_on",
            "ends_on",
            "evidence_resources",
            "evidence_stories",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "proposers": forms.SelectMultiple(attrs={"size": 6}),
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "minerals": forms.SelectMultiple(attrs={"size": 6}),
            "lever_issues": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "evidence_resources": forms.SelectMultiple(attrs={"size": 5}),
            "evidence_stories": forms.SelectMultiple(attrs={"size": 5}),
        }


class ApplicationForm(ContributionForm):
    class Meta:
        model = Application
        fields = [
            "opportunity",
            "applicant",
            "concept",
            "stage",
            "amount_requested",
            "amount_granted",
            "currency",
            "submitted_on",
            "decision_on",
            "report_due_on",
            "notes",
        ]
        widgets = {
            "submitted_on": DATE,
            "decision_on": DATE,
            "report_due_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.user
        if (
            user is not None
            and getattr(user, "organization_id", None)
            and not user.has_perm("accounts.moderate")
        ):
            self.fields["applicant"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
                pk=user.organization_id
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        requested, granted = data.get("amount_requested"), data.get("amount_granted")
        if requested is not None and granted is not None and granted > requested:
            self.add_error("amount_granted", _("More was granted than requested."))
        return data
