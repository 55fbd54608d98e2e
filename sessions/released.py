"""The released program: what attendees, feeds and apps read.

Organizers and chairs edit the working program (Session, PanelMembership). Attendees see an
edition's program in force: its latest release that was not withdrawn, held as copies of the
released sessions (PublicSession, PublicSeat), one per session, with the session's own id. Every
public page, feed and export reads the copies through `sessions()` and `seats()` below, so the
page cache (keyed on the program version, which only copies and releases bump) is untouched by
an edit until the next release.

- A release (sessions.services.program_release) reads the edition's working program in one
  consistent state (`consistent_read`) into a snapshot (sessions.releases.program_snapshot),
  stores it with the release, and replaces the edition's copies from it (`put_in_force`), all
  in one transaction: attendees switch from one program to the next at once.
- Withdrawing the latest release puts the snapshot of the release before back in force.
- An edition that publishes each change at once (Conference.publishes_at_once) has its copies
  kept equal to its working program on every write (`mirror`, connected in sessions.apps).
- Signed-in staff previewing the site read the working program instead (`working_program()`,
  set per request by niic.middleware.ProgramPreview); their pages are never cached.

Why copies rather than snapshots read by the pages or history as of a release's time: the pages
keep their queries (the same querysets, on a table of the same shape), a release costs one
delete and a few bulk inserts, and the storage of the copies does not grow with the number of
releases (each release keeps its own snapshot, the size of its program)."""

import datetime
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, models, transaction

from tracks.models import Conference
from tracks.signals import program_changed

from .models import PanelMembership, PublicSeat, PublicSession, Release, Session
from .states import PUBLIC_STATUSES

_reading_working = ContextVar("reading_the_working_program", default=False)

# The many-to-many fields a copy carries, as named on both models.
RELATIONS = ("topics", "languages", "interpretation_languages")


# Which program a public read sees


def previewing():
    """Whether this request reads the working program (a staff member's preview)."""
    return _reading_working.get()


@contextmanager
def working_program():
    """Public reads within see the working program, as organizers have it now."""
    token = _reading_working.set(True)
    try:
        yield
    finally:
        _reading_working.reset(token)


def session_model():
    return Session if previewing() else PublicSession


def seat_model():
    return PanelMembership if previewing() else PublicSeat


def sessions():
    """The manager public pages read sessions from."""
    return session_model().objects


def seats():
    """Panel seats of public sessions, in the program public pages read."""
    return seat_model().objects.filter(session__status__in=PUBLIC_STATUSES)


def speaker_seats_lookup():
    """The name of a speaker's seats in that program, for lookups from Speaker and
    Organization (Speaker.objects.filter(<name>__session__…))."""
    return "panel_memberships" if previewing() else "public_seats"


def sessions_lookup():
    """The name of an edition's, track's, topic's or room's sessions in that program."""
    return "sessions" if previewing() else "public_sessions"


# What a release copies


def _copied_columns():
    return [field.attname for field in PublicSession._meta.concrete_fields]


def _as_json(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def copies_of(working_sessions):
    """{session id (str): what its copy holds} for the sessions of the working-program queryset
    `working_sessions` (public ones only), in five queries: its columns (JSON values), its
    topics and languages, and its panel."""
    columns = _copied_columns()
    found = {
        str(row["id"]): {
            "row": {column: _as_json(row[column]) for column in columns},
            **{name: [] for name in RELATIONS},
            "seats": [],
        }
        for row in working_sessions.public().order_by().values(*columns)
    }
    for copy in found.values():
        # A session copied by the save that creates it, before its public id is written:
        # the public id it is about to get (sessions.identity).
        if copy["row"]["public_id"] is None:
            copy["row"]["public_id"] = copy["row"]["id"]
    ids = [int(key) for key in found]
    for name in RELATIONS:
        through = getattr(Session, name).through
        target = getattr(Session, name).field.m2m_reverse_field_name()
        for session_id, target_id in (
            through.objects.filter(session_id__in=ids)
            .order_by("pk")
            .values_list("session_id", f"{target}_id")
        ):
            found[str(session_id)][name].append(target_id)
    for session_id, speaker_id, role, order in (
        PanelMembership.objects.filter(session_id__in=ids)
        .order_by("session_id", "order", "pk")
        .values_list("session_id", "speaker_id", "role", "order")
    ):
        found[str(session_id)]["seats"].append([speaker_id, role, order])
    return found


def _insert(copies):
    """Create the copies ({session id: what copies_of gives}) in a few bulk inserts."""
    fields = {field.attname: field for field in PublicSession._meta.concrete_fields}
    PublicSession.objects.bulk_create(
        PublicSession(
            **{
                column: fields[column].to_python(value)
                for column, value in copy["row"].items()
                if column in fields
            }
        )
        for copy in copies.values()
    )
    for name in RELATIONS:
        through = getattr(PublicSession, name).through
        source = getattr(PublicSession, name).field.m2m_field_name()
        target = getattr(PublicSession, name).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{f"{source}_id": int(key), f"{target}_id": target_id})
            for key, copy in copies.items()
            for target_id in copy[name]
        )
    PublicSeat.objects.bulk_create(
        PublicSeat(session_id=int(key), speaker_id=speaker_id, role=role, order=order)
        for key, copy in copies.items()
        for speaker_id, role, order in copy["seats"]
    )


def _delete_copies(copied_sessions):
    ids = list(copied_sessions.values_list("pk", flat=True))
    PublicSeat.objects.filter(session_id__in=ids).delete()
    for name in RELATIONS:
        through = getattr(PublicSession, name).through
        through.objects.filter(
            **{f"{getattr(PublicSession, name).field.m2m_field_name()}_id__in": ids}
        ).delete()
    PublicSession.objects.filter(pk__in=ids).delete()


def put_in_force(conference, copies):
    """Make `copies` (a release's snapshot, or copies_of the working program) the edition's
    public program, replacing the one before; in the caller's transaction."""
    with transaction.atomic():
        _delete_copies(PublicSession.objects.filter(conference=conference))
        _insert({key: entry for key, entry in copies.items() if "row" in entry})
        program_changed.send(sender=PublicSession)


def can_be_put_back(snapshot):
    """Whether a release's snapshot holds full copies (releases made before copies existed
    held only what the change log compares)."""
    return all("row" in entry for entry in snapshot.values())


@contextmanager
def consistent_read():
    """A transaction whose reads all see one moment of the database, edits committed while it
    runs being wholly in or wholly out, and in which one release or withdrawal at a time runs.

    On PostgreSQL: REPEATABLE READ, and the releases table locked against other releases
    before the first read (a lock taken by a read would come after the snapshot it fixes). On
    SQLite every transaction is already one moment: it begins by taking the database's write
    lock (settings: transaction_mode IMMEDIATE). Inside a transaction opened before (a test's),
    that transaction's isolation holds: it cannot be changed after its first query."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            releases_table = connection.ops.quote_name(Release._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(f"LOCK TABLE {releases_table} IN SHARE ROW EXCLUSIVE MODE")
        yield


# Editions that publish each change at once


def mirror(session_ids):
    """Bring the copies of these sessions (of editions that publish each change at once) to
    their working state: public ones copied anew, others (and deleted ones) removed."""
    at_once = Session.objects.filter(pk__in=session_ids, conference__publishes_at_once=True)
    copied = PublicSession.objects.filter(pk__in=session_ids, conference__publishes_at_once=True)
    ids = set(at_once.values_list("pk", flat=True)) | set(copied.values_list("pk", flat=True))
    if not ids:
        return
    with transaction.atomic():
        _delete_copies(PublicSession.objects.filter(pk__in=ids))
        _insert(copies_of(Session.objects.filter(pk__in=ids)))
        program_changed.send(sender=PublicSession)


def mirror_editions():
    """Every edition that publishes each change at once, copied anew (after a bulk write)."""
    for conference in Conference.objects.filter(publishes_at_once=True):
        put_in_force(conference, copies_of(Session.objects.filter(conference=conference)))


# Pending changes


def pending(conference):
    """{session id: "new" | "changed" | "removed"}: where the working program differs from
    what attendees see. Two queries."""
    working = dict(
        Session.objects.public().for_edition(conference).order_by().values_list("pk", "version")
    )
    released = dict(
        PublicSession.objects.filter(conference=conference).order_by().values_list("pk", "version")
    )
    differs = {}
    for pk, version in working.items():
        if pk not in released:
            differs[pk] = "new"
        elif released[pk] != version:
            differs[pk] = "changed"
    for pk in released.keys() - working.keys():
        differs[pk] = "removed"
    return differs


def released_versions():
    """A subquery: the version of a working session's copy (None: not released), for
    Session.objects.annotate(released_version=released_versions())."""
    return models.Subquery(
        PublicSession.objects.filter(pk=models.OuterRef("pk")).order_by().values("version")[:1]
    )


# The models whose writes the program version does not follow row by row: the working
# program's sessions and seats (no public page reads them) and the copies (written in bulk,
# after which program_changed is sent).
VERSION_NOT_FOLLOWED_ROW_BY_ROW = (Session, PanelMembership, PublicSession, PublicSeat)
