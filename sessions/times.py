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


@dataclass(frozen=True, slots=True)
class Moment:
    """A moment on a zone's clock, as a time range shows it."""

    iso: str
    label: str
    zone_abbreviation: str


def moment_in(value, zone):
    local = timezone.localtime(value, zone)
    return Moment(
        iso=local.isoformat(),
        label=formats.time_format(local, "TIME_FORMAT"),
        zone_abbreviation=local.tzname(),
    )


def time_range(starts_at, ends_at, conference, moment=moment_in):
    """`moment`: what reads a moment on the conference's clock (moment_in; a listing passes
    one that remembers the moments its sessions share)."""
    starts = moment(starts_at, conference.tzinfo)
    ends = moment(ends_at, conference.tzinfo)
    return TimeRange(
        starts_iso=starts.iso,
        ends_iso=ends.iso,
        starts_label=starts.label,
        ends_label=ends.label,
        zone_abbreviation=starts.zone_abbreviation,
        zone_name=conference.time_zone,
    )
