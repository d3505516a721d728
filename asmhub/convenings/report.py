"""The convening report: drafted from the records, edited by a person, then published.

The sections and their order come from ``data/report_outline.yaml`` (seed 000's
"Output"). Each section's builder (``report_sections`` for what the convening recorded,
``report_links`` for what the donors, the library and the project registry hold) returns
a ``Draft``: prose, items or a table, and the records it cites. Drafting again refreshes
what was generated; a section a person has edited keeps their text and is flagged when
the generated text changed under it.

Records of other capabilities are read as an anonymous visitor sees them, so a published
report never carries a draft donor profile, fact or project.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from asmhub.convenings import access, report_links, report_sections
from asmhub.convenings.models import Convening
from asmhub.convenings.report_models import Report, ReportSection
from asmhub.convenings.report_sections import Context, Draft
from asmhub.core.actions import Action

OUTLINE_FILE = Path(__file__).resolve().parent / "data" / "report_outline.yaml"
BUILDERS = {**report_sections.BUILDERS, **report_links.BUILDERS}


@cache
def outline() -> list[dict[str, str]]:
    data: dict[str, Any] = yaml.safe_load(OUTLINE_FILE.read_text(encoding="utf-8"))
    sections: list[dict[str, str]] = data["sections"]
    for section in sections:
        if section["builder"] not in BUILDERS:
            raise ValueError(
                f"{OUTLINE_FILE.name}: section {section['key']!r} names builder "
                f"{section['builder']!r}, which does not exist"
            )
    return sections


def section_title(entry: dict[str, str], language: str) -> str:
    """The outline's title of a section in ``language`` (``title_<language>``), else English."""
    return entry.get(f"title_{language}") or entry["title"]


def build(convening: Convening) -> list[tuple[dict[str, str], Draft]]:
    """Every section's draft in the active language, in the outline's order, without
    saving anything."""
    context = Context(convening)
    return [(section, BUILDERS[section["builder"]](context)) for section in outline()]


def build_languages(convening: Convening) -> dict[str, list[tuple[dict[str, str], Draft]]]:
    """Every section's draft in each language of the interface, the default one first."""
    default = settings.LANGUAGE_CODE.split("-")[0]
    codes = [default] + [c for c, _name in settings.LANGUAGES if c != default]
    drafts = {}
    for code in codes:
        with translation.override(code):
            drafts[code] = build(convening)
    return drafts


def visible_report(request: Any, convening: Convening) -> Report | None:
    """The report, if the visitor may read it: organizers always, others once published."""
    report = Report.objects.filter(convening=convening).first()
    if report is None:
        return None
    if report.is_published or access.is_organizer(request.user, convening):
        return report
    return None


def refresh(convening: Convening) -> tuple[Report, list[str]]:
    """Create the report or refresh what was generated in it; also the keys of the
    sections a person edited whose drafted text has changed since."""
    report = Report.objects.filter(convening=convening).first() or Report(
        convening=convening, title=_("%(title)s: report") % {"title": convening.title}
    )
    report.generated_at = timezone.now()
    report.save()
    existing = {s.key: s for s in report.sections.all()}
    stale = []
    languages = build_languages(convening)
    default, *others = languages
    for position, (entry, draft) in enumerate(languages[default]):
        section = existing.get(entry["key"]) or ReportSection(report=report, key=entry["key"])
        text = draft.text
        if section.edited_at and section.draft != text:
            section.stale = True
            stale.append(entry["key"])
        section.position = position
        section.title = section_title(entry, default)
        section.draft = text
        section.content = draft.content()
        section.citations = draft.citations
        section.translations = {
            code: {
                "title": section_title(entry, code),
                "draft": languages[code][position][1].text,
                "content": languages[code][position][1].content(),
                "citations": languages[code][position][1].citations,
            }
            for code in others
        }
        section.save()
    return report, stale


class DraftReport(Action[Any]):
    """Create the report or refresh its generated parts from the records."""

    def __init__(self, user: Any, convening: Convening) -> None:
        report = Report.objects.filter(convening=convening).first() or Report(
            convening=convening, title=_("%(title)s: report") % {"title": convening.title}
        )
        super().__init__(user, report)
        self.convening = convening
        self.verb = "draft"

    def check(self) -> None:
        access.check_organizer(self.user, self.convening)

    def apply(self) -> dict[str, Any]:
        self.instance, stale = refresh(self.convening)
        return {"sections": len(outline()), "stale": stale}


class EditSection(Action[Any]):
    """A person's text for one section, replacing the drafted one in the report."""

    def __init__(self, user: Any, section: ReportSection, body: str) -> None:
        super().__init__(user, section)
        self.body = body
        self.verb = "update"

    def check(self) -> None:
        access.check_organizer(self.user, self.instance.report.convening)

    def apply(self) -> dict[str, Any]:
        section: ReportSection = self.instance
        before = section.text
        section.body = self.body.strip()
        section.edited_by = self.user
        section.edited_at = timezone.now()
        section.stale = False
        section.save()
        return {"body": {"from": before, "to": section.body}}


class SetReportState(Action[Any]):
    """Publish (a new edition) or take back the report."""

    def __init__(self, user: Any, report: Report, publish: bool) -> None:
        super().__init__(user, report)
        self.publish = publish
        self.verb = "publish" if publish else "unpublish"

    def check(self) -> None:
        access.check_organizer(self.user, self.instance.convening)
        if self.publish and not self.instance.sections.exists():
            raise ValidationError(_("Draft the report before publishing it."))

    def apply(self) -> dict[str, Any]:
        report: Report = self.instance
        before = report.state
        if self.publish:
            report.state = Report.State.PUBLISHED
            report.published_at = timezone.now()
            report.published_by = self.user
            report.edition += 1
        else:
            report.state = Report.State.DRAFT
        report.save()
        return {"state": {"from": before, "to": report.state}, "edition": report.edition}


# The pages whose records an editor may add to a report whatever their date.
INCLUDABLE = {
    "funding:project": ("funding", "project"),
    "funding:opportunity": ("funding", "opportunity"),
    "funding:concept": ("funding", "concept"),
    "library:resource": ("library", "resource"),
    "library:story": ("library", "successstory"),
    "library:fact": ("library", "fact"),
}


def record_at(address: str) -> Any:
    """The published record whose page is at ``address`` (a path or a full URL of the site),
    among the kinds a report cites; ValidationError naming the address otherwise."""
    from urllib.parse import urlsplit

    from django.apps import apps
    from django.urls import Resolver404, resolve

    path = urlsplit(address.strip()).path
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    kind = INCLUDABLE.get(match.view_name) if match else None
    if match is None or kind is None:
        raise ValidationError(
            _(
                "“%(address)s” is not the page of a project, funding opportunity, concept, "
                "library resource, success story or fact."
            )
            % {"address": address}
        )
    model = apps.get_model(*kind)
    lookup = {"pk": match.kwargs["pk"]} if "pk" in match.kwargs else {"slug": match.kwargs["slug"]}
    record = model._default_manager.filter(status="published", **lookup).first()
    if record is None:
        raise ValidationError(_("No published record is at “%(address)s”.") % {"address": address})
    return record


class IncludeRecord(Action[Any]):
    """An editor adds a record to the report although it is dated after the convening."""

    def __init__(self, user: Any, report: Report, record: Any) -> None:
        super().__init__(user, report)
        self.record = record
        self.verb = "include"

    def check(self) -> None:
        from django.core.exceptions import PermissionDenied

        from asmhub.core import permissions

        if not permissions.is_editor(self.user):
            raise PermissionDenied(_("Only an editor may add records to a report."))

    def apply(self) -> dict[str, Any]:
        entry = {"model": self.record._meta.label_lower, "pk": self.record.pk}
        report: Report = self.instance
        if entry not in report.included:
            report.included = [*report.included, entry]
            report.save(update_fields=["included"])
        return {"included": {"to": f"{entry['model']}:{entry['pk']} {self.record}"}}
