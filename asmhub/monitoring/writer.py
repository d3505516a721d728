"""Writing visit records: sites, administrative units, visits and what hangs on them.

Writes are in bulk (an import of a million rows must not issue a query per row) and
keyed, so that a second import of the same file updates what the first one wrote.
Each visit keeps a hash of what was written (``content_hash``): a re-import skips the
visits whose record is unchanged and rewrites the others with one prepared ``UPDATE``
run over all of them (a 34-field ``bulk_update`` builds a ``CASE`` per field and row and
was five times slower than the first import). The caller holds the transaction
(``importers.commit``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from asmhub.monitoring.models import (
    AdminUnit,
    ArmedActor,
    ImportBatch,
    Incident,
    IndicatorValue,
    Programme,
    Site,
    Visit,
    VisitMineral,
)
from asmhub.monitoring.records import Record

BATCH = 2000
LEVELS = ("province", "territory", "collectivite", "groupement")
SITE_FIELDS: tuple[str, ...] = (
    "name",
    "latitude",
    "longitude",
    "location_origin",
    "village",
    "working",
)
SITE_FIELDS += ("legal_status",)
VISIT_FIELDS = [
    f.name
    for f in Visit._meta.concrete_fields
    if f.name not in ("id", "site", "key", "imported_by", "updated_at", "content_hash")
]


def content_hash(record: Record) -> str:
    """A digest of everything a record writes for its visit (not its site)."""
    content = {
        "visit": {k: v for k, v in record.visit.items() if k in VISIT_FIELDS},
        "minerals": record.minerals,
        "actors": record.actors,
        "indicators": sorted(record.indicators.items()),
    }
    encoded = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(encoded.encode("utf-8"), digest_size=16).hexdigest()


def plan(programme: Programme, found: Sequence[Record]) -> dict[str, int]:
    """What a commit would create and update, reading only. ``visits_updated`` counts the
    visits already there; ``visits_unchanged`` those of them a commit leaves as they are."""
    sites = dict(Site.objects.filter(programme=programme).values_list("pcode", "pk"))
    pcodes = {r.pcode for r in found}
    existing = _existing_visits(sites, found)
    new_visits = unchanged = 0
    for record in found:
        known = existing.get((sites.get(record.pcode), record.key))
        if known is None:
            new_visits += 1
        elif known[1] == content_hash(record):
            unchanged += 1
    return {
        "sites_new": len(pcodes - set(sites)),
        "sites_updated": len(pcodes & set(sites)),
        "visits_new": new_visits,
        "visits_updated": len(found) - new_visits,
        "visits_unchanged": unchanged,
    }


def _existing_visits(
    sites: dict[str, int], found: Iterable[Record]
) -> dict[tuple[int | None, str], tuple[int, str]]:
    """The (pk, content hash) of the visits already stored, by (site, key)."""
    site_ids = {sites[r.pcode] for r in found if r.pcode in sites}
    existing: dict[tuple[int | None, str], tuple[int, str]] = {}
    ids = sorted(site_ids)
    for start in range(0, len(ids), 500):
        for pk, site_id, key, digest in Visit.objects.filter(
            site_id__in=ids[start : start + 500]
        ).values_list("pk", "site_id", "key", "content_hash"):
            existing[(site_id, key)] = (pk, digest)
    return existing


class _Units:
    """Administrative units by their key path, created as the file names them."""

    def __init__(self, programme: Programme) -> None:
        self.country = programme.country
        self.by_key = {u.key: u for u in AdminUnit.objects.filter(country=self.country)}

    def path(self, site: dict[str, Any]) -> list[AdminUnit | None]:
        found: list[AdminUnit | None] = []
        parent: AdminUnit | None = None
        key = self.country.code.lower()
        for level, name in enumerate((site.get(n, "") for n in LEVELS), start=1):
            if not name:
                found.append(None)
                continue
            key = f"{key}/{slugify(name) or 'x'}"
            unit = self.by_key.get(key)
            if unit is None:
                unit = AdminUnit.objects.create(
                    country=self.country,
                    level=level,
                    name=name,
                    parent=parent,
                    key=key,
                    slug=slugify(key.replace("/", "-"))[:160],
                )
                self.by_key[key] = unit
            found.append(unit)
            parent = unit
        return found


def write(
    programme: Programme, found: Sequence[Record], batch: ImportBatch | None = None
) -> dict[str, int]:
    counts = plan(programme, found)
    sites = _write_sites(programme, found)
    existing = _existing_visits(sites, found)
    new: list[Visit] = []
    changed: list[Visit] = []
    kept: list[Record] = []
    by_key: dict[tuple[int, str], int] = {}
    for record in found:
        digest = content_hash(record)
        known = existing.get((sites[record.pcode], record.key))
        if known is not None and known[1] == digest:
            by_key[(sites[record.pcode], record.key)] = known[0]
            continue  # what the file says of this visit is what is stored
        values = {k: v for k, v in record.visit.items() if k in VISIT_FIELDS}
        visit = Visit(
            pk=known[0] if known else None,
            site_id=sites[record.pcode],
            key=record.key,
            imported_by=batch,
            content_hash=digest,
            **values,
        )
        (changed if known else new).append(visit)
        kept.append(record)
    if changed:
        ids = [v.pk for v in changed]
        for model in (VisitMineral, ArmedActor, IndicatorValue):
            for start in range(0, len(ids), 500):
                model.objects.filter(visit_id__in=ids[start : start + 500]).delete()
        _update_visits(changed)
    Visit.objects.bulk_create(new, batch_size=BATCH)
    by_key.update({(v.site_id, v.key): v.pk for v in [*changed, *new]})
    _write_children(kept, sites, by_key)
    _summarise(sites[r] for r in {r.pcode for r in found})
    return counts


def _update_visits(changed: Sequence[Visit]) -> None:
    now = timezone.now()
    for visit in changed:
        visit.updated_at = now
    names = [*VISIT_FIELDS, "content_hash", "imported_by", "updated_at"]
    _update(Visit, changed, names)


def _update(model: Any, rows: Sequence[Any], names: Sequence[str]) -> None:
    """Rewrite stored rows with one prepared ``UPDATE`` run for each of them."""
    fields = [model._meta.get_field(n) for n in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the model, values bound
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH):
            cursor.executemany(sql, params[start : start + BATCH])


def _write_sites(programme: Programme, found: Sequence[Record]) -> dict[str, int]:
    units = _Units(programme)
    latest: dict[str, dict[str, Any]] = {}
    minerals: dict[str, set[int]] = defaultdict(set)
    for record in sorted(found, key=lambda r: (r.date, r.row)):
        values = latest.setdefault(record.pcode, {})
        for key, value in record.site.items():
            if value not in (None, ""):
                values[key] = value  # later visits correct earlier names and positions
        minerals[record.pcode].update(m["mineral_id"] for m in record.minerals if m["mineral_id"])
    existing = {
        s.pcode: s for s in Site.objects.filter(programme=programme, pcode__in=list(latest))
    }
    new: list[Site] = []
    changed: list[Site] = []
    names = [*SITE_FIELDS, *(f"{level}_id" for level in LEVELS)]
    for pcode, values in latest.items():
        site = existing.get(pcode) or Site(programme=programme, pcode=pcode, country=units.country)
        before = [getattr(site, n) for n in names]
        path = units.path(values)
        site.province, site.territory, site.collectivite, site.groupement = path
        for name in SITE_FIELDS:
            if name in values:
                setattr(site, name, values[name])
        if not site.name:
            site.name = pcode
        if site.pk is None:
            new.append(site)
        elif [getattr(site, n) for n in names] != before:
            changed.append(site)
    Site.objects.bulk_create(new, batch_size=BATCH)
    _update(Site, changed, [*SITE_FIELDS, *LEVELS])
    ids = {s.pcode: s.pk for s in [*existing.values(), *new]}
    through = Site.minerals.through
    through.objects.bulk_create(
        [
            through(site_id=ids[p], mineral_id=m)
            for p, found_ids in minerals.items()
            for m in found_ids
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    return ids


def _write_children(
    found: Sequence[Record], sites: dict[str, int], by_key: dict[tuple[int, str], int]
) -> None:
    minerals: list[VisitMineral] = []
    actors: list[ArmedActor] = []
    indicators: list[IndicatorValue] = []
    for record in found:
        visit_id = by_key[(sites[record.pcode], record.key)]
        minerals += [VisitMineral(visit_id=visit_id, **m) for m in record.minerals]
        actors += [ArmedActor(visit_id=visit_id, **a) for a in record.actors]
        indicators += [
            IndicatorValue(visit_id=visit_id, indicator_id=i, value=v)
            for i, v in record.indicators.items()
        ]
    VisitMineral.objects.bulk_create(minerals, batch_size=BATCH)
    ArmedActor.objects.bulk_create(actors, batch_size=BATCH)
    IndicatorValue.objects.bulk_create(indicators, batch_size=BATCH)


def _summarise(site_ids: Iterable[int]) -> None:
    """Each site's last visit, qualification and flag, from its visits and incidents."""
    ids = sorted(set(site_ids))
    changed: list[Site] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        state: dict[int, dict[str, Any]] = defaultdict(dict)
        for site_id, day, kind, onsite, qualification, written, armed in (
            Visit.objects.filter(site_id__in=chunk)
            .order_by("site_id", "date", "pk")
            .values_list(
                "site_id",
                "date",
                "record_type",
                "onsite",
                "qualification",
                "qualification_as_recorded",
                "armed_presence",
            )
        ):
            entry = state[site_id]
            if qualification or written:  # the latest written, even when it was unreadable
                entry["qualification"] = qualification
                entry["qualified_on"] = day if qualification else None
            if onsite and kind == Visit.RecordType.ONSITE:  # not status rows, others' reports
                entry["last"] = day
                entry["armed"] = armed
        open_sites = set(
            Incident.objects.filter(site_id__in=chunk, state__in=Incident.OPEN_STATES).values_list(
                "site_id", flat=True
            )
        )
        summary = ("last_visit_on", "qualification", "qualified_on", "flagged")
        for site in Site.objects.filter(pk__in=chunk):
            before = [getattr(site, n) for n in summary]
            entry = state.get(site.pk, {})
            site.last_visit_on = entry.get("last")
            if "qualification" in entry:
                site.qualification = entry["qualification"]
                site.qualified_on = entry["qualified_on"]
            site.flagged = (
                site.qualification == Site.Qualification.RED
                or entry.get("armed") is True
                or site.pk in open_sites
            )
            if [getattr(site, n) for n in summary] != before:
                changed.append(site)
    _update(Site, changed, ["last_visit_on", "qualification", "qualified_on", "flagged"])


def refresh_sites(site_ids: Iterable[int]) -> None:
    """Recompute the summaries of sites after a change that is not an import."""
    _summarise(site_ids)
