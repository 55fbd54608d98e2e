"""What every format writes the same way: the keys apps hold on to (guids, the acronym, an
event's slug), durations, track colours and text that XML can carry."""

import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from ..safe_text import xml_safe

GENERATOR = "NIIC program"
# The namespace of every guid the exports make (a fixed, random UUID: changing it would change
# every guid that apps and video teams keep).
GUID_NAMESPACE = uuid.UUID("6f3c2a5e-8d1b-4b7a-9c0e-2f4d8a6b1e37")
TIMESLOT = "00:15"
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def session_guid(conference, session):
    return str(uuid.uuid5(GUID_NAMESPACE, f"{conference.slug}/session/{session.slug}"))


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
    """ "niic_2014-12-opening-plenary": the acronym, the session's id, its slug."""
    tail = re.sub(r"[^a-z0-9_-]", "-", session.slug.lower()).strip("-_")
    return f"{acronym(conference)}-{session.pk}" + (f"-{tail}" if tail else "")


def hours_minutes(delta):
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def xml_text(value):
    return escape(xml_safe(value))


def xml_attribute(value):
    return quoteattr(xml_safe(value))
