"""Import organizations or people from a CSV or XLSX file.

The whole file is checked first; every bad cell is reported with its row, column,
value and reason. Only a file with no errors is written, in one transaction, and
``dry_run`` checks without writing. Records are matched on their slug (given, or
made from the acronym or name), so importing the same file twice updates in place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils.text import slugify

from asmhub.core.actions import audit
from asmhub.core.filelimits import sheet_limits, zip_limits
from asmhub.core.models import Status
from asmhub.directory.models import Affiliation, ContactDetails, Organization, Person
from asmhub.lib.tabular import ImportIssue, Table, TabularError, read_table, split_list
from asmhub.taxonomy.lookup import Lookup

ORGANIZATION_COLUMNS = {
    "name": True,
    "acronym": False,
    "stakeholder_type": True,
    "hq_country": False,
    "countries": False,
    "website": False,
    "description": False,
    "lever_issues": False,
    "parent": False,
    "slug": False,
}
PEOPLE_COLUMNS = {
    "name": True,
    "honorific": False,
    "organization": True,
    "title": False,
    "expertise": False,
    "lever_issues": False,
    "countries": False,
    "champion": False,
    "champion_of": False,
    "email": False,
    "phone": False,
    "slug": False,
}
PHONE_RE = re.compile(r"^\+?[0-9 ().\-/]{5,40}$")


@dataclass
class ImportResult:
    file: str
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    written: bool = False
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def _slug_for(row: dict[str, str]) -> str:
    return slugify(row.get("slug") or row.get("acronym") or row.get("name", ""))[:100]


class _Checker:
    def __init__(self, table: Table, refs: Lookup) -> None:
        self.table = table
        self.refs = refs
        self.issues: list[ImportIssue] = []

    def issue(self, row: int, column: str, value: str, reason: str) -> None:
        self.issues.append(ImportIssue(self.table.name, row, column, value, reason))

    def columns(self, expected: dict[str, bool]) -> bool:
        unknown = [h for h in self.table.headers if h not in expected]
        for name in unknown:
            self.issue(1, name, "", f"unknown column; expected some of: {', '.join(expected)}")
        for name, required in expected.items():
            if required and name not in self.table.headers:
                self.issue(1, name, "", "required column is missing")
        return not self.issues

    def required(self, number: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "").strip()
        if not value:
            self.issue(number, column, "", "a value is required")
        return value

    def many(
        self, number: int, row: dict[str, str], column: str, lookup: Any, what: str
    ) -> list[Any]:
        found = []
        for text in split_list(row.get(column, "")):
            item = lookup(text)
            if item is None:
                self.issue(number, column, text, f"unknown {what}")
            else:
                found.append(item)
        return found

    def url(self, number: int, row: dict[str, str], column: str) -> str:
        value = row.get(column, "").strip()
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.issue(number, column, value, "not a web address (http:// or https://)")
        return value

    def duplicate_slugs(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        seen: dict[str, int] = {}
        for number, values in rows:
            slug = values["slug"]
            if slug in seen:
                self.issue(
                    number,
                    "name",
                    values["name"],
                    f"same record as row {seen[slug]} (slug '{slug}')",
                )
            seen.setdefault(slug, number)


def _check_organizations(checker: _Checker) -> list[tuple[int, dict[str, Any]]]:
    refs = checker.refs
    # A parent may be named by the slug, name or acronym of another row, as the writer
    # finds it.
    in_file = {
        key.strip().lower()
        for _, row in checker.table.rows
        for key in (_slug_for(row), row.get("name", ""), row.get("acronym", ""))
        if key.strip()
    }
    parsed = []
    for number, row in checker.table.rows:
        values: dict[str, Any] = {"name": checker.required(number, row, "name")}
        values["slug"] = _slug_for(row)
        type_text = checker.required(number, row, "stakeholder_type")
        values["stakeholder_type"] = refs.type(type_text) if type_text else None
        if type_text and values["stakeholder_type"] is None:
            checker.issue(number, "stakeholder_type", type_text, "unknown stakeholder type")
        hq = row.get("hq_country", "").strip()
        values["hq_country"] = refs.country(hq) if hq else None
        if hq and values["hq_country"] is None:
            checker.issue(
                number,
                "hq_country",
                hq,
                "unknown country (use an ISO code, or the English or French name)",
            )
        values["countries"] = checker.many(number, row, "countries", refs.country, "country")
        values["lever_issues"] = checker.many(
            number, row, "lever_issues", refs.issue, "lever issue"
        )
        values["website"] = checker.url(number, row, "website")
        values["acronym"] = row.get("acronym", "").strip()[:40]
        values["description"] = row.get("description", "").strip()
        parent = row.get("parent", "").strip()
        values["parent"] = parent
        known = refs.organization(parent) is not None
        if parent and not known and not ({parent.lower(), slugify(parent)} & in_file):
            checker.issue(
                number, "parent", parent, "no such organization in the directory or this file"
            )
        parsed.append((number, values))
    checker.duplicate_slugs(parsed)
    _check_parent_loops(checker, parsed)
    return parsed


def _check_parent_loops(checker: _Checker, parsed: list[tuple[int, dict[str, Any]]]) -> None:
    """Refuse rows whose parent, as the directory would be after the import, leads back to
    the row's own organization (A part of B part of A, or A part of itself)."""
    in_file: dict[str, str] = {}
    for _, values in parsed:
        for key in (values["slug"], values["name"].lower(), values["acronym"].lower()):
            if key:
                in_file.setdefault(key, values["slug"])
    parents: dict[str, str] = {
        slug: parent
        for slug, parent in Organization.objects.filter(parent__isnull=False).values_list(
            "slug", "parent__slug"
        )
    }
    for _, values in parsed:
        text = values["parent"].strip().lower()
        if not text:
            parents.pop(values["slug"], None)
            continue
        known = checker.refs.organization(text)
        target = in_file.get(text) or (known.slug if known else None) or slugify(text)
        parents[values["slug"]] = target
    for number, values in parsed:
        chain = [values["slug"]]
        step = parents.get(values["slug"])
        while step is not None and step not in chain:
            chain.append(step)
            step = parents.get(step)
        if step == values["slug"]:
            checker.issue(
                number,
                "parent",
                values["parent"],
                "makes a loop of parents: " + " → ".join([*chain, step]),
            )


def _check_people(checker: _Checker) -> list[tuple[int, dict[str, Any]]]:
    refs = checker.refs
    parsed = []
    email_ok = EmailValidator()
    for number, row in checker.table.rows:
        values: dict[str, Any] = {"name": checker.required(number, row, "name")}
        values["slug"] = _slug_for(row)
        org_text = checker.required(number, row, "organization")
        values["organization"] = refs.organization(org_text) if org_text else None
        if org_text and values["organization"] is None:
            checker.issue(number, "organization", org_text, "no such organization in the directory")
        values["countries"] = checker.many(number, row, "countries", refs.country, "country")
        values["lever_issues"] = checker.many(
            number, row, "lever_issues", refs.issue, "lever issue"
        )
        email = row.get("email", "").strip()
        if email:
            try:
                email_ok(email)
            except ValidationError:
                checker.issue(number, "email", email, "not an e-mail address")
        phone = row.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            checker.issue(
                number, "phone", phone, "not a phone number (digits, spaces, + ( ) - . /)"
            )
        champion = row.get("champion", "").strip().lower()
        if champion not in ("", "0", "1", "yes", "no", "true", "false", "oui", "non"):
            checker.issue(number, "champion", champion, "use yes or no")
        values.update(
            email=email,
            phone=phone,
            is_champion=champion in ("1", "yes", "true", "oui"),
            honorific=row.get("honorific", "").strip()[:20],
            title=row.get("title", "").strip(),
            expertise=row.get("expertise", "").strip(),
            champion_of=row.get("champion_of", "").strip(),
        )
        parsed.append((number, values))
    checker.duplicate_slugs(parsed)
    return parsed


def _write_organizations(
    parsed: list[tuple[int, dict[str, Any]]], result: ImportResult, actor: Any
) -> None:
    saved: dict[str, Organization] = {}
    for _, values in parsed:
        org, created = Organization.objects.update_or_create(
            slug=values["slug"],
            defaults={
                f: values[f]
                for f in (
                    "name",
                    "acronym",
                    "stakeholder_type",
                    "hq_country",
                    "website",
                    "description",
                )
            }
            | {"status": Status.PUBLISHED},
        )
        org.countries.set(values["countries"])
        org.lever_issues.set(values["lever_issues"])
        saved[org.slug] = org
        result.created += created
        result.updated += not created
        audit(actor, "import", org, {"file": result.file})
    refs = (
        {o.slug: o for o in Organization.objects.all()}
        | {o.name.lower(): o for o in Organization.objects.all()}
        | {o.acronym.lower(): o for o in Organization.objects.exclude(acronym="")}
    )
    for _, values in parsed:
        if values["parent"]:
            parent = refs.get(values["parent"].lower()) or refs.get(slugify(values["parent"]))
            Organization.objects.filter(slug=values["slug"]).update(parent=parent)


def _write_people(
    parsed: list[tuple[int, dict[str, Any]]], result: ImportResult, actor: Any
) -> None:
    for _, values in parsed:
        person, created = Person.objects.update_or_create(
            slug=values["slug"],
            defaults={
                f: values[f]
                for f in ("name", "honorific", "expertise", "is_champion", "champion_of")
            }
            | {"status": Status.PUBLISHED},
        )
        person.countries.set(values["countries"])
        person.lever_issues.set(values["lever_issues"])
        Affiliation.objects.update_or_create(
            person=person,
            organization=values["organization"],
            defaults={
                "title": values["title"],
                "is_primary": not person.affiliations.exclude(organization=values["organization"])
                .filter(is_primary=True)
                .exists(),
            },
        )
        if values["email"] or values["phone"]:
            ContactDetails.objects.update_or_create(
                person=person, defaults={"email": values["email"], "phone": values["phone"]}
            )
        result.created += created
        result.updated += not created
        audit(actor, "import", person, {"file": result.file})


def import_directory(
    path: Path | str,
    data: bytes | None = None,
    *,
    dry_run: bool = False,
    kind: str | None = None,
    actor: Any = None,
) -> ImportResult:
    name = Path(path).name
    try:
        table = read_table(path, data, zip_limits=zip_limits(), sheet_limits=sheet_limits())
    except TabularError as exc:
        result = ImportResult(file=name, kind=kind or "unknown")
        result.issues.append(ImportIssue(name, 0, "", "", str(exc).removeprefix(f"{name}: ")))
        return result
    if kind is None:
        kind = (
            "organizations"
            if "stakeholder_type" in table.headers
            else ("people" if "organization" in table.headers else "unknown")
        )
    result = ImportResult(file=name, kind=kind, rows=len(table.rows))
    if kind not in ("organizations", "people"):
        result.issues.append(
            ImportIssue(
                name,
                1,
                "",
                "",
                "cannot tell organizations from people: an "
                "organizations file has a stakeholder_type column, a people file "
                "an organization column",
            )
        )
        return result
    checker = _Checker(table, Lookup())
    if checker.columns(ORGANIZATION_COLUMNS if kind == "organizations" else PEOPLE_COLUMNS):
        if not table.rows:
            checker.issue(2, "", "", "the file has a header but no records")
        parsed = (_check_organizations if kind == "organizations" else _check_people)(checker)
    result.issues = checker.issues
    if result.issues or dry_run:
        return result
    with transaction.atomic():
        (_write_organizations if kind == "organizations" else _write_people)(parsed, result, actor)
    result.written = True
    return result
