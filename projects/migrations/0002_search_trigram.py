"""Trigram indexes for the queue's text search, on PostgreSQL only.

Django's icontains is UPPER(col) LIKE UPPER('%q%'): the indexes are on those expressions.
They are not in the models' Meta (SQLite has no GIN), so the migration state stays unchanged.
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
    dependencies = [("projects", "0001_initial"), ("accounts", "0001_initial")]

    operations = [
        PostgresOnlySQL(
            [
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX perf_form_name_trgm ON projects_performanceform "
                "USING gin ((UPPER(project_name::text)) gin_trgm_ops)",
                "CREATE INDEX org_name_trgm ON accounts_organization USING gin ((UPPER(name::text)) gin_trgm_ops)",
            ],
            [
                "DROP INDEX IF EXISTS perf_form_name_trgm",
                "DROP INDEX IF EXISTS org_name_trgm",
            ],
        )
    ]
