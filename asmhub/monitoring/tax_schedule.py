"""Load the legal-tax schedule from its data files, idempotently and atomically.

``levying_bodies.yaml`` says who takes payments and whether any law lets them;
``legal_taxes.yaml`` lists the places the schedule knows and the taxes a law allows.
Both are checked whole first: every problem names the file, the entry and the field,
and with any problem nothing is written. Then everything is written in one
transaction; a second run of the same files changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from asmhub.core.models import unique_slug
from asmhub.monitoring.models import AdminUnit
from asmhub.monitoring.tax_models import LegalTax, LevyingBody, TaxBase
from asmhub.taxonomy.models import Country

DATA_DIR = Path(__file__).resolve().parent / "data"
BODIES_FILE = DATA_DIR / "levying_bodies.yaml"
SCHEDULE_FILE = DATA_DIR / "legal_taxes.yaml"
WORDS_FILE = DATA_DIR / "tax_words.yaml"

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
BODY_FIELDS = ("slug", "name", "kind", "may_levy", "aliases", "description", "translations")
TAX_FIELDS = (
    "name",
    "levying_body",
    "jurisdiction",
    "base",
    "amount",
    "currency",
    "unit",
    "legal_text",
    "legal_url",
    "valid_from",
    "valid_to",
    "is_illustrative",
    "translations",
)
MAX_AMOUNT = Decimal(10) ** 12
DEEPEST = max(AdminUnit.Level.values)


class TaxScheduleError(ValueError):
    """A schedule file is malformed; the message names the file, the entry and the field."""


@cache
def tax_words() -> dict[str, Any]:
    """Currencies and their spellings, SMS keywords, risk categories (``tax_words.yaml``)."""
    data: dict[str, Any] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return data


def _read(path: Path) -> dict[str, Any]:
    try:
        content = yaml.safe_load(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise TaxScheduleError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise TaxScheduleError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise TaxScheduleError(f"{path.name}: expected a mapping at the top")
    return content


class _Checker:
    """Collects every problem of the files, each naming the file, the entry and the field."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, field: str, reason: str) -> None:
        self.problems.append(f"{where}, field '{field}': {reason}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise TaxScheduleError("\n".join(self.problems))

    def entries(self, data: dict[str, Any], path: Path, section: str) -> list[tuple[str, Any]]:
        items = data.get(section)
        if not isinstance(items, list):
            self.problems.append(f"{path.name}: '{section}' must be a list of entries")
            return []
        found = []
        for n, item in enumerate(items, start=1):
            label = item.get("slug") or item.get("name") if isinstance(item, dict) else None
            where = f"{path.name}, entry {n}" + (f" ({label})" if label else "")
            if not isinstance(item, dict):
                self.problems.append(f"{where}: expected a mapping")
                continue
            found.append((where, item))
        return found

    def text(self, where: str, item: dict[str, Any], field: str, limit: int, required: bool) -> str:
        value = item.get(field)
        if value is None or value == "":
            if required:
                self.add(where, field, "missing")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.add(where, field, f"expected text, not {value!r}")
            return ""
        text = " ".join(str(value).split())
        if len(text) > limit:
            self.add(where, field, f"longer than {limit} characters")
        return text

    def flag(self, where: str, item: dict[str, Any], field: str, default: bool) -> bool:
        value = item.get(field, default)
        if not isinstance(value, bool):
            self.add(where, field, f"expected true or false, not {value!r}")
            return default
        return value

    def day(self, where: str, item: dict[str, Any], field: str, required: bool) -> dt.date | None:
        value = item.get(field)
        if value in (None, ""):
            if required:
                self.add(where, field, "missing")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(where, field, f"not a date (YYYY-MM-DD): {value!r}")
            return None

    def translations(
        self, where: str, item: dict[str, Any], fields: tuple[str, ...]
    ) -> dict[str, dict[str, str]]:
        value = item.get("translations") or {}
        languages = {code for code, _ in settings.LANGUAGES} - {"en"}
        if not isinstance(value, Mapping):
            self.add(where, "translations", "expected {language: {field: text}}")
            return {}
        found: dict[str, dict[str, str]] = {}
        for lang, texts in value.items():
            if lang not in languages or not isinstance(texts, Mapping):
                self.add(where, "translations", f"unknown language or not a mapping: {lang!r}")
                continue
            for name, text in texts.items():
                if name not in fields or not isinstance(text, str):
                    self.add(where, f"translations.{lang}.{name}", "unknown field or not text")
                    continue
                found.setdefault(str(lang), {})[str(name)] = " ".join(text.split())
        return found

    def unknown_fields(self, where: str, item: dict[str, Any], fields: tuple[str, ...]) -> None:
        for name in item:
            if name not in fields:
                self.add(where, str(name), "unknown field")


def _bodies(check: _Checker, path: Path) -> list[dict[str, Any]]:
    data = _read(path)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for where, item in check.entries(data, path, "bodies"):
        check.unknown_fields(where, item, BODY_FIELDS)
        slug = check.text(where, item, "slug", 50, True)
        if slug and not SLUG.fullmatch(slug):
            check.add(where, "slug", f"not a slug (lower case, digits, hyphens): {slug!r}")
        elif slug in seen:
            check.add(where, "slug", f"used twice: {slug!r}")
        seen.add(slug)
        kind = check.text(where, item, "kind", 12, True)
        if kind and kind not in LevyingBody.Kind.values:
            check.add(where, "kind", f"one of {', '.join(LevyingBody.Kind.values)}, not {kind!r}")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            check.add(where, "aliases", "expected a list of names")
            aliases = []
        rows.append(
            {
                "slug": slug,
                "name": check.text(where, item, "name", 200, True),
                "kind": kind,
                "may_levy": check.flag(where, item, "may_levy", True),
                "aliases": [" ".join(a.split()) for a in aliases],
                "description": check.text(where, item, "description", 2000, False),
                "translations": check.translations(where, item, ("name", "description")),
            }
        )
    return rows


def _places(
    check: _Checker, path: Path, data: dict[str, Any], country: str
) -> list[dict[str, Any]]:
    """The units of ``places`` as rows (parents first), keyed like imports key them."""
    rows: list[dict[str, Any]] = []

    def walk(tree: Any, parent: str, level: int) -> None:
        if tree is None:
            return
        if not isinstance(tree, Mapping):
            check.problems.append(f"{path.name}, places under {parent!r}: expected a mapping")
            return
        for name, children in tree.items():
            where = f"{path.name}, place {name!r}"
            if not isinstance(name, str) or not slugify(name):
                check.add(where, "places", "a place needs a name")
                continue
            if level > DEEPEST:
                check.add(where, "places", f"deeper than {DEEPEST} levels")
                continue
            key = f"{parent}/{slugify(name)}"
            rows.append({"key": key, "name": name.strip(), "level": level, "parent": parent})
            walk(children, key, level + 1)

    walk(data.get("places") or {}, country.lower(), 1)
    return rows


def _amount(check: _Checker, where: str, value: Any) -> Decimal:
    try:
        if isinstance(value, bool) or value in (None, ""):
            raise InvalidOperation
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        check.add(where, "amount", f"not a number: {value!r}")
        return Decimal(0)
    if amount < 0 or amount >= MAX_AMOUNT or -amount.as_tuple().exponent > 2:  # type: ignore[operator]
        check.add(
            where, "amount", f"expected 0 or more, below 10^12, two decimals at most: {value}"
        )
    return amount


def _taxes(
    check: _Checker, path: Path, data: dict[str, Any], bodies: set[str], places: set[str]
) -> list[dict[str, Any]]:
    codes = set(tax_words()["currencies"])
    url = URLValidator(schemes=["http", "https"])
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, dt.date | None]] = set()
    for where, item in check.entries(data, path, "taxes"):
        check.unknown_fields(where, item, TAX_FIELDS)
        body = check.text(where, item, "levying_body", 50, True)
        if body and body not in bodies:
            check.add(where, "levying_body", f"no levying body {body!r} in the bodies file")
        jurisdiction = check.text(where, item, "jurisdiction", 400, False).lower()
        if jurisdiction and jurisdiction not in places:
            check.add(where, "jurisdiction", f"unknown place {jurisdiction!r}; add it to places")
        base = check.text(where, item, "base", 12, True)
        if base and base not in TaxBase.values:
            check.add(where, "base", f"one of {', '.join(TaxBase.values)}, not {base!r}")
        currency = check.text(where, item, "currency", 3, False).upper()
        if currency and currency not in codes:
            check.add(where, "currency", f"one of {', '.join(sorted(codes))}, not {currency!r}")
        unit = check.text(where, item, "unit", 60, False)
        if not currency and not unit:
            check.add(where, "unit", "a share of a value (no currency) must say of what")
        legal_url = check.text(where, item, "legal_url", 200, False)
        if legal_url:
            try:
                url(legal_url)
            except ValidationError:
                check.add(where, "legal_url", f"not an http(s) address: {legal_url!r}")
        valid_from = check.day(where, item, "valid_from", True)
        valid_to = check.day(where, item, "valid_to", False)
        if valid_from and valid_to and valid_to < valid_from:
            check.add(where, "valid_to", "before valid_from")
        name = check.text(where, item, "name", 200, True)
        identity = (jurisdiction, body, name, valid_from)
        if identity in seen:
            check.add(where, "name", "the same tax (place, body, name, valid_from) twice")
        seen.add(identity)
        rows.append(
            {
                "jurisdiction": jurisdiction,
                "levying_body": body,
                "name": name,
                "base": base,
                "amount": _amount(check, where, item.get("amount")),
                "currency": currency,
                "unit": unit,
                "legal_text": check.text(where, item, "legal_text", 400, True),
                "legal_url": legal_url,
                "valid_from": valid_from,
                "valid_to": valid_to,
                "is_illustrative": check.flag(where, item, "is_illustrative", False),
                "translations": check.translations(where, item, ("name", "unit")),
            }
        )
    return rows


def load_tax_schedule(path: Path = SCHEDULE_FILE, bodies: Path = BODIES_FILE) -> dict[str, int]:
    """Load the bodies and the schedule; return the counts of what was created, updated, removed.

    The schedule file is the whole schedule of its country: a tax of that country that
    it no longer lists is removed. Levying bodies are never removed (observed taxes
    name them). Raises ``TaxScheduleError`` listing every problem, writing nothing.
    """
    path, bodies = Path(path), Path(bodies)
    check = _Checker()
    body_rows = _bodies(check, bodies)
    data = _read(path)
    code = str(data.get("country") or "").upper()
    country = Country.objects.filter(code=code).first()
    if country is None:
        check.problems.append(f"{path.name}: 'country': no country {code!r} (load the taxonomy)")
        check.raise_if_any()
    assert country is not None
    place_rows = _places(check, path, data, country.code)
    known_bodies = {r["slug"] for r in body_rows} | set(
        LevyingBody.objects.values_list("slug", flat=True)
    )
    wanted = {
        str(t.get("jurisdiction") or "").lower()
        for t in data.get("taxes") or []
        if isinstance(t, dict)
    }
    known_places = {r["key"] for r in place_rows} | set(
        AdminUnit.objects.filter(key__in=wanted).values_list("key", flat=True)
    )
    tax_rows = _taxes(check, path, data, known_bodies, known_places)
    check.raise_if_any()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        _sync_bodies(body_rows, counts)
        _sync_places(place_rows, country, counts)
        _sync_taxes(tax_rows, country, counts)
    return {
        key: counts[key]
        for key in (
            "bodies_created",
            "bodies_updated",
            "bodies_unchanged",
            "places_created",
            "taxes_created",
            "taxes_updated",
            "taxes_unchanged",
            "taxes_removed",
        )
    }


def _save(obj: Any, row: dict[str, Any], label: str, counts: Counter[str]) -> None:
    changed = [name for name, value in row.items() if getattr(obj, name) != value]
    if not changed:
        counts[f"{label}_unchanged"] += 1
        return
    for name in changed:
        setattr(obj, name, row[name])
    obj.save(update_fields=changed)
    counts[f"{label}_updated"] += 1


def _sync_bodies(rows: list[dict[str, Any]], counts: Counter[str]) -> None:
    existing = {b.slug: b for b in LevyingBody.objects.all()}
    for row in rows:
        body = existing.get(row["slug"])
        if body is None:
            LevyingBody.objects.create(**row)
            counts["bodies_created"] += 1
        else:
            _save(body, row, "bodies", counts)


def _sync_places(rows: list[dict[str, Any]], country: Country, counts: Counter[str]) -> None:
    by_key = {u.key: u for u in AdminUnit.objects.filter(key__in=[r["key"] for r in rows])}
    for row in rows:
        if row["key"] in by_key:
            continue
        slug = slugify(row["key"].replace("/", "-"))[:160]
        if AdminUnit.objects.filter(slug=slug).exists():
            slug = unique_slug(AdminUnit, slug)
        by_key[row["key"]] = AdminUnit.objects.create(
            country=country,
            level=row["level"],
            name=row["name"],
            parent=by_key.get(row["parent"]),
            key=row["key"],
            slug=slug,
        )
        counts["places_created"] += 1


def _identity(tax: LegalTax) -> tuple[str, str, str, dt.date]:
    unit = tax.admin_unit.key if tax.admin_unit else ""
    return (unit, tax.levying_body.slug, tax.name, tax.valid_from)


def _sync_taxes(rows: list[dict[str, Any]], country: Country, counts: Counter[str]) -> None:
    bodies = {b.slug: b for b in LevyingBody.objects.all()}
    keys = {r["jurisdiction"] for r in rows if r["jurisdiction"]}
    units = {u.key: u for u in AdminUnit.objects.filter(key__in=keys)}
    existing = {
        _identity(t): t
        for t in LegalTax.objects.filter(country=country).select_related(
            "admin_unit", "levying_body"
        )
    }
    listed = set()
    for row in rows:
        identity = (row["jurisdiction"], row["levying_body"], row["name"], row["valid_from"])
        listed.add(identity)
        values = {k: v for k, v in row.items() if k not in ("jurisdiction", "levying_body")}
        values["admin_unit"] = units.get(row["jurisdiction"])
        values["levying_body"] = bodies[row["levying_body"]]
        tax = existing.get(identity)
        if tax is None:
            LegalTax.objects.create(country=country, **values)
            counts["taxes_created"] += 1
        else:
            _save(tax, values, "taxes", counts)
    gone = [t.pk for identity, t in existing.items() if identity not in listed]
    if gone:
        LegalTax.objects.filter(pk__in=gone).delete()
        counts["taxes_removed"] += len(gone)
