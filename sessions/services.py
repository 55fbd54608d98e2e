"""Every change an organizer or a track chair makes to the program goes through here.

Each function takes the acting user (keyword-only), checks that user's right to what it changes
(a track chair acts only on the sessions of the tracks they chair, organizers on every one), runs
the scheduling rules of sessions.rules against the program as it stands, and writes in one
transaction. A refusal is a ValidationError (a rule; its messages name the other session) or a
PermissionDenied (a right); either way nothing is saved. The admin, its actions, its history
pages and the spreadsheet import only call these functions.

Publishing cannot race. On PostgreSQL a change that leaves a session published first takes a
transaction-scoped advisory lock for its room and for each of its speakers, in a fixed order, so
that two changes touching the same room or speaker run one after the other and the second one
checks the rules against what the first committed; an exclusion constraint on rooms backs this
up. On SQLite every transaction takes the database's single write lock as it begins
(settings.DATABASES, transaction_mode IMMEDIATE), which serializes the same changes.

Each change to a session saves it once, after its panel, topics and languages are in place, and
records them with that version in its history (Session.history, related_snapshot), so that
history shows and restores the whole session."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker
from tracks.models import Conference, Track
from tracks.signals import program_changed

from . import releases, rules, texts
from .models import Language, PanelMembership, Release, Session, StaleSessionError

# Reasons recorded in a session's history ("Change reason"), translated when shown.
REASON_EDITED = _("Edited")
REASON_ADDED = _("Added")
REASON_PUBLISHED = _("Published")
REASON_RETURNED_TO_DRAFT = _("Returned to draft")
REASON_CANCELLED = _("Cancelled")
REASON_DUPLICATED = _("Duplicated as a draft")
REASON_MOVED = _("Moved to another track")
REASON_RESTORED = _("Restored from an earlier version")
REASON_IMPORTED = _("Imported from a spreadsheet")
REASON_SPEAKERS_MERGED = _("Speakers merged")
REASON_PANEL_CHANGED = _("Panel changed")
REASON_MOVED_ON_BOARD = _("Moved on the schedule board")

NOT_YOUR_TRACK = _("You may change only the sessions of the tracks you chair.")
NO_TRACK_FOR_CHAIRS = _(
    "Choose one of the tracks you chair: only organizers handle sessions common to all tracks."
)
NOT_ALLOWED = _("You are not allowed to make this change.")
RELEASE_ORGANIZERS_ONLY = _("Only organizers may release the program.")
NOTHING_TO_RELEASE = _(
    "Nothing attendees can see has changed since “%(previous)s”: there is nothing to release."
)
NOTHING_PUBLISHED = _("This edition has no published session yet: there is nothing to release.")
SAVED_MEANWHILE = _(
    "Someone else changed the program at the same moment, and this change would now break a "
    "rule. Nothing was saved; reload and try again."
)

ROOM_CONSTRAINT = "published_sessions_never_share_a_room"
# Advisory lock keys: a kind in the high bits, the row's id in the low ones.
ROOM_LOCK = 1 << 48
SPEAKER_LOCK = 2 << 48


# Rights


def is_organizer(user):
    """Organizers (and superusers) act on every track; anyone else at most on the tracks they
    chair."""
    return user.is_active and user.has_perm("tracks.change_track")


def chaired_track_ids(user):
    if not hasattr(user, "_chaired_track_ids"):
        user._chaired_track_ids = set(user.chaired_tracks.values_list("pk", flat=True))
    return user._chaired_track_ids


def editable_sessions(user):
    """The sessions this user may open and change in the admin."""
    sessions = Session.objects.all()
    if is_organizer(user):
        return sessions
    return sessions.filter(track__chairs=user)


def may_edit(user, session):
    """May `user` change `session` (as it is stored now, or, for a new one, as it is)?"""
    if not (user.is_active and user.is_staff):
        return False
    permission = "program.change_session" if session.pk else "program.add_session"
    if not user.has_perm(permission):
        return False
    return is_organizer(user) or session.track_id in chaired_track_ids(user)


def may_see(user, session):
    """Public sessions are anyone's to see; a draft only its editors'."""
    return session.is_public or may_edit(user, session)


def require_rights(user, session, original):
    """The user may change the session as stored and may give it the track it will have."""
    if original is not None and not may_edit(user, original):
        raise PermissionDenied(NOT_YOUR_TRACK)
    if not may_edit(user, session):
        if session.track_id is None and not is_organizer(user):
            raise PermissionDenied(NO_TRACK_FOR_CHAIRS)
        raise PermissionDenied(
            NOT_YOUR_TRACK if user.has_perm("program.change_session") else NOT_ALLOWED
        )


# Locks


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


@dataclass(frozen=True)
class Seat:
    speaker: Speaker
    role: str = PanelMembership.Role.PANELIST
    order: int = 0


@dataclass
class Related:
    """The topics, languages and panel a session is saved with; None leaves that part as it is."""

    topics: list | None = None
    languages: list | None = None
    interpretation: list | None = None
    panel: list | None = None  # [Seat], in panel order

    def speaker_ids(self, session):
        if self.panel is not None:
            return [seat.speaker.pk for seat in self.panel]
        if session.pk is None:
            return []
        return list(session.panel.values_list("speaker_id", flat=True))

    def topics_for(self, session):
        if self.topics is not None:
            return list(self.topics)
        return list(session.topics.all()) if session.pk else []


def snapshot(session):
    """The session's topics, languages and panel as stored, for its history."""
    return snapshot_of(
        topics=session.topics.all(),
        languages=session.languages.all(),
        interpretation=session.interpretation_languages.all(),
        seats=[
            Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
            for seat in session.panel.select_related("speaker")
        ],
    )


def snapshot_of(*, topics, languages, interpretation, seats):
    """A history snapshot of these related values, as snapshot() records them."""

    def by_id(objects, label):
        return [[each.pk, getattr(each, label)] for each in sorted(objects, key=lambda o: o.pk)]

    in_panel_order = sorted(
        seats,
        key=lambda seat: (
            seat.role != PanelMembership.Role.MODERATOR,
            seat.order,
            seat.speaker.name,
        ),
    )
    return {
        "topics": by_id(topics, "name"),
        "languages": by_id(languages, "code"),
        "interpretation": by_id(interpretation, "code"),
        "panel": [
            {
                "speaker": seat.speaker.pk,
                "name": seat.speaker.name,
                "role": seat.role,
                "order": seat.order,
            }
            for seat in in_panel_order
        ],
    }


# The checks every change runs


def rule_errors(session, related, *, original):
    """{field: [ValidationError]} for `session` as it is about to be saved with `related`."""
    errors = rules.status_change_errors(original.status if original else None, session.status)
    try:
        session.full_clean(exclude=texts.translated_fields(Session))
    except ValidationError as error:
        rules.merge_errors(errors, error.error_dict)
    strays = rules.stray_topics(related.topics_for(session), session.track)
    if strays:
        errors.setdefault("topics", []).append(rules.topics_error(strays, session.track))
    if session.status == Session.Status.PUBLISHED and not errors.get("starts_at"):
        speaker_ids = related.speaker_ids(session)
        clashes = rules.clash_errors(session, speaker_ids=speaker_ids)
        clashes.pop("room", None)  # full_clean() has already reported the room
        rules.merge_errors(errors, clashes)
    return errors


def check_session(*, user, session, related=None):
    """The rights and rules check of session_save, without saving: for forms and imports that
    show every problem before anything is written. Raises like session_save."""
    related = related or Related()
    original = _stored(session)
    require_rights(user, session, original)
    errors = rule_errors(session, related, original=original)
    if errors:
        raise ValidationError(errors)


def _stored(session):
    if session.pk is None:
        return None
    return Session.objects.select_related("track").filter(pk=session.pk).first()


# Writing one session


def session_save(*, user, session, related=None, reason=None):
    """Create `session`, or save it as it now is, with its `related` topics, languages and panel
    (parts left None stay as they are). Returns the session."""
    related = related or Related()
    with transaction.atomic():
        original = _stored(session)
        if session.pk is not None and original is None:
            raise ValidationError(gettext("This session no longer exists."))
        require_rights(user, session, original)
        if session.status == Session.Status.PUBLISHED:
            lock_schedule(room_ids=[session.room_id], speaker_ids=related.speaker_ids(session))
        errors = rule_errors(session, related, original=original)
        if errors:
            raise ValidationError(errors)
        if reason is None:
            reason = REASON_ADDED if original is None else REASON_EDITED
        try:
            with transaction.atomic():
                _write(user, session, related, reason)
                check_rooms_now()
        except IntegrityError as error:
            # Only the database's own backstop (the rooms' exclusion constraint) gets here.
            raise ValidationError(SAVED_MEANWHILE) from error
    return session


def _write(user, session, related, reason):
    session._history_user = user
    session._change_reason = str(reason)
    session.save()
    if related.topics is not None:
        session.topics.set(related.topics)
    if related.languages is not None:
        session.languages.set(related.languages)
    if related.interpretation is not None:
        session.interpretation_languages.set(related.interpretation)
    if related.panel is not None:
        _write_panel(user, session, related.panel, reason)
    record = session.history.order_by("-history_date", "-history_id").first()
    record.related_snapshot = snapshot(session)
    record.save(update_fields=["related_snapshot"])


def _write_panel(user, session, panel, reason):
    current = {seat.speaker_id: seat for seat in session.panel.all()}
    wanted = {seat.speaker.pk for seat in panel}
    for speaker_id, seat in current.items():
        if speaker_id not in wanted:
            seat._history_user = user
            seat._change_reason = str(reason)
            seat.delete()
    for order, wanted_seat in enumerate(panel):
        seat = current.get(wanted_seat.speaker.pk) or PanelMembership(
            session=session, speaker=wanted_seat.speaker
        )
        order = wanted_seat.order if wanted_seat.order is not None else order
        if seat.pk and (seat.role, seat.order) == (wanted_seat.role, order):
            continue
        seat.role, seat.order = wanted_seat.role, order
        seat._history_user = user
        seat._change_reason = str(reason)
        seat.save()


def session_move(*, user, session, room, starts_at, ends_at):
    """Give `session` another room (None: none yet) and time, as the schedule board's drag and
    drop does, through the rights and rules of any change; its panel, topics and languages stay.
    `session` carries the version it was read at, so a move based on an older copy is refused
    (StaleSessionError). Returns the session."""
    session.room = room
    session.starts_at = starts_at
    session.ends_at = ends_at
    return session_save(user=user, session=session, reason=REASON_MOVED_ON_BOARD)


def session_delete(*, user, session):
    with transaction.atomic():
        original = _stored(session)
        if original is None:
            return
        if not (may_edit(user, original) and user.has_perm("program.delete_session")):
            raise PermissionDenied(NOT_ALLOWED)
        original._history_user = user
        original.delete()


# Several sessions at once: a preview, then all or nothing


@dataclass
class Outcome:
    """What a change does, or would do, to one session: the session after it, or why not."""

    session: Session
    errors: list = field(default_factory=list)  # messages, as ValidationErrors

    @property
    def ok(self):
        return not self.errors


class Refused(Exception):
    """A change of several sessions that was refused as a whole; `outcomes` say why, each."""

    def __init__(self, outcomes):
        self.outcomes = outcomes
        super().__init__(gettext("Nothing was changed."))


def each_error(error):
    """A ValidationError or PermissionDenied as a flat list of ValidationErrors."""
    if isinstance(error, PermissionDenied):
        return [ValidationError(str(error) or NOT_ALLOWED)]
    if isinstance(error, StaleSessionError):
        return [ValidationError(str(error))]
    if hasattr(error, "error_dict"):
        return [each for errors in error.error_dict.values() for each in errors]
    return error.error_list


def _for_each(sessions, change, *, dry_run):
    """Apply `change` to each session in a fixed order (time, then id); keep all or none."""
    ordered = sorted(sessions, key=lambda session: (session.starts_at, session.pk))
    outcomes = []
    with transaction.atomic():
        for session in ordered:
            try:
                with transaction.atomic():
                    result = change(session)
                outcomes.append(Outcome(result or session))
            except (ValidationError, PermissionDenied, StaleSessionError) as error:
                outcomes.append(Outcome(session, each_error(error)))
        refused = any(not outcome.ok for outcome in outcomes)
        if dry_run or refused:
            transaction.set_rollback(True)
    if refused and not dry_run:
        raise Refused(outcomes)
    return outcomes


def _with_status(user, session, status, reason, **fields):
    session.status = status
    for name, value in fields.items():
        setattr(session, name, value)
    return session_save(user=user, session=session, reason=reason)


def sessions_publish(*, user, sessions, dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(user, session, Session.Status.PUBLISHED, REASON_PUBLISHED),
        dry_run=dry_run,
    )


def sessions_return_to_draft(*, user, sessions, dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(user, session, Session.Status.DRAFT, REASON_RETURNED_TO_DRAFT),
        dry_run=dry_run,
    )


def sessions_cancel(*, user, sessions, note="", dry_run=False):
    return _for_each(
        sessions,
        lambda session: _with_status(
            user, session, Session.Status.CANCELLED, REASON_CANCELLED, cancellation_note=note
        ),
        dry_run=dry_run,
    )


def sessions_move_to_track(*, user, sessions, track, dry_run=False):
    def move(session):
        session.track = track
        return session_save(
            user=user, session=session, related=Related(topics=[]), reason=REASON_MOVED
        )

    return _for_each(sessions, move, dry_run=dry_run)


def sessions_duplicate(*, user, sessions, dry_run=False):
    def duplicate(session):
        copy = Session.objects.get(pk=session.pk)
        related = Related(
            topics=list(session.topics.all()),
            languages=list(session.languages.all()),
            interpretation=list(session.interpretation_languages.all()),
            panel=[
                Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
                for seat in session.panel.select_related("speaker")
            ],
        )
        copy.pk = None
        copy._state.adding = True
        copy.slug = unique_slug(session.conference, f"{session.slug}-copy")
        for language, title in texts.texts(session, "title").items():
            with translation.override(language):
                copied = gettext("%(title)s (copy)") % {"title": title}
            setattr(copy, texts.localized("title", language), copied)
        copy.status = Session.Status.DRAFT
        for column in texts.in_every_language("cancellation_note"):
            setattr(copy, column, "")
        copy.version = 1
        return session_save(user=user, session=copy, related=related, reason=REASON_DUPLICATED)

    return _for_each(sessions, duplicate, dry_run=dry_run)


def unique_slug(conference, base):
    base = slugify(base)[:95].strip("-") or "session"
    taken = set(
        Session.objects.filter(conference=conference, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# History


@dataclass
class RestorePlan:
    """What restoring a version does: the session as it will be, the related values that come
    back, and what cannot (speakers, topics or languages deleted since)."""

    session: Session
    related: Related
    missing: list


def restore_plan(record):
    """The live session with the version's fields, and the version's topics, languages and panel
    where they were recorded."""
    session = Session.objects.get(pk=record.id)
    version = session.version
    for field_ in Session._meta.concrete_fields:
        if field_.name in ("id", "version", "created_at", "updated_at"):
            continue
        setattr(session, field_.attname, getattr(record, field_.attname))
    session.version = version
    stored = record.related_snapshot or {}
    related, missing = Related(), []
    if stored:
        related.topics = _still_there(session.topics.model, stored.get("topics", []), missing)
        related.languages = _still_there(Language, stored.get("languages", []), missing)
        related.interpretation = _still_there(Language, stored.get("interpretation", []), missing)
        speakers = Speaker.objects.in_bulk([seat["speaker"] for seat in stored.get("panel", [])])
        related.panel = []
        for seat in stored.get("panel", []):
            speaker = speakers.get(seat["speaker"])
            if speaker is None:
                missing.append(seat["name"])
                continue
            related.panel.append(Seat(speaker=speaker, role=seat["role"], order=seat["order"]))
    return RestorePlan(session=session, related=related, missing=missing)


def _still_there(model, pairs, missing):
    found = model.objects.in_bulk([pk for pk, _label in pairs])
    missing.extend(label for pk, label in pairs if pk not in found)
    return [found[pk] for pk, _label in pairs if pk in found]


def session_restore(*, user, record):
    """Bring a session back to a version in its history: its fields and, where that version
    recorded them, its topics, languages and panel, through the same rights and rules as any
    change."""
    plan = restore_plan(record)
    return session_save(
        user=user, session=plan.session, related=plan.related, reason=REASON_RESTORED
    )


# Panel seats one at a time (the panel seats admin)


def panel_seat_save(*, user, seat):
    session = Session.objects.get(pk=seat.session_id)
    panel = [
        Seat(speaker=other.speaker, role=other.role, order=other.order)
        for other in session.panel.select_related("speaker").exclude(pk=seat.pk)
        if other.speaker_id != seat.speaker_id
    ]
    panel.append(Seat(speaker=seat.speaker, role=seat.role, order=seat.order))
    if seat.pk:
        previous = PanelMembership.objects.select_related("session").get(pk=seat.pk)
        if previous.session_id != session.pk:
            # Moving a seat to another session takes it off the first one too.
            if not may_edit(user, previous.session):
                raise PermissionDenied(NOT_YOUR_TRACK)
            panel_seat_delete(user=user, seat=previous)
    session_save(
        user=user, session=session, related=Related(panel=panel), reason=REASON_PANEL_CHANGED
    )
    return session.panel.get(speaker=seat.speaker)


def panel_seat_delete(*, user, seat):
    session = Session.objects.get(pk=seat.session_id)
    panel = [
        Seat(speaker=other.speaker, role=other.role, order=other.order)
        for other in session.panel.select_related("speaker").exclude(pk=seat.pk)
    ]
    session_save(
        user=user, session=session, related=Related(panel=panel), reason=REASON_PANEL_CHANGED
    )


# Speakers


# Fields of the kept record that a merge fills from the duplicates when it has none.
MERGED_FIELDS = ["pronouns", "job_title", "organization", "bio", "photo", "website"]


def speakers_merge(*, user, keep, duplicates):
    """Merge duplicate records of one person into `keep`: every panel seat of every duplicate
    moves over (where both sat on the same panel, the seat already kept stays), empty fields of
    `keep` are filled from the duplicates, then the duplicates are deleted. Refused if the person
    would then sit on two overlapping published sessions."""
    if not (user.has_perm("speakers.change_speaker") and user.has_perm("speakers.delete_speaker")):
        raise PermissionDenied(NOT_ALLOWED)
    duplicates = [duplicate for duplicate in duplicates if duplicate.pk != keep.pk]
    with transaction.atomic():
        everyone = [keep, *duplicates]
        lock_schedule(speaker_ids=[speaker.pk for speaker in everyone])
        seats = list(
            PanelMembership.objects.filter(speaker__in=everyone)
            .select_related("session__conference", "speaker")
            .order_by("session__starts_at", "pk")
        )
        published = {
            seat.session_id: seat.session
            for seat in seats
            if seat.session.status == Session.Status.PUBLISHED
        }
        # Once merged, the person would sit on each of these published sessions: the later
        # of two that overlap is refused as any panel would be.
        clashes = []
        ordered = sorted(published.values(), key=lambda session: (session.starts_at, session.pk))
        for index, first in enumerate(ordered):
            for second in ordered[index + 1 :]:
                if rules.overlaps(first.starts_at, first.ends_at, second.starts_at, second.ends_at):
                    clashes.append(rules.speaker_taken(keep, first))
        if clashes:
            raise ValidationError(clashes)
        kept_sessions = {seat.session_id for seat in seats if seat.speaker_id == keep.pk}
        touched = set()
        for seat in seats:
            if seat.speaker_id == keep.pk:
                continue
            seat._history_user = user
            seat._change_reason = str(REASON_SPEAKERS_MERGED)
            touched.add(seat.session_id)
            if seat.session_id in kept_sessions:
                seat.delete()
                continue
            seat.speaker = keep
            seat.save()
            kept_sessions.add(seat.session_id)
        for duplicate in duplicates:
            for name in MERGED_FIELDS:
                if not getattr(keep, name) and getattr(duplicate, name):
                    setattr(keep, name, getattr(duplicate, name))
        keep.full_clean(exclude=texts.translated_fields(Speaker))
        keep._history_user = user
        keep.save()
        for duplicate in duplicates:
            duplicate._history_user = user
            duplicate.delete()
        for session in Session.objects.filter(pk__in=touched):
            # A new version of each session whose panel changed, with the panel it now has.
            _write(user, session, Related(), REASON_SPEAKERS_MERGED)
    return keep


def next_panel_order(session):
    return (session.panel.aggregate(Max("order"))["order__max"] or 0) + 1


def tracks_for(user):
    tracks = Track.objects.select_related("conference")
    return tracks if is_organizer(user) else tracks.filter(chairs=user)


# Releases


def may_release(user):
    """Releasing speaks for the whole edition to attendees and apps: organizers only."""
    return is_organizer(user) and user.has_perm("program.add_release")


def release_preview(*, user, conference):
    """(the edition's latest release or None, what a release now would list as changed)."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    previous = conference.releases.order_by("-number").first()
    snapshot = releases.program_snapshot(conference)
    return previous, releases.changes_between(previous and previous.snapshot, snapshot)


def program_release(*, user, conference, name, note=""):
    """Release the edition's public program as it now stands, named `name` (e.g. "v3") with a
    public `note`: the release freezes the program and lists what changed since the edition's
    previous release. Refused when nothing attendees can see has changed. Returns the Release."""
    if not may_release(user):
        raise PermissionDenied(RELEASE_ORGANIZERS_ONLY)
    with transaction.atomic():
        # One release of an edition at a time: the edition's row is locked on PostgreSQL (on
        # SQLite the transaction already holds the only write lock), so that two organizers
        # releasing at once cannot both compare against the same previous release.
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        previous = conference.releases.order_by("-number").first()
        snapshot = releases.program_snapshot(conference)
        changes = releases.changes_between(previous and previous.snapshot, snapshot)
        if previous is None and not snapshot:
            raise ValidationError(NOTHING_PUBLISHED)
        if not releases.has_changes(changes):
            raise ValidationError(NOTHING_TO_RELEASE % {"previous": previous.name})
        release = Release(
            conference=conference,
            number=previous.number + 1 if previous else 1,
            name=name.strip(),
            note=note.strip(),
            released_by=user,
            released_at=timezone.now(),
            snapshot=snapshot,
            changes=changes,
        )
        release.full_clean()
        release.save()
    return release


def next_release_name(conference):
    """The name a release would take by default: v1, v2, …"""
    last = conference.releases.order_by("-number").values_list("number", flat=True).first()
    return f"v{(last or 0) + 1}"


# A spreadsheet: the whole file at once


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
            row.changes = _changes(row) if row.session is not None and not row.errors else {}
            row.action = (
                "error"
                if row.errors or row.session is None
                else "new"
                if row.original is None
                else "update"
                if any(row.changes.values())
                else "unchanged"
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


def same_value(wanted, current):
    # A text not yet translated is stored as NULL or as "": an empty cell leaves it so.
    return wanted == current or (wanted in (None, "") and current in (None, ""))


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

    current_panel = [(seat.speaker_id, seat.role) for seat in original.panel.all()]
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
        "panel": related.panel is not None
        and sorted((seat.speaker.pk, seat.role) for seat in related.panel) != sorted(current_panel),
    }


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


def _bulk_history(model, objects, *, user, reason, when, kinds, extra=None):
    """Historical records for objects written in bulk (which django-simple-history does not see),
    in one query: `kinds` "+", "~" or "-", or {id(object): kind}."""
    history = model.history.model
    tracked = [
        field.attname
        for field in history._meta.fields
        if not field.attname.startswith("history_") and field.attname != "related_snapshot"
    ]
    records = []
    for obj in objects:
        record = history(
            **{name: getattr(obj, name) for name in tracked},
            history_date=when,
            history_type=kinds if isinstance(kinds, str) else kinds[id(obj)],
            history_user_id=user.pk,
            history_change_reason=str(reason),
            **((extra or {}).get(id(obj), {})),
        )
        records.append(record)
    history.objects.bulk_create(records)
