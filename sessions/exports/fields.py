"""What every format writes the same way: the keys apps hold on to (guids, the acronym, an
event's slug), titles, durations, track colours and text that XML can carry. A session's own
guid and public id are stored with it (sessions.identity)."""

import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import pgettext

from ..safe_text import xml_safe
from ..states import SessionStatus

GENERATOR = "NIIC program"
# The namespace of every guid the exports make (a fixed, random UUID: changing it would change
# every guid that apps and video teams keep). Sessions' guids were made in it from their slugs
# until they were stored (migration 0018), and are kept as they were.
GUID_NAMESPACE = uuid.UUID("6f3c2a5e-8d1b-4b7a-9c0e-2f4d8a6b1e37")
TIMESLOT = "00:15"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def display_title(title):
    """A session's title as every page, calendar and export writes it: with a capital, so that
    a title written in lower case reads the same in every format. What capfirst() does, for the
    plain strings that titles are, without its check for lazy ones: a feed writes thousands."""
    return title[0].upper() + title[1:] if title else title


def cancelled_title_pattern():
    """ "Cancelled: %(title)s", in the active language: how every format marks a cancelled
    session's title (read once per file)."""
    return pgettext("a cancelled session's title in exports", "Cancelled: %(title)s")


def shown_title(title, status, cancelled_pattern):
    """The title a format writes: capitalised, and marked when the session is cancelled."""
    title = display_title(title)
    return cancelled_pattern % {"title": title} if status == SessionStatus.CANCELLED else title


def speaker_guid(speaker_slug):
    return str(uuid.uuid5(GUID_NAMESPACE, f"speaker/{speaker_slug}"))


def room_guid(conference, room):
    key = room.slug if room is not None else ""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/room/{key}"))


def acronym(conference):
    """The edition's slug as both schemas accept an acronym: [a-z0-9_], at least 4 long."""
    text = re.sub(r"[^a-z0-9_]", "_", conference.slug.lower())
    return text if len(text) >= 4 else f"{text}_{conference.year}"


def event_slug(conference, session):
    """ "niic_2014-12-opening-plenary": the acronym, the session's public id, its slug."""
    tail = re.sub(r"[^a-z0-9_-]", "-", session.slug.lower()).strip("-_")
    return f"{acronym(conference)}-{session.public_id}" + (f"-{tail}" if tail else "")


def hours_minutes(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def xml_text(value):
    return escape(xml_safe(value))


def xml_attribute(value):
    return quoteattr(xml_safe(value))
