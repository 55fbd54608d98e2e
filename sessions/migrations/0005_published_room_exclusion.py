"""On PostgreSQL, the database itself refuses two published sessions in one room at overlapping
times: the backstop of the advisory locks that sessions.services takes when publishing. SQLite
has a single writer, which serializes the same changes, and no exclusion constraints."""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE program_session ADD CONSTRAINT published_sessions_never_share_a_room
        EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
        WHERE (status = 'published' AND room_id IS NOT NULL)""",
]
DROP = ["ALTER TABLE program_session DROP CONSTRAINT published_sessions_never_share_a_room"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("program", "0004_session_cancellation_note_history_snapshot")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
