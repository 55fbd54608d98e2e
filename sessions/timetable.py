"""Arranges one day's sessions as a timetable: a column per room, a row per tick of the clock.

Rows are evenly spaced in time: the tick is the longest step (dividing half an hour) that every
start and end of the day falls on, down to a minute, so each cell begins in the row of its
session's start and spans exactly the rows of its duration. Reading across the row at 11:00
therefore shows everything that is on at 11:00, not only what starts then, and a card's top and
height are its times. Sessions that overlap in one room (a cancelled one and its replacement,
or two booked at once) each get a lane, a sub-column of the room's column, so that no two cards
ever share a cell or cover each other. A stretch of the day that holds only sessions for every
track (a plenary, a break) spans all the columns, split into lanes if they overlap.

The same table is the grid on wide screens and, restyled by CSS, a list grouped by start time on
narrow ones (rows where nothing starts are hidden there, and each row's time is the exact start
of every card in it): one markup for screen readers and one render for the server."""

import datetime
import math
from dataclasses import dataclass, field

NO_ROOM = None
MAX_STEP_MINUTES = 30


@dataclass(slots=True)
class Cell:
    cards: list
    rowspan: int = 1
    colspan: int = 1
    # A session for every track, across the columns (or its lane of them).
    spanning: bool = False

    @property
    def attributes(self):
        """The <td>'s attributes, ready to write (a template would format the numbers)."""
        attributes = f" rowspan={self.rowspan}" if self.rowspan > 1 else ""
        if self.colspan > 1:
            attributes += f" colspan={self.colspan}"
        if self.spanning:
            attributes += " class=spanning"
        return attributes


@dataclass(slots=True)
class Row:
    starts_at: datetime.datetime
    cells: list = field(default_factory=list)
    # Some session starts in this row: the narrow list shows only these rows.
    has_starts: bool = False
    # The row at which the "now / next" jump lands.
    is_now: bool = False

    @property
    def is_on_the_hour(self):
        return self.starts_at.minute == 0

    @property
    def is_labelled(self):
        """Rows where a session starts, and every half hour, carry their time."""
        return self.has_starts or self.starts_at.minute % MAX_STEP_MINUTES == 0


@dataclass
class Timetable:
    rooms: list
    rows: list
    step_minutes: int = MAX_STEP_MINUTES
    # "now" when a session is running at the moment given to build_timetable, "next" when the
    # next one has yet to start, "" otherwise.
    now_label: str = ""
    # How many lanes (table columns) each room's column holds, in the order of `rooms`.
    lanes: list = field(default_factory=list)

    @property
    def rows_with_starts(self):
        """The rows where sessions start: the phone list's headings."""
        return [row for row in self.rows if row.has_starts]

    @property
    def room_heads(self):
        """(room, the number of table columns under its heading), left to right."""
        return list(zip(self.rooms, self.lanes or [1] * len(self.rooms), strict=True))


@dataclass(slots=True)
class _Placed:
    card: object
    first_row: int
    end_row: int
    lane: int = 0


def _minutes(delta):
    return int(delta.total_seconds() // 60)


def _step(origin, cards):
    """The longest step dividing half an hour that every start and end falls on."""
    starts = [_minutes(card.starts_at - origin) for card in cards]
    ends = [_minutes(card.ends_at - origin) for card in cards]
    return math.gcd(MAX_STEP_MINUTES, *starts, *ends)


def _clusters(placed):
    """Runs of sessions whose rows overlap, in time order: nothing outside a run shares its
    rows, so a run of sessions for every track can span the table."""
    clusters, current, end = [], [], -1
    for item in placed:
        if current and item.first_row >= end:
            clusters.append(current)
            current = []
        current.append(item)
        end = max(end, item.end_row) if len(current) > 1 else item.end_row
    if current:
        clusters.append(current)
    return clusters


def _room_key(room):
    """A room by its id: comparing model instances costs more, thousands of times a day."""
    return None if room is None else room.pk


def _columns(cards):
    rooms = sorted(
        {card.room.pk: card.room for card in cards if card.room is not None}.values(),
        key=lambda room: (room.order, room.name),
    )
    if any(card.room is None for card in cards):
        rooms.append(NO_ROOM)
    return rooms


def _assign_lanes(items):
    """Puts each session in the first lane free at its start (items in time order); returns
    the number of lanes."""
    lane_ends = []
    for item in items:
        free = (lane for lane, end_row in enumerate(lane_ends) if end_row <= item.first_row)
        lane = next(free, len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0)
        lane_ends[lane] = item.end_row
        item.lane = lane
    return max(len(lane_ends), 1)


def build_timetable(cards, *, zone, now=None):
    """`cards` (sessions.cards) of one day, ordered by start time; `zone` the edition's."""
    cards = list(cards)
    if not cards:
        return Timetable(rooms=[], rows=[])
    first = min(card.starts_at for card in cards).astimezone(zone)
    origin = first.replace(minute=first.minute - first.minute % MAX_STEP_MINUTES, second=0)
    origin = origin.replace(microsecond=0)
    step = _step(origin, cards)
    placed = sorted(
        (_place(card, origin, step) for card in cards),
        # Of two sessions at once in one room, the one that takes place comes first.
        key=lambda item: (
            item.first_row,
            item.end_row,
            bool(getattr(item.card, "is_cancelled", False)),
        ),
    )
    clusters = [
        [cluster, all(item.card.track_id is None for item in cluster)]
        for cluster in _clusters(placed)
    ]
    while True:
        in_columns = [item for cluster, spans in clusters if not spans for item in cluster]
        rooms = _columns([item.card for item in in_columns] or cards)
        by_room = {}
        for item in in_columns:
            by_room.setdefault(_room_key(item.card.room), []).append(item)
        lanes = [_assign_lanes(by_room.get(_room_key(room), [])) for room in rooms]
        # Sessions for every track that overlap each other more times than there are columns
        # keep to their rooms instead.
        crowded = [entry for entry in clusters if entry[1] and _assign_lanes(entry[0]) > sum(lanes)]
        if not crowded:
            break
        for entry in crowded:
            entry[1] = False
    row_count = max(item.end_row for item in placed)
    cells, filled = _session_cells(clusters, rooms, lanes, row_count)
    rows = _rows(origin, step, row_count, {**_empty_cells(filled), **cells})
    timetable = Timetable(rooms=rooms, rows=rows, step_minutes=step, lanes=lanes)
    if now is not None:
        _mark_now(timetable, placed, now)
    return timetable


def _place(card, origin, step):
    """The rows a session's cell spans: at least one, however short the session."""
    first_row = _minutes(card.starts_at - origin) // step
    end_row = max(math.ceil(_minutes(card.ends_at - origin) / step), first_row + 1)
    return _Placed(card=card, first_row=first_row, end_row=end_row)


def _session_cells(clusters, rooms, lanes, row_count):
    """{(row, column): the cell that begins there} for the sessions, and for each column (a
    lane of a room) the rows that they fill."""
    cells = {}
    first_column, column = {}, 0
    for room, count in zip(rooms, lanes, strict=True):
        first_column[_room_key(room)] = column
        column += count
    filled = [[False] * row_count for _ in range(column)]
    for cluster, spans in clusters:
        if spans:
            _place_across(cluster, cells, filled)
        else:
            for item in cluster:
                column = first_column[_room_key(item.card.room)] + item.lane
                _fill(cells, filled, item, column, 1)
    return cells, filled


def _fill(cells, filled, item, column, width, spanning=False):
    cells[(item.first_row, column)] = Cell(
        cards=[item.card],
        rowspan=item.end_row - item.first_row,
        colspan=width,
        spanning=spanning,
    )
    for each in filled[column : column + width]:
        each[item.first_row : item.end_row] = [True] * (item.end_row - item.first_row)


def _place_across(cluster, cells, filled):
    """A run of sessions for every track: across all the columns, shared out in lanes when
    they overlap each other."""
    lane_count, column_count = _assign_lanes(cluster), len(filled)
    for item in cluster:
        first = item.lane * column_count // lane_count
        end = (item.lane + 1) * column_count // lane_count
        _fill(cells, filled, item, first, end - first, spanning=True)


def _empty_cells(filled):
    """One empty cell for each run of free rows in a column."""
    cells = {}
    for column, rows in enumerate(filled):
        row_count, row = len(rows), 0
        # list.index finds each run's ends without a Python step per row.
        while True:
            try:
                start = rows.index(False, row)
            except ValueError:
                break
            try:
                row = rows.index(True, start)
            except ValueError:
                row = row_count
            cells[(start, column)] = Cell(cards=(), rowspan=row - start)
    return cells


def _rows(origin, step, row_count, cells):
    """The table's rows, each with the cells that begin in it, left to right."""
    # Most rows of a day on the minute hold no cell of their own: the cells are sorted into
    # their rows rather than each row looked up in every column, and a row without any shares
    # one empty tuple (hundreds of lists fewer to make and to collect).
    by_row = {}
    for row_index, column in sorted(cells):
        by_row.setdefault(row_index, []).append(cells[(row_index, column)])
    rows = []
    for index in range(row_count):
        row_cells = by_row.get(index, ())
        rows.append(
            Row(
                starts_at=origin + datetime.timedelta(minutes=index * step),
                cells=row_cells,
                has_starts=any(cell.cards for cell in row_cells),
            )
        )
    return rows


def _mark_now(timetable, placed, now):
    """The row to jump to: where the latest of the sessions running now started, or else where
    the next one starts."""
    running = [item for item in placed if item.card.starts_at <= now < item.card.ends_at]
    upcoming = [item for item in placed if item.card.starts_at > now]
    if running:
        target, timetable.now_label = max(running, key=lambda item: item.first_row), "now"
    elif upcoming:
        target, timetable.now_label = min(upcoming, key=lambda item: item.first_row), "next"
    else:
        return
    timetable.rows[target.first_row].is_now = True
