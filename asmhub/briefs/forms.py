from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from asmhub.briefs.models import CountryFacts, CountryFigure, NetworkResource, PressKit


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_(
            "Paragraphs separated by a blank line; lines starting with “- ” make a list. "
            "Keep the [n] marks: they point to the sources. Leave empty to go back to the "
            "text drafted from the records."
        ),
    )


class PublishForm(forms.Form):
    note = forms.CharField(label=_("What changed, in a line"), max_length=300, required=False)


class FigureForm(forms.ModelForm):
    class Meta:
        model = CountryFigure
        fields = [
            "kind",
            "label",
            "mineral",
            "value",
            "value_max",
            "unit",
            "year",
            "source",
            "source_url",
            "page",
            "quote",
        ]


class FactsForm(forms.ModelForm):
    class Meta:
        model = CountryFacts
        fields = [
            "legal_framework",
            "formalization",
            "legal_source",
            "legal_source_url",
            "strategy_mentions_asm",
            "strategy_title",
            "strategy_source",
            "strategy_source_url",
        ]


class PressKitForm(forms.ModelForm):
    class Meta:
        model = PressKit
        fields = ["organization", "about", "media_name", "media_email", "media_phone"]


class NetworkResourceForm(forms.ModelForm):
    class Meta:
        model = NetworkResource
        fields = ["side", "title", "detail", "link", "position"]
