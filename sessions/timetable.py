"""Arranges one day's sessions as a timetable: a row per start time, a column per room.

The same table is the grid on wide screens and, restyled by CSS, the chronological list on
narrow ones, so there is one markup for screen readers and one render for the server."""

from dataclasses import dataclass, field
from itertools import groupby

NO_ROOM = None


@dataclass
class TimetableRow:
    starts_at: object
    # One list of sessions per column, in the order of Timetable.rooms.
    cells: list = field(default_factory=list)
    # A row whose only sessions are for every track (a plenary, a break) spans the table.
    spanning: list = field(default_factory=list)


@dataclass
class Timetable:
    rooms: list
    rows: list


def build_timetable(sessions):
    """`sessions` ordered by start time; each with its room loaded."""
    sessions = list(sessions)
    rooms = sorted(
        {session.room for session in sessions if session.room is not None},
        key=lambda room: (room.order, room.name),
    )
    if any(session.room is None for session in sessions):
        rooms.append(NO_ROOM)
    column_of = {room: index for index, room in enumerate(rooms)}
    rows = []
    for starts_at, group in groupby(sessions, key=lambda session: session.starts_at):
        group = list(group)
        row = TimetableRow(starts_at=starts_at)
        if all(session.track_id is None for session in group):
            row.spanning = group
        else:
            row.cells = [[] for _ in rooms]
            for session in group:
                row.cells[column_of[session.room]].append(session)
        rows.append(row)
    return Timetable(rooms=rooms, rows=rows)
