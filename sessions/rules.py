"""The program's scheduling rules, each written once, with its one translated message.

Everything that checks the program calls these: the model's validation (Session.clean), the
services that change the program (sessions.services, which also lock, so that two publishes
cannot both pass), the admin's panel formset, the draft warnings, the conflicts page and board
(sessions.conflicts), the spreadsheet import and the speaker merge.

The rules:
- a session lies within its edition's days, counted on the edition's own clock;
- its room and its track belong to its edition, and its topics to its track;
- a published session shares neither its room nor any of its speakers with another published
  session at an overlapping time (drafts may clash while organizers shuffle them);
- a session becomes cancelled only from published: cancelling is for attendees who saw it, and a
  draft that was never public must not become public by being cancelled.

Every error is a ValidationError whose params name the other session as `other`, so that the
admin can link it (or not, to someone who may not see it)."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .states import SessionStatus

# The day of a session in a message: "Mon, Dec 15" in English, "lun 15 dic" in Spanish.
DAY_FORMAT = pgettext_lazy("a session's day in messages; Django date format", "D, M j")
EDITION_FIRST_DAY_FORMAT = pgettext_lazy("first day of an edition; Django date format", "M j")
EDITION_LAST_DAY_FORMAT = pgettext_lazy("last day of an edition; Django date format", "M j, Y")

PUBLISHED = SessionStatus.PUBLISHED
CANCELLED = SessionStatus.CANCELLED


def overlaps(first_start, first_end, second_start, second_end):
    """Two spans overlap when each starts before the other ends; one ending as the next starts
    does not overlap it."""
    return first_start < second_end and second_start < first_end


def overlapping(starts_at, ends_at, prefix=""):
    """The same test as a query: rows (or, with prefix "session__", seats) whose span overlaps."""
    return Q(**{f"{prefix}starts_at__lt": ends_at, f"{prefix}ends_at__gt": starts_at})


def slot_label(starts_at, ends_at, conference):
    """“Mon, Dec 15, 10:00–11:15 PST”, on the edition's clock, in the active language."""
    zone = conference.tzinfo
    starts = timezone.localtime(starts_at, zone)
    ends = timezone.localtime(ends_at, zone)
    day = formats.date_format(starts, str(DAY_FORMAT))
    return f"{day}, {starts:%H:%M}–{ends:%H:%M} {starts.tzname()}"


class Slot:
    """A session's slot in a message, formatted only when the message is shown, so that it
    follows the language of whoever reads it."""

    def __init__(self, session):
        self.session = session

    def __str__(self):
        session = self.session
        return slot_label(session.starts_at, session.ends_at, session.conference)


# The messages

ROOM_TAKEN = _("Room “%(room)s” is already taken by “%(other)s” (%(slot)s).")
SPEAKER_TAKEN = _("%(speaker)s is already on “%(other)s” (%(slot)s).")
OUTSIDE_EDITION = _(
    "A session must take place within %(conference)s, %(first)s to %(last)s (%(zone)s)."
)
ROOM_OF_OTHER_EDITION = _("Room “%(room)s” belongs to %(other_edition)s, not to %(conference)s.")
TRACK_OF_OTHER_EDITION = _("Track “%(track)s” belongs to %(other_edition)s, not to %(conference)s.")
TOPICS_OF_OTHER_TRACK = _("%(topics)s: not a topic of the track “%(track)s”.")
TOPICS_WITHOUT_TRACK = _("%(topics)s: a session with no track has no topics.")
CANCEL_ONLY_PUBLISHED = _(
    "Only a published session can be cancelled: attendees never saw this draft. Leave it as a "
    "draft, or delete it."
)


def room_taken(session, other):
    return ValidationError(
        ROOM_TAKEN,
        code="room_clash",
        params={"room": session.room, "other": other, "slot": Slot(other)},
    )


def speaker_taken(speaker, other):
    return ValidationError(
        SPEAKER_TAKEN,
        code="speaker_clash",
        params={"speaker": speaker, "other": other, "slot": Slot(other)},
    )


def outside_edition(conference):
    return ValidationError(
        OUTSIDE_EDITION,
        code="outside_edition",
        params={
            "conference": conference,
            "first": formats.date_format(conference.start_date, str(EDITION_FIRST_DAY_FORMAT)),
            "last": formats.date_format(conference.end_date, str(EDITION_LAST_DAY_FORMAT)),
            "zone": conference.time_zone,
        },
    )


def topics_error(topics, track):
    names = ", ".join(f"“{topic}”" for topic in topics)
    if track is None:
        return ValidationError(
            TOPICS_WITHOUT_TRACK, code="topic_of_other_track", params={"topics": names}
        )
    return ValidationError(
        TOPICS_OF_OTHER_TRACK,
        code="topic_of_other_track",
        params={"topics": names, "track": track},
    )


# The checks


def is_within_edition(starts_at, ends_at, conference):
    return conference.opens_at() <= starts_at and ends_at <= conference.closes_at()


def own_errors(session):
    """{field: [errors]} for the rules a session keeps on its own: its days, and the edition of
    its room and track."""
    errors = {}
    conference = session.conference if session.conference_id else None
    if conference is None:
        return errors
    has_times = session.starts_at is not None and session.ends_at is not None
    if has_times and not is_within_edition(session.starts_at, session.ends_at, conference):
        errors["starts_at"] = [outside_edition(conference)]
    if session.room_id and session.room.conference_id != conference.pk:
        errors["room"] = [
            ValidationError(
                ROOM_OF_OTHER_EDITION,
                code="room_of_other_edition",
                params={
                    "room": session.room,
                    "other_edition": session.room.conference,
                    "conference": conference,
                },
            )
        ]
    if session.track_id and session.track.conference_id != conference.pk:
        errors["track"] = [
            ValidationError(
                TRACK_OF_OTHER_EDITION,
                code="track_of_other_edition",
                params={
                    "track": session.track,
                    "other_edition": session.track.conference,
                    "conference": conference,
                },
            )
        ]
    return errors


def stray_topics(topics, track):
    """The topics that are not the track's own (every topic, for a session with no track)."""
    return [topic for topic in topics if track is None or topic.track_id != track.pk]


def validate_topics_of_track(topics, track):
    strays = stray_topics(topics, track)
    if strays:
        raise topics_error(strays, track)


def status_change_errors(old_status, new_status):
    if new_status == CANCELLED and old_status not in (PUBLISHED, CANCELLED):
        return {"status": [ValidationError(CANCEL_ONLY_PUBLISHED, code="cancel_draft")]}
    return {}


def seats_model(session):
    """The panel seats' model, reached through the session so that this module imports no
    model (sessions.models imports it)."""
    return type(session).panel.rel.related_model


def room_clashes(session):
    """Published sessions holding this session's room at an overlapping time."""
    sessions = type(session).objects
    if not session.room_id or session.starts_at is None or session.ends_at is None:
        return sessions.none()
    return (
        sessions.filter(status=PUBLISHED, room_id=session.room_id)
        .filter(overlapping(session.starts_at, session.ends_at))
        .exclude(pk=session.pk)
        .select_related("conference", "room")
        .order_by("starts_at", "pk")
    )


def speaker_clashes(session, speaker_ids):
    """Seats of these speakers on other published sessions at an overlapping time."""
    seats = seats_model(session).objects
    if not speaker_ids or session.starts_at is None or session.ends_at is None:
        return seats.none()
    return (
        seats.filter(speaker_id__in=speaker_ids, session__status=PUBLISHED)
        .filter(overlapping(session.starts_at, session.ends_at, prefix="session__"))
        .exclude(session_id=session.pk)
        .select_related("speaker", "session__conference", "session__room")
        .order_by("session__starts_at", "speaker__name", "pk")
    )


def clash_errors(session, *, speaker_ids):
    """{"room": [...], "panel": [...]} for a session about to be (or stay) published, with the
    panel it will have (`speaker_ids`), against the program as it stands."""
    errors = {}
    room = [room_taken(session, other) for other in room_clashes(session)]
    if room:
        errors["room"] = room
    panel = [
        speaker_taken(seat.speaker, seat.session) for seat in speaker_clashes(session, speaker_ids)
    ]
    if panel:
        errors["panel"] = panel
    return errors


def overlapping_pairs(sessions):
    """Pairs (earlier, later) of overlapping sessions, each pair once: a sweep over the sessions
    sorted by start, each compared only with those still running when it starts, so that a
    program of any size costs O(n log n)."""
    ordered = sorted(
        sessions, key=lambda session: (session.starts_at, session.ends_at, session.pk or 0)
    )
    running = []
    for session in ordered:
        running = [
            other
            for other in running
            if overlaps(other.starts_at, other.ends_at, session.starts_at, session.ends_at)
        ]
        for other in running:
            yield other, session
        running.append(session)


def clashes_among(sessions, speaker_ids_of):
    """Room and speaker clashes among `sessions`, all in memory: [(first, second, speaker_id)],
    speaker_id None for a room. `speaker_ids_of(session)`: the ids of its panel."""
    found = []
    by_room, by_speaker = {}, {}
    for session in sessions:
        if session.room_id is not None:
            by_room.setdefault(session.room_id, []).append(session)
        for speaker_id in speaker_ids_of(session):
            by_speaker.setdefault(speaker_id, []).append(session)
    for room_sessions in by_room.values():
        found += [(first, second, None) for first, second in overlapping_pairs(room_sessions)]
    for speaker_id, speaker_sessions in by_speaker.items():
        found += [
            (first, second, speaker_id) for first, second in overlapping_pairs(speaker_sessions)
        ]
    return found


def merge_errors(errors, more):
    for field, field_errors in more.items():
        errors.setdefault(field, []).extend(field_errors)
    return errors


# Clashes among drafts: allowed while organizers shuffle, but said, so that publishing later is
# not a surprise.

ROOM_ALSO_USED = _(
    "Room “%(room)s” is also used by “%(other)s” (%(slot)s): publishing will be refused until one "
    "of them moves."
)
SPEAKER_ALSO_ON = _(
    "%(speaker)s is also on “%(other)s” (%(slot)s): publishing will be refused until this is "
    "resolved."
)


def draft_clash_warnings(session, *, visible):
    """Warnings for a draft that overlaps, in its room or through a speaker, a session that is
    not cancelled. `visible`: a Session queryset of what the reader may see; clashes with other
    sessions are not mentioned, so that nobody learns of a draft they may not open."""
    if session.starts_at is None or session.ends_at is None:
        return []
    others = (
        visible.exclude(pk=session.pk)
        .exclude(status=CANCELLED)
        .filter(overlapping(session.starts_at, session.ends_at))
        .select_related("conference")
        .order_by("starts_at", "pk")
    )
    warnings = []
    if session.room_id:
        warnings += [
            ValidationError(
                ROOM_ALSO_USED,
                code="room_clash",
                params={"room": session.room, "other": other, "slot": Slot(other)},
            )
            for other in others.filter(room_id=session.room_id)
        ]
    seats = seats_model(session).objects.filter(
        speaker__in=session.panel.values("speaker"), session__in=others
    )
    warnings += [
        ValidationError(
            SPEAKER_ALSO_ON,
            code="speaker_clash",
            params={"speaker": seat.speaker, "other": seat.session, "slot": Slot(seat.session)},
        )
        for seat in seats.select_related("speaker", "session__conference").order_by(
            "session__starts_at", "speaker__name"
        )
    ]
    return warnings


# The conflicts page and board: each problem found in a whole program, one message each.

ROOM_OVERLAP = _(
    "Room “%(room)s”: “%(first)s” (%(first_slot)s) overlaps “%(second)s” (%(second_slot)s)."
)
SPEAKER_OVERLAP = _(
    "Speaker %(speaker)s: “%(first)s” (%(first_slot)s) overlaps “%(second)s” (%(second_slot)s)."
)
BOTH_PUBLISHED = _("Both are published: change the time or room of one, or cancel one.")
PUBLISHING_WILL_BE_REFUSED = _("Publishing “%(draft)s” will be refused.")
BOTH_DRAFTS = _("Both are drafts: once one is published, publishing the other will be refused.")
SESSION_PROBLEM = _("“%(session)s” (%(slot)s): %(problem)s")
IT_IS_PUBLISHED = _("It is published.")
SAVING_WILL_BE_REFUSED = _("Saving or publishing it as it is will be refused.")


# What a change to the things sessions use must keep: an edition, track, topic, room, language,
# speaker or organization is changed or deleted only if every session using it stays valid.
# Each refusal names the sessions concerned (the first few, then how many more).

NAMED_SESSIONS = 3

OUTSIDE_NEW_DAYS = _(
    "These sessions would fall outside the edition's days: %(sessions)s. Move them first."
)
TRACK_SESSIONS_IN_EDITION = _(
    "Track “%(track)s” has sessions in %(conference)s: %(sessions)s. A track stays in its "
    "edition; move those sessions to another track first."
)
ROOM_SESSIONS_IN_EDITION = _(
    "Room “%(room)s” holds sessions of %(conference)s: %(sessions)s. A room stays in its "
    "edition; move those sessions to another room first."
)
TOPIC_LISTED_BY_SESSIONS = _(
    "Topic “%(topic)s” is listed by sessions of the track “%(track)s”: %(sessions)s. Take it "
    "off those sessions first."
)
STILL_USED = _("“%(name)s” is used by these sessions: %(sessions)s. Change them first.")
EDITION_HAS_SESSIONS = _(
    "%(conference)s has sessions: %(sessions)s. Delete or move them before the edition."
)
SPEAKER_ON_PUBLIC_PANELS = _(
    "%(speaker)s sits on the panel of sessions attendees can see: %(sessions)s. Take them off "
    "those panels (or merge the duplicate) first."
)
AND_MORE = _("%(named)s and %(count)d more")


def named_sessions(sessions):
    """“A”, “B”, “C” and 4 more: the sessions a refusal is about, in time order."""
    sessions = sessions.order_by("starts_at", "pk").distinct()
    titles = [f"“{session}”" for session in sessions[: NAMED_SESSIONS + 1]]
    if len(titles) <= NAMED_SESSIONS:
        return ", ".join(titles)
    more = sessions.count() - NAMED_SESSIONS
    return AND_MORE % {"named": ", ".join(titles[:NAMED_SESSIONS]), "count": more}


def edition_change_errors(edition, original):
    """New days or a new zone must still hold every session already scheduled in the edition."""
    if original is None or not (edition.start_date and edition.end_date and edition.time_zone):
        return []
    try:
        opens, closes = edition.opens_at(), edition.closes_at()
    except (ValueError, LookupError):
        return []  # the time zone's own validator reports it
    outside = edition.sessions.filter(Q(starts_at__lt=opens) | Q(ends_at__gt=closes))
    if not outside.exists():
        return []
    return [
        ValidationError(
            OUTSIDE_NEW_DAYS, code="outside_edition", params={"sessions": named_sessions(outside)}
        )
    ]


def stays_in_its_edition(message, code, name):
    """The rule for a track or a room: while sessions use it, it keeps its edition."""

    def errors(obj, original):
        if original is None or original.conference_id == obj.conference_id:
            return []
        sessions = original.sessions.all()
        if not sessions.exists():
            return []
        params = {name: original, "conference": original.conference}
        return [
            ValidationError(
                message, code=code, params={**params, "sessions": named_sessions(sessions)}
            )
        ]

    return errors


track_change_errors = stays_in_its_edition(
    TRACK_SESSIONS_IN_EDITION, "track_of_other_edition", "track"
)
room_change_errors = stays_in_its_edition(ROOM_SESSIONS_IN_EDITION, "room_of_other_edition", "room")


def topic_change_errors(topic, original):
    if original is None or original.track_id == topic.track_id:
        return []
    sessions = original.sessions.filter(track_id=original.track_id)
    if not sessions.exists():
        return []
    return [
        ValidationError(
            TOPIC_LISTED_BY_SESSIONS,
            code="topic_of_other_track",
            params={
                "topic": original,
                "track": original.track,
                "sessions": named_sessions(sessions),
            },
        )
    ]


def still_used(obj, sessions):
    """Deleting what sessions still use (a track, room, topic, language) is refused."""
    if not sessions.exists():
        return []
    return [
        ValidationError(
            STILL_USED, code="in_use", params={"name": obj, "sessions": named_sessions(sessions)}
        )
    ]


def edition_delete_errors(edition):
    if not edition.sessions.exists():
        return []
    return [
        ValidationError(
            EDITION_HAS_SESSIONS,
            code="in_use",
            params={"conference": edition, "sessions": named_sessions(edition.sessions.all())},
        )
    ]


def speaker_delete_errors(speaker):
    """A speaker on a panel attendees can see is not deleted from under it; seats on drafts are
    taken off those drafts' panels by the services, with a version of each draft."""
    sessions = speaker.sessions.filter(status__in=(PUBLISHED, CANCELLED))
    if not sessions.exists():
        return []
    return [
        ValidationError(
            SPEAKER_ON_PUBLIC_PANELS,
            code="in_use",
            params={"speaker": speaker, "sessions": named_sessions(sessions)},
        )
    ]
