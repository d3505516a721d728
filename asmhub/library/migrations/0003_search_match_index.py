"""Covering indexes for a search's matches and their facets (SQLite).

search.SQLiteEngine joins every FTS5 match to its document for the kind, resource, fact
and story, then reads the type, year and language of the matching resources that the
user may see: through these indexes it reads a few megabytes instead of the documents'
and resources' text. PostgreSQL does not need them (its search reads the documents'
vector index and counts facets with the ORM).

Like the triggers of 0002, these indexes are not known to Django's model state: a later
migration that rebuilds library_searchdocument or library_resource on SQLite must create
them again.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE INDEX IF NOT EXISTS library_searchdocument_match "
    "ON library_searchdocument (id, kind, resource_id, fact_id, story_id)",
    "CREATE INDEX IF NOT EXISTS library_resource_facets "
    "ON library_resource (status, id, resource_type, year, language, owner_organization_id)",
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS library_resource_facets",
    "DROP INDEX IF EXISTS library_searchdocument_match",
]


def _run(statements: list[str]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(_run(SQLITE_FORWARD), _run(SQLITE_BACKWARD))]
