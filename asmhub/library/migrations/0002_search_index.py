"""The full-text index of SearchDocument, in the form each database offers.

SQLite: an FTS5 table with external content (the SearchDocument table) kept in
step by triggers; diacritics are folded, so "cassiterite" finds "cassitérite".
PostgreSQL: a GIN index on the weighted tsvector that search.py queries.

On SQLite, a later migration that alters library_searchdocument rebuilds the table
and drops these triggers: such a migration must run SQLITE_FORWARD's triggers again.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE library_search_fts USING fts5(
        title, heading, body,
        content='library_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER library_search_ai AFTER INSERT ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(rowid, title, heading, body)
        VALUES (new.id, new.title, new.heading, new.body);
    END""",
    """CREATE TRIGGER library_search_ad AFTER DELETE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, heading, body)
        VALUES ('delete', old.id, old.title, old.heading, old.body);
    END""",
    """CREATE TRIGGER library_search_au AFTER UPDATE ON library_searchdocument BEGIN
        INSERT INTO library_search_fts(library_search_fts, rowid, title, heading, body)
        VALUES ('delete', old.id, old.title, old.heading, old.body);
        INSERT INTO library_search_fts(rowid, title, heading, body)
        VALUES (new.id, new.title, new.heading, new.body);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS library_search_au",
    "DROP TRIGGER IF EXISTS library_search_ad",
    "DROP TRIGGER IF EXISTS library_search_ai",
    "DROP TABLE IF EXISTS library_search_fts",
]
POSTGRES_FORWARD = [
    """CREATE INDEX library_searchdocument_fts ON library_searchdocument USING GIN ((
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(heading, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(body, '')), 'C')
    ))""",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS library_searchdocument_fts"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
