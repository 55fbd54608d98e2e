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
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker
from tracks.models import Conference, Track

from . import releases, rules
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
        {ROOM_LOCK + pk for pk in room_ids if pk} | {SPEAKER_LOCK + pk for pk in speaker_ids}
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


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
    return {
        "topics": [[topic.pk, topic.name] for topic in session.topics.order_by("pk")],
        "languages": [
            [language.pk, language.code] for language in session.languages.order_by("pk")
        ],
        "interpretation": [
            [language.pk, language.code]
            for language in session.interpretation_languages.order_by("pk")
        ],
        "panel": [
            {
                "speaker": seat.speaker_id,
                "name": seat.speaker.name,
                "role": seat.role,
                "order": seat.order,
            }
            for seat in session.panel.in_panel_order().select_related("speaker")
        ],
    }


# The checks every change runs


def rule_errors(session, related, *, original):
    """{field: [ValidationError]} for `session` as it is about to be saved with `related`."""
    errors = rules.status_change_errors(original.status if original else None, session.status)
    try:
        session.full_clean()
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
        copy.title = gettext("%(title)s (copy)") % {"title": session.title}
        copy.status = Session.Status.DRAFT
        copy.cancellation_note = ""
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
        keep.full_clean()
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
