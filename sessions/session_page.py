"""What a session's page lists beside it: the edition's other sessions at the same time, as a
light listing of their own (one link pattern and one time range per slot for all of them)."""

from dataclasses import dataclass

from django.urls import reverse

from .cards import SLUG_PLACEHOLDER
from .texts import page_language, reader
from .times import TimeRange, time_range


@dataclass(frozen=True, slots=True)
class SameTimeRow:
    url: str
    title: str
    title_lang: str  # the title's language where it is not the page's (a fallback), or ""
    time: TimeRange
    room_name: str
    room_lang: str
    is_cancelled: bool


def same_time_rows(sessions, conference):
    """Rows of what the "Also at this time" list shows for each of `sessions` (the edition's,
    with their rooms)."""
    language = page_language()
    read_title, read_room = reader("title", language), reader("name", language)
    url_pattern = reverse(
        "program:session-detail",
        kwargs={"edition": conference.slug, "session": SLUG_PLACEHOLDER},
    )
    time_ranges = {}
    rows = []
    for session in sessions:
        key = (session.starts_at, session.ends_at)
        if key not in time_ranges:
            time_ranges[key] = time_range(session.starts_at, session.ends_at, conference)
        title, title_language = read_title(session)
        room_name, room_language = read_room(session.room) if session.room else ("", None)
        rows.append(
            SameTimeRow(
                url=url_pattern.replace(SLUG_PLACEHOLDER, session.slug),
                title=title,
                title_lang=foreign(title_language, language),
                time=time_ranges[key],
                room_name=room_name,
                room_lang=foreign(room_language, language),
                is_cancelled=session.status == session.Status.CANCELLED,
            )
        )
    return rows


def foreign(shown, language):
    return shown if shown and shown != language else ""
