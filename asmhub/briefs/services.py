"""Briefs: who sees what, drafting, editing, publishing versions, and what changed.

Only editors (``core.permissions.is_editor``) draft, edit and publish. A brief is public
once it has a published version, and then everyone reads its latest version; the working
copy, and a brief never published, are for editors only (a 404 for anyone else).
"""

from __future__ import annotations

import difflib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from asmhub.briefs import drafting
from asmhub.briefs.country import CountryLink
from asmhub.briefs.models import Brief, BriefVersion
from asmhub.briefs.signals import brief_published
from asmhub.convenings.report_render import blocks
from asmhub.core import permissions
from asmhub.core.actions import Action
from asmhub.core.services import HomeStat
from asmhub.taxonomy.models import Country, LeverIssue
from asmhub.taxonomy.registry import TaggedSection


def language() -> str:
    return (get_language() or "en").split("-")[0]


def visible_briefs(user: Any) -> QuerySet[Brief]:
    found = Brief.objects.select_related("lever_issue").annotate(published=Count("versions"))
    if permissions.is_editor(user):
        return found
    return published_briefs(user)


def published_briefs(user: Any) -> QuerySet[Brief]:
    """The briefs with a published version, which everyone may read."""
    return (
        Brief.objects.select_related("lever_issue")
        .annotate(published=Count("versions"))
        .filter(published__gt=0)
    )


def brief_for(user: Any, slug: str) -> Brief:
    brief = visible_briefs(user).filter(slug=slug).first()
    if brief is None:
        raise Http404
    return brief


def require_editor(user: Any) -> None:
    if not permissions.is_editor(user):
        raise PermissionDenied(_("Only an editor may draft, edit and publish briefs."))


# The working copy --------------------------------------------------------------------


def working_sections(brief: Brief, code: str | None = None) -> list[dict[str, Any]]:
    """The sections as they would be published now, in ``code`` (the active language):
    a person's text where they wrote one, the drafted text otherwise."""
    code = code or language()
    drafted = brief.drafted.get(code) or brief.drafted.get("en") or []
    bodies = brief.bodies.get(code) or {}
    return [
        {
            **section,
            "text": bodies.get(section["key"], section["text"]),
            "edited": section["key"] in bodies,
            "drafted_text": section["text"],
        }
        for section in drafted
    ]


def snapshot(brief: Brief) -> dict[str, Any]:
    """What a version freezes: the title and every section in every language."""
    titles = {}
    for code in drafting.languages():
        with override(code):
            titles[code] = _("%(issue)s: a brief for donors") % {
                "issue": brief.lever_issue.tr("name", code)
            }
    return {
        "title": brief.title,
        "titles": titles,
        "issue": {"slug": brief.lever_issue.slug, "name": brief.lever_issue.name},
        "languages": {
            code: [
                {k: s[k] for k in ("key", "title", "text", "items", "table", "citations")}
                for s in working_sections(brief, code)
            ]
            for code in drafting.languages()
            if brief.drafted.get(code)
        },
    }


def version_title(version: BriefVersion) -> str:
    return str(version.document.get("titles", {}).get(language()) or version.title)


def version_sections(version: BriefVersion, code: str | None = None) -> list[dict[str, Any]]:
    found = version.document.get("languages", {})
    sections: list[dict[str, Any]] = found.get(code or language()) or found.get("en") or []
    return sections


def view(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections as the page and the files show them: numbered, text in blocks."""
    return [
        {**s, "number": n, "blocks": blocks(s["text"])} for n, s in enumerate(sections, start=1)
    ]


class DraftBrief(Action[Any]):
    """Create the brief of a lever issue, or draft its sections again from the records.
    A person's text stays; the drafted text under it is refreshed."""

    def __init__(self, user: Any, issue: LeverIssue) -> None:
        brief = Brief.objects.filter(lever_issue=issue, kind=Brief.Kind.ISSUE).first() or Brief(
            lever_issue=issue,
            slug=slugify(f"{issue.slug}-brief")[:120],
            title=_("%(issue)s: a brief for donors") % {"issue": issue.name},
        )
        super().__init__(user, brief)
        self.verb = "draft"

    def check(self) -> None:
        require_editor(self.user)

    def apply(self) -> dict[str, Any]:
        brief: Brief = self.instance
        brief.drafted = drafting.draft_issue(brief.lever_issue)
        brief.drafted_at = timezone.now()
        brief.save()
        return {"sections": len(brief.drafted.get("en", []))}


class EditSection(Action[Any]):
    """An editor's text for one section in one language; empty text returns to the draft."""

    def __init__(self, user: Any, brief: Brief, key: str, code: str, text: str) -> None:
        super().__init__(user, brief)
        self.key, self.code, self.text = key, code, text.strip()
        self.verb = "update"

    def check(self) -> None:
        require_editor(self.user)
        keys = [s["key"] for s in self.instance.drafted.get(self.code, [])]
        if self.key not in keys:
            raise ValidationError(
                _("The brief has no section “%(key)s” in language “%(code)s”.")
                % {"key": self.key, "code": self.code}
            )

    def apply(self) -> dict[str, Any]:
        brief: Brief = self.instance
        bodies = dict(brief.bodies)
        mine = dict(bodies.get(self.code, {}))
        before = mine.get(self.key, "")
        if self.text:
            mine[self.key] = self.text
        else:
            mine.pop(self.key, None)
        bodies[self.code] = mine
        brief.bodies = bodies
        brief.edited_at = timezone.now()
        brief.edited_by = self.user
        brief.save()
        return {f"{self.key}.{self.code}": {"from": before, "to": self.text}}


class PublishBrief(Action[Any]):
    """Freeze the working copy into the next version; sends ``brief_published`` once the
    transaction commits."""

    def __init__(self, user: Any, brief: Brief, note: str = "") -> None:
        super().__init__(user, brief)
        self.note = note.strip()[:300]
        self.verb = "publish"
        self.version: BriefVersion | None = None

    def check(self) -> None:
        require_editor(self.user)
        if not self.instance.drafted:
            raise ValidationError(_("Draft the brief from the records before publishing it."))

    def apply(self) -> dict[str, Any]:
        brief: Brief = self.instance
        latest = brief.latest()
        self.version = BriefVersion.objects.create(
            brief=brief,
            number=(latest.number if latest else 0) + 1,
            title=brief.title,
            document=snapshot(brief),
            note=self.note,
            published_at=timezone.now(),
            published_by=self.user,
        )
        version = self.version
        transaction.on_commit(
            lambda: brief_published.send(sender=Brief, brief=brief, version=version)
        )
        return {"version": version.number, "note": self.note}


# What changed --------------------------------------------------------------------------


def _lines(section: dict[str, Any]) -> list[str]:
    lines = [b.lines[0] if b.kind == "p" else "\n".join(b.lines) for b in blocks(section["text"])]
    for item in section.get("items") or []:
        line = item["title"]
        if item.get("text"):
            line += f": {item['text']}"
        if item.get("meta"):
            line += f" ({item['meta']})"
        lines.append(line)
    return lines


def changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per section, the paragraphs and items removed and added between two versions, and
    within a changed paragraph the words removed and added. Unchanged sections are left out."""
    old = {s["key"]: s for s in before}
    found = []
    for section in after:
        previous = old.pop(section["key"], None)
        a, b = (_lines(previous) if previous else []), _lines(section)
        if a == b:
            continue
        rows: list[dict[str, Any]] = []
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            if tag == "replace" and i2 - i1 == j2 - j1:
                for x, y in zip(a[i1:i2], b[j1:j2], strict=True):
                    rows.append({"kind": "changed", "words": _words(x, y)})
                continue
            rows.extend({"kind": "removed", "text": x} for x in a[i1:i2])
            rows.extend({"kind": "added", "text": y} for y in b[j1:j2])
        found.append({"key": section["key"], "title": section["title"], "rows": rows})
    for section in old.values():
        found.append(
            {
                "key": section["key"],
                "title": section["title"],
                "rows": [{"kind": "removed", "text": x} for x in _lines(section)],
            }
        )
    return found


def _words(a: str, b: str) -> list[tuple[str, str]]:
    """(kind, text) runs: "same", "removed" or "added" words of a changed paragraph."""
    x, y = a.split(), b.split()
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=x, b=y, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("same", " ".join(x[i1:i2])))
        else:
            if i2 > i1:
                runs.append(("removed", " ".join(x[i1:i2])))
            if j2 > j1:
                runs.append(("added", " ".join(y[j1:j2])))
    return runs


def version_changes(version: BriefVersion, code: str | None = None) -> list[dict[str, Any]] | None:
    """What changed since the version before ``version``; None for a first version."""
    before = (
        BriefVersion.objects.filter(brief=version.brief, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    if before is None:
        return None
    return changes(version_sections(before, code), version_sections(version, code))


# Registration ---------------------------------------------------------------------------


def home_stats(user: Any) -> list[HomeStat]:
    count = published_briefs(user).count()
    return [HomeStat(count, gettext_lazy("published briefs"), reverse("briefs:list"))]


def tagged_briefs(user: Any, term: Any) -> list[Any]:

    if isinstance(term, LeverIssue):
        found = list(published_briefs(user).filter(lever_issue=term))
        return [TaggedSection(gettext_lazy("Briefs"), found)] if found else []
    if isinstance(term, Country):
        return [TaggedSection(gettext_lazy("Country profile"), [CountryLink(term)])]
    return []
