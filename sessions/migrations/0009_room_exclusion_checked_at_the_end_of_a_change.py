"""The rooms' exclusion constraint checked at the end of a change, not after each row: a change
that swaps two published sessions' rooms (one statement of a spreadsheet import) passes through
a moment where both are in one room. sessions.services checks it before the change ends
(SET CONSTRAINTS … IMMEDIATE), so that a refusal is a message, not an error at commit."""

from django.db import migrations

NAME = "published_sessions_never_share_a_room"
EXCLUDE = (
    "EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
    "WHERE (status = 'published' AND room_id IS NOT NULL)"
)


def replace(deferrable):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE program_session DROP CONSTRAINT {NAME}")
        schema_editor.execute(
            f"ALTER TABLE program_session ADD CONSTRAINT {NAME} {EXCLUDE}"
            + (" DEFERRABLE INITIALLY DEFERRED" if deferrable else "")
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("program", "0008_release")]

    operations = [migrations.RunPython(replace(deferrable=True), replace(deferrable=False))]
