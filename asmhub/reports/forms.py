"""The public report form, in the reporter's language (labels from ``data/words.yaml``).

A photo is opened with Pillow: only JPEG, PNG and WebP are taken, at most
``ASMHUB_REPORTS_MAX_PHOTO_BYTES``, and it is re-encoded from its pixels alone, so its
metadata (EXIF: place, time, camera) is not kept.
"""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from asmhub.monitoring.models import Site
from asmhub.reports import protect
from asmhub.reports.words import category_label, form_words
from asmhub.taxonomy.models import RiskCategory

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_photo(upload: Any, limit: int) -> ContentFile[bytes]:
    """The photo re-encoded without metadata; ``ValueError`` if it is not one we take."""
    if upload.size > limit:
        raise ValueError("too large")
    try:
        with Image.open(upload) as image:
            kind = image.format or ""
            if kind not in FORMATS:
                raise ValueError(kind)
            image.load()
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P" and image.getpalette():
                pixels.putpalette(image.getpalette() or [])
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError("not an image") from exc
    out = io.BytesIO()
    pixels.save(out, format=kind)
    return ContentFile(out.getvalue(), name=f"photo.{FORMATS[kind]}")


class ReportForm(forms.Form):
    text = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    place = forms.CharField(max_length=200, required=False)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    happened_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(max_length=200, required=False)
    risk_category = forms.ModelChoiceField(queryset=RiskCategory.objects.none(), required=False)
    photo = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    phone = forms.CharField(
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, lang: str, programme_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.words = form_words(lang)
        self.limit = settings.ASMHUB_REPORTS_MAX_PHOTO_BYTES
        for name, field in self.fields.items():
            field.label = self.words[name]
        site_field = self.fields["site"]
        site_field.queryset = Site.objects.filter(programme_id=programme_id).order_by("name")  # type: ignore[attr-defined]
        site_field.empty_label = self.words["site_none"]  # type: ignore[attr-defined]
        category_field = self.fields["risk_category"]
        category_field.queryset = RiskCategory.objects.order_by("position")  # type: ignore[attr-defined]
        category_field.label_from_instance = lambda c: category_label(c.slug, lang)  # type: ignore[attr-defined]
        mb = f"{self.limit / 1_000_000:g}"
        self.fields["photo"].help_text = self.words["photo_help"].format(limit=mb)
        self.fields["phone"].help_text = self.words["phone_help"]

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return clean_photo(upload, self.limit)
        except ValueError:
            mb = f"{self.limit / 1_000_000:g}"
            raise forms.ValidationError(self.words["bad_photo"].format(limit=mb)) from None

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        number = protect.normal_number(raw)
        if raw.strip() and not number:
            raise forms.ValidationError(self.words["bad_phone"])
        return number

    def clean_happened_on(self) -> Any:
        value = self.cleaned_data.get("happened_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(self.words["future"])
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(self.words["bad_coordinates"])
        if not (data.get("site") or (data.get("place") or "").strip() or lat is not None):
            raise forms.ValidationError(self.words["where_needed"])
        return data
