"""The schedule board: one day of an edition as rooms by time, to move sessions on."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import rules, services
from ..conflicts import find_conflicts, prepare
from ..models import PanelMembership, Room, Session, StaleSessionError
from .views import NO_ROOM, STATUS_ORDER, _context, _editions_and_edition, _require_view_permission

# The board's rows: a quarter of an hour each; a session spans the rows of its duration.
SLOT = datetime.timedelta(minutes=15)
# The hours every day shows, so that a quiet day still has room to add sessions.
DAY_OPENS = datetime.time(8)
DAY_CLOSES = datetime.time(18)
# "Add a session here" proposes this length; the form can change it.
NEW_SESSION_LENGTH = datetime.timedelta(hours=1)
# A track's name on a card or in a list column, cut to this many characters (the full name is
# given on hover and to screen readers).
SHORT_TRACK_NAME = 18
# However large the day, the board stays one page a browser lays out at once: a card writes out
# this many of its conflicts (and links the rest on the conflicts page), a cell this many of the
# sessions stacked in it (and links the rest on the session list), and the unscheduled column
# this many drafts (and links the rest).
NOTES_PER_CARD = 3
CARDS_PER_CELL = 6
UNSCHEDULED_SHOWN = 50

ROOM_IN_USE = gettext_lazy(
    "Room “%(room)s” is held by another track’s session at an overlapping time (%(slot)s): "
    "this session cannot be published there."
)


def short_track_name(track):
    """(short, full): a track's name as a narrow column shows it, and in full."""
    if track is None:
        return _("All tracks"), _("All tracks")
    full = capfirst(track.name)
    return Truncator(full).chars(SHORT_TRACK_NAME), full


def panel_order(seats):
    """Seats as in_panel_order() sorts them, for a panel already loaded."""
    return sorted(
        seats,
        key=lambda seat: (
            seat.role != PanelMembership.Role.MODERATOR,
            seat.order,
            seat.speaker.name,
        ),
    )


@dataclass
class BoardEntry:
    session: Session
    notes: list = field(default_factory=list)
    # A session of another track that this user may not open: the room is in use, nothing more.
    is_occupied_only: bool = False
    # May this user move it (drag it, or move it with the keyboard)?
    can_move: bool = False
    # How many conflicts the session is in: `notes` says the first NOTES_PER_CARD of them.
    conflict_count: int = 0

    @property
    def more_conflicts(self):
        return self.conflict_count - len(self.notes)

    @property
    def is_draft(self):
        return self.session.status == Session.Status.DRAFT

    @property
    def is_cancelled(self):
        return self.session.status == Session.Status.CANCELLED

    @property
    def panel_names(self):
        return [seat.speaker.name for seat in panel_order(self.session.panel.all())]

    @property
    def track_names(self):
        return short_track_name(self.session.track)


@dataclass
class BoardCell:
    """A room at a time: empty for one slot, or holding the sessions that start at this slot
    and those overlapping them, across the slots they span."""

    room: object
    starts_at: datetime.datetime
    row: int
    column: int
    slots: int = 1
    entries: list = field(default_factory=list)
    add_url: str | None = None
    # The session list of this room and day, when the cell holds more than CARDS_PER_CELL.
    list_url: str | None = None

    @property
    def shown_entries(self):
        return self.entries[:CARDS_PER_CELL]

    @property
    def hidden_count(self):
        return max(0, len(self.entries) - CARDS_PER_CELL)

    @property
    def has_clash(self):
        """Two sessions occupy the room at once (cancelled ones occupy nothing)."""
        held = [entry.session for entry in self.entries if not entry.is_cancelled]
        return next(rules.overlapping_pairs(held), None) is not None

    @property
    def is_free(self):
        return not self.entries


@dataclass
class BoardRow:
    starts_at: datetime.datetime
    cells: list

    @property
    def is_hour(self):
        return self.starts_at.minute == 0 and self.starts_at.second == 0


def _note(conflict, session):
    """What the card of `session` says about one of its conflicts."""
    if conflict.other is None:
        return conflict.message
    other = conflict.other if conflict.session.pk == session.pk else conflict.session
    params = {"other": other, "slot": rules.Slot(other)}
    if conflict.speaker is not None:
        return str(rules.SPEAKER_ALSO_ON) % {**params, "speaker": conflict.speaker}
    return str(rules.ROOM_ALSO_USED) % {**params, "room": other.room}


def _parse_day(request, edition):
    value = request.GET.get("day")
    if not value:
        return edition.days[0]
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404(_("The day must be written YYYY-MM-DD.")) from None
    if day not in edition.days:
        raise Http404(_("This day is not one of the edition’s days."))
    return day


def _hour_floor(moment):
    return moment.replace(minute=0, second=0, microsecond=0)


def _grid_bounds(day, zone, entries):
    """The board's first and last moment on `day`: the usual hours, widened to whole hours
    around every session shown, never past midnight."""
    opens = datetime.datetime.combine(day, DAY_OPENS, tzinfo=zone)
    closes = datetime.datetime.combine(day, DAY_CLOSES, tzinfo=zone)
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    next_midnight = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    for entry in entries:
        starts = timezone.localtime(entry.session.starts_at, zone)
        ends = timezone.localtime(entry.session.ends_at, zone)
        opens = min(opens, max(midnight, _hour_floor(starts)))
        if ends >= next_midnight:
            closes = next_midnight
        elif ends > closes:
            later = _hour_floor(ends)
            closes = later if later == ends else _hour_floor(ends + datetime.timedelta(hours=1))
            closes = min(closes, next_midnight)
    return opens.astimezone(datetime.UTC), closes.astimezone(datetime.UTC)


def _add_url(request, model_admin, edition, room, starts_at, zone):
    """The add form, filled in with this edition, room, day and time."""
    if not model_admin.has_add_permission(request):
        return None
    starts = timezone.localtime(starts_at, zone)
    ends = timezone.localtime(starts_at + NEW_SESSION_LENGTH, zone)
    values = {"conference": edition.pk, "day": starts.date().isoformat()}
    values["start_time"] = f"{starts:%H:%M}"
    if ends.date() == starts.date():
        values["end_time"] = f"{ends:%H:%M}"
    if room is not None:
        values["room"] = room.pk
    return f"{reverse('admin:program_session_add')}?{urlencode(values)}"


def _list_url(edition, day, room, **filters):
    """The session list of one edition's day (None: every day), in one room (or in none)."""
    values = {"conference__id__exact": edition.pk}
    if day is not None:
        values["day"] = day.isoformat()
    values.update({f"{name}__exact": value for name, value in filters.items()})
    if room is not None:
        values["room__id__exact"] = room.pk
    else:
        values["room__isnull"] = "True"
    return f"{reverse('admin:program_session_changelist')}?{urlencode(values)}"


def _grid(request, model_admin, edition, day, rooms, entries):
    """The board's rows: one per slot; in each, the cells that start there."""
    zone = edition.tzinfo
    opens, closes = _grid_bounds(day, zone, entries)
    count = max(1, -((opens - closes) // SLOT))
    times = [opens + index * SLOT for index in range(count)]

    def first_slot(moment):
        return min(count - 1, max(0, (moment - opens) // SLOT))

    def end_slot(moment):
        return min(count, max(0, -((opens - moment) // SLOT)))

    column_of = {(room.pk if room else None): index for index, room in enumerate(rooms)}
    by_column = {index: [] for index in range(len(rooms))}
    for entry in entries:
        by_column[column_of[entry.session.room_id]].append(entry)
    starting, covered = {}, set()
    for column, column_entries in by_column.items():
        column_entries.sort(
            key=lambda entry: (
                entry.session.starts_at,
                STATUS_ORDER[entry.session.status],
                entry.session.pk,
            )
        )
        clusters = []  # [first slot, end slot, entries]: sessions whose slots overlap
        for entry in column_entries:
            first = first_slot(entry.session.starts_at)
            end = max(first + 1, end_slot(entry.session.ends_at))
            if clusters and first < clusters[-1][1]:
                clusters[-1][1] = max(clusters[-1][1], end)
                clusters[-1][2].append(entry)
            else:
                clusters.append([first, end, [entry]])
        for first, end, cluster_entries in clusters:
            starting[first, column] = (end - first, cluster_entries)
            covered.update((row, column) for row in range(first + 1, end))

    rows = []
    for row, starts_at in enumerate(times):
        cells = []
        for column, room in enumerate(rooms):
            if (row, column) in starting:
                slots, cluster_entries = starting[row, column]
                cell = BoardCell(room, starts_at, row, column, slots, cluster_entries)
                if cell.hidden_count:
                    cell.list_url = _list_url(edition, day, room)
                cells.append(cell)
            elif (row, column) not in covered:
                add_url = _add_url(request, model_admin, edition, room, starts_at, zone)
                cells.append(BoardCell(room, starts_at, row, column, add_url=add_url))
        rows.append(BoardRow(starts_at=starts_at, cells=cells))
    return rows


def _in_use_notes(entries):
    """{session id: [note]} for this user's sessions that share a room, at an overlapping time,
    with a session of another track that this user may not open."""
    notes = {}
    held = {}
    for entry in entries:
        if entry.is_occupied_only:
            held.setdefault(entry.session.room_id, []).append(entry.session)
    for entry in entries:
        session = entry.session
        if entry.is_occupied_only or entry.is_cancelled:
            continue
        for other in held.get(session.room_id, []):
            if rules.overlaps(session.starts_at, session.ends_at, other.starts_at, other.ends_at):
                notes.setdefault(session.pk, []).append(
                    str(ROOM_IN_USE) % {"room": other.room, "slot": rules.Slot(other)}
                )
    return notes


def board(request, model_admin):
    """One day of an edition as a grid of rooms by time, every session this user may see on
    it spanning its duration, drafts and cancelled sessions included and marked; beside it the
    drafts that have no room yet. Each session this user may change can be moved (board.js,
    through `move`); without JavaScript, each card and each empty cell links to its form."""
    _require_view_permission(request, model_admin)
    editions, edition = _editions_and_edition(request)
    context = _context(
        request,
        model_admin,
        title=_("Schedule board — %(edition)s") % {"edition": edition}
        if edition
        else _("Schedule board"),
        edition=edition,
        editions=editions,
    )
    if edition is None:
        return TemplateResponse(request, "admin/program/session/board.html", context)
    day = _parse_day(request, edition)
    visible = model_admin.get_queryset(request).filter(conference=edition)
    day_sessions, unscheduled = _day_and_unscheduled(visible, edition, day)
    found = find_conflicts(day_sessions)
    notes, counts = _conflict_notes(found)
    occupied = _held_by_other_tracks(visible, edition, day)
    unscheduled_ids = {session.pk for session in unscheduled}
    placed = [session for session in day_sessions if session.pk not in unscheduled_ids]
    rooms = _columns(edition, placed)
    shown_rooms = {room.pk for room in rooms if room is not NO_ROOM}

    def entry_of(session):
        return BoardEntry(
            session=session,
            notes=notes.get(session.pk, []),
            can_move=services.may_edit(request.user, session),
            conflict_count=counts[session.pk],
        )

    entries = [entry_of(session) for session in placed]
    entries += [
        BoardEntry(session=session, is_occupied_only=True)
        for session in occupied
        if session.room_id in shown_rooms
    ]
    in_use = _in_use_notes(entries)
    for entry in entries:
        more = in_use.get(entry.session.pk, [])
        entry.notes = [*entry.notes, *more]
        entry.conflict_count += len(more)
    rows = _grid(request, model_admin, edition, day, rooms, entries) if rooms else []
    context.update(
        _day_counts(day_sessions, found),
        subtitle=formats.date_format(day, "l, F j, Y"),
        day=day,
        days=edition.days,
        rooms=rooms,
        rows=rows,
        unscheduled=[entry_of(session) for session in unscheduled[:UNSCHEDULED_SHOWN]],
        unscheduled_count=len(unscheduled),
        unscheduled_url=_list_url(edition, None, None, status=Session.Status.DRAFT),
        can_add=model_admin.has_add_permission(request),
        add_url=reverse("admin:program_session_add") + f"?conference={edition.pk}",
    )
    return TemplateResponse(request, "admin/program/session/board.html", context)


def _conflict_notes(conflicts):
    """({session id: [note]}, Counter {session id: conflicts}): what each session's card says
    of its first NOTES_PER_CARD conflicts, and how many it is in."""
    notes, counts = {}, Counter()
    for conflict in conflicts:
        for session in conflict.sessions:
            counts[session.pk] += 1
            if counts[session.pk] <= NOTES_PER_CARD:
                notes.setdefault(session.pk, []).append(_note(conflict, session))
    return notes, counts


def _day_and_unscheduled(visible, edition, day):
    """(The day's sessions, the drafts with no room yet of every day: the board's "unscheduled"
    column), loaded in one go."""
    opens = datetime.datetime.combine(day, datetime.time.min, tzinfo=edition.tzinfo)
    closes = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=edition.tzinfo
    )
    loaded = list(
        prepare(
            visible.filter(
                Q(starts_at__gte=opens, starts_at__lt=closes)
                | Q(status=Session.Status.DRAFT, room=None)
            )
        ).order_by("starts_at", "room__order", "title", "pk")
    )
    day_sessions = [session for session in loaded if opens <= session.starts_at < closes]
    unscheduled = [
        session
        for session in loaded
        if session.status == Session.Status.DRAFT and session.room_id is None
    ]
    return day_sessions, unscheduled


def _held_by_other_tracks(visible, edition, day):
    """The day's published sessions that this user may not see: the rooms they hold are not
    free for this user's sessions."""
    return list(
        Session.objects.published()
        .for_edition(edition)
        .on_day(edition, day)
        .exclude(pk__in=visible.values("pk"))
        .exclude(room=None)
        .select_related("conference", "room")
        .order_by("starts_at", "pk")
    )


def _columns(edition, placed):
    """The edition's rooms in order, then any other room a session on the board is in, then
    NO_ROOM if a session has none."""
    rooms = list(Room.objects.filter(conference=edition).order_by("order", "name", "pk"))
    known = {room.pk for room in rooms}
    for session in placed:
        # A room of another edition (a conflict of its own) still gets its column.
        if session.room_id is not None and session.room_id not in known:
            known.add(session.room_id)
            rooms.append(session.room)
    if any(session.room_id is None for session in placed):
        rooms.append(NO_ROOM)
    return rooms


def _day_counts(day_sessions, found):
    counts = dict.fromkeys(Session.Status, 0)
    for session in day_sessions:
        counts[session.status] += 1
    return {
        "session_count": len(day_sessions),
        "published_count": counts[Session.Status.PUBLISHED],
        "draft_count": counts[Session.Status.DRAFT],
        "cancelled_count": counts[Session.Status.CANCELLED],
        "conflict_count": len(found),
    }


# Moving a session on the board


class MoveForm(forms.Form):
    """Where the board moves a session: a room of its edition (none: back to unscheduled), a
    start on the edition's clock, and the version of the session the board showed."""

    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"])
    version = forms.IntegerField(min_value=1)


def _answer(status, **content):
    return JsonResponse(content, status=status)


def _texts(errors):
    return [message for error in errors for message in error.messages]


def move(request, session_id, model_admin):
    """Move one session to a room and start time, keeping its length, through
    sessions.services.session_move; answer in JSON: what was done and the clashes it left
    among drafts, or why nothing was (the rules' own messages, in the reader's language)."""
    if request.method != "POST":
        return _answer(405, ok=False, errors=[_("Moves are sent by the board, as POST.")])
    session = model_admin.get_object(request, str(session_id))
    if session is None:
        return _answer(404, ok=False, errors=[_("There is no such session you may change.")])
    if not model_admin.has_change_permission(request, session):
        return _answer(403, ok=False, errors=[str(services.NOT_YOUR_TRACK)])
    edition = session.conference
    with timezone.override(edition.tzinfo):
        form = MoveForm(request.POST)
        form.fields["room"].queryset = Room.objects.filter(conference=edition)
        if not form.is_valid():
            errors = [error for errors in form.errors.as_data().values() for error in errors]
            return _answer(400, ok=False, errors=_texts(errors))
        length = session.ends_at - session.starts_at
        starts_at = form.cleaned_data["starts_at"].astimezone(datetime.UTC)
        session.version = form.cleaned_data["version"]
        try:
            services.session_move(
                user=request.user,
                session=session,
                room=form.cleaned_data["room"],
                starts_at=starts_at,
                ends_at=starts_at + length,
            )
        except PermissionDenied as error:
            return _answer(403, ok=False, errors=_texts(services.each_error(error)))
        except (ValidationError, StaleSessionError) as error:
            return _answer(409, ok=False, errors=_texts(services.each_error(error)))
        warnings = []
        if session.status == Session.Status.DRAFT:
            visible = (
                Session.objects.filter(pk__in=services.editable_sessions(request.user).values("pk"))
                | Session.objects.public()
            )
            warnings = _texts(rules.draft_clash_warnings(session, visible=visible))
        where = session.room.name if session.room else _("no room")
        message = _("“%(session)s” moved: %(room)s, %(slot)s.") % {
            "session": session,
            "room": where,
            "slot": session.slot_label,
        }
        return _answer(200, ok=True, session=session.pk, message=message, warnings=warnings)
