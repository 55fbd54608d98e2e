"""The schedule board: one day of an edition as rooms by time, to move sessions on."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote, urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from modeltranslation.manager import rewrite_order_lookup_key

from tracks.models import Topic

from .. import rules, services
from ..conflicts import Kind, Row, found_among, in_listing_order, light_rows, own_conflict
from ..models import PanelMembership, Room, Session, StaleSessionError
from .panels import annotated_answers, answers_text
from .views import (
    NO_ROOM,
    RELEASE_STATE_LABELS,
    RELEASED,
    STATUS_ORDER,
    _context,
    _editions_and_edition,
    _require_view_permission,
    release_state,
)

NOT_INVITED = PanelMembership.Answer.NOT_INVITED

# The board's rows: a quarter of an hour each; a session spans the rows of its duration.
SLOT = datetime.timedelta(minutes=15)
# The hours every day shows, so that a quiet day still has room to add sessions.
DAY_OPENS = datetime.time(8)
DAY_CLOSES = datetime.time(18)
# "Add a session here" proposes this length; the form can change it.
NEW_SESSION_LENGTH = datetime.timedelta(hours=1)
# A track's name on a card or in a list column, cut to this many characters (in full on hover).
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
    """(session id, speaker's name) of `seats` [(session id, speaker id, speaker's name, role,
    order)], sorted as in_panel_order() sorts a panel."""
    ordered = sorted(
        seats, key=lambda seat: (seat[3] != PanelMembership.Role.MODERATOR, seat[4], seat[2])
    )
    return [(seat[0], seat[2]) for seat in ordered]


@dataclass
class BoardEntry:
    """A card: `session` is a light conflicts.Row until the card is shown and loaded in full."""

    session: Session
    notes: list = field(default_factory=list)
    # A session of another track that this user may not open: the room is in use, nothing more.
    is_occupied_only: bool = False
    # Such a session common to every track (a plenary, a break, lunch: it has no track), named:
    # it is public, and a chair plans around it.
    all_tracks_title: str = ""
    # May this user move it (drag it, or move it with the keyboard)?
    can_move: bool = False
    # How many conflicts the session is in: `notes` says the first NOTES_PER_CARD of them.
    conflict_count: int = 0
    # The speakers' names, in panel order, and the card's links (filled in with the card).
    panel_names: list = field(default_factory=list)
    change_url: str = ""
    move_url: str = ""
    # The card as HTML (_Writer.card), for the unscheduled column.
    html: str = ""

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
    def track_names(self):
        return short_track_name(self.session.track)

    @property
    def release_badge(self):
        """“not released” or “changed since release” when attendees do not see the session as
        it is (read once the card is loaded: the model admin's released_version), else ""."""
        state = release_state(self.session)
        return "" if state in (None, RELEASED) else RELEASE_STATE_LABELS[state]


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


class _Writer:
    """The board's grid and cards as HTML, written in Python: a busy day has over a thousand
    cards and thousands of cells, which a template (an include per card, a lookup per value)
    takes seconds to draw. Each text is translated once, each moment and track formatted once,
    and every value escaped as the template would. The markup is the one board.html had: keep
    the two in step (board.js and the tests read it)."""

    def __init__(self, edition, conflicts_url):
        self.zone = edition.tzinfo
        self.conflicts_url = conflicts_url
        self.edition_query = escape(quote(edition.slug, safe="/"))
        self.moments, self.tracks = {}, {}
        self.occupied = _("In use by another track")
        self.all_tracks = _("All tracks: %(title)s")
        self.badges = {
            Session.Status.DRAFT: f'<p class="program-badge">{_("Draft")}</p>',
            Session.Status.CANCELLED: f'<p class="program-badge">{_("Cancelled")}</p>',
        }
        self.release_badges = {
            state: f'<p class="program-badge program-release-badge">{escape(str(label))}</p>'
            for state, label in RELEASE_STATE_LABELS.items()
            if state != RELEASED
        }
        self.panel = _("Panel:")
        self.add_in = _("Add a session in %(room)s at %(time)s")
        self.add_nowhere = _("Add a session with no room at %(time)s")
        self.clash = _("<strong>Clash:</strong> %(number)s sessions in this room at once")

    def moment(self, value):
        """(time "H:i", datetime attribute, "Y-m-dTH:i", local datetime) of `value` on the
        edition's clock."""
        if value not in self.moments:
            local = timezone.localtime(value, self.zone)
            self.moments[value] = (
                f"{local:%H:%M}",
                escape(local.isoformat()),
                f"{local:%Y-%m-%dT%H:%M}",
                local,
            )
        return self.moments[value]

    def span(self, starts_at, ends_at):
        starts, ends = self.moment(starts_at), self.moment(ends_at)
        return (
            f'<time datetime="{starts[1]}">{starts[0]}</time>–'
            f'<time datetime="{ends[1]}">{ends[0]}</time>'
        )

    def track(self, track):
        key = None if track is None else track.pk
        if key not in self.tracks:
            short, full = (escape(str(name)) for name in short_track_name(track))
            self.tracks[key] = (
                f'<span title="{full}"><span aria-hidden="true">{short}</span>'
                f'<span class="visually-hidden">{full}</span></span>'
            )
        return self.tracks[key]

    def card(self, entry, show_day=False):
        """The card of `entry`, as includes/board_card.html wrote it."""
        session = entry.session
        starts, ends = self.moment(session.starts_at)[2], self.moment(session.ends_at)[2]
        if entry.is_occupied_only:
            classes, name = "program-card program-occupied", self.occupied
            if entry.all_tracks_title:
                classes += " program-all-tracks"
                name = self.all_tracks % {"title": escape(entry.all_tracks_title)}
            return (
                f'\n<div class="{classes}" data-starts="{starts}" data-ends="{ends}">\n'
                f'  <p class="program-card-title">{name}</p>\n'
                '  <p class="program-card-meta">'
                f"{self.span(session.starts_at, session.ends_at)}</p>\n</div>\n"
            )
        pk, status = session.pk, session.status
        title = escape(session.title)
        classes = "program-card"
        if status == Session.Status.DRAFT:
            classes += " program-draft"
        elif status == Session.Status.CANCELLED:
            classes += " program-cancelled"
        if entry.notes:
            classes += " program-has-conflict"
        movable = ""
        if entry.can_move:
            room = "" if session.room_id is None else session.room_id
            movable = (
                f' data-session="{pk}" data-version="{session.version}" data-room="{room}"'
                f' data-title="{title}" data-move-url="{escape(entry.move_url)}"'
            )
        day = ""
        if show_day:
            local = self.moment(session.starts_at)[3]
            day = escape(formats.date_format(local, "D j M")) + ", "
        parts = [
            f'\n<article id="program-card-{pk}" class="{classes}"{movable}'
            f' data-starts="{starts}" data-ends="{ends}"'
            f' aria-labelledby="program-card-title-{pk}">\n  ',
            self.badges.get(status, ""),
            "\n  ",
            self.release_badges.get(release_state(session), ""),
            f'\n  <h3 class="program-card-title" id="program-card-title-{pk}">'
            f'<a href="{escape(entry.change_url)}">{title}</a></h3>\n'
            f'  <p class="program-card-meta">{day}{self.span(session.starts_at, session.ends_at)}'
            f"\n    · {self.track(session.track)}</p>\n  ",
        ]
        if entry.panel_names:
            names = ", ".join(escape(name) for name in entry.panel_names)
            parts.append(
                '<p class="program-card-panel"><span class="visually-hidden">'
                f"{self.panel} </span>{names}</p>"
            )
            answers = annotated_answers(session)
            if any(count for answer, count in answers.items() if answer != NOT_INVITED):
                parts.append(f'<p class="program-card-answers">{escape(answers_text(answers))}</p>')
        if entry.notes:
            count = entry.conflict_count
            count = ngettext("%(counter)s conflict", "%(counter)s conflicts", count) % {
                "counter": count
            }
            notes = "".join(f"<li>{escape(note)}</li>" for note in entry.notes)
            more = ""
            if entry.more_conflicts and self.conflicts_url:
                more = entry.more_conflicts
                link = ngettext(
                    "and %(counter)s more: see them all", "and %(counter)s more: see them all", more
                ) % {"counter": more}
                more = (
                    f'<p><a href="{escape(self.conflicts_url)}?edition={self.edition_query}'
                    f'&amp;session={pk}">{link}</a></p>'
                )
            parts.append(
                '\n  \n    <details class="program-notes">\n'
                f"      <summary><strong>{count}</strong></summary>\n"
                f"      <ul>{notes}</ul>\n      {more}\n    </details>\n  "
            )
        parts.append("\n</article>\n")
        return "".join(parts)

    def cell(self, cell):
        slots = f' rowspan="{cell.slots}"' if cell.slots > 1 else ""
        head = (
            f'<td data-row="{cell.row}" data-column="{cell.column}" data-slots="{cell.slots}"'
            f'{slots} class="program-slot'
        )
        if cell.is_free:
            if not cell.add_url:
                return f'{head} program-empty"></td>'
            time = self.moment(cell.starts_at)[0]
            if cell.room:
                label = self.add_in % {"room": escape(cell.room.name), "time": time}
            else:
                label = self.add_nowhere % {"time": time}
            return (
                f'{head} program-empty"><a class="program-add" href="{escape(cell.add_url)}">'
                f'<span aria-hidden="true">+</span><span class="visually-hidden">{label}</span>'
                "</a></td>"
            )
        parts = []
        if cell.has_clash:
            head += " program-clash"
            number = self.clash % {"number": len(cell.entries)}
            parts.append(f'<p class="program-clash-note">{number}</p>')
        parts += [self.card(entry) for entry in cell.shown_entries]
        if cell.hidden_count:
            more = ngettext(
                "and %(counter)s more session in this room: list them",
                "and %(counter)s more sessions in this room: list them",
                cell.hidden_count,
            ) % {"counter": cell.hidden_count}
            parts.append(
                f'<p class="program-clash-note"><a href="{escape(cell.list_url)}">{more}</a></p>'
            )
        return f'{head}">{"".join(parts)}</td>'

    def rows(self, rows):
        """The grid's rows: board.html's <tbody>."""
        lines = []
        for row in rows:
            time, stamp, starts, _local = self.moment(row.starts_at)
            hour = ' class="program-hour"' if row.is_hour else ""
            cells = "".join(self.cell(cell) for cell in row.cells)
            lines.append(
                f'<tr data-starts="{starts}"{hour}>'
                f'<th scope="row"><time datetime="{stamp}">{time}</time></th>{cells}</tr>\n'
            )
        return mark_safe("".join(lines))  # noqa: S308  (every value escaped)


class _Notes:
    """What a card says about each of its conflicts (conflicts.Found, their sessions in
    `loaded`), each message translated once and each other session's title, room and slot
    written once, however many cards name it."""

    def __init__(self, loaded, speaker_names):
        self.loaded, self.speaker_names = loaded, speaker_names
        self.others = {}
        self.speaker_also_on = str(rules.SPEAKER_ALSO_ON)
        self.room_also_used = str(rules.ROOM_ALSO_USED)

    def other(self, pk):
        """{"other", "slot", "room"}: the texts a message says of session `pk`."""
        if pk not in self.others:
            other = self.loaded[pk]
            self.others[pk] = {
                "other": str(other),
                "slot": str(rules.Slot(other)),
                "room": str(other.room),
            }
        return self.others[pk]

    def note(self, each, session):
        if not each.other_id:
            return own_conflict(session, each.kind).message
        params = self.other(each.other_id if each.session_id == session.pk else each.session_id)
        if each.speaker_id:
            speaker = self.speaker_names[each.speaker_id]
            return self.speaker_also_on % {**params, "speaker": speaker}
        return self.room_also_used % params


def _url_of(name):
    """reverse(name, args=[pk]) for any number of sessions at the cost of one reverse()."""
    marker = "8675309"
    head, tail = reverse(name, args=[marker]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


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


def _add_urls(add, edition, starts_at, zone):
    """room -> the add form (at `add`; None: this user may not add), filled in with this
    edition, the room, and the day and time of `starts_at`, formatted once for a whole row."""
    if add is None:
        return lambda room: None
    starts = timezone.localtime(starts_at, zone)
    ends = timezone.localtime(starts_at + NEW_SESSION_LENGTH, zone)
    values = {"conference": edition.pk, "day": starts.date().isoformat()}
    values["start_time"] = f"{starts:%H:%M}"
    if ends.date() == starts.date():
        values["end_time"] = f"{ends:%H:%M}"
    url = f"{add}?{urlencode(values)}"
    return lambda room: url if room is None else f"{url}&{urlencode({'room': room.pk})}"


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
    add = reverse("admin:program_session_add") if model_admin.has_add_permission(request) else None
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
        add_url = _add_urls(add, edition, starts_at, zone)
        for column, room in enumerate(rooms):
            if (row, column) in starting:
                slots, cluster_entries = starting[row, column]
                cell = BoardCell(room, starts_at, row, column, slots, cluster_entries)
                if cell.hidden_count:
                    cell.list_url = _list_url(edition, day, room)
                cells.append(cell)
            elif (row, column) not in covered:
                cells.append(BoardCell(room, starts_at, row, column, add_url=add_url(room)))
        rows.append(BoardRow(starts_at=starts_at, cells=cells))
    return rows


def _write_in_use_notes(shown, entries, edition):
    """Note on each card shown of this user's that shares a room, at an overlapping time, with
    a session of another track that this user may not open."""
    held = {}
    for entry in entries:
        if entry.is_occupied_only:
            held.setdefault(entry.session.room_id, []).append(entry.session)
    for entry in shown:
        session = entry.session
        if entry.is_cancelled:
            continue
        more = [
            str(ROOM_IN_USE)
            % {
                "room": session.room,
                "slot": rules.slot_label(other.starts_at, other.ends_at, edition),
            }
            for other in held.get(session.room_id, [])
            if rules.overlaps(session.starts_at, session.ends_at, other.starts_at, other.ends_at)
        ]
        entry.notes = [*entry.notes, *more]
        entry.conflict_count += len(more)


def board(request, model_admin):
    """One day of an edition as a grid of rooms by time, every session this user may see on
    it spanning its duration, drafts and cancelled sessions included and marked; beside it the
    drafts that have no room yet. Each session this user may change can be moved (board.js,
    through `move`); without JavaScript, each card and each empty cell links to its form.

    However large the day, the grid is laid out from light rows (times, rooms, statuses), the
    day's conflicts are found and counted on them, and only the cards shown are loaded in full."""
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
    read = _read_day(visible, edition, day)
    placed = [row for row in read.day_rows if not _is_unscheduled(row)]
    rooms = _columns(edition, placed)
    shown_rooms = {room.pk for room in rooms if room is not NO_ROOM}
    entries = [BoardEntry(session=row) for row in placed]
    entries += [
        entry
        for entry in _held_by_other_tracks(visible, edition, day)
        if entry.session.room_id in shown_rooms
    ]
    rows = _grid(request, model_admin, edition, day, rooms, entries) if rooms else []
    unscheduled = [BoardEntry(session=row) for row in read.unscheduled[:UNSCHEDULED_SHOWN]]
    shown = [e for row in rows for cell in row.cells for e in cell.shown_entries]
    shown = [entry for entry in shown if not entry.is_occupied_only]
    _load_cards(request, edition, rooms, visible, read, [*shown, *unscheduled])
    _write_in_use_notes(shown, entries, edition)
    writer = _Writer(edition, context["conflicts_url"])
    for entry in unscheduled:
        entry.html = mark_safe(writer.card(entry, show_day=True))  # noqa: S308  (escaped)
    context.update(
        _day_counts(read.day_rows, read.found),
        subtitle=formats.date_format(day, "l, F j, Y"),
        day=day,
        days=edition.days,
        rooms=rooms,
        rows=rows,
        grid=writer.rows(rows),
        unscheduled=unscheduled,
        unscheduled_count=len(read.unscheduled),
        unscheduled_url=_list_url(edition, None, None, status=Session.Status.DRAFT),
        can_add=model_admin.has_add_permission(request),
        add_url=reverse("admin:program_session_add") + f"?conference={edition.pk}",
    )
    return TemplateResponse(request, "admin/program/session/board.html", context)


def _is_unscheduled(row):  # A draft with no room: in the unscheduled column, of any day.
    return row.status == Session.Status.DRAFT and row.room_id is None


@dataclass
class DayRead:
    """A day in light rows: its sessions (conflicts.Row), the drafts with no room of every day,
    the day's conflicts (conflicts.Found, unsorted: _load_cards sorts those it writes out),
    and the panels of both [(session id, speaker id, speaker's name, role, order)]."""

    day_rows: list
    unscheduled: list
    found: list
    panels: list
    speaker_names: dict


def _read_day(visible, edition, day):
    """The day and the unscheduled drafts in two queries that read no text (titles only
    order the rows, in the reader's language, as the translated manager orders them)."""
    opens = datetime.datetime.combine(day, datetime.time.min, tzinfo=edition.tzinfo)
    closes = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=edition.tzinfo
    )
    light = QuerySet(model=Session).filter(
        Q(starts_at__gte=opens, starts_at__lt=closes) | Q(status=Session.Status.DRAFT, room=None),
        pk__in=visible.values("pk"),
    )
    rows = light_rows(
        light.order_by(
            "starts_at", "room__order", rewrite_order_lookup_key(Session, "title"), "pk"
        ),
        edition,
    )
    panels = list(
        QuerySet(model=PanelMembership)
        .filter(session__in=light.order_by().values("pk"))
        .order_by()
        .values_list("session_id", "speaker_id", "speaker__name", "role", "order")
    )
    day_rows = [row for row in rows if opens <= row.starts_at < closes]
    live = {row.pk: row for row in day_rows if row.status != Session.Status.CANCELLED}
    names = {speaker_id: name for _session, speaker_id, name, *_seat in panels}
    found = found_among(
        list(live.values()), [(pk, speaker) for pk, speaker, *_ in panels if pk in live]
    )
    return DayRead(
        day_rows=day_rows,
        unscheduled=[row for row in rows if _is_unscheduled(row)],
        found=list(found),
        panels=panels,
        speaker_names=names,
    )


def _attach_relations(edition, rooms, sessions):
    """Give `sessions` (all of `edition`, their tracks read with them) their edition and their
    room from `rooms` (the board's columns), as select_related would but with one object per
    room rather than one per card (a busy day loads over a thousand sessions)."""
    rooms = {room.pk: room for room in rooms if room is not NO_ROOM}
    fields = Session._meta.get_field
    conference, room = fields("conference"), fields("room")
    for session in sessions:
        conference.set_cached_value(session, edition)
        room.set_cached_value(session, rooms.get(session.room_id))


def _load_cards(request, edition, rooms, visible, read, cards):
    """Load in full the sessions of the cards shown and of the conflicts they write out, and
    fill the cards in: panel, the first NOTES_PER_CARD conflicts and their count, may this
    user move it. Their rooms are the board's `rooms`, all those of the day."""
    wanted = {entry.session.pk for entry in cards}
    counts = Counter(each.session_id for each in read.found)
    counts.update(each.other_id for each in read.found if each.other_id)
    # The conflicts of the cards, in the conflicts page's order (sorting only these: a busy
    # day has tens of thousands of conflicts, most of them among cards not shown).
    theirs = [each for each in read.found if each.session_id in wanted or each.other_id in wanted]
    firsts = {}
    for each in in_listing_order(theirs, read.speaker_names):
        for pk in (each.session_id, each.other_id):
            if pk in wanted:
                notes = firsts.setdefault(pk, [])
                if len(notes) < NOTES_PER_CARD:
                    notes.append(each)
    written = [each for entry in cards for each in firsts.get(entry.session.pk, [])]
    ids = {entry.session.pk for entry in cards}
    ids |= {pk for each in written for pk in (each.session_id, each.other_id) if pk}
    loaded = {
        session.pk: session
        for session in visible.filter(pk__in=ids).select_related("track__conference")
    }
    _attach_relations(edition, rooms, loaded.values())
    # Only a card that writes out a stray topic reads its session's topics.
    strays = {each.session_id for each in written if each.kind == Kind.TOPIC_OF_OTHER_TRACK}
    topics = Prefetch("topics", queryset=Topic.objects.select_related("track"))
    prefetch_related_objects([loaded[pk] for pk in strays], topics)
    panels = {}
    for session_id, name in panel_order(read.panels):
        panels.setdefault(session_id, []).append(name)
    notes = _Notes(loaded, read.speaker_names)
    change_url = _url_of("admin:program_session_change")
    move_url = _url_of("admin:program_session_move")
    may_move = {}  # {track id: may this user move its sessions}: rights go by track
    for entry in cards:
        session = entry.session = loaded[entry.session.pk]
        entry.panel_names = panels.get(session.pk, [])
        entry.notes = [notes.note(each, session) for each in firsts.get(session.pk, [])]
        entry.change_url, entry.move_url = change_url(session.pk), move_url(session.pk)
        entry.conflict_count = counts[session.pk]
        if session.track_id not in may_move:
            may_move[session.track_id] = services.may_edit(request.user, session)
        entry.can_move = may_move[session.track_id]


def _held_by_other_tracks(visible, edition, day):
    """The day's published sessions that this user may not see, as cards of light rows that
    say only that the room is in use, or, for a session of every track, its title: the rooms
    they hold are not free for this user's sessions."""
    held = (
        Session.objects.published()
        .for_edition(edition)
        .on_day(edition, day)
        .exclude(pk__in=visible.values("pk"))
        .exclude(room=None)
    )
    rows, common = [], []
    for pk, status, room_id, starts_at, ends_at, track_id in (
        QuerySet(model=Session)
        .filter(pk__in=held.values("pk"))
        .order_by("starts_at", "pk")
        .values_list("pk", "status", "room_id", "starts_at", "ends_at", "track_id")
    ):
        rows.append(Row(pk, status, room_id, starts_at, ends_at, (), None))
        if track_id is None:
            common.append(pk)
    # Titles in the reader's language, through the translated manager (one query, and none on
    # a day without sessions for every track).
    titles = (
        {session.pk: str(session) for session in Session.objects.filter(pk__in=common)}
        if common
        else {}
    )
    return [
        BoardEntry(session=row, is_occupied_only=True, all_tracks_title=titles.get(row.pk, ""))
        for row in rows
    ]


def _columns(edition, placed):
    """The edition's rooms in order, then any other room a session on the board is in (a
    conflict of its own: it still gets its column), then NO_ROOM if a session has none; in one
    query, with their editions."""
    ids = {row.room_id for row in placed if row.room_id is not None}
    found = list(
        Room.objects.filter(Q(conference=edition) | Q(pk__in=ids))
        .select_related("conference")
        .order_by("order", "name", "pk")
    )
    rooms = [room for room in found if room.conference_id == edition.pk]
    others = {room.pk: room for room in found if room.conference_id != edition.pk}
    for row in placed:
        if row.room_id in others:
            rooms.append(others.pop(row.room_id))
    if any(row.room_id is None for row in placed):
        rooms.append(NO_ROOM)
    return rooms


def _day_counts(day_rows, found):
    counts = dict.fromkeys(Session.Status, 0)
    for row in day_rows:
        counts[row.status] += 1
    return {
        "session_count": len(day_rows),
        "published_count": counts[Session.Status.PUBLISHED],
        "draft_count": counts[Session.Status.DRAFT],
        "cancelled_count": counts[Session.Status.CANCELLED],
        "conflict_count": len(found),
    }


# Moving a session on the board


class MoveForm(forms.Form):
    """Where the board moves a session: a room of its edition (none: back to unscheduled), a
    start on the edition's clock, an end (none: the same length as now), and the version of
    the session the board showed."""

    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)
    starts_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"], required=False)
    version = forms.IntegerField(min_value=1)


# After a refusal, the board offers this many free slots nearest to where the session was put.
FREE_SLOTS_OFFERED = 3


@dataclass(frozen=True)
class FreeSlot:
    room: Room
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def free_slots(session, *, room, starts_at, length, edition, limit=FREE_SLOTS_OFFERED):
    """Up to `limit` slots of `length` on the day of `starts_at` (on the board's steps, within
    the hours the board shows that day) where no session but cancelled ones holds one of the
    edition's rooms and none of `session`'s speakers is on another session: where a move
    refused at `room` and `starts_at` could go instead. The nearest of each room first (of
    `room` before the others at the same distance, then in the rooms' order), then the next
    nearest. Read in three queries."""
    zone = edition.tzinfo
    day = timezone.localtime(starts_at, zone).date()
    if day not in edition.days:
        day = timezone.localtime(session.starts_at, zone).date()
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    live = (
        QuerySet(model=Session)
        .filter(conference=edition)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(pk=session.pk)
        .filter(rules.overlapping(midnight, midnight + datetime.timedelta(days=1)))
        .order_by()
    )
    held, day_spans = {}, []
    for room_id, starts, ends in live.values_list("room_id", "starts_at", "ends_at"):
        day_spans.append(BoardEntry(session=Row(None, None, None, starts, ends, (), None)))
        if room_id is not None:
            held.setdefault(room_id, []).append((starts, ends))
    speakers = PanelMembership.objects.filter(session=session).values("speaker_id")
    busy = list(
        live.filter(panel__speaker_id__in=speakers).values_list("starts_at", "ends_at").distinct()
    )
    opens, closes = _grid_bounds(day, zone, day_spans)
    rooms = list(Room.objects.filter(conference=edition).order_by("order", "name", "pk"))
    wanted = room.pk if room else None

    def is_free(taken, starts, ends):
        return not any(rules.overlaps(starts, ends, *other) for other in taken)

    found = []
    moment = opens
    while moment + length <= closes:
        ends = moment + length
        if is_free(busy, moment, ends):
            found += [
                (abs(moment - starts_at), each.pk != wanted, moment, index, each)
                for index, each in enumerate(rooms)
                if is_free(held.get(each.pk, ()), moment, ends)
            ]
        moment += SLOT
    found.sort(key=lambda each: each[:4])
    firsts, rest, seen = [], [], set()
    for each in found:
        (rest if each[4].pk in seen else firsts).append(each)
        seen.add(each[4].pk)
    return [FreeSlot(each[4], each[2], each[2] + length) for each in [*firsts, *rest][:limit]]


def _offered(slots, edition, moments):
    return [
        {
            "room": slot.room.pk,
            "starts_at": moments(slot.starts_at),
            "ends_at": moments(slot.ends_at),
            "label": _("%(room)s, %(slot)s")
            % {
                "room": slot.room.name,
                "slot": rules.slot_label(slot.starts_at, slot.ends_at, edition),
            },
        }
        for slot in slots
    ]


def _answer(status, **content):
    return JsonResponse(content, status=status)


def _texts(errors):
    return [message for error in errors for message in error.messages]


def move(request, session_id, model_admin):
    """Move one session to a room and start time, keeping its length or to a new end, through
    sessions.services.session_move; answer in JSON: what was done, the session's new version
    and the clashes it left among drafts, or why nothing was (the rules' own messages, in the
    reader's language) with the nearest free slots of its length on that day."""
    if request.method != "POST":
        return _answer(405, ok=False, errors=[_("Moves are sent by the board, as POST.")])
    session = model_admin.get_object(request, str(session_id))
    if session is None:
        return _answer(404, ok=False, errors=[_("There is no such session you may change.")])
    if not model_admin.has_change_permission(request, session):
        return _answer(403, ok=False, errors=[str(services.NOT_YOUR_TRACK)])
    edition = session.conference
    zone = edition.tzinfo

    def local(moment):
        return f"{timezone.localtime(moment, zone):%Y-%m-%dT%H:%M}"

    with timezone.override(zone):
        form = MoveForm(request.POST)
        form.fields["room"].queryset = Room.objects.filter(conference=edition)
        if not form.is_valid():
            errors = [error for errors in form.errors.as_data().values() for error in errors]
            return _answer(400, ok=False, errors=_texts(errors))
        starts_at = form.cleaned_data["starts_at"].astimezone(datetime.UTC)
        if form.cleaned_data["ends_at"] is None:
            ends_at = starts_at + (session.ends_at - session.starts_at)
        else:
            ends_at = form.cleaned_data["ends_at"].astimezone(datetime.UTC)
        session.version = form.cleaned_data["version"]
        try:
            services.session_move(
                user=request.user,
                session=session,
                room=form.cleaned_data["room"],
                starts_at=starts_at,
                ends_at=ends_at,
            )
        except PermissionDenied as error:
            return _answer(403, ok=False, errors=_texts(services.each_error(error)))
        except StaleSessionError as error:
            return _answer(409, ok=False, errors=_texts(services.each_error(error)))
        except ValidationError as error:
            stored = Session.objects.get(pk=session.pk)
            slots = []
            if ends_at > starts_at:
                slots = free_slots(
                    stored,
                    room=form.cleaned_data["room"],
                    starts_at=starts_at,
                    length=ends_at - starts_at,
                    edition=edition,
                )
            return _answer(
                409,
                ok=False,
                errors=_texts(services.each_error(error)),
                free_slots=_offered(slots, edition, local),
                version=stored.version,
            )
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
        return _answer(
            200,
            ok=True,
            session=session.pk,
            message=message,
            warnings=warnings,
            version=session.version,
            room=session.room_id,
            starts_at=local(session.starts_at),
            ends_at=local(session.ends_at),
        )
