"""Write batches of prepared IATI activities in plain SQL, fast, on SQLite and PostgreSQL.

The ORM's ``bulk_create`` builds a model instance and compiles every field of every
row: for the twenty-odd rows of an activity (countries, sectors, participants, budgets,
transactions, SDG and lever-issue links) that was most of an import's time. Here each
statement is written once per import from the models' own table and column names, and
the rows are tuples whose values are already what the columns hold (codes, keys,
``Decimal``, ``date``, JSON text). SQLite gets multi-row ``INSERT``s, as many rows to a
statement as its parameter limit allows (the activities with ``ON CONFLICT DO
UPDATE``); PostgreSQL gets ``COPY``, and the activities, which must be updated when
they exist, go through a scratch table and one ``INSERT ... ON CONFLICT DO UPDATE``.
Everything runs in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import JSONField, Model
from django.utils import timezone

from asmhub.funding.iati_mapping import COLUMNS, Prepared
from asmhub.funding.iati_models import (
    Activity,
    ActivityCountry,
    ActivityParticipant,
    ActivitySector,
    Budget,
    Transaction,
)

FUNDING_ROLE = "1"
SQLITE_PARAMS = 999  # parameters in one statement, the least any SQLite build allows
STAGE = "funding_iati_stage"  # PostgreSQL: the scratch table, dropped at the transaction's end
CHILD_TABLES: dict[str, type[Model]] = {
    "countries": ActivityCountry,
    "sectors": ActivitySector,
    "participants": ActivityParticipant,
    "budgets": Budget,
    "transactions": Transaction,
}
LINKS: dict[str, tuple[Any, str]] = {
    "goals": (Activity.sdg_goals.through, "sdggoal"),
    "targets": (Activity.sdg_targets.through, "sdgtarget"),
    "issues": (Activity.lever_issues.through, "leverissue"),
}
# Every column of an activity but its key, identifier first, in the order of the rows.
ACTIVITY_FIELDS = [Activity._meta.get_field("iati_identifier")] + [
    f for f in Activity._meta.concrete_fields if not f.primary_key and f.name != "iati_identifier"
]


def _quote(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _table(model: Any) -> str:
    return _quote(model._meta.db_table)


def _column(model: Any, name: str) -> str:
    return _quote(model._meta.get_field(name).column)


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


class Writer:
    """The statements of one import, on the default database."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.json_fields = [f.name for f in ACTIVITY_FIELDS if isinstance(f, JSONField)]
        key = _column(Activity, "iati_identifier")
        self.ids_sql = (
            f"SELECT {key}, {_column(Activity, 'id')} FROM {_table(Activity)} WHERE {key} IN "  # noqa: S608
        )
        columns = [_quote(f.column) for f in ACTIVITY_FIELDS]
        names = ", ".join(columns)
        upsert = f"ON CONFLICT ({key}) DO UPDATE SET " + ", ".join(
            f"{c} = EXCLUDED.{c}" for c in columns[1:]
        )
        if self.postgres:
            self.stage_sql = (
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGE} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {names} FROM {_table(Activity)} WITH NO DATA"
            )
            self.upsert_sql = (
                f"INSERT INTO {_table(Activity)} ({names}) SELECT {names} FROM {STAGE} {upsert}"  # noqa: S608
            )
            self.activity_columns = columns
        else:
            self.upsert_head = f"INSERT INTO {_table(Activity)} ({names}) VALUES "  # noqa: S608
            self.upsert_tail = upsert
        self.inserts: dict[str, tuple[str, list[str]]] = {}
        for kind, model in CHILD_TABLES.items():
            self.inserts[kind] = (
                _table(model),
                [_column(model, "activity")] + [_column(model, c) for c in COLUMNS[kind]],
            )
        for kind, (through, target) in LINKS.items():
            self.inserts[kind] = (
                _table(through),
                [_column(through, "activity"), _column(through, target)],
            )
        self.delete_sql = [
            f"DELETE FROM {table} WHERE {columns[0]} IN "  # noqa: S608
            for table, columns in self.inserts.values()
        ]
        participant = ActivityParticipant
        self.reporters_sql = (
            f"SELECT {_column(Activity, 'reporting_org')} FROM {_table(Activity)} "  # noqa: S608
            f"WHERE {_column(Activity, 'reporting_org')} IS NOT NULL AND {_column(Activity, 'id')} IN "
        )
        self.funders_sql = (
            f"SELECT {_column(participant, 'organization')} FROM {_table(participant)} "  # noqa: S608
            f"WHERE {_column(participant, 'organization')} IS NOT NULL "
            f"AND {_column(participant, 'role')} = %s AND {_column(participant, 'activity')} IN "
        )

    def existing(self, identifiers: Sequence[str]) -> dict[str, int]:
        """The primary keys of the activities already in the database, by identifier."""
        with connection.cursor() as cursor:
            cursor.execute(f"{self.ids_sql}({_marks(len(identifiers))})", list(identifiers))
            return {identifier: pk for identifier, pk in cursor.fetchall()}

    def write(self, batch: list[Prepared], existing: dict[str, int]) -> set[int]:
        """Write the batch; return the donors its existing activities counted for before."""
        donors: set[int] = set()
        old = list(existing.values())
        with connection.cursor() as cursor:
            if old:
                marks = f"({_marks(len(old))})"
                cursor.execute(self.reporters_sql + marks, old)
                donors |= {row[0] for row in cursor.fetchall()}
                cursor.execute(self.funders_sql + marks, [FUNDING_ROLE, *old])
                donors |= {row[0] for row in cursor.fetchall()}
                for sql in self.delete_sql:
                    cursor.execute(sql + marks, old)
        self._upsert(batch)
        identifiers = [p.row["iati_identifier"] for p in batch]
        ids = dict(existing)
        new = [i for i in identifiers if i not in ids]
        if new:
            ids.update(self.existing(new))
        for p in batch:
            p.pk = ids[p.row["iati_identifier"]]
        for kind in CHILD_TABLES:
            self._insert(kind, [(p.pk, *row) for p in batch for row in getattr(p, kind)])
        for kind in LINKS:
            self._insert(kind, [(p.pk, key) for p in batch for key in getattr(p, kind)])
        return donors

    def _upsert(self, batch: list[Prepared]) -> None:
        imported_at = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = []
        for p in batch:
            values = dict(p.row, imported_at=imported_at)
            for name in self.json_fields:
                values[name] = json.dumps(values[name])
            rows.append(tuple(values[f.name] for f in ACTIVITY_FIELDS))
        with connection.cursor() as cursor:
            if not self.postgres:
                self._values(cursor, self.upsert_head, rows, self.upsert_tail)
                return
            cursor.execute(self.stage_sql)
            cursor.execute(f"TRUNCATE {STAGE}")
            self._copy(cursor, STAGE, self.activity_columns, rows)
            cursor.execute(self.upsert_sql)

    def _insert(self, kind: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        table, columns = self.inserts[kind]
        with connection.cursor() as cursor:
            if self.postgres:
                self._copy(cursor, table, columns, rows)
            else:
                head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608
                self._values(cursor, head, rows)

    @staticmethod
    def _values(cursor: Any, head: str, rows: list[tuple[Any, ...]], tail: str = "") -> None:
        """SQLite: as many rows to a statement as its parameters allow.

        One statement per row would hand the interpreter lock back and forth with the
        thread that parses, once per row; this does it once per statement.
        """
        width = len(rows[0])
        per = (connection.features.max_query_params or SQLITE_PARAMS) // width
        mark = f"({_marks(width)})"
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            values = ", ".join([mark] * len(chunk))
            cursor.execute(f"{head}{values} {tail}", [v for row in chunk for v in row])

    @staticmethod
    def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
