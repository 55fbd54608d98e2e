"""A spreadsheet of sessions, the whole file at once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from speakers.models import Speaker
from speakers.spreadsheets import same_value
from tracks.signals import program_changed

from .. import rules, texts
from ..models import PanelMembership, Session
from .history import REASON_IMPORTED, Seat, _bulk_history, snapshot_of
from .locks import SAVED_MEANWHILE, check_rooms_now, lock_schedule
from .rights import NOT_YOUR_TRACK, may_edit


def sessions_import(*, user, rows, dry_run=False):
    """Apply the rows of a spreadsheet (sessions.importing.read_rows): the user's rights and
    every rule are checked for each row against the program as it would be with the whole file
    applied (so two rows may swap rooms), and the file is written in bulk, in one transaction,
    only if no row has an error; each row's errors are added to it, by column. The same few
    queries whatever the number of rows. Returns the rows that are not blank."""
    rows = [row for row in rows if not row.blank]
    with transaction.atomic():
        ready = [row for row in rows if row.session is not None and not row.errors]
        _check_rights(user, ready)
        published = [row for row in ready if row.session.status == Session.Status.PUBLISHED]
        lock_schedule(
            room_ids=[row.session.room_id for row in published],
            speaker_ids=[seat.speaker.pk for row in published for seat in row.related.panel or []],
        )
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
                    _write_rows(user, [row for row in ready if row.action in ("new", "update")])
                    check_rooms_now()
            except IntegrityError:
                # Only the database's own backstop gets here: the rules passed under the locks.
                for row in ready:
                    row.add_error("room", SAVED_MEANWHILE)
                transaction.set_rollback(True)
        else:
            transaction.set_rollback(True)
    return rows


def _check_rights(user, rows):
    for row in rows:
        if (row.original is not None and not may_edit(user, row.original)) or not may_edit(
            user, row.session
        ):
            row.add_error("track", NOT_YOUR_TRACK)


def _speaker_ids(row):
    if row.related.panel is not None:
        return [seat.speaker.pk for seat in row.related.panel if seat.speaker.pk]
    if row.original is None:
        return []
    return [seat.speaker_id for seat in row.original.panel.all()]


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
            topics = list(row.original.topics.all())
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
            names[seat.speaker.pk] = seat.speaker.name
        if row.related.panel is None and row.original is not None:
            for seat in row.original.panel.all():
                names[seat.speaker_id] = seat.speaker.name

    def speaker_ids_of(session):
        row = row_of.get(id(session))
        return _speaker_ids(row) if row else seats.get(session.pk, [])

    everything = [row.session for row in published_rows if row.session.starts_at] + stored
    for first, second, speaker_id in rules.clashes_among(everything, speaker_ids_of):
        first_row, second_row = row_of.get(id(first)), row_of.get(id(second))
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
            speaker = Speaker(pk=speaker_id, name=names.get(speaker_id, ""))
            error = rules.speaker_taken(speaker, other)
            row.add_error("panel", error.message % error.params)


# Fields a spreadsheet row may change.
ROW_FIELDS = [
    *texts.in_every_language("title"), "slug", "track", "format",
    *texts.in_every_language("description"), "starts_at", "ends_at", "room", "status",
    "has_cart", "has_asl",
]  # fmt: skip


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
        "topics": differs(related.topics, original.topics.all()),
        "languages": differs(related.languages, original.languages.all()),
        "interpretation": differs(related.interpretation, original.interpretation_languages.all()),
        "panel": _panel_differs(related.panel, original),
    }


def _panel_differs(seats, original):
    """Whether the file's panel (None: left as it is) differs from the stored one. A speaker the
    file adds has no id yet, so cannot be sorted with the others: the panel changes."""
    if seats is None:
        return False
    if any(seat.speaker.pk is None for seat in seats):
        return True
    wanted = sorted((seat.speaker.pk, seat.role) for seat in seats)
    return wanted != sorted((seat.speaker_id, seat.role) for seat in original.panel.all())


def _write_rows(user, changed):
    """Bulk writes, which send no model signals: program_changed says that the public program
    changed (the site's caches listen)."""
    now = timezone.now()
    _create_speakers([speaker for row in changed for speaker in row.new_speakers])
    new = [row.session for row in changed if row.original is None]
    for session in new:
        session.created_at = session.updated_at = now
        session.version = 1
    Session.objects.bulk_create(new)
    updated = [row.session for row in changed if row.original is not None]
    for session in updated:
        session.version += 1
        session.updated_at = now
    Session.objects.bulk_update(updated, [*ROW_FIELDS, "version", "updated_at"], batch_size=500)
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
    original, related = row.original, row.related

    def current(relation):
        return list(getattr(original, relation).all()) if original is not None else []

    seats = related.panel
    if seats is None:
        seats = (
            [
                Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
                for seat in original.panel.all()
            ]
            if original is not None
            else []
        )
    return snapshot_of(
        topics=related.topics if related.topics is not None else current("topics"),
        languages=related.languages if related.languages is not None else current("languages"),
        interpretation=related.interpretation
        if related.interpretation is not None
        else current("interpretation_languages"),
        seats=seats,
    )
