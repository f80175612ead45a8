"""Trigram indexes for the library typeahead, on PostgreSQL only.

The typeahead filters `search_name LIKE '%q%'` and `initials LIKE '%q%'` (both columns are stored
lower case, so no UPPER() is needed): a GIN trigram index on each serves them for queries of three
characters and more. Not in the models' Meta (SQLite has no GIN): the migration state is unchanged.
"""

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_library")]

    operations = [
        PostgresOnlySQL(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX library_search_name_trgm ON indicators_libraryentry USING gin (search_name gin_trgm_ops)",
                "CREATE INDEX library_initials_trgm ON indicators_libraryentry USING gin (initials gin_trgm_ops)",
            ],
            ["DROP INDEX IF EXISTS library_search_name_trgm", "DROP INDEX IF EXISTS library_initials_trgm"],
        )
    ]
