"""Every conflict in a program, found in Python over sessions loaded in three queries.

Room and speaker clashes are found by a sweep: the sessions of one room (or of one speaker's
panels) sorted by start, each compared only with those still running when it starts, so a
program of any size costs the same three queries and O(n log n) work. The rules are those of
Session.clean(); this finds what slipped past them (bulk imports, data edited outside the
admin) and what they will refuse on publishing (drafts may clash, published sessions may not).
Cancelled sessions occupy nothing and are left out."""

import enum
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import formats

from speakers.models import Speaker
from tracks.models import Topic

from .models import PanelMembership, Session


class Kind(enum.StrEnum):
    ROOM = "room"
    SPEAKER = "speaker"
    OUTSIDE_DAYS = "outside_days"
    TOPIC_OF_OTHER_TRACK = "topic_of_other_track"
    ROOM_OF_OTHER_EDITION = "room_of_other_edition"
    TRACK_OF_OTHER_EDITION = "track_of_other_edition"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.ROOM: "Room double-booked",
    Kind.SPEAKER: "Speaker double-booked",
    Kind.OUTSIDE_DAYS: "Outside the edition’s days",
    Kind.TOPIC_OF_OTHER_TRACK: "Topic of another track",
    Kind.ROOM_OF_OTHER_EDITION: "Room of another edition",
    Kind.TRACK_OF_OTHER_EDITION: "Track of another edition",
}
KIND_ORDER = {kind: index for index, kind in enumerate(Kind)}


@dataclass(frozen=True, eq=False)
class Conflict:
    """One problem in the program.

    For a room or speaker clash, `session` starts first (or at the same time) and `other` is
    the session it overlaps; `speaker` is the speaker on both panels (speaker clashes only).
    `blocks_publishing` is True when the published program itself is wrong: both sessions of a
    clash are published, or a published session breaks one of the other rules. Otherwise the
    conflict is a warning about drafts: publishing them as they are will be refused."""

    kind: Kind
    session: Session
    other: Session | None
    speaker: Speaker | None
    blocks_publishing: bool
    message: str

    @property
    def kind_label(self):
        return self.kind.label

    @property
    def is_warning(self):
        return not self.blocks_publishing

    @property
    def starts_at(self):
        return self.session.starts_at

    @property
    def sessions(self):
        """The sessions involved: one, or the two that clash."""
        return [self.session] if self.other is None else [self.session, self.other]


def prepare(sessions):
    """`sessions` with everything find_conflicts reads: one query for the sessions with their
    edition, track and room (and the editions of those two), one for the panels with their speakers,
    one for the topics with their tracks."""
    return sessions.select_related(
        "conference", "track__conference", "room__conference"
    ).prefetch_related(
        Prefetch("panel", queryset=PanelMembership.objects.select_related("speaker")),
        Prefetch("topics", queryset=Topic.objects.select_related("track")),
    )


def find_conflicts(sessions):
    """Every conflict among `sessions`, sorted by time.

    `sessions`: a Session queryset, already restricted to what the user may see, usually one
    edition's (loaded here in three queries); or sessions already loaded with `prepare()`.
    Cancelled sessions are ignored. Each clashing pair is reported once per room or speaker."""
    if isinstance(sessions, QuerySet):
        sessions = prepare(sessions.exclude(status=Session.Status.CANCELLED))
    sessions = [s for s in sessions if s.status != Session.Status.CANCELLED]
    conflicts = []
    for session in sessions:
        conflicts.extend(_own_conflicts(session))
    conflicts.extend(_room_clashes(sessions))
    conflicts.extend(_speaker_clashes(sessions))
    conflicts.sort(
        key=lambda conflict: (
            conflict.session.starts_at,
            conflict.other.starts_at if conflict.other else conflict.session.starts_at,
            KIND_ORDER[conflict.kind],
            conflict.session.pk,
            conflict.other.pk if conflict.other else 0,
            conflict.speaker.name if conflict.speaker else "",
        )
    )
    return conflicts


def _is_published(session):
    return session.status == Session.Status.PUBLISHED


def _overlapping_pairs(sessions):
    """Pairs (earlier, later) of overlapping sessions, each once. A session ending when the
    next starts does not overlap it."""
    ordered = sorted(sessions, key=lambda session: (session.starts_at, session.ends_at, session.pk))
    running = []
    for session in ordered:
        running = [other for other in running if other.ends_at > session.starts_at]
        for other in running:
            yield other, session
        running.append(session)


def _pair_consequence(first, second):
    if _is_published(first) and _is_published(second):
        return True, "Both are published: change the time or room of one, or cancel one."
    if _is_published(first) or _is_published(second):
        draft = second if _is_published(first) else first
        return False, f"Publishing “{draft}” will be refused."
    return False, "Both are drafts: once one is published, publishing the other will be refused."


def _room_clashes(sessions):
    by_room = {}
    for session in sessions:
        if session.room_id is not None:
            by_room.setdefault(session.room_id, []).append(session)
    for room_sessions in by_room.values():
        for first, second in _overlapping_pairs(room_sessions):
            blocks, consequence = _pair_consequence(first, second)
            yield Conflict(
                kind=Kind.ROOM,
                session=first,
                other=second,
                speaker=None,
                blocks_publishing=blocks,
                message=(
                    f"Room “{first.room}”: “{first}” ({first.slot_label}) overlaps "
                    f"“{second}” ({second.slot_label}). {consequence}"
                ),
            )


def _speaker_clashes(sessions):
    by_speaker = {}
    speakers = {}
    for session in sessions:
        for seat in session.panel.all():
            speakers[seat.speaker_id] = seat.speaker
            by_speaker.setdefault(seat.speaker_id, []).append(session)
    for speaker_id, speaker_sessions in by_speaker.items():
        speaker = speakers[speaker_id]
        for first, second in _overlapping_pairs(speaker_sessions):
            blocks, consequence = _pair_consequence(first, second)
            yield Conflict(
                kind=Kind.SPEAKER,
                session=first,
                other=second,
                speaker=speaker,
                blocks_publishing=blocks,
                message=(
                    f"Speaker {speaker}: “{first}” ({first.slot_label}) overlaps "
                    f"“{second}” ({second.slot_label}). {consequence}"
                ),
            )


def _single(kind, session, problem):
    published = _is_published(session)
    consequence = (
        "It is published." if published else "Saving or publishing it as it is will be refused."
    )
    return Conflict(
        kind=kind,
        session=session,
        other=None,
        speaker=None,
        blocks_publishing=published,
        message=f"“{session}” ({session.slot_label}) {problem} {consequence}",
    )


def _own_conflicts(session):
    """The rules one session breaks on its own: days, and the edition of its room and track,
    and the track of its topics."""
    conference = session.conference
    if session.starts_at < conference.opens_at() or session.ends_at > conference.closes_at():
        first = formats.date_format(conference.start_date, "M j")
        last = formats.date_format(conference.end_date, "M j, Y")
        yield _single(
            Kind.OUTSIDE_DAYS,
            session,
            f"is outside {conference}, {first} to {last} ({conference.time_zone}).",
        )
    if session.room_id is not None and session.room.conference_id != session.conference_id:
        yield _single(
            Kind.ROOM_OF_OTHER_EDITION,
            session,
            f"is in room “{session.room}”, which belongs to {session.room.conference}, "
            f"not to {conference}.",
        )
    if session.track_id is not None and session.track.conference_id != session.conference_id:
        yield _single(
            Kind.TRACK_OF_OTHER_EDITION,
            session,
            f"is in track “{session.track}”, which belongs to {session.track.conference}, "
            f"not to {conference}.",
        )
    strays = [topic for topic in session.topics.all() if topic.track_id != session.track_id]
    if strays:
        names = ", ".join(f"“{topic}” (of track “{topic.track}”)" for topic in strays)
        problem = (
            f"is in track “{session.track}” but has topics of another track: {names}."
            if session.track_id
            else f"has no track but has topics: {names}."
        )
        yield _single(Kind.TOPIC_OF_OTHER_TRACK, session, problem)
