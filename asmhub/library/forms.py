from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from asmhub.core import permissions
from asmhub.core.crud import ContributionForm
from asmhub.core.filelimits import zip_limits
from asmhub.lib.extract import DEFAULT_MAX_BYTES, SUPPORTED, Extracted, ExtractionError, extract
from asmhub.library.models import Resource
from asmhub.library.services import duplicate_of


class ResourceForm(ContributionForm):
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word (DOCX), HTML, Markdown or plain text, up to %(size)s.")
        % {"size": filesizeformat(DEFAULT_MAX_BYTES)},
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "resource_type",
            "authors",
            "publishers",
            "published_on",
            "language",
            "place",
            "summary",
            "countries",
            "minerals",
            "lever_issues",
            "sdg_goals",
            "mdg_goals",
            "licence",
            "source_url",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "lever_issues": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "mdg_goals": forms.CheckboxSelectMultiple,
            "countries": forms.SelectMultiple(attrs={"size": 6}),
            "minerals": forms.SelectMultiple(attrs={"size": 6}),
            "publishers": forms.SelectMultiple(attrs={"size": 6}),
        }

    def clean_upload(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("upload")
        if upload is None:
            return None
        name = upload.name or ""
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix not in SUPPORTED:
            raise forms.ValidationError(
                _("%(name)s: this type of file cannot be read; use %(types)s.")
                % {"name": name, "types": ", ".join(sorted(SUPPORTED))}
            )
        if upload.size is not None and upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(
                _("%(name)s is %(size)s; the limit is %(limit)s.")
                % {
                    "name": name,
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(DEFAULT_MAX_BYTES),
                }
            )
        if upload.size == 0:
            raise forms.ValidationError(_("%(name)s is empty.") % {"name": name})
        # The file is read now, as `asmhub ingest` reads it, so that a file that cannot be
        # read is refused here with its reason and nothing is written.
        data = upload.read()
        upload.seek(0)
        duplicate = duplicate_of(data, exclude_pk=self.instance.pk)
        if duplicate is not None:
            seen = permissions.find_visible(
                self.user if self.user is not None else AnonymousUser(),
                Resource.objects.all(),
                pk=duplicate.pk,
            )
            if seen is None:
                raise forms.ValidationError(
                    _("%(name)s: this file is already in the library.") % {"name": name}
                )
            raise forms.ValidationError(
                _("%(name)s: this file is already in the library as “%(title)s”.")
                % {"name": name, "title": seen.title}
            )
        try:
            self.extracted: Extracted | None = extract(name, data, zip_limits=zip_limits())
        except ExtractionError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.upload_data = data
        return upload

    def model_fields(self) -> set[str]:
        return super().model_fields() - {"upload"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.only_visible("publishers")
        self.fields["language"].help_text = _("Two-letter code: en, fr, es, pt, sw...")
