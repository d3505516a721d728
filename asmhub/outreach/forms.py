from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
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
