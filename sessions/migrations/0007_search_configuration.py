"""Accent-insensitive full-text search on PostgreSQL: the `unaccent` extension and a text search
configuration, `niic_search`, that folds accents before English stemming (niic/search.py).
Does nothing on other databases: SQLite folds through a function registered per connection
(sessions.queries.Fold)."""

from django.db import migrations

CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS unaccent;"
CREATE_CONFIGURATION = """
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_ts_config
        WHERE cfgname = 'niic_search' AND cfgnamespace = current_schema()::regnamespace
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION niic_search (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION niic_search
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS niic_search;"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_EXTENSION)
        schema_editor.execute(CREATE_CONFIGURATION)


def drop_configuration(apps, schema_editor):
    # The extension stays: other databases objects may use it, and it is harmless.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0006_control_characters"),
    ]

    operations = [
        migrations.RunPython(create_configuration, drop_configuration, elidable=False),
    ]
