"""Releases of an edition's program: what one freezes, and what changed since the one before.

A release freezes the public program (published and cancelled sessions) as plain values, keyed
by session id (and compared by the session's guid, which outlives a deletion and re-creation,
see sessions.identity): title, time, room, panel and status; the texts in every language they
are written in ({"en": …, "es": …}), so that a release made from a Spanish admin page reads
the same as one made from an English one. Comparing two such snapshots says, for attendees,
what is new, moved (time or room), retitled, re-panelled, cancelled or removed. The comparison
is stored with the release (Release.changes), so that the change log, its Atom feed and the
agenda's JSON read it in one query however large the program; it is shown in the reader's
language and the edition's time zone only when shown (see ChangeLog)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import released
from .models import PanelMembership, Session
from .rules import slot_label
from .texts import DEFAULT_LANGUAGE, SITE_LANGUAGES, in_every_language, page_language

CANCELLED = Session.Status.CANCELLED

# The kinds of change, in the order the change log lists them.
KINDS = ["new", "moved", "retitled", "repanelled", "cancelled", "removed"]
KIND_HEADINGS = {
    "new": _("New sessions"),
    "moved": _("Moved to another time or room"),
    "retitled": _("New titles"),
    "repanelled": _("Panel changes"),
    "cancelled": pgettext_lazy("heading of a change log's cancelled sessions", "Cancelled"),
    "removed": _("Removed from the program"),
}
NO_ROOM = pgettext_lazy("where a session takes place", "room to be announced")


def program_snapshot(conference):
    """{session id (str): its public values} for the edition's working public program: what the
    change log compares, and the copy a release puts in force (sessions.released.copies_of),
    in seven queries."""
    titles = in_every_language("title")
    rooms = [f"room__{column}" for column in in_every_language("name")]
    notes = in_every_language("cancellation_note")
    sessions = (
        Session.objects.public()
        .for_edition(conference)
        .order_by("starts_at", "pk")
        .values("pk", "slug", "status", "starts_at", "ends_at", "room_id", *titles, *rooms, *notes)
    )
    snapshot = {}
    for row in sessions:
        snapshot[str(row["pk"])] = {
            "slug": row["slug"],
            "title": _texts(row, titles),
            "status": row["status"],
            "starts_at": row["starts_at"].astimezone(datetime.UTC).isoformat(),
            "ends_at": row["ends_at"].astimezone(datetime.UTC).isoformat(),
            "room": [row["room_id"], _texts(row, rooms)] if row["room_id"] else None,
            "note": _texts(row, notes),
            "panel": [],
        }
    seats = (
        PanelMembership.objects.filter(
            session__conference=conference, session__status__in=Session.PUBLIC_STATUSES
        )
        .in_panel_order()
        .values_list("session_id", "speaker_id", "speaker__name", "role")
    )
    for session_id, speaker_id, name, role in seats:
        snapshot[str(session_id)]["panel"].append([speaker_id, name, role])
    for key, copy in released.copies_of(Session.objects.for_edition(conference)).items():
        snapshot[key].update(copy)
    return snapshot


def _texts(row, columns):
    """{language: text} of the columns (one per site language) that hold a text."""
    return {
        language: row[column]
        for language, column in zip(SITE_LANGUAGES, columns, strict=True)
        if row[column]
    }


def in_page_language(texts):
    """The text of a snapshot in the reader's language, else in English. (Releases made before
    the texts had languages hold one plain string.)"""
    if not isinstance(texts, dict):
        return texts or ""
    return texts.get(page_language()) or texts.get(DEFAULT_LANGUAGE) or ""


def _retitled(before, after):
    """A title changed in a language it was already written in; a first translation is not
    news for attendees."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return in_page_language(before) != in_page_language(after)
    return any(language in after and after[language] != text for language, text in before.items())


def retitle_shown(before, after):
    """(before, after) of a new title in the reader's language, or, when only another
    language's title changed (the English one, say), in that language: never "X → X"."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return in_page_language(before), in_page_language(after)
    for language in dict.fromkeys([page_language(), DEFAULT_LANGUAGE, *before]):
        if language in before and language in after and before[language] != after[language]:
            return before[language], after[language]
    return in_page_language(before), in_page_language(after)


def _place(values):
    return {"starts_at": values["starts_at"], "ends_at": values["ends_at"], "room": values["room"]}


def _same_place(before, after):
    room_of = lambda values: values["room"][0] if values["room"] else None  # noqa: E731
    return (before["starts_at"], before["ends_at"], room_of(before)) == (
        after["starts_at"],
        after["ends_at"],
        room_of(after),
    )


def _line_up(values):
    """Who sits on the panel in which role; the order within the panel is not news."""
    return sorted((speaker_id, role) for speaker_id, _name, role in values["panel"])


def _guid(values):
    """The session's guid in a snapshot entry (None in releases made before copies held it)."""
    return values.get("row", {}).get("guid")


def _keys_by_identity(snapshot):
    """{guid: key} of a snapshot's sessions: a session deleted and created again is the same
    session for attendees when it took back its identity (sessions.identity), whatever its
    key."""
    return {_guid(values): key for key, values in snapshot.items() if _guid(values)}


def changes_between(previous, current):
    """What attendees should know changed from snapshot `previous` (None: there was no release
    before) to snapshot `current`: {kind: [entry]} for each of KINDS, each entry naming the
    session (id, slug, title) with its values before and after where the kind has them."""
    if previous is None:
        return {"first": True, "sessions": len(current)}
    changes = {kind: [] for kind in KINDS}
    previous_keys = _keys_by_identity(previous)
    matched = set()
    for key, after in current.items():
        previous_key = key if key in previous else previous_keys.get(_guid(after))
        before = previous.get(previous_key)
        matched.add(previous_key)
        entry = {"id": int(key), "slug": after["slug"], "title": after["title"]}
        was_cancelled = before is not None and before["status"] == CANCELLED
        if after["status"] == CANCELLED:
            if not was_cancelled:
                changes["cancelled"].append(
                    {**entry, "after": _place(after), "note": after["note"]}
                )
            continue
        if before is None or was_cancelled:
            changes["new"].append({**entry, "after": _place(after)})
            continue
        if not _same_place(before, after):
            changes["moved"].append({**entry, "before": _place(before), "after": _place(after)})
        if _retitled(before["title"], after["title"]):
            changes["retitled"].append(
                {**entry, "before": before["title"], "after": after["title"]}
            )
        if _line_up(before) != _line_up(after):
            changes["repanelled"].append(
                {**entry, "before": before["panel"], "after": after["panel"]}
            )
    for key, before in previous.items():
        if key not in matched:
            changes["removed"].append(
                {"id": int(key), "slug": before["slug"], "title": before["title"],
                 "before": _place(before)}
            )  # fmt: skip
    return changes


def has_changes(changes):
    return changes.get("first", False) or any(changes.get(kind) for kind in KINDS)


def changed_sessions(changes):
    """{session id: [kinds]} of one release's changes (none for an edition's first release)."""
    found = {}
    for kind in KINDS:
        for entry in changes.get(kind, []):
            found.setdefault(entry["id"], []).append(kind)
    return found


# Shown to people, in their language and the edition's clock


@dataclass
class ShownChange:
    title: str
    slug: str | None  # None when the session is no longer on the public program
    before: str = ""
    after: str = ""
    note: str = ""  # a cancelled session's note for attendees


@dataclass
class ShownKind:
    kind: str
    heading: str
    changes: list = field(default_factory=list)


def _where(place, conference):
    when = slot_label(
        datetime.datetime.fromisoformat(place["starts_at"]),
        datetime.datetime.fromisoformat(place["ends_at"]),
        conference,
    )
    return f"{when}, {in_page_language(place['room'][1]) if place['room'] else NO_ROOM}"


def _panel(seats):
    if not seats:
        return "—"
    return ", ".join(f"{name} ({PanelMembership.Role(role).label})" for _pk, name, role in seats)


def shown_changes(changes, conference):
    """[ShownKind] with something in it, in KINDS order, with before/after as text."""
    shown = []
    for kind in KINDS:
        entries = changes.get(kind, [])
        if not entries:
            continue
        group = ShownKind(kind=kind, heading=str(KIND_HEADINGS[kind]))
        for entry in entries:
            change = ShownChange(title=in_page_language(entry["title"]), slug=entry["slug"])
            if kind in ("new", "cancelled"):
                change.after = _where(entry["after"], conference)
                change.note = in_page_language(entry.get("note", ""))
            elif kind == "moved":
                change.before = _where(entry["before"], conference)
                change.after = _where(entry["after"], conference)
            elif kind == "retitled":
                change.before, change.after = retitle_shown(entry["before"], entry["after"])
            elif kind == "repanelled":
                change.before, change.after = _panel(entry["before"]), _panel(entry["after"])
            elif kind == "removed":
                change.slug = None
                change.before = _where(entry["before"], conference)
            group.changes.append(change)
        shown.append(group)
    return shown
