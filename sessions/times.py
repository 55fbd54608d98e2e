"""A session's time range as shown to attendees: in its edition's zone, labelled, formatted for
the active language."""

from dataclasses import dataclass

from django.utils import formats, timezone


@dataclass(frozen=True, slots=True)
class TimeRange:
    starts_iso: str
    ends_iso: str
    starts_label: str
    ends_label: str
    zone_abbreviation: str
    zone_name: str


def clock_label(moment):
    """9:30 a.m., 09:30: a time of day as the active language writes it."""
    return formats.time_format(moment, "TIME_FORMAT")


def time_range(starts_at, ends_at, conference, label=clock_label):
    """`label`: what writes a time of day (a listing passes one that remembers its labels)."""
    starts = timezone.localtime(starts_at, conference.tzinfo)
    ends = timezone.localtime(ends_at, conference.tzinfo)
    return TimeRange(
        starts_iso=starts.isoformat(),
        ends_iso=ends.isoformat(),
        starts_label=label(starts),
        ends_label=label(ends),
        zone_abbreviation=starts.tzname(),
        zone_name=conference.time_zone,
    )
