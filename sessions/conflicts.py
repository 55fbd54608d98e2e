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
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker
from tracks.models import Topic

from . import rules
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
    Kind.ROOM: _("Room double-booked"),
    Kind.SPEAKER: _("Speaker double-booked"),
    Kind.OUTSIDE_DAYS: _("Outside the edition’s days"),
    Kind.TOPIC_OF_OTHER_TRACK: _("Topic of another track"),
    Kind.ROOM_OF_OTHER_EDITION: _("Room of another edition"),
    Kind.TRACK_OF_OTHER_EDITION: _("Track of another edition"),
}
# The kind of conflict each of the rules' error codes is.
KIND_OF_CODE = {
    "outside_edition": Kind.OUTSIDE_DAYS,
    "room_of_other_edition": Kind.ROOM_OF_OTHER_EDITION,
    "track_of_other_edition": Kind.TRACK_OF_OTHER_EDITION,
    "topic_of_other_track": Kind.TOPIC_OF_OTHER_TRACK,
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


def _pair_consequence(first, second):
    if _is_published(first) and _is_published(second):
        return True, str(rules.BOTH_PUBLISHED)
    if _is_published(first) or _is_published(second):
        draft = second if _is_published(first) else first
        return False, str(rules.PUBLISHING_WILL_BE_REFUSED) % {"draft": draft}
    return False, str(rules.BOTH_DRAFTS)


def _pair_message(template, first, second, **params):
    return str(template) % {
        "first": first,
        "first_slot": first.slot_label,
        "second": second,
        "second_slot": second.slot_label,
        **params,
    }


def _room_clashes(sessions):
    by_room = {}
    for session in sessions:
        if session.room_id is not None:
            by_room.setdefault(session.room_id, []).append(session)
    for room_sessions in by_room.values():
        for first, second in rules.overlapping_pairs(room_sessions):
            blocks, consequence = _pair_consequence(first, second)
            yield Conflict(
                kind=Kind.ROOM,
                session=first,
                other=second,
                speaker=None,
                blocks_publishing=blocks,
                message=_pair_message(rules.ROOM_OVERLAP, first, second, room=first.room)
                + " "
                + consequence,
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
        for first, second in rules.overlapping_pairs(speaker_sessions):
            blocks, consequence = _pair_consequence(first, second)
            yield Conflict(
                kind=Kind.SPEAKER,
                session=first,
                other=second,
                speaker=speaker,
                blocks_publishing=blocks,
                message=_pair_message(rules.SPEAKER_OVERLAP, first, second, speaker=speaker)
                + " "
                + consequence,
            )


def _single(session, error):
    published = _is_published(session)
    consequence = rules.IT_IS_PUBLISHED if published else rules.SAVING_WILL_BE_REFUSED
    problem = error.message % error.params if error.params else str(error.message)
    return Conflict(
        kind=KIND_OF_CODE[error.code],
        session=session,
        other=None,
        speaker=None,
        blocks_publishing=published,
        message=str(rules.SESSION_PROBLEM)
        % {"session": session, "slot": session.slot_label, "problem": problem}
        + f" {consequence}",
    )


def _own_conflicts(session):
    """The rules one session breaks on its own (sessions.rules.own_errors), and the track of
    its topics."""
    for errors in rules.own_errors(session).values():
        for error in errors:
            yield _single(session, error)
    strays = rules.stray_topics(session.topics.all(), session.track)
    if strays:
        yield _single(session, rules.topics_error(strays, session.track))
