"""A spreadsheet of sessions, the whole file at once."""

from functools import partial

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from speakers.models import Speaker
from speakers.spreadsheets import same_value
from tracks.signals import program_changed

from .. import identity, rules, texts
from ..models import PanelMembership, Session
from .history import REASON_EDITED, REASON_IMPORTED, Related, _bulk_history, snapshot_of
from .locks import SAVED_MEANWHILE, check_rooms_now, lock_schedule
from .rights import NOT_YOUR_TRACK, may_edit

CHANGED_SINCE_PREVIEW = gettext_lazy(
    "“%(session)s” was changed by %(who)s (%(reason)s) after this file was checked. Nothing was "
    "imported: upload the file again to check it against the program as it is now."
)
SESSION_DELETED = gettext_lazy(
    "“%(session)s” was deleted after this file was checked. Nothing was imported: upload the "
    "file again to check it against the program as it is now."
)


def sessions_import(*, user, rows, dry_run=False, versions=None):
    """Apply the rows of a spreadsheet (sessions.importing.read_rows): the user's rights and
    every rule are checked for each row against the program as it would be with the whole file
    applied (so two rows may swap rooms), and the file is written in bulk, in one transaction,
    only if no row has an error; each row's errors are added to it, by column. The same few
    queries whatever the number of rows. Returns the rows that are not blank.

    Writing, the import holds what a form holds: it takes the locks of a publish for every room
    and speaker its rows touch (a row without a panel column touches its session's panel as
    stored), refuses a row whose session was saved since `versions` ({session id: version}, as
    the preview read them; else as `rows` were read), naming who saved it, and writes only the
    columns the file has."""
    rows = [row for row in rows if not row.blank]
    with transaction.atomic():
        ready = [row for row in rows if row.session is not None and not row.errors]
        _check_rights(user, ready)
        if not dry_run:
            _lock(ready)
            _check_versions(ready, versions)
        _check_rows(ready)
        _check_clashes(ready)
        for row in rows:
            valid = row.session is not None and not row.errors
            row.settle(
                subject=row.session,
                is_new=row.original is None,
                changes=_changes(row) if valid else {},
            )
        refused = any(row.errors for row in rows)
        if not (refused or dry_run):
            try:
                with transaction.atomic():
                    _write_rows(
                        user,
                        [row for row in ready if row.action in ("new", "update")],
                        _fields_of(rows),
                    )
                    check_rooms_now()
            except IntegrityError:
                # Only the database's own backstop gets here: the rules passed under the locks.
                for row in ready:
                    row.add_error("room", SAVED_MEANWHILE)
                transaction.set_rollback(True)
        else:
            transaction.set_rollback(True)
    return rows


def _lock(rows):
    """The locks a publish takes (services.locks), for every room and speaker the rows touch:
    the rooms they leave and take, the speakers of their panels as stored and as the file has
    them. Then each stored session the rows change, in the order of their ids, so that a form
    or a board move saving one meanwhile waits for this import to end (and is then refused as
    stale), or this import waits for it (and sees its new version)."""
    stored = [row.session.pk for row in rows if row.original is not None]
    seated = PanelMembership.objects.filter(session__in=stored).values_list("speaker_id", flat=True)
    lock_schedule(
        room_ids=[
            room_id
            for row in rows
            for room_id in (row.session.room_id, row.original and row.original.room_id)
        ],
        speaker_ids=[
            *seated,
            *(seat.speaker.pk for row in rows for seat in row.related.panel or []),
        ],
    )


def _check_versions(rows, versions):
    """A row whose session was saved since it was read (at the preview, if `versions` says) is
    refused, with who saved it and why, from the session's history."""
    existing = {row.session.pk: row for row in rows if row.original is not None}
    current = dict(
        Session.objects.select_for_update()
        .filter(pk__in=list(existing))
        .order_by("pk")
        .values_list("pk", "version")
    )
    stale = {
        pk: row
        for pk, row in existing.items()
        if current.get(pk) != (row.original.version if versions is None else versions.get(pk))
    }
    if not stale:
        return
    latest = {}
    for record in (
        Session.history.filter(id__in=list(stale))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    ):
        latest.setdefault(record.id, record)
    for pk, row in stale.items():
        record = latest.get(pk)
        if pk not in current:
            row.add_error("slug", SESSION_DELETED % {"session": row.original})
            continue
        who = record.history_user if record else None
        row.add_error(
            "slug",
            CHANGED_SINCE_PREVIEW
            % {
                "session": row.original,
                "who": (who.get_full_name() or who.get_username()) if who else _("someone"),
                "reason": _(record.history_change_reason)
                if record and record.history_change_reason
                else str(REASON_EDITED),
            },
        )


def _check_rights(user, rows):
    for row in rows:
        if (row.original is not None and not may_edit(user, row.original)) or not may_edit(
            user, row.session
        ):
            row.add_error("track", NOT_YOUR_TRACK)


def speaker_key(speaker):
    """A speaker's id, or for one the file adds (no id yet), a key of its own: the same new
    person on two rows at once is a clash too."""
    return speaker.pk if speaker.pk is not None else ("new", id(speaker))


def _speaker_ids(row):
    if row.related.panel is not None:
        return [speaker_key(seat.speaker) for seat in row.related.panel]
    if row.original is None:
        return []
    return [seat.speaker.pk for seat in row.stored.panel]


def _check_rows(rows):
    """The rules a row keeps on its own: its fields, its days and edition, its topics, its
    status change, and a slug its edition has once."""
    taken = {}
    for conference_id, slug, pk in Session.objects.filter(
        conference__in={row.session.conference_id for row in rows}
    ).values_list("conference_id", "slug", "pk"):
        taken[(conference_id, slug)] = pk
    for row in rows:
        session = row.session
        try:
            session.clean_fields(
                exclude=["conference", "track", "room", *texts.translated_fields(Session)]
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    row.add_error(name, message)
        for name, errors in rules.own_errors(session).items():
            column = {"starts_at": "day"}.get(name, name)
            for error in errors:
                row.add_error(column, error.message % error.params)
        topics = row.related.topics
        if topics is None and row.original is not None:
            topics = list(row.stored.topics)
        strays = rules.stray_topics(topics or [], session.track)
        if strays:
            error = rules.topics_error(strays, session.track)
            row.add_error("topics", error.message % error.params)
        for errors in rules.status_change_errors(
            row.original.status if row.original else None, session.status
        ).values():
            for error in errors:
                row.add_error("status", error.message)
        owner = taken.get((session.conference_id, session.slug))
        if owner is not None and owner != session.pk:
            row.add_error("slug", Session._meta.constraints[1].violation_error_message)
        for speaker in row.new_speakers:
            try:
                speaker.clean_fields(exclude=["slug", "organization", "photo"])
            except ValidationError as error:
                for message in error.messages:
                    row.add_error("panel", f"{speaker.name}: {message}")


def _check_clashes(rows):
    """Room and speaker clashes of the published sessions, the file's and the program's."""
    in_file = {row.session.pk: row for row in rows if row.session.pk}
    published_rows = [row for row in rows if row.session.status == Session.Status.PUBLISHED]
    editions = {row.session.conference_id for row in published_rows}
    if not editions:
        return
    stored = list(
        Session.objects.published()
        .filter(conference__in=editions)
        .exclude(pk__in=list(in_file))
        .select_related("conference", "room")
    )
    seats = {}
    names = {}
    for session_id, speaker_id, name in PanelMembership.objects.filter(
        session__in=[session.pk for session in stored]
    ).values_list("session_id", "speaker_id", "speaker__name"):
        seats.setdefault(session_id, []).append(speaker_id)
        names[speaker_id] = name
    row_of = {id(row.session): row for row in published_rows}
    for row in published_rows:
        for seat in row.related.panel or []:
            names[speaker_key(seat.speaker)] = seat.speaker.name
        if row.related.panel is None and row.original is not None:
            for seat in row.stored.panel:
                names[seat.speaker.pk] = seat.speaker.name

    def speaker_ids_of(session):
        row = row_of.get(id(session))
        return _speaker_ids(row) if row else seats.get(session.pk, [])

    everything = [row.session for row in published_rows if row.session.starts_at] + stored
    for first, second, speaker_id in rules.clashes_among(everything, speaker_ids_of):
        first_row, second_row = row_of.get(id(first)), row_of.get(id(second))
        if first_row is None and second_row is None:
            continue  # two stored sessions: a clash already in the program, not the file's doing
        # The row to blame: the later of two rows of the file, or the one row in the file.
        if first_row and second_row:
            row, other = (
                (second_row, first) if second_row.number > first_row.number else (first_row, second)
            )
        else:
            row, other = (first_row, second) if first_row else (second_row, first)
        if speaker_id is None:
            error = rules.room_taken(row.session, other)
            row.add_error("room", error.message % error.params)
        else:
            speaker = Speaker(
                pk=speaker_id if isinstance(speaker_id, int) else None,
                name=names.get(speaker_id, ""),
            )
            error = rules.speaker_taken(speaker, other)
            row.add_error("panel", error.message % error.params)


# Fields a spreadsheet row may change.
ROW_FIELDS = [
    *texts.in_every_language("title"), "slug", "track", "format",
    *texts.in_every_language("description"), "starts_at", "ends_at", "room", "status",
    "has_cart", "has_asl",
]  # fmt: skip


# The fields each column writes; a file writes only the fields of its columns (the slug finds
# the session, and its edition is the session's own).
COLUMN_FIELDS = {
    **{column: [column] for column in texts.in_every_language("title")},
    **{column: [column] for column in texts.in_every_language("description")},
    "track": ["track"],
    "format": ["format"],
    "status": ["status"],
    "day": ["starts_at", "ends_at"],
    "start": ["starts_at", "ends_at"],
    "end": ["starts_at", "ends_at"],
    "room": ["room"],
    "cart": ["has_cart"],
    "asl": ["has_asl"],
}


def _fields_of(rows):
    columns = {column for row in rows for column in row.cells}
    return [name for name in ROW_FIELDS if any(name in COLUMN_FIELDS.get(c, ()) for c in columns)]


def _changes(row):
    """Which of a row's parts differ from the stored session: fields, and each related part."""
    session, original, related = row.session, row.original, row.related
    if original is None:
        return {
            "fields": True,
            "topics": True,
            "languages": True,
            "interpretation": True,
            "panel": True,
        }

    def differs(wanted, current):
        return wanted is not None and set(wanted) != set(current)

    return {
        "fields": any(
            not same_value(
                getattr(session, Session._meta.get_field(name).attname),
                getattr(original, Session._meta.get_field(name).attname),
            )
            for name in ROW_FIELDS
        ),
        "topics": differs(related.topics, row.stored.topics),
        "languages": differs(related.languages, row.stored.languages),
        "interpretation": differs(related.interpretation, row.stored.interpretation),
        "panel": _panel_differs(related.panel, row.stored.panel),
    }


def _panel_differs(seats, stored):
    """Whether the file's panel (None: left as it is) differs from the stored one. A speaker the
    file adds has no id yet, so cannot be sorted with the others: the panel changes."""
    if seats is None:
        return False
    if any(seat.speaker.pk is None for seat in seats):
        return True
    wanted = sorted((seat.speaker.pk, seat.role) for seat in seats)
    return wanted != sorted((seat.speaker.pk, seat.role) for seat in stored)


def _write_rows(user, changed, fields):
    """Bulk writes, which send no model signals: program_changed says that the public program
    changed (the site's caches listen). Stored sessions get only `fields` written."""
    now = timezone.now()
    _create_speakers([speaker for row in changed for speaker in row.new_speakers])
    new = [row.session for row in changed if row.original is None]
    for session in new:
        session.created_at = session.updated_at = now
        session.version = 1
    # A new row with a deleted session's guid or slug takes back its identity (and its id).
    identity.give_identities(new)
    Session.objects.bulk_create(new)
    updated = [row.session for row in changed if row.original is not None]
    for session in updated:
        session.version += 1
        session.updated_at = now
    _update(updated, [*fields, "version", "updated_at"])
    for relation, part in (
        ("topics", "topics"),
        ("languages", "languages"),
        ("interpretation_languages", "interpretation"),
    ):
        rewritten = [
            row for row in changed if getattr(row.related, part) is not None and row.changes[part]
        ]
        through = getattr(Session, relation).through
        target = getattr(Session, relation).field.m2m_reverse_field_name()
        through.objects.filter(session_id__in=[row.session.pk for row in rewritten]).delete()
        through.objects.bulk_create(
            through(session_id=row.session.pk, **{f"{target}_id": each.pk})
            for row in rewritten
            for each in getattr(row.related, part)
        )
    _write_panels(
        user,
        [row for row in changed if row.changes["panel"] and row.related.panel is not None],
        now,
    )
    _bulk_history(
        Session,
        [row.session for row in changed],
        user=user,
        reason=REASON_IMPORTED,
        when=now,
        kinds={id(row.session): "+" if row.original is None else "~" for row in changed},
        extra={id(row.session): {"related_snapshot": _row_snapshot(row)} for row in changed},
    )
    program_changed.send(sender=Session)


def _update(sessions, names):
    """UPDATE these fields of these sessions, one statement run for each: bulk_update's CASE
    expressions cost minutes for a few thousand rows, this a second."""
    if not sessions:
        return
    # The connection itself: `connection` is a proxy that looks it up again on each use.
    db = connections[DEFAULT_DB_ALIAS]
    fields = [Session._meta.get_field(name) for name in names]
    prepare = [(field.attname, partial(field.get_db_prep_save, connection=db)) for field in fields]
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Session._meta.db_table)} SET {assignments}"  # noqa: S608  (names, no input)
        f" WHERE {quote(Session._meta.pk.column)} = %s"
    )
    with db.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [
                    *(each(getattr(session, attname)) for attname, each in prepare),
                    session.pk,
                ]
                for session in sessions
            ],
        )


def _create_speakers(speakers):
    """Speakers a file names for the first time, with slugs of their names."""
    speakers = list({id(speaker): speaker for speaker in speakers}.values())
    if not speakers:
        return
    taken = set(Speaker.objects.values_list("slug", flat=True))
    for speaker in speakers:
        base = slugify(speaker.name)[:75].strip("-") or "speaker"
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        speaker.slug = slug
    Speaker.objects.bulk_create(speakers)


def _write_panels(user, rows, now):
    sessions = [row.session.pk for row in rows]
    old = list(PanelMembership.objects.filter(session__in=sessions))
    PanelMembership.objects.filter(pk__in=[seat.pk for seat in old]).delete()
    new = [
        PanelMembership(session=row.session, speaker=seat.speaker, role=seat.role, order=seat.order)
        for row in rows
        for seat in row.related.panel
    ]
    PanelMembership.objects.bulk_create(new)
    _bulk_history(PanelMembership, old, user=user, reason=REASON_IMPORTED, when=now, kinds="-")
    _bulk_history(PanelMembership, new, user=user, reason=REASON_IMPORTED, when=now, kinds="+")


def _row_snapshot(row):
    related, stored = (
        row.related,
        row.stored or Related(topics=[], languages=[], interpretation=[], panel=[]),
    )

    def wanted(part):
        value = getattr(related, part)
        return value if value is not None else getattr(stored, part)

    return snapshot_of(
        topics=wanted("topics"),
        languages=wanted("languages"),
        interpretation=wanted("interpretation"),
        seats=wanted("panel"),
    )
