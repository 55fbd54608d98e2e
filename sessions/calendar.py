"""iCalendar (RFC 5545) feeds of the program.

The VTIMEZONE comes from the icalendar package; the events are written here, line by line,
because icalendar's per-property serializer costs about a millisecond per event and a whole
edition must download in well under 150 ms (`make bench`). The tests read every feed back with
icalendar, field by field, and with vobject, which reads times through the file's own VTIMEZONE.
Times are in the edition's own zone; UIDs depend only on the session's public id (which a
retitle, a slug edit, a track move or a deletion and re-creation leave as it is, see
sessions.identity), so a subscribed calendar updates its events; cancelled sessions stay in the
feed with STATUS:CANCELLED so that calendars strike them out, and their SUMMARY starts with the
same "Cancelled:" as the exports' titles, for clients that ignore STATUS. Every feed asks
subscribed clients to refresh it as often as the site's freshness promise
(NIIC_FRESHNESS_SECONDS), in REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (Outlook's).

A file holds one VTIMEZONE per zone, covering every event in it: an agenda across editions in
one zone must not repeat the TZID, since parsers (vobject, ical.js) keep the first block and
would read the other edition's times with it. DTSTAMP is the moment the file is made (RFC 5545,
3.8.7.2, as the file says METHOD:PUBLISH); the ETag covers everything else, so that an unchanged
program still answers a conditional GET with a 304."""

import datetime
import hashlib
import re
import zoneinfo
from functools import lru_cache

import icalendar
from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import quote_etag
from django.utils.translation import gettext, gettext_lazy

from .cards import SLUG_PLACEHOLDER, panel_names_by_session
from .exports.fields import cancelled_title_pattern, display_title, shown_title
from .markup import PLAIN_TEXT_CACHE_SIZE, markdown_as_plain_text
from .safe_text import attachment_header
from .texts import fallback_order, localized, page_language

PRODUCT_ID = "-//NIIC program//Conference schedule//EN"
CALENDAR_STATUS = {"published": "CONFIRMED", "cancelled": "CANCELLED"}
SAMPLE_NOTE = gettext_lazy(
    "Sample schedule: time, room and line-up are invented for demonstration."
)
MAX_LINE_OCTETS = 75
# Written where the file's DTSTAMP goes, and replaced by it once the ETag is taken.
FILE_STAMP = "FILE-STAMP"


# Line breaks in any convention (CRLF, a bare CR, LF, and the Unicode line and paragraph
# separators that some parsers also split on) become the escaped newline of a TEXT value.
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
# Other control characters are not allowed in a TEXT value at all (3.3.11): dropped.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Whatever either of them would change (CR is among the control characters; LF stays LF).
TO_CLEAN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]")


def escape_text(value):
    """TEXT values (RFC 5545, 3.3.11): backslash, semicolon and comma escaped, every line break
    written as \\n and no other control character kept, so that nothing in organizer text can
    end the content line or start another."""
    return escaped(value, to_clean=needs_cleaning(value))


def escaped(value, *, to_clean):
    """escape_text(value), told whether `value` needs_cleaning."""
    if to_clean:
        value = CONTROL.sub("", LINE_BREAK.sub("\n", value))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def needs_cleaning(value):
    """Whether TO_CLEAN finds anything. Most text has none, and isprintable(), false for each
    character TO_CLEAN looks for, tells so in a fraction of a regular expression's scan."""
    if value.isprintable() or value.replace("\n", "").isprintable():
        return False
    return TO_CLEAN.search(value) is not None


# Whether a description as sessions.markup made it plain needs cleaning, remembered with it: the
# same text object comes back from markup's own cache on every request, its hash kept.
plain_text_needs_cleaning = lru_cache(maxsize=PLAIN_TEXT_CACHE_SIZE)(needs_cleaning)


def fold(line):
    """Content lines longer than 75 octets continue on lines that start with a space (3.1),
    never splitting a UTF-8 character: each piece holds as many characters as fit. A piece
    of ASCII characters (isascii() reads a flag, not the text) is as long in characters as
    in octets; only one with others in it is encoded to find where to cut."""
    if line.isascii():
        if len(line) <= MAX_LINE_OCTETS:
            return line
        rest = MAX_LINE_OCTETS - 1
        pieces = [line[:MAX_LINE_OCTETS]]
        pieces += [line[start : start + rest] for start in range(MAX_LINE_OCTETS, len(line), rest)]
        return "\r\n ".join(pieces)
    pieces, start, limit = [], 0, MAX_LINE_OCTETS
    while start < len(line):
        piece = line[start : start + limit]
        if not piece.isascii() and len(encoded := piece.encode()) > limit:
            end = limit
            while encoded[end] & 0xC0 == 0x80:  # inside a character: cut before it
                end -= 1
            piece = encoded[:end].decode()
        pieces.append(piece)
        start, limit = start + len(piece), MAX_LINE_OCTETS - 1
    return "\r\n ".join(pieces)


def utc_stamp(moment):
    return f"{basic_format(moment.astimezone(datetime.UTC))}Z"


def basic_format(moment):
    """20300107T093000: what strftime("%Y%m%dT%H%M%S") writes, in a third of its time (and
    half an f-string's, hence the % operator)."""
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second
    )  # fmt: skip


@lru_cache(maxsize=4096)
def local_stamp(moment, zone):
    """Remembered: sessions share their slots' times, and formatting one costs more than
    looking it up."""
    return basic_format(moment.astimezone(zone))


def zone_years(sessions):
    """{time zone: (first year, last year)} over the events of a file, on each zone's clock."""
    years = {}
    for session in sessions:
        conference = session.conference
        first = session.starts_at.astimezone(conference.tzinfo).year
        last = session.ends_at.astimezone(conference.tzinfo).year
        known = years.get(conference.time_zone, (first, last))
        years[conference.time_zone] = (min(known[0], first), max(known[1], last))
    return years


def stamped_response(body, stamp, *, around, content_type, filename):
    """The file with FILE_STAMP replaced by `stamp(now)`, and an ETag of the rest: a weak one,
    since two copies that differ only in when they were made are equivalent, not identical.
    `around` is the text on each side of FILE_STAMP where it stands for the stamp, which no
    escaped value can contain (a line break, a tag), so that a title cannot be stamped."""
    body = body.encode()
    etag = "W/" + quote_etag(hashlib.md5(body, usedforsecurity=False).hexdigest())
    before, after = around
    content = body.replace(
        f"{before}{FILE_STAMP}{after}".encode(), f"{before}{stamp(timezone.now())}{after}".encode()
    )
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Content-Disposition"] = attachment_header(filename)
    return response


@lru_cache(maxsize=32)
def vtimezone_lines(time_zone, first_year, last_year):
    """The zone's VTIMEZONE from icalendar, unfolded, with each RDATE on a line of its own:
    over several years icalendar lists an observance's dates on one RDATE line, of which
    vobject reads only the first date, and then every later year's times an hour off."""
    component = icalendar.Timezone.from_tzid(
        time_zone,
        first_date=datetime.date(first_year, 1, 1),
        last_date=datetime.date(last_year + 1, 1, 1),
    )
    lines = []
    for line in component.to_ical().decode().replace("\r\n ", "").rstrip("\r\n").split("\r\n"):
        name, _, value = line.partition(":")
        if name == "RDATE":
            lines += [f"RDATE:{each}" for each in value.split(",")]
        else:
            lines.append(line)
    return lines


def language_parameter(shown, language):
    """ ";LANGUAGE=en" on a text shown in English in a calendar of another language."""
    return f";LANGUAGE={shown}" if shown and shown != language else ""


def event_uid(session):
    """The event's UID: the session's public id, never its database id, title or slug."""
    return f"session-{session.public_id}@{settings.NIIC_CALENDAR_UID_DOMAIN}"


def refresh_duration():
    """The freshness promise as an iCalendar DURATION, e.g. PT60S."""
    return f"PT{int(settings.NIIC_FRESHNESS_SECONDS)}S"


class EventColumns:
    """The columns an event is written from, in a file in `language`: the session's own, its
    edition's, and each translated text in the language and then its fallbacks, in the order
    sessions.texts.reader reads them, as (language, column)."""

    SESSION = (
        "id", "public_id", "slug", "status", "is_sample", "starts_at", "ends_at", "updated_at",
        "conference_id", "track_id", "room_id",
    )  # fmt: skip
    EDITION = ("conference__slug", "conference__time_zone", "conference__city")

    def __init__(self, language):
        self.language = language
        order = fallback_order(language)

        def texts(field, through=""):
            return [(each, f"{through}{localized(field, each)}") for each in order]

        self.title = texts("title")
        self.description = texts("description")
        self.cancellation_note = texts("cancellation_note")
        self.track_name = texts("name", "track__")
        self.room_name = texts("name", "room__")

    def names(self):
        translated = (
            self.title,
            self.description,
            self.cancellation_note,
            self.track_name,
            self.room_name,
        )
        return [
            *self.SESSION,
            *self.EDITION,
            *(column for columns in translated for _language, column in columns),
        ]


def event_rows(sessions, columns):
    """{column: value} for each session, in the given order. A queryset is read as values, in
    one query: making a model instance of each session, with its translated fields, costs
    more than writing its event. Sessions already loaded (with for_listing()) are read as
    they are."""
    names = columns.names()
    if isinstance(sessions, QuerySet):
        return list(sessions.values(*names))
    return [instance_values(session, names) for session in sessions]


def instance_values(session, names):
    """What values(*names) would read, from a loaded session: room__name_en is its room's."""
    row = {}
    for name in names:
        value = session
        for attribute in name.split("__"):
            value = None if value is None else getattr(value, attribute)
        row[name] = value
    return row


def session_ids(sessions, rows):
    """The ids of the file's sessions for another query: a queryset's as a subquery, which the
    database reads faster than it parses a thousand ids sent as parameters."""
    if isinstance(sessions, QuerySet):
        return sessions.values("pk")
    return [row["id"] for row in rows]


def first_text(row, columns):
    """(text, its language) from the first of `columns` that has a text, or ("", None)."""
    for language, column in columns:
        if value := row[column]:
            return value, language
    return "", None


def zone_spans(rows):
    """{time zone: (first start, last end)} over the events of a file."""
    spans = {}
    for row in rows:
        time_zone = row["conference__time_zone"]
        known = spans.get(time_zone)
        if known is None:
            spans[time_zone] = (row["starts_at"], row["ends_at"])
        else:
            spans[time_zone] = (min(known[0], row["starts_at"]), max(known[1], row["ends_at"]))
    return spans


def vtimezones(rows):
    """One VTIMEZONE for each zone of the file, covering all its events (with a year to spare
    on each side, for calendars that expand around them), as component lines. A zone's
    earliest start and latest end fall in its first and last years on its clock."""
    lines = []
    for time_zone, (first, last) in sorted(zone_spans(rows).items()):
        zone = zoneinfo.ZoneInfo(time_zone)
        first_year, last_year = first.astimezone(zone).year, last.astimezone(zone).year
        lines += vtimezone_lines(time_zone, first_year - 1, last_year + 1)
    return lines


class Edition:
    """What the events of one edition share: their time zone, times written in it (sessions
    share their slots' times) and their address up to the session's slug."""

    def __init__(self, row, request):
        self.time_zone = row["conference__time_zone"]
        self.zone = zoneinfo.ZoneInfo(self.time_zone)
        self.city = row["conference__city"]
        self.url_pattern = request.build_absolute_uri(
            reverse(
                "program:session-detail",
                kwargs={"edition": row["conference__slug"], "session": SLUG_PLACEHOLDER},
            )
        )
        self.time_lines = {}

    def time_line(self, name, moment):
        """The folded DTSTART or DTEND line of `moment`, on the edition's clock."""
        line = self.time_lines.get((name, moment))
        if line is None:
            stamp = local_stamp(moment, self.zone)
            line = self.time_lines[name, moment] = fold(f"{name};TZID={self.time_zone}:{stamp}")
        return line

    def url(self, slug):
        return self.url_pattern.replace(SLUG_PLACEHOLDER, slug)


class EventWriter:
    """Writes the VEVENTs of one file, folded, from event rows: the words it adds are
    translated once, and each edition's, room's and track's lines are made once."""

    def __init__(self, request, columns):
        self.request = request
        self.columns = columns
        self.language = columns.language
        self.uid_suffix = f"@{settings.NIIC_CALENDAR_UID_DOMAIN}"
        # Translators: in a calendar event's description, before the names of its speakers.
        self.panel_label = gettext("Panel: %(names)s")
        self.sample_note = str(SAMPLE_NOTE)
        self.cancelled_title = cancelled_title_pattern()
        self.editions = {}
        self.locations = {}
        self.categories = {}

    def edition(self, row):
        edition = self.editions.get(row["conference_id"])
        if edition is None:
            edition = self.editions[row["conference_id"]] = Edition(row, self.request)
        return edition

    def location(self, row, edition):
        key = (row["room_id"], row["conference_id"])
        line = self.locations.get(key)
        if line is None:
            room, _ = first_text(row, self.columns.room_name)
            line = self.locations[key] = fold(f"LOCATION:{escape_text(f'{room}, {edition.city}')}")
        return line

    def category(self, row):
        line = self.categories.get(row["track_id"])
        if line is None:
            track, _ = first_text(row, self.columns.track_name)
            line = fold(f"CATEGORIES:{escape_text(display_title(track))}")
            self.categories[row["track_id"]] = line
        return line

    def description(self, row, panel):
        """The DESCRIPTION's text, and whether it needs_cleaning: where one of its paragraphs
        does, since the blank lines between them add nothing to clean."""
        text = markdown_as_plain_text(first_text(row, self.columns.description)[0])
        cancelled = row["status"] == "cancelled"
        note = first_text(row, self.columns.cancellation_note)[0] if cancelled else ""
        added = [
            self.panel_label % {"names": panel} if panel else "",
            self.sample_note if row["is_sample"] else "",
        ]
        to_clean = plain_text_needs_cleaning(text) or any(map(needs_cleaning, [note, *added]))
        return "\n\n".join(filter(None, [note, text, *added])), to_clean

    def event(self, row, panel):
        """The folded lines of the session's VEVENT, joined. The lines of a fixed, short form
        (BEGIN, DTSTAMP, LAST-MODIFIED, STATUS, END) never need folding."""
        edition = self.edition(row)
        title, title_language = first_text(row, self.columns.title)
        summary = escape_text(shown_title(title, row["status"], self.cancelled_title))
        lines = [
            "BEGIN:VEVENT",
            fold(f"UID:session-{row['public_id']}{self.uid_suffix}"),
            f"DTSTAMP:{FILE_STAMP}",
            f"LAST-MODIFIED:{utc_stamp(row['updated_at'])}",
            edition.time_line("DTSTART", row["starts_at"]),
            edition.time_line("DTEND", row["ends_at"]),
            fold(f"SUMMARY{language_parameter(title_language, self.language)}:{summary}"),
            f"STATUS:{CALENDAR_STATUS[row['status']]}",
            fold(f"URL:{edition.url(row['slug'])}"),
        ]
        if row["room_id"] is not None:
            lines.append(self.location(row, edition))
        if row["track_id"] is not None:
            lines.append(self.category(row))
        description, to_clean = self.description(row, panel)
        if description:
            lines.append(fold(f"DESCRIPTION:{escaped(description, to_clean=to_clean)}"))
        lines.append("END:VEVENT")
        return "\r\n".join(lines)


def calendar_response(sessions, request, *, name, filename):
    """`sessions`: a queryset of public sessions, or sessions loaded with for_listing()."""
    columns = EventColumns(page_language())
    rows = event_rows(sessions, columns)
    panels = panel_names_by_session(session_ids(sessions, rows))
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh_duration()}",
        f"X-PUBLISHED-TTL:{refresh_duration()}",
        *vtimezones(rows),
    ]
    writer = EventWriter(request, columns)
    body = "\r\n".join(
        [
            *(fold(line) for line in head),
            *(writer.event(row, panels.get(row["id"], "")) for row in rows),
            "END:VCALENDAR\r\n",
        ]
    )
    return stamped_response(
        body,
        utc_stamp,
        around=("\r\nDTSTAMP:", "\r\n"),
        content_type="text/calendar; charset=utf-8",
        filename=filename,
    )
