from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.crud import ContributionForm
from asmhub.directory.models import Organization, Person


class OrganizationForm(ContributionForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "acronym",
            "stakeholder_type",
            "hq_country",
            "countries",
            "website",
            "description",
            "lever_issues",
            "parent",
        ]
        widgets = {
            "countries": forms.SelectMultiple(attrs={"size": 8}),
            "lever_issues": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parents = Organization.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        # A draft of another organization is neither offered nor accepted as the parent.
        self.only_visible("parent")

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = Organization.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                _("An organization with this name is already in the directory.")
            )
        return name


class PersonForm(ContributionForm):
    organization = forms.ModelChoiceField(
        Organization.objects.order_by("name"), label=_("Organization"), required=True
    )
    title = forms.CharField(label=_("Title or role there"), max_length=250, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    class Meta:
        model = Person
        fields = [
            "honorific",
            "name",
            "expertise",
            "lever_issues",
            "countries",
            "is_champion",
            "champion_of",
            "champion_countries",
        ]
        widgets = {
            "lever_issues": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "champion_countries": forms.SelectMultiple(attrs={"size": 6}),
            "expertise": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only_visible("organization")
        person: Person = self.instance
        if person.pk:
            affiliation = person.primary_affiliation
            if affiliation:
                self.initial.update(
                    organization=affiliation.organization_id, title=affiliation.title
                )
        if not permissions.can_view_contact_details(self.user):
            # Those who may not read contact details do not see the fields either.
            del self.fields["email"]
            del self.fields["phone"]
        elif person.pk and hasattr(person, "contact"):
            self.initial.update(email=person.contact.email, phone=person.contact.phone)
