"""Arranges one day's sessions as a timetable: a column per room, a row per tick of the clock.

Rows are evenly spaced in time: the tick is the longest step (dividing half an hour) that every
start and end of the day falls on, and a session's cell spans the rows of its duration. Reading
across the row at 11:00 therefore shows everything that is on at 11:00, not only what starts
then. When that step would be finer than a quarter of an hour (25-minute sessions), only the
starts set it and ends round up to the next tick: a session is still shown in every row during
which it runs, and the day does not become hundreds of rows. A stretch of the day that holds
only sessions for every track (a plenary, a break) spans all the columns.

The same table is the grid on wide screens and, restyled by CSS, a list grouped by start time on
narrow ones (rows where nothing starts are hidden there): one markup for screen readers and one
render for the server."""

import datetime
import math
from dataclasses import dataclass, field

NO_ROOM = None
MIN_STEP_MINUTES = 5
FINE_STEP_MINUTES = 15
MAX_STEP_MINUTES = 30


@dataclass(slots=True)
class Cell:
    cards: list
    rowspan: int = 1
    colspan: int = 1

    @property
    def attributes(self):
        """The <td>'s attributes, ready to write (a template would format the numbers)."""
        attributes = f" rowspan={self.rowspan}" if self.rowspan > 1 else ""
        if self.colspan > 1:
            attributes += f" colspan={self.colspan} class=spanning"
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


@dataclass(slots=True)
class _Placed:
    card: object
    first_row: int
    end_row: int


def _minutes(delta):
    return int(delta.total_seconds() // 60)


def _step(origin, cards):
    starts = [_minutes(card.starts_at - origin) for card in cards]
    ends = [_minutes(card.ends_at - origin) for card in cards]
    exact = math.gcd(MAX_STEP_MINUTES, *starts, *ends)
    if exact >= FINE_STEP_MINUTES:
        return exact
    return max(math.gcd(MAX_STEP_MINUTES, *starts), MIN_STEP_MINUTES)


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


def _columns(cards):
    rooms = sorted(
        {card.room for card in cards if card.room is not None},
        key=lambda room: (room.order, room.name),
    )
    if any(card.room is None for card in cards):
        rooms.append(NO_ROOM)
    return rooms


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
        key=lambda item: (item.first_row, item.end_row),
    )
    clusters = [
        (cluster, all(item.card.track_id is None for item in cluster))
        for cluster in _clusters(placed)
    ]
    in_columns = [item.card for cluster, spans in clusters if not spans for item in cluster]
    rooms = _columns(in_columns or cards)
    row_count = max(item.end_row for item in placed)
    cells, filled = _session_cells(clusters, rooms, row_count)
    rows = _rows(origin, step, row_count, len(rooms), {**_empty_cells(filled), **cells})
    timetable = Timetable(rooms=rooms, rows=rows, step_minutes=step)
    if now is not None:
        _mark_now(timetable, placed, now)
    return timetable


def _place(card, origin, step):
    """The rows a session's cell spans: at least one, however short the session."""
    first_row = _minutes(card.starts_at - origin) // step
    end_row = max(math.ceil(_minutes(card.ends_at - origin) / step), first_row + 1)
    return _Placed(card=card, first_row=first_row, end_row=end_row)


def _session_cells(clusters, rooms, row_count):
    """{(row, column): the cell that begins there} for the sessions, and for each column the
    rows that they fill."""
    cells = {}
    filled = [[False] * row_count for _ in rooms]
    column_of = {room: index for index, room in enumerate(rooms)}
    for cluster, spans in clusters:
        if spans:
            _place_across(cluster, cells, filled)
        else:
            _place_in_rooms(cluster, column_of, cells, filled)
    return cells, filled


def _place_across(cluster, cells, filled):
    """A run of sessions for every track: one cell across all the columns."""
    first_row = cluster[0].first_row
    end_row = max(item.end_row for item in cluster)
    cells[(first_row, 0)] = Cell(
        cards=[item.card for item in cluster],
        rowspan=end_row - first_row,
        colspan=len(filled),
    )
    for column in filled:
        column[first_row:end_row] = [True] * (end_row - first_row)


def _place_in_rooms(cluster, column_of, cells, filled):
    """Each session in its room's column."""
    open_cells = {}  # {column: (first row, end row) of the cell last begun there}
    for item in cluster:
        column = column_of[item.card.room]
        cell_start = open_cells.get(column)
        if cell_start is not None and cell_start[1] > item.first_row:
            # Two sessions in one room at once (a cancelled one and its replacement):
            # they share the cell, which grows to cover both.
            cell, end_row = cells[(cell_start[0], column)], max(cell_start[1], item.end_row)
            cell.cards.append(item.card)
            cell.rowspan = end_row - cell_start[0]
            open_cells[column] = (cell_start[0], end_row)
        else:
            cells[(item.first_row, column)] = Cell(
                cards=[item.card], rowspan=item.end_row - item.first_row
            )
            open_cells[column] = (item.first_row, item.end_row)
        first_row, end_row = open_cells[column]
        filled[column][first_row:end_row] = [True] * (end_row - first_row)


def _empty_cells(filled):
    """One empty cell for each run of free rows in a column."""
    cells = {}
    for column, rows in enumerate(filled):
        row_count, row = len(rows), 0
        while row < row_count:
            if rows[row]:
                row += 1
                continue
            run_end = row
            while run_end < row_count and not rows[run_end]:
                run_end += 1
            cells[(row, column)] = Cell(cards=[], rowspan=run_end - row)
            row = run_end
    return cells


def _rows(origin, step, row_count, column_count, cells):
    """The table's rows, each with the cells that begin in it, left to right."""
    rows = []
    for index in range(row_count):
        row = Row(starts_at=origin + datetime.timedelta(minutes=index * step))
        for column in range(column_count):
            cell = cells.get((index, column))
            if cell is not None:
                row.cells.append(cell)
                row.has_starts = row.has_starts or bool(cell.cards)
        rows.append(row)
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
