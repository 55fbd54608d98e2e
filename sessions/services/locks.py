"""Locks that serialize changes touching the same rooms and speakers (see the package's
docstring)."""

from django.db import connection
from django.utils.translation import gettext_lazy as _

SAVED_MEANWHILE = _(
    "Someone else changed the program at the same moment, and this change would now break a "
    "rule. Nothing was saved; reload and try again."
)

ROOM_CONSTRAINT = "published_sessions_never_share_a_room"
# Advisory lock keys: a kind in the high bits, the row's id in the low ones.
ROOM_LOCK = 1 << 48
SPEAKER_LOCK = 2 << 48


def lock_schedule(*, room_ids=(), speaker_ids=()):
    """Serialize changes touching these rooms and speakers until this transaction ends."""
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction already holds the only write lock
    keys = sorted(
        {ROOM_LOCK + pk for pk in room_ids if pk} | {SPEAKER_LOCK + pk for pk in speaker_ids if pk}
    )
    if not keys:
        return
    with connection.cursor() as cursor:
        # One statement for any number of locks, taken in the order of their keys, so that two
        # changes never each hold a lock the other waits for.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(key))"
            " FROM (SELECT unnest(%s::bigint[]) AS key ORDER BY 1) AS keys",
            [keys],
        )


def check_rooms_now():
    """On PostgreSQL, check the rooms' exclusion constraint (deferred to the end of the
    transaction, see migration program.0009) at once, inside the caller's savepoint, so that a
    publish that raced another is refused here rather than when the transaction commits."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {ROOM_CONSTRAINT} IMMEDIATE")
        cursor.execute(f"SET CONSTRAINTS {ROOM_CONSTRAINT} DEFERRED")


# What a session holds beyond its row
