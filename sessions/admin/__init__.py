"""The organizers' tool for the whole program, every model registered once, here: the program's
rules and its one door (sessions.services) are reached from no other app.

Times are entered and shown in the edition's own time zone. Every change goes through
sessions.services, which checks the acting user's rights (track chairs act only on their tracks)
and the scheduling rules; these modules only turn forms, actions and history pages into those
calls, and their refusals into messages. What a user may open is confined by get_queryset, which
every view, inherited ones included, looks objects up through.

One module per admin (`sessions`, `panels`, `rooms`, `tracks`, `people`, and
`messages_to_speakers`, the e-mail to speakers, read-only), and beside them their forms, list
filters, actions, history pages, the merge, the board, the conflicts and release pages (`views`)
and the session import."""

from . import messages_to_speakers, panels, people, releases, rooms, sessions, tracks

__all__ = [
    "messages_to_speakers",
    "panels",
    "people",
    "releases",
    "rooms",
    "sessions",
    "tracks",
]
