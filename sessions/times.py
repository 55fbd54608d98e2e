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


def time_range(starts_at, ends_at, conference):
    starts = timezone.localtime(starts_at, conference.tzinfo)
    ends = timezone.localtime(ends_at, conference.tzinfo)
    return TimeRange(
        starts_iso=starts.isoformat(),
        ends_iso=ends.isoformat(),
        starts_label=formats.time_format(starts, "TIME_FORMAT"),
        ends_label=formats.time_format(ends, "TIME_FORMAT"),
        zone_abbreviation=starts.tzname(),
        zone_name=conference.time_zone,
    )
