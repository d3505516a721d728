"""Read IATI activity files (activity standard 2.01 to 2.03) as a stream of plain records.

``read_activities(source)`` walks the file with lxml's ``iterparse``, builds one
``Activity`` per ``iati-activity`` element, then clears that element and the ones
before it, so that memory stays flat however large the file. Narratives are read in
English, else in the activity's default language (``xml:lang``), else the first given.

A file that cannot be read raises ``IatiError`` with the file name, the line, the
element's path and the reason: XML that is not well formed (the line libxml2 reports),
a version other than 2.0x, an activity without ``iati-identifier``, a date that is not
an ISO date, a value or percentage that is not a number, a currency that is not an
ISO 4217 code. Codes are kept as the file gives them; their meaning is in the IATI
code lists.

Entities are never resolved and nothing is fetched (no DTD, no network): a reference to
a declared entity (``&name;``) is kept in the text as written, with the text around it,
and the activity's ``warnings`` name the element, the line and the activity.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATE_TYPES = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]*)?(?:Z|[+-]\d{2}:?\d{2})?$")


class Readable(Protocol):
    """A binary stream: what ``read_activities`` reads when it is not given a path."""

    def read(self, size: int = -1, /) -> bytes: ...


Source = str | Path | Readable


class IatiError(ValueError):
    """Why a file cannot be imported, and where: ``file:line: element: reason``."""

    def __init__(self, file: str, line: int | None, element: str, reason: str) -> None:
        self.file = file
        self.line = line
        self.element = element
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{where}: {self.element}: {self.reason}" if self.element else f"{where}: {self.reason}"
        )


@dataclass
class Org:
    ref: str = ""
    type: str = ""
    name: str = ""
    role: str = ""


@dataclass
class Share:
    """A recipient country or region, or a sector: a code with its share of the activity."""

    code: str
    percentage: Decimal | None = None
    vocabulary: str = "1"


@dataclass
class Budget:
    kind: str
    status: str
    period_start: dt.date | None
    period_end: dt.date | None
    value: Decimal
    currency: str
    value_date: dt.date | None


@dataclass
class Transaction:
    kind: str
    date: dt.date | None
    value: Decimal
    currency: str
    value_date: dt.date | None
    provider: str = ""
    receiver: str = ""


@dataclass
class Activity:
    identifier: str
    line: int
    position: int
    title: str = ""
    description: str = ""
    lang: str = ""
    default_currency: str = ""
    last_updated: str = ""
    status: str = ""
    reporting_org: Org | None = None
    participants: list[Org] = field(default_factory=list)
    dates: dict[str, dt.date] = field(default_factory=dict)
    countries: list[Share] = field(default_factory=list)
    regions: list[Share] = field(default_factory=list)
    sectors: list[Share] = field(default_factory=list)
    budgets: list[Budget] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_name(source: Source) -> str:
    """The file name to report: the path's last part, or the stream's ``name``."""
    if isinstance(source, str | Path):
        return Path(source).name
    name = getattr(source, "name", "")
    return Path(name).name if isinstance(name, str) and name else "<stream>"


class _Reader:
    """Turns one ``iati-activity`` element into an ``Activity``, naming the place of any error."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.position = 0
        self.lang = ""
        self.identifier = ""
        self.warnings: list[str] = []

    def fail(self, element: Any, reason: str, attribute: str = "") -> IatiError:
        if self.identifier:
            reason = f"{reason} (activity {self.identifier})"
        return IatiError(self.file, element.sourceline, self.path(element, attribute), reason)

    def path(self, element: Any, attribute: str = "") -> str:
        parts: list[str] = []
        node = element
        while node is not None and node.tag != "iati-activity":
            parts.append(node.tag)
            node = node.getparent()
        parts.append(f"iati-activities/iati-activity[{self.position}]")
        text = "/".join(reversed(parts))
        return f"{text}/@{attribute}" if attribute else text

    def whole(self, element: Any) -> str:
        """All the text of ``element``, entity references kept as written (``&name;``).

        With entities left unresolved, lxml puts a reference in a child node and the
        text after it in that node's tail, which ``.text`` alone would lose.
        """
        if len(element) == 0:
            return element.text or ""
        parts = [element.text or ""]
        for child in element:
            if child.tag is etree.Entity:
                parts.append(child.text)
                self.warnings.append(
                    f"line {child.sourceline or element.sourceline}: {self.path(element)}: "
                    f"the entity reference {child.text} is kept as written, not resolved "
                    f"(activity {self.identifier or '?'})"
                )
            elif isinstance(child.tag, str):
                parts.append(self.whole(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def text(self, element: Any) -> str:
        """The narrative to keep: English, else the default language, else the first."""
        if len(element) == 1:  # the common case: one narrative, nothing to choose
            only = element[0]
            if only.tag == "narrative":
                return " ".join(self.whole(only).split())
        chosen = default = first = None
        for child in element.iterchildren("narrative"):
            lang = child.get(XML_LANG) or self.lang
            if lang == "en":
                chosen = child
                break
            if first is None:
                first = child
            if default is None and lang == self.lang:
                default = child
        node = chosen if chosen is not None else default if default is not None else first
        if node is None:
            return ""
        return " ".join(self.whole(node).split())

    def date(self, element: Any, attribute: str, required: bool) -> dt.date | None:
        value = element.get(attribute)
        if value is not None and len(value) == 10:
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        value = (value or "").strip()
        if not value:
            if required:
                raise self.fail(element, "a date is required (YYYY-MM-DD)", attribute)
            return None
        match = _DATE_RE.match(value)
        try:
            if match is None:
                raise ValueError(value)
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise self.fail(element, f"{value!r} is not a date (YYYY-MM-DD)", attribute) from None

    def number(self, element: Any, text: str | None, attribute: str = "") -> Decimal:
        try:
            value = Decimal(text or "")
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise self.fail(element, f"{(text or '').strip()!r} is not a number", attribute)
        return value

    def percentage(self, element: Any) -> Decimal | None:
        raw = element.get("percentage")
        if raw is None or not raw.strip():
            return None
        value = self.number(element, raw, "percentage")
        if not 0 <= value <= 100:
            raise self.fail(element, f"{raw!r} is not a percentage (0 to 100)", "percentage")
        return value

    def currency(self, element: Any, attribute: str, default: str) -> str:
        value = element.get(attribute)
        if value is None:
            return default
        if len(value) != 3 or not value.isascii() or not value.isalpha():
            value = value.strip()
            if not value:
                return default
            if len(value) != 3 or not value.isascii() or not value.isalpha():
                raise self.fail(element, f"{value!r} is not an ISO 4217 currency code", attribute)
        return value.upper()

    def org(self, element: Any) -> Org:
        get = element.get
        return Org(
            ref=(get("ref") or "").strip(),
            type=(get("type") or "").strip(),
            name=self.text(element),
            role=(get("role") or "").strip(),
        )

    def party(self, element: Any) -> str:
        return self.text(element) or (element.get("ref") or "").strip()

    def money(self, value: Any, parent: Any, currency: str) -> tuple[Decimal, str, dt.date | None]:
        if value is None:
            raise self.fail(parent, "a value is required")
        return (
            self.number(value, value.text),
            self.currency(value, "currency", currency),
            self.date(value, "value-date", required=False),
        )

    def budget(self, element: Any, currency: str) -> Budget:
        start = end = value = None
        for child in element:
            tag = child.tag
            if tag == "value":
                value = child
            elif tag == "period-start":
                start = child
            elif tag == "period-end":
                end = child
        amount, value_currency, value_date = self.money(value, element, currency)
        return Budget(
            kind=(element.get("type") or "1").strip(),
            status=(element.get("status") or "1").strip(),
            period_start=self.date(start, "iso-date", True) if start is not None else None,
            period_end=self.date(end, "iso-date", True) if end is not None else None,
            value=amount,
            currency=value_currency,
            value_date=value_date,
        )

    def transaction(self, element: Any, currency: str) -> Transaction:
        kind = when = value = provider = receiver = None
        for child in element:
            tag = child.tag
            if tag == "value":
                value = child
            elif tag == "transaction-type":
                kind = child
            elif tag == "transaction-date":
                when = child
            elif tag == "provider-org":
                provider = child
            elif tag == "receiver-org":
                receiver = child
        code = (kind.get("code") or "").strip() if kind is not None else ""
        if not code:
            raise self.fail(element, "a transaction-type with a code is required")
        amount, value_currency, value_date = self.money(value, element, currency)
        return Transaction(
            kind=code,
            date=self.date(when, "iso-date", True) if when is not None else None,
            value=amount,
            currency=value_currency,
            value_date=value_date,
            provider=self.party(provider) if provider is not None else "",
            receiver=self.party(receiver) if receiver is not None else "",
        )

    def share(self, element: Any, vocabulary: str | None, what: str) -> Share:
        code = (element.get("code") or "").strip()
        if not code:
            raise self.fail(element, f"a {what} code is required", "code")
        return Share(code, self.percentage(element), (vocabulary or "1").strip())

    def activity(self, element: Any) -> Activity:
        self.lang = element.get(XML_LANG) or ""
        self.identifier = ""
        self.warnings = []
        node = element.find("iati-identifier")
        identifier = self.whole(node).strip() if node is not None else ""
        if not identifier:
            raise self.fail(node if node is not None else element, "an iati-identifier is required")
        self.identifier = identifier
        currency = self.currency(element, "default-currency", "")
        activity = Activity(
            identifier=identifier,
            line=element.sourceline or 0,
            position=self.position,
            lang=self.lang,
            default_currency=currency,
            last_updated=(element.get("last-updated-datetime") or "").strip(),
        )
        general = other = ""
        for child in element:
            tag = child.tag
            if tag == "transaction":
                activity.transactions.append(self.transaction(child, currency))
            elif tag == "participating-org":
                activity.participants.append(self.org(child))
            elif tag == "activity-date":
                day = self.date(child, "iso-date", required=True)
                kind = DATE_TYPES.get((child.get("type") or "").strip())
                if kind and day:
                    activity.dates[kind] = day
            elif tag == "sector":
                activity.sectors.append(self.share(child, child.get("vocabulary"), "sector"))
            elif tag == "budget":
                activity.budgets.append(self.budget(child, currency))
            elif tag == "recipient-country":
                country = self.share(child, None, "country")
                country.code = country.code.upper()
                activity.countries.append(country)
            elif tag == "recipient-region":
                activity.regions.append(self.share(child, child.get("vocabulary"), "region"))
            elif tag == "title":
                activity.title = self.text(child)
            elif tag == "description":
                if child.get("type", "1").strip() == "1":
                    general = general or self.text(child)
                else:
                    other = other or self.text(child)
            elif tag == "reporting-org":
                activity.reporting_org = self.org(child)
            elif tag == "activity-status":
                activity.status = (child.get("code") or "").strip()
        activity.description = general or other
        activity.warnings = self.warnings
        return activity


def _version(root: Any, file: str) -> None:
    version = (root.get("version") or "").strip()
    if version in SUPPORTED_VERSIONS:
        return
    where = "iati-activities/@version"
    if not version:
        reason = "the version attribute is missing; this importer reads IATI 2.01 to 2.03"
    elif version.startswith("1."):
        reason = (
            f"IATI version {version} is not supported: this importer reads the 2.0x activity "
            "standard (2.01 to 2.03); publish or convert the file as 2.03"
        )
    else:
        reason = f"IATI version {version!r} is not supported; this importer reads 2.01 to 2.03"
    raise IatiError(file, root.sourceline, where, reason)


def read_activities(source: Source, name: str | None = None) -> Iterator[Activity]:
    """Yield the activities of an IATI activity file one by one, in file order.

    ``source`` is a path or a binary file object; ``name`` overrides the file name that
    errors report. The whole file is never held in memory.
    """
    file = name or source_name(source)
    reader = _Reader(file)
    target = str(source) if isinstance(source, Path) else source
    events = etree.iterparse(
        target,
        events=("start", "end"),
        tag=("iati-activities", "iati-activity"),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    root_seen = False
    inside = False
    try:
        for event, element in events:
            if element.tag == "iati-activities":
                if event == "start":
                    _version(element, file)
                    root_seen = True
                continue
            if event == "start":
                if not root_seen:
                    raise IatiError(
                        file,
                        element.sourceline,
                        "iati-activity",
                        "not an IATI activity file: iati-activity must sit in iati-activities",
                    )
                reader.position += 1
                inside = True
                continue
            inside = False
            activity = reader.activity(element)
            element.clear(keep_tail=True)
            parent = element.getparent()
            while element.getprevious() is not None:
                del parent[0]
            yield activity
    except etree.XMLSyntaxError as exc:
        where = f"iati-activities/iati-activity[{reader.position}]" if inside else ""
        raise IatiError(file, exc.lineno, where, f"the XML is not well formed: {exc.msg}") from exc
    if not root_seen:
        raise IatiError(file, None, "iati-activities", "not an IATI activity file")
