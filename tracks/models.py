import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .colours import validate_colour_on_white


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "“%(value)s” is not an IANA time zone name such as America/Los_Angeles.",
            code="invalid",
            params={"value": value},
        )


class ConferenceQuerySet(models.QuerySet):
    def current(self):
        """The edition the site presents by default, or None before one is loaded."""
        return self.filter(is_current=True).first()


class Conference(models.Model):
    """One edition of the National Immigrant Integration Conference."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, help_text="E.g. NIIC.")
    ordinal = models.PositiveSmallIntegerField(help_text="7 for the seventh annual conference.")
    year = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80, unique=True)
    city = models.CharField(max_length=120)
    venue = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="IANA name, e.g. America/Los_Angeles. Every time in the program is in this zone.",
    )
    organizer = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    is_current = models.BooleanField(
        default=False, help_text="The edition the site shows first. Only one can be current."
    )
    is_sample = models.BooleanField(
        default=False, help_text="Invented for demonstration or tests; shown as such on the site."
    )

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_conference",
                violation_error_message="Another edition is already current.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="conference_ends_after_it_starts",
                violation_error_message="The last day cannot come before the first day.",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def get_absolute_url(self):
        return reverse("edition-home", kwargs={"edition": self.slug})

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def days(self):
        count = (self.end_date - self.start_date).days + 1
        return [self.start_date + datetime.timedelta(days=offset) for offset in range(count)]

    def opens_at(self):
        return datetime.datetime.combine(self.start_date, datetime.time.min, tzinfo=self.tzinfo)

    def closes_at(self):
        next_day = self.end_date + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time.min, tzinfo=self.tzinfo)


class Track(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, help_text="Markdown.")
    order = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(
        max_length=7,
        default="#1d4ed8",
        validators=[validate_colour_on_white],
        help_text="Hex colour with at least 4.5:1 contrast on white. The name is always shown too.",
    )
    chairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="chaired_tracks",
        help_text="Track chairs may add, edit, publish and cancel this track's sessions.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["conference", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="track_slug_unique_per_conference",
                violation_error_message="This edition already has a track with this slug.",
            ),
        ]

    def __str__(self):
        return self.name


class Topic(models.Model):
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=80)
    description = models.TextField(blank=True, help_text="Markdown.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["track", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "slug"],
                name="topic_slug_unique_per_track",
                violation_error_message="This track already has a topic with this slug.",
            ),
        ]

    def __str__(self):
        return self.name
