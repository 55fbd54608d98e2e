import datetime
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .colours import validate_colour_on_white
from .validators import validate_one_line, validate_text


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name such as America/Los_Angeles."),
            code="invalid",
            params={"value": value},
        )


class ConferenceQuerySet(models.QuerySet):
    def current(self):
        """The edition the site presents by default, or None before one is loaded."""
        return self.filter(is_current=True).first()


class Conference(models.Model):
    """One edition of the National Immigrant Integration Conference."""

    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=200)
    short_name = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("short name"),
        max_length=20,
        help_text=_("E.g. NIIC."),
    )
    ordinal = models.PositiveSmallIntegerField(
        verbose_name=_("ordinal"), help_text=_("7 for the seventh annual conference.")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("year"))
    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    city = models.CharField(validators=[validate_one_line], verbose_name=_("city"), max_length=120)
    venue = models.CharField(
        validators=[validate_one_line], verbose_name=_("venue"), max_length=200, blank=True
    )
    venue_address = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("venue's address"),
        max_length=300,
        blank=True,
        help_text=_(
            "Street, city and postal code, as a map search finds it. The home page shows it "
            "with a link to the map."
        ),
    )
    start_date = models.DateField(verbose_name=_("first day"))
    end_date = models.DateField(verbose_name=_("last day"))
    time_zone = models.CharField(
        verbose_name=_("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_(
            "IANA name, e.g. America/Los_Angeles. Every time in the program is in this zone."
        ),
    )
    organizer = models.CharField(
        validators=[validate_one_line], verbose_name=_("organizer"), max_length=200
    )
    description = models.TextField(
        validators=[validate_text],
        verbose_name=_("description"),
        blank=True,
        help_text=_("Markdown."),
    )
    is_current = models.BooleanField(
        verbose_name=_("current edition"),
        default=False,
        help_text=_("The edition the site shows first. Only one can be current."),
    )
    is_sample = models.BooleanField(
        verbose_name=_("sample data"),
        default=False,
        help_text=_("Invented for demonstration or tests; shown as such on the site."),
    )
    publishes_at_once = models.BooleanField(
        verbose_name=_("publish each change at once"),
        default=False,
        help_text=_(
            "For a small event that wants no release step: attendees see every change as soon "
            "as it is saved. Otherwise they see the latest release, and changes wait for the "
            "next one."
        ),
    )

    objects = ConferenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_conference",
                violation_error_message=_("Another edition is already current."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="conference_ends_after_it_starts",
                violation_error_message=_("The last day cannot come before the first day."),
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def get_absolute_url(self):
        return reverse("edition-home", kwargs={"edition": self.slug})

    @property
    def map_url(self):
        """A link to the venue on OpenStreetMap, found by its address (or its name and city);
        "" without a venue. A plain link: the page itself asks nothing of the map's site."""
        if not (self.venue or self.venue_address):
            return ""
        place = self.venue_address or f"{self.venue}, {self.city}"
        return f"https://www.openstreetmap.org/search?{urlencode({'query': place})}"

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
    conference = models.ForeignKey(
        Conference, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="tracks"
    )
    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80)
    description = models.TextField(
        validators=[validate_text],
        verbose_name=_("description"),
        blank=True,
        help_text=_("Markdown."),
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    colour = models.CharField(
        verbose_name=_("colour"),
        max_length=7,
        default="#1d4ed8",
        validators=[validate_colour_on_white],
        help_text=_(
            "Hex colour with at least 4.5:1 contrast on white. The name is always shown too."
        ),
    )
    chairs = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chairs"),
        blank=True,
        related_name="chaired_tracks",
        help_text=_("Track chairs may add, edit, publish and cancel this track's sessions."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["conference", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="track_slug_unique_per_conference",
                violation_error_message=_("This edition already has a track with this slug."),
            ),
        ]

    def __str__(self):
        return self.name


class Topic(models.Model):
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.CASCADE, related_name="topics"
    )
    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=300)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80)
    description = models.TextField(
        validators=[validate_text],
        verbose_name=_("description"),
        blank=True,
        help_text=_("Markdown."),
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["track", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["track", "slug"],
                name="topic_slug_unique_per_track",
                violation_error_message=_("This track already has a topic with this slug."),
            ),
        ]

    def __str__(self):
        return self.name
