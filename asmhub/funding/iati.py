"""Import IATI activity files: what donors already fund, linked to the platform's records.

``import_iati(path_or_file)`` reads each file as a stream (``asmhub.lib.iati``), maps
its codes to the taxonomy (recipient countries to ``Country``; sector vocabularies 7,
8 and 9 to SDG goals and targets; sector codes to their IATI code-list names) and its
organisations to the directory (``data/iati_organisations.yaml``), tells the
ASM-relevant activities (``data/iati_asm.yaml``), and writes in batches. An activity
already imported (same ``iati-identifier``) is updated, its countries, sectors,
participants, budgets, transactions and tags replaced.

Each file is written in one transaction: an error anywhere in it (``IatiError``, with
the file, line and element) rolls the whole file back, so the database is exactly as it
was. ``dry_run`` reads, maps and counts, and writes nothing. After a file is written the
``Footprint`` of every donor it touched is rebuilt (``rebuild_footprint``).
"""

from __future__ import annotations

import queue
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, cast

from django.db import transaction

from asmhub.funding.iati_mapping import Mapper, Prepared
from asmhub.funding.iati_models import Activity, ActivityCountry, ActivityParticipant, Footprint
from asmhub.funding.iati_writer import FUNDING_ROLE, Writer
from asmhub.funding.index import bump
from asmhub.lib.iati import IatiError, Source, read_activities, source_name

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo" / "iati-activities.xml"
BATCH_SIZE = 500  # activities per write; at most 998, SQLite's parameters per statement
FOOTPRINT_CHUNK = 2000
CENT = Decimal("0.01")


@dataclass
class FileReport:
    """What happened to one file: counts, warnings (with how often), and the error if any."""

    name: str
    activities: int = 0
    added: int = 0
    updated: int = 0
    asm_relevant: int = 0
    written: bool = False
    error: IatiError | None = None
    warning_counts: Counter[str] = field(default_factory=Counter)

    @property
    def warnings(self) -> list[str]:
        return [
            f"{self.name}: {text}" + (f" ({n} times)" if n > 1 else "")
            for text, n in sorted(self.warning_counts.items())
        ]


@dataclass
class IatiReport:
    dry_run: bool = False
    files: list[FileReport] = field(default_factory=list)

    @property
    def activities(self) -> int:
        return sum(f.activities for f in self.files)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def updated(self) -> int:
        return sum(f.updated for f in self.files)

    @property
    def asm_relevant(self) -> int:
        return sum(f.asm_relevant for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [str(f.error) for f in self.files if f.error is not None]

    @property
    def warnings(self) -> list[str]:
        return [w for f in self.files for w in f.warnings]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        added, updated = ("would add", "would update") if self.dry_run else ("added", "updated")
        accepted = len(self.files) - len(self.errors)
        parts = []
        if accepted:
            parts.append(
                f"{self.activities} activities in {accepted} file(s): {self.added} {added}, "
                f"{self.updated} {updated}, {self.asm_relevant} ASM-relevant"
            )
        if self.errors:
            parts.append(f"{len(self.errors)} file(s) refused, nothing imported from them")
        text = "; ".join(parts) or "No file"
        return text + (" (dry run: nothing written)." if self.dry_run else ".")


def _sources(path_or_file: Source | Sequence[Source]) -> list[Source]:
    if isinstance(path_or_file, str | Path) or hasattr(path_or_file, "read"):
        return [cast(Source, path_or_file)]
    return list(cast(Sequence[Source], path_or_file))


def import_iati(path_or_file: Source | Sequence[Source], dry_run: bool = False) -> IatiReport:
    """Import one IATI activity file, or several (each on its own: a broken one is refused whole).

    A source is a path or a binary file object. Returns the counts per file, with the
    warnings (unknown codes, skipped) and the error that refused a file.
    """
    report = IatiReport(dry_run=dry_run)
    mapper = Mapper()
    for source in _sources(path_or_file):
        result = FileReport(name=source_name(source))
        report.files.append(result)
        try:
            if dry_run:
                _read_file(source, result, mapper, write=False)
            else:
                with transaction.atomic():
                    donors = _read_file(source, result, mapper, write=True)
                    rebuild_footprint(donors)
                result.written = True
        except IatiError as exc:
            result.error = exc
        except OSError as exc:
            result.error = IatiError(result.name, None, "", f"cannot read the file: {exc}")
        if result.error is not None:
            result.activities = result.added = result.updated = result.asm_relevant = 0
    return report


def load_demo_iati() -> IatiReport:
    """Import the demo file of illustrative ASM activities (data/demo/iati-activities.xml)."""
    return import_iati(DEMO_FILE)


def _read_file(source: Source, result: FileReport, mapper: Mapper, write: bool) -> set[int]:
    writer = Writer()
    donors: set[int] = set()
    for batch in _batches(source, result, mapper):
        donors |= _flush(batch, result, writer, write)
    return donors


def _batches(source: Source, result: FileReport, mapper: Mapper) -> Iterator[list[Prepared]]:
    """The file's activities, parsed and mapped in batches by a thread of their own.

    Parsing and mapping need no database, so they go on while the caller writes the
    batch before (the database driver lets other threads run while it waits). The
    queue holds two batches at most: memory stays flat. An error in the file reaches
    the caller in order, after the batches before it.
    """
    handover: queue.Queue[list[Prepared] | BaseException | None] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: list[Prepared] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            batch: dict[str, Prepared] = {}
            for activity in read_activities(source, result.name):
                result.activities += 1
                result.warning_counts.update(activity.warnings)
                prepared = mapper.prepare(activity, result.name, result.warning_counts)
                identifier = prepared.row["iati_identifier"]
                if identifier in batch:
                    result.warning_counts[
                        f"iati-identifier {identifier} appears more than once; the last is kept"
                    ] += 1
                batch[identifier] = prepared
                if len(batch) >= BATCH_SIZE:
                    if not put(list(batch.values())):
                        return
                    batch = {}
            if batch and not put(list(batch.values())):
                return
            put(None)
        except BaseException as exc:  # handed to the caller, raised there
            put(exc)

    worker = threading.Thread(target=produce, name=f"iati-reader {result.name}", daemon=True)
    worker.start()
    try:
        while (item := handover.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


def _flush(batch: list[Prepared], result: FileReport, writer: Writer, write: bool) -> set[int]:
    existing = writer.existing([p.row["iati_identifier"] for p in batch])
    result.added += len(batch) - len(existing)
    result.updated += len(existing)
    result.asm_relevant += sum(1 for p in batch if p.row["is_asm"])
    if not write:
        return set()
    return {d for p in batch for d in p.donors} | writer.write(batch, existing)


def _shares(countries: list[tuple[str, Decimal | None]]) -> list[tuple[str | None, Decimal]]:
    """Each country's share of the activity (and the rest, not given to a country, as None).

    Percentages when the file gives them; else the countries share equally; with no
    country, the whole activity is counted without one.
    """
    if not countries:
        return [(None, Decimal(1))]
    if any(pct is not None for _, pct in countries):
        shares: list[tuple[str | None, Decimal]] = [
            (code, (pct or Decimal(0)) / 100) for code, pct in countries
        ]
        rest = Decimal(1) - sum((share for _, share in shares), Decimal(0))
        if rest > 0:
            shares.append((None, rest))
        return shares
    equal = Decimal(1) / len(countries)
    return [(code, equal) for code, _ in countries]


def rebuild_footprint(donor_ids: Iterable[int]) -> int:
    """Recompute the ``Footprint`` rows of these donors from their ASM-relevant activities.

    A donor counts an activity it reports or funds (participating role 1). Each row is a
    donor, a country, a lever issue and a start year (actual, else planned), with the
    number of activities and their budget (``total_budget``, in the activity's currency,
    weighted by the country's percentage). An activity with no lever issue counts under
    none, and so does its budget share for no country. Returns the rows written.
    """
    ids = sorted(set(donor_ids))
    if not ids:
        return 0
    cells: dict[tuple[int, str | None, int | None, int | None, str], list[Any]] = {}
    with transaction.atomic():
        Footprint.objects.filter(donor_id__in=ids).delete()
        last = 0
        while True:
            chunk = _footprint_chunk(ids, last)
            if not chunk:
                break
            last = chunk[-1]
            _add_cells(cells, chunk, ids)
        Footprint.objects.bulk_create(
            Footprint(
                donor_id=donor,
                country_id=country,
                lever_issue_id=issue,
                year=year,
                currency=currency,
                activities=count,
                amount=amount.quantize(CENT, ROUND_HALF_UP),
            )
            for (donor, country, issue, year, currency), (count, amount) in cells.items()
        )
        bump()  # written in bulk, without signals: every process rebuilds its matching index
    return len(cells)


def _footprint_chunk(ids: list[int], after: int) -> list[int]:
    reported = Activity.objects.filter(is_asm=True, id__gt=after, reporting_org_id__in=ids)
    funded = ActivityParticipant.objects.filter(
        activity__is_asm=True, activity_id__gt=after, role=FUNDING_ROLE, organization_id__in=ids
    )
    first = list(reported.order_by("id").values_list("id", flat=True)[:FOOTPRINT_CHUNK])
    second = list(
        funded.order_by("activity_id").values_list("activity_id", flat=True)[:FOOTPRINT_CHUNK]
    )
    merged = sorted(set(first) | set(second))[:FOOTPRINT_CHUNK]
    if len(first) == FOOTPRINT_CHUNK:
        merged = [i for i in merged if i <= first[-1]]
    if len(second) == FOOTPRINT_CHUNK:
        merged = [i for i in merged if i <= second[-1]]
    return merged


def _add_cells(cells: dict[Any, list[Any]], chunk: list[int], ids: list[int]) -> None:
    wanted = set(ids)
    donors: dict[int, set[int]] = {i: set() for i in chunk}
    facts: dict[int, tuple[Decimal, int | None, str]] = {}
    for pk, budget, actual, planned, currency, reporter in Activity.objects.filter(
        id__in=chunk
    ).values_list(
        "id",
        "total_budget",
        "actual_start",
        "planned_start",
        "default_currency",
        "reporting_org_id",
    ):
        start = actual or planned
        facts[pk] = (budget or Decimal(0), start.year if start else None, currency)
        if reporter is not None and reporter in wanted:
            donors[pk].add(reporter)
    for pk, org in ActivityParticipant.objects.filter(
        activity_id__in=chunk, role=FUNDING_ROLE, organization_id__in=ids
    ).values_list("activity_id", "organization_id"):
        donors[pk].add(org)
    countries: dict[int, list[tuple[str, Decimal | None]]] = {i: [] for i in chunk}
    for pk, code, pct in ActivityCountry.objects.filter(activity_id__in=chunk).values_list(
        "activity_id", "country_id", "percentage"
    ):
        countries[pk].append((code, pct))
    issues: dict[int, list[int | None]] = {i: [] for i in chunk}
    for pk, lever_issue in (
        Activity.lever_issues.through._default_manager.filter(activity_id__in=chunk)
        .values_list("activity_id", "leverissue_id")
        .order_by("activity_id", "leverissue_id")
    ):
        issues[pk].append(lever_issue)
    for pk in chunk:
        budget, year, currency = facts[pk]
        for country, share in _shares(countries[pk]):
            for issue in issues[pk] or [None]:
                for donor in donors[pk]:
                    cell = cells.setdefault(
                        (donor, country, issue, year, currency), [0, Decimal(0)]
                    )
                    cell[0] += 1
                    cell[1] += budget * share
