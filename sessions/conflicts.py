"""Conflicts in a program: every one for a small set of sessions, or a survey of an edition of
any size that counts them all and loads only the page shown.

Room and speaker clashes are found by a sweep: the sessions of one room (or of one speaker's
panels) sorted by start, each compared only with those still running when it starts, so the work
is O(n log n + k) for k clashes. The rules are those of Session.clean(); this finds what slipped
past them (bulk imports, data edited outside the admin) and what they will refuse on publishing
(drafts may clash, published sessions may not). Cancelled sessions occupy nothing and are left
out.

find_conflicts() builds every Conflict over sessions loaded in full (three queries): for a day
or a small program. survey() reads an edition in two light queries (times, rooms, statuses and
panels, no text), finds every clash as a Found, counts them, and loads in full only the sessions
of the page shown (load(), three queries): a page costs the same five queries at any size."""

import datetime
import enum
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker
from tracks.models import Topic, Track

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
KINDS = list(Kind)


@dataclass(frozen=True, eq=False)
class Conflict:
    """One problem in the program.

    For a room or speaker clash, `session` starts first (or at the same time) and `other` is
    the session it overlaps; `speaker` is the speaker on both panels (speaker clashes only).
    `blocks_publishing` is True when the published program itself is wrong: both sessions of a
    clash are published, or a published session breaks one of the other rules. Otherwise the
    conflict is a warning about drafts: publishing them as they are will be refused. `error`:
    the rule a session breaks on its own (None for a clash). The message is written when read,
    so that a page formats only the conflicts it shows."""

    kind: Kind
    session: Session
    other: Session | None
    speaker: Speaker | None
    blocks_publishing: bool
    error: ValidationError | None = None

    @cached_property
    def message(self):
        if self.other is None:
            return _single_message(self.session, self.error)
        first, second = self.session, self.other
        if self.speaker is not None:
            text = _pair_message(rules.SPEAKER_OVERLAP, first, second, speaker=self.speaker)
        else:
            text = _pair_message(rules.ROOM_OVERLAP, first, second, room=first.room)
        return f"{text} {_pair_consequence(first, second)[1]}"

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
            yield Conflict(
                kind=Kind.ROOM,
                session=first,
                other=second,
                speaker=None,
                blocks_publishing=_both_published(first, second),
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
            yield Conflict(
                kind=Kind.SPEAKER,
                session=first,
                other=second,
                speaker=speaker,
                blocks_publishing=_both_published(first, second),
            )


def _both_published(first, second):
    return _is_published(first) and _is_published(second)


def _single(session, error):
    return Conflict(
        kind=KIND_OF_CODE[error.code],
        session=session,
        other=None,
        speaker=None,
        blocks_publishing=_is_published(session),
        error=error,
    )


def _single_message(session, error):
    consequence = rules.IT_IS_PUBLISHED if _is_published(session) else rules.SAVING_WILL_BE_REFUSED
    problem = error.message % error.params if error.params else str(error.message)
    return (
        str(rules.SESSION_PROBLEM)
        % {"session": session, "slot": session.slot_label, "problem": problem}
        + f" {consequence}"
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


# Surveying an edition of any size: every conflict counted, only the page shown loaded.


class Found(NamedTuple):
    """A conflict found on the light rows, before its sessions are loaded (load() makes it a
    Conflict). Its fields are in the order conflicts are listed, so that tuples sort as they
    are: blocking conflicts first (they are in the published program), then by time. `day`: the
    day, on the edition's clock, the first session starts."""

    is_warning: bool
    starts_at: datetime.datetime
    other_starts_at: datetime.datetime
    kind_order: int
    session_id: int
    other_id: int  # 0 for a rule the session breaks on its own
    speaker_id: int  # 0 for all but speaker clashes
    day: datetime.date

    @property
    def kind(self):
        return KINDS[self.kind_order]

    @property
    def blocks_publishing(self):
        return not self.is_warning

    def involves(self, session_id):
        return session_id in (self.session_id, self.other_id)


@dataclass(slots=True)
class Row:
    """A session as the survey reads it: times, room, status, the rules it breaks on its own."""

    pk: int
    status: str
    room_id: int | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    own: tuple
    day: datetime.date


class Survey:
    """Every conflict among an edition's sessions as Found, in order, with their counts."""

    def __init__(self, found):
        self.found = sorted(found)

    def __len__(self):
        return len(self.found)

    @cached_property
    def blocking_count(self):
        return sum(not each.is_warning for each in self.found)

    @property
    def warning_count(self):
        return len(self.found) - self.blocking_count

    @cached_property
    def by_day_and_kind(self):
        """Counter {(day, kind, blocks_publishing): number}."""
        counts = Counter((each.day, each.kind_order, each.is_warning) for each in self.found)
        return Counter(
            {(day, KINDS[order], not warning): n for (day, order, warning), n in counts.items()}
        )

    def filtered(self, *, kind=None, day=None, session_id=None):
        """The conflicts of one kind, on one day, involving one session (each when given)."""
        order = None if kind is None else KIND_ORDER[kind]
        return [
            each
            for each in self.found
            if (order is None or each.kind_order == order)
            and (day is None or each.day == day)
            and (session_id is None or each.involves(session_id))
        ]


def survey(sessions, edition):
    """Every conflict among `sessions` (a Session queryset, already restricted to what the user
    may see) of `edition`, in two queries that read no text: one for the sessions' times, rooms,
    statuses and what they break on their own, one for their panels. Cancelled sessions are
    ignored. Each clashing pair is counted once per room or speaker, as find_conflicts does."""
    sessions = sessions.filter(conference=edition).exclude(status=Session.Status.CANCELLED)
    rows = light_rows(QuerySet(model=Session).filter(pk__in=sessions.values("pk")), edition)
    panels = QuerySet(model=PanelMembership).filter(session__in=sessions.values("pk")).order_by()
    panels = panels.values_list("session_id", "speaker_id")
    return Survey(found_among(rows, panels))


def light_rows(light, edition):
    """[Row] of `light`, a plain Session QuerySet (the translated fields' manager costs more per
    row than the row itself), in its order: one query that reads no text. Cancelled sessions
    are read too when `light` has them."""
    if not light.query.order_by:
        light = light.order_by()
    seats = Session.topics.through.objects.filter(session=OuterRef("pk"))
    zone = edition.tzinfo
    rows = []
    for values in light.annotate(
        has_topics=Exists(seats),
        has_foreign_topics=Exists(seats.exclude(topic__track=OuterRef("track"))),
        room_edition=F("room__conference_id"),
        track_edition=F("track__conference_id"),
    ).values_list(
        "pk",
        "status",
        "room_id",
        "starts_at",
        "ends_at",
        "room_edition",
        "track_id",
        "track_edition",
        "has_topics",
        "has_foreign_topics",
    ):
        pk, status, room_id, starts_at, ends_at, room_edition, track_id, track_edition = values[:8]
        has_topics, has_foreign_topics = values[8:]
        own = []
        if not rules.is_within_edition(starts_at, ends_at, edition):
            own.append(Kind.OUTSIDE_DAYS)
        if room_id is not None and room_edition != edition.pk:
            own.append(Kind.ROOM_OF_OTHER_EDITION)
        if track_id is not None and track_edition != edition.pk:
            own.append(Kind.TRACK_OF_OTHER_EDITION)
        # rules.stray_topics: every topic of a session without a track, else those of others.
        if has_topics if track_id is None else has_foreign_topics:
            own.append(Kind.TOPIC_OF_OTHER_TRACK)
        day = timezone.localtime(starts_at, zone).date()
        rows.append(Row(pk, status, room_id, starts_at, ends_at, tuple(own), day))
    return rows


def in_listing_order(found, speaker_names):
    """`found` sorted in find_conflicts' order: by time, then kind, sessions, and speaker's name
    ({speaker id: name}), the last only between the speakers of one pair of sessions. One sort
    (a stable one: what ties keeps the order it was found in)."""
    names = speaker_names.get
    return sorted(found, key=lambda each: (each[1:6], names(each.speaker_id, "")))


def found_among(rows, panels):
    """Found, unsorted, among `rows` (none cancelled) and `panels` [(session id, speaker id)] of
    those rows."""
    by_pk = {row.pk: row for row in rows}
    for row in rows:
        for kind in row.own:
            yield Found(
                not _is_published(row),
                row.starts_at,
                row.starts_at,
                KIND_ORDER[kind],
                row.pk,
                0,
                0,
                row.day,
            )
    by_room, by_speaker = {}, {}
    for row in rows:
        if row.room_id is not None:
            by_room.setdefault(row.room_id, []).append(row)
    for session_id, speaker_id in panels:
        by_speaker.setdefault(speaker_id, []).append(by_pk[session_id])
    for kind, groups in ((Kind.ROOM, by_room), (Kind.SPEAKER, by_speaker)):
        order = KIND_ORDER[kind]
        for key, group in groups.items():
            speaker_id = key if kind == Kind.SPEAKER else 0
            for first, second in rules.overlapping_pairs(group):
                yield Found(
                    not _both_published(first, second),
                    first.starts_at,
                    second.starts_at,
                    order,
                    first.pk,
                    second.pk,
                    speaker_id,
                    first.day,
                )


def load(found, sessions):
    """The Conflicts of `found` (a page of a Survey), their sessions loaded in full from
    `sessions` in three queries (none when `found` is empty), their messages those of
    find_conflicts."""
    ids = {each.session_id for each in found} | {each.other_id for each in found}
    ids.discard(0)
    if not ids:
        return []
    loaded = {session.pk: session for session in prepare(sessions.filter(pk__in=ids))}
    speakers = {
        seat.speaker_id: seat.speaker for session in loaded.values() for seat in session.panel.all()
    }
    conflicts = []
    for each in found:
        session = loaded[each.session_id]
        if not each.other_id:
            conflicts.append(own_conflict(session, each.kind))
        else:
            conflicts.append(
                Conflict(
                    kind=each.kind,
                    session=session,
                    other=loaded[each.other_id],
                    speaker=speakers.get(each.speaker_id),
                    blocks_publishing=each.blocks_publishing,
                )
            )
    return conflicts


def own_conflict(session, kind):
    """The Conflict of `kind` that `session` (loaded as prepare() loads it, its topics needed
    only for TOPIC_OF_OTHER_TRACK) is in on its own."""
    return next(own for own in _own_conflicts(session) if own.kind == kind)


# Clashes with sessions the user cannot see: a track chair sees their tracks' sessions only, but
# a speaker of theirs may be booked at the same time on another track's draft.


def chairs_named(track):
    """“Ana Pérez (ana@example.org) or Tom Nguyen”: whom to ask about a track."""
    names = [
        f"{chair.get_full_name() or chair.username} ({chair.email})"
        if chair.email
        else chair.get_full_name() or chair.username
        for chair in track.chairs.all()
        if chair.is_active
    ]
    return get_text_list(names, _("or"))


@dataclass(frozen=True)
class HiddenClash:
    """A speaker or room of a session the user sees, booked at the same time by a session they
    cannot see; it says whom to ask, never which session."""

    starts_at: datetime.datetime
    name: str  # the speaker's, or the room's
    is_room: bool
    track: object  # the other session's Track, or None for one common to all tracks

    def __str__(self):
        if self.track is None:
            template = (
                _(
                    "The room %(name)s is also used by a session common to all tracks at that "
                    "time (not visible to you); ask an organizer."
                )
                if self.is_room
                else _(
                    "%(name)s is also on a session common to all tracks at that time (not "
                    "visible to you); ask an organizer."
                )
            )
            return template % {"name": self.name}
        chairs = chairs_named(self.track)
        if not chairs:
            template = (
                _(
                    "The room %(name)s is also used by a session of the track “%(track)s” at "
                    "that time (not visible to you); that track has no chair: ask an organizer."
                )
                if self.is_room
                else _(
                    "%(name)s is also on a session of the track “%(track)s” at that time (not "
                    "visible to you); that track has no chair: ask an organizer."
                )
            )
        else:
            template = (
                _(
                    "The room %(name)s is also used by a session of the track “%(track)s” at "
                    "that time (not visible to you); ask its chair, %(chairs)s."
                )
                if self.is_room
                else _(
                    "%(name)s is also on a session of the track “%(track)s” at that time (not "
                    "visible to you); ask its chair, %(chairs)s."
                )
            )
        return template % {"name": self.name, "track": self.track, "chairs": chairs}


def hidden_clashes(visible, edition):
    """[HiddenClash] of `edition`: each speaker and room of a session of `visible` (a Session
    queryset) booked at an overlapping time by a session outside it (cancelled ones occupy
    nothing), once per speaker or room and other track, by time. Four queries."""
    visible = visible.filter(conference=edition).exclude(status=Session.Status.CANCELLED)
    visible_ids = visible.values("pk")
    others = Session.objects.filter(conference=edition).exclude(pk__in=visible_ids)
    others = others.exclude(status=Session.Status.CANCELLED)
    seats = PanelMembership.objects.order_by()
    mine = list(
        seats.filter(session__in=visible_ids).values_list(
            "speaker_id", "session__starts_at", "session__ends_at"
        )
    )
    rooms = list(
        visible.exclude(room=None).order_by().values_list("room_id", "starts_at", "ends_at")
    )
    theirs = seats.filter(session__in=others, speaker_id__in={each[0] for each in mine})
    their_rooms = others.filter(room_id__in={each[0] for each in rooms}).order_by()
    found = {}
    for times, candidates, is_room in (
        (
            mine,
            theirs.values_list(
                "speaker_id", "speaker__name", "session__track_id", "session__starts_at",
                "session__ends_at",
            ),
            False,
        ),
        (
            rooms,
            their_rooms.values_list("room_id", "room__name", "track_id", "starts_at", "ends_at"),
            True,
        ),
    ):  # fmt: skip
        by_key = {}
        for key, starts_at, ends_at in times:
            by_key.setdefault(key, []).append((starts_at, ends_at))
        for key, name, track_id, starts_at, ends_at in candidates if by_key else []:
            overlapping = [
                own_start
                for own_start, own_end in by_key.get(key, [])
                if own_start < ends_at and starts_at < own_end
            ]
            if overlapping:
                slot = (is_room, key, track_id)
                when = min(overlapping)
                if slot not in found or when < found[slot][0]:
                    found[slot] = (when, name)
    if not found:
        return []
    track_ids = {track_id for _room, _key, track_id in found if track_id}
    tracks = Track.objects.prefetch_related("chairs").in_bulk(track_ids)
    return sorted(
        (
            HiddenClash(when, name, is_room, tracks.get(track_id))
            for (is_room, _key, track_id), (when, name) in found.items()
        ),
        key=lambda clash: (clash.starts_at, clash.is_room, clash.name),
    )
