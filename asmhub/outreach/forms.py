from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.models import Status
from asmhub.directory.models import Person
from asmhub.outreach.follows import label
from asmhub.outreach.models import AlertSettings, Kind, Newsletter


class AlertSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Alert me of"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=AlertSettings.Frequency.choices,
        widget=forms.RadioSelect,
    )
    newsletter = forms.BooleanField(
        label=_("Send me the network's newsletter"),
        required=False,
        help_text=_("You can leave it at any time with the link at the end of each issue."),
    )


class NewsletterForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "subject",
            "language",
            "intro",
            "resources",
            "stories",
            "events",
            "opportunities",
            "stakeholder_types",
            "donors_only",
            "countries",
            "working_groups",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "intro": _("Plain text; a blank line starts a new paragraph."),
            "stakeholder_types": _("Leave a criterion empty to not narrow by it."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone = AnonymousUser()
        # Only what anyone may read goes into a newsletter.
        for name in ("resources", "stories", "events", "opportunities"):
            field: Any = self.fields[name]
            field.queryset = permissions.visible(anyone, field.queryset)
            field.required = False
        for name in ("stakeholder_types", "countries"):  # in the reader's language
            taxonomy_field: Any = self.fields[name]
            taxonomy_field.label_from_instance = label


class NewsletterConsentForm(forms.Form):
    """The secretariat records a directory person's newsletter consent on their behalf
    (an answer by letter, by phone, at a meeting)."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Person.objects.exclude(status=Status.ARCHIVED)
        .filter(contact__isnull=False)
        .exclude(contact__email="")
        .order_by("name"),
    )
    granted = forms.TypedChoiceField(
        label=_("Their answer"),
        choices=[("yes", _("Agrees to receive the newsletter")), ("no", _("Withdraws"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    how = forms.CharField(
        label=_("How they told us"),
        max_length=200,
        help_text=_("For instance: by e-mail of 3 March, at the annual meeting."),
    )
