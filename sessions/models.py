import datetime
import secrets
import types
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from speakers.models import Speaker
from tracks.models import Conference, Topic, Track
from tracks.validators import validate_one_line, validate_text

from . import rules
from .states import PUBLIC_STATUSES, SessionStatus
from .times import time_range


class Room(models.Model):
    conference = models.ForeignKey(
        Conference, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=120)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80)
    capacity = models.PositiveIntegerField(verbose_name=_("capacity"), null=True, blank=True)
    location = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("location"),
        max_length=200,
        blank=True,
        help_text=_("Floor, wing, directions."),
    )
    accessibility_notes = models.TextField(
        validators=[validate_text], verbose_name=_("accessibility notes"), blank=True
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)
    is_sample = models.BooleanField(
        verbose_name=_("sample data"),
        default=False,
        help_text=_("Invented for demonstration or tests; shown as such on the site."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["conference", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="room_slug_unique_per_conference",
                violation_error_message=_("This edition already has a room with this slug."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "program:room-detail", kwargs={"edition": self.conference.slug, "room": self.slug}
        )


class Language(models.Model):
    """A language a session is held in or interpreted into."""

    code = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("code"),
        max_length=12,
        unique=True,
        help_text=_("BCP 47 tag, e.g. en, es."),
    )
    name = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("name"),
        max_length=60,
        help_text=_("The language's own name, e.g. Español."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name"]

    def __str__(self):
        return self.name


class StaleSessionError(Exception):
    """Another save of this session happened after this copy was read."""

    def __init__(self, session):
        self.session = session
        super().__init__(
            _(
                "“%(session)s” was changed by someone else after you opened it; your changes "
                "were not saved. Reload the page to see the current version, then make your "
                "changes again."
            )
            % {"session": session}
        )


class SessionHistorySnapshot(models.Model):
    """What a version of a session held beyond its own row: its topics, languages and panel,
    recorded by sessions.services with each change, so that history shows and restores them."""

    related_snapshot = models.JSONField(
        verbose_name=_("topics, languages and panel"), default=dict, blank=True, editable=False
    )

    class Meta:
        abstract = True


class CardRow(types.SimpleNamespace):
    """A session as a card reads it (sessions.cards), from SessionQuerySet.card_rows()."""


def day_span(day, conference):
    """From midnight to midnight of `day` on the conference's own clock."""
    midnight = datetime.datetime.combine(day, datetime.time.min, tzinfo=conference.tzinfo)
    return midnight, midnight + datetime.timedelta(days=1)


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Session.Status.PUBLISHED)

    def public(self):
        """What attendees may see: published sessions, and cancelled ones marked as such."""
        return self.filter(status__in=Session.PUBLIC_STATUSES)

    def for_edition(self, conference):
        return self.filter(conference=conference)

    def overlapping(self, starts_at, ends_at):
        return self.filter(rules.overlapping(starts_at, ends_at))

    def on_day(self, conference, day):
        """Sessions starting on `day` as the conference's own clock tells it."""
        start, end = day_span(day, conference)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def count_by_day(self, conference):
        """{date: number of sessions} with dates in the conference's time zone."""
        rows = (
            self.annotate(day=TruncDate("starts_at", tzinfo=conference.tzinfo))
            .order_by()
            .values("day")
            .annotate(count=models.Count("pk"))
            .values_list("day", "count")
        )
        return dict(rows)

    def count_on_days(self, conference, days):
        """{date: number of sessions} for `days`, on the conference's own clock: each day's
        span counted in one query, which the index on the start time serves, rather than a
        date worked out for every session of the edition (a function call a row in SQLite)."""
        spans = {
            f"day_{index}": models.Count(
                "pk", filter=models.Q(starts_at__gte=start, starts_at__lt=end)
            )
            for index, (start, end) in enumerate(day_span(day, conference) for day in days)
        }
        if not spans:
            return {}
        counts = self.order_by().aggregate(**spans)
        return {day: counts[f"day_{index}"] for index, day in enumerate(days)}

    def card_rows(self):
        """The sessions as CardRows holding what a card shows, not as model instances: on a day
        of hundreds, making instances (their init signals, translated fields) took longer than
        the query."""
        from .texts import in_every_language

        fields = [
            "pk", "slug", "format", "status", "is_sample", "has_cart", "has_asl", "starts_at",
            "ends_at", "track_id", "room_id", "conference_id", *in_every_language("title"),
        ]  # fmt: skip
        # Plain values: modeltranslation's own values() works out every title's fallback again,
        # a row at a time, which the cards do once (sessions.texts.reader).
        return [CardRow(**row) for row in self.rewrite(False).values(*fields)]

    def to_translate(self, language):
        """Sessions whose title or description is written in English and not in `language`."""
        return self.filter(Session.to_translate_condition(language))

    def with_panel_count(self):
        return self.annotate(panel_count=models.Count("panel", distinct=True))

    def for_listing(self):
        """What a session card or a calendar event needs (see sessions.cards); the panel's
        names come in one more query."""
        return self.select_related("conference", "track", "room")

    def bulk_create(self, objs, *args, **kwargs):
        """Sessions written in bulk (an import, a generated program) get their public id as
        save() gives it: their database id, unless they took back a deleted session's."""
        created = super().bulk_create(objs, *args, **kwargs)
        if all(session.public_id is not None for session in created):
            return created  # released copies, which carry their sessions' public ids
        self.model.objects.filter(public_id__isnull=True).update(public_id=models.F("pk"))
        for session in created:
            if session.public_id is None:
                session.public_id = session.pk
        return created

    def for_session_page(self, edition_slug, slug):
        """The session at this address, as its page shows it: with its edition, track and room
        in one query, then its topics in one and its panel (speakers with their
        organizations) in another. Its languages come from languages_of (one more)."""
        return (
            self.filter(conference__slug=edition_slug, slug=slug)
            # One at most (a slug is unique in its edition): no ordering to join a room for.
            .order_by()
            .select_related("conference", "track", "room")
            .prefetch_related(
                # A session's topics are its track's (sessions.rules): ordered as the track
                # orders them, without joining the track and its edition for Topic's ordering.
                models.Prefetch("topics", queryset=Topic.objects.order_by("order", "name")),
                self.panel_prefetch(),
            )
        )

    def others_at_the_same_time(self, session):
        """The sessions overlapping `session`, but it, with their rooms: what its "Also at this
        time" list shows. Read through its edition's related manager, their edition is the
        session's own instance, not joined nor read again."""
        return (
            self.overlapping(session.starts_at, session.ends_at)
            .exclude(pk=session.pk)
            .select_related("room")
        )

    def panel_prefetch(self):
        """The panel's seats in panel order, with speakers and their organizations."""
        return models.Prefetch(
            "panel",
            queryset=self.model.panel.rel.related_model.objects.in_panel_order().select_related(
                "speaker__organization"
            ),
        )

    def with_program_data(self):
        """Everything a program listing shows, in a fixed number of queries."""
        return self.select_related("conference", "track", "room").prefetch_related(
            "topics",
            "languages",
            "interpretation_languages",
            self.panel_prefetch(),
        )


class SessionFields(models.Model):
    """What a session is and shows, shared by the working program (Session, which organizers
    edit) and the released one (PublicSession, which attendees read)."""

    class Format(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        BREAKOUT = "breakout", _("Breakout")
        CAUCUS = "caucus", _("Caucus")
        RECEPTION = "reception", _("Reception")
        BREAK = "break", _("Break")

    Status = SessionStatus

    PUBLIC_STATUSES = PUBLIC_STATUSES

    title = models.CharField(
        validators=[validate_one_line], verbose_name=_("title"), max_length=300
    )
    slug = models.SlugField(verbose_name=_("slug"), max_length=100)
    # What apps and calendars key on (sessions.identity): fixed when the session is created,
    # kept through retitles, slug edits and track moves, and taken back by a session created
    # again after its deletion.
    guid = models.UUIDField(
        verbose_name=_("guid"),
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("What apps and calendars know the session by; it never changes."),
    )
    public_id = models.PositiveBigIntegerField(
        verbose_name=_("public id"),
        unique=True,
        null=True,
        editable=False,
        help_text=_("The session's number in exports and calendars; it never changes."),
    )
    format = models.CharField(
        verbose_name=_("format"), max_length=20, choices=Format, default=Format.PANEL
    )
    description = models.TextField(
        validators=[validate_text],
        verbose_name=_("description"),
        blank=True,
        help_text=_("Markdown."),
    )
    starts_at = models.DateTimeField(verbose_name=_("start"))
    ends_at = models.DateTimeField(verbose_name=_("end"))
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status, default=Status.DRAFT
    )
    cancellation_note = models.TextField(
        validators=[validate_text],
        verbose_name=_("note on the cancellation"),
        blank=True,
        help_text=_("Shown to attendees with a cancelled session, e.g. where to go instead."),
    )
    has_cart = models.BooleanField(_("CART captioning"), default=False)
    has_asl = models.BooleanField(_("ASL interpretation"), default=False)
    is_sample = models.BooleanField(
        verbose_name=_("sample data"),
        default=False,
        help_text=_("Time, room or line-up invented for demonstration; shown as such on the site."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "program:session-detail", kwargs={"edition": self.conference.slug, "session": self.slug}
        )

    @property
    def is_public(self):
        return self.status in self.PUBLIC_STATUSES

    @property
    def time(self):
        return time_range(self.starts_at, self.ends_at, self.conference)

    @property
    def slot_label(self):
        """“Sun, Dec 14, 10:00–11:15 PST”, in the conference's own time zone."""
        return rules.slot_label(self.starts_at, self.ends_at, self.conference)


class Session(SessionFields):
    conference = models.ForeignKey(
        Conference, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="sessions"
    )
    track = models.ForeignKey(
        Track,
        verbose_name=_("track"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("Leave empty for plenaries, breaks and other sessions common to all tracks."),
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), blank=True, related_name="sessions"
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("languages"),
        blank=True,
        related_name="sessions",
        help_text=_("Languages it is held in."),
    )
    interpretation_languages = models.ManyToManyField(
        Language,
        verbose_name=_("interpretation languages"),
        blank=True,
        related_name="interpreted_sessions",
        help_text=_("Languages offered through interpretation."),
    )
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("speakers"), through="PanelMembership", related_name="sessions"
    )
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        verbose_name=_("version"),
        default=1,
        editable=False,
        help_text=_("Increased on every save, so that an edit based on an older copy is refused."),
    )

    history = HistoricalRecords(
        excluded_fields=["version", "updated_at"], bases=[SessionHistorySnapshot]
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room__order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["conference", "slug"],
                name="session_slug_unique_per_conference",
                violation_error_message=_("This edition already has a session with this slug."),
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]

    def save(self, *args, **kwargs):
        # Optimistic locking: the row is updated only if nobody saved it since this copy was
        # read; two organizers editing at once cannot silently overwrite each other.
        from . import identity

        with transaction.atomic():
            if self._state.adding:
                identity.give_identities([self])
            else:
                claimed = Session.objects.filter(pk=self.pk, version=self.version).update(
                    version=models.F("version") + 1
                )
                if not claimed:
                    raise StaleSessionError(self)
                self.version += 1
                guid, public_id = getattr(self, "_stored_identity", (None, None))
                if guid is not None and public_id is not None:
                    # A version restored from history, a form: none of them moves the identity.
                    self.guid, self.public_id = guid, public_id
                stored_slug = getattr(self, "_stored_slug", None)
                if stored_slug and stored_slug != self.slug:
                    identity.keep_former_slug(self, stored_slug)
            super().save(*args, **kwargs)
            if self.public_id is None:
                self.public_id = self.pk
                Session.objects.filter(pk=self.pk).update(public_id=self.pk)
                # The record of its creation too, so that history shows no change of it.
                Session.history.filter(id=self.pk, public_id__isnull=True).update(public_id=self.pk)
            self._stored_slug = self.slug
            self._stored_identity = (self.guid, self.public_id)

    def validate_unique(self, exclude=None):
        # The identity is given by save() (sessions.identity), not by whoever edits: a copy
        # about to be saved as a new session still carries its original's.
        super().validate_unique(exclude={*(exclude or ()), "guid", "public_id"})

    def delete(self, *args, **kwargs):
        """Deleted, the session leaves its identity behind for a session created again with
        its guid or its slug (sessions.identity)."""
        from . import identity

        with transaction.atomic():
            identity.retire(self)
            return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        session = super().from_db(db, field_names, values, **kwargs)
        # The slug as stored, so that a save that changes it keeps the old one (FormerSlug);
        # the identity as stored, which no later save changes (sessions.identity).
        session._stored_slug = session.__dict__.get("slug")
        session._stored_identity = (session.__dict__.get("guid"), session.__dict__.get("public_id"))
        return session

    def clean(self):
        """The rules a session keeps by its own fields (sessions.rules): its edition's days, the
        edition of its room and track, and, once published, a room no other published session
        holds at the time. Its panel's speakers and its topics are checked with the panel and
        topics it is being saved with, by sessions.services."""
        errors = rules.own_errors(self)
        if not errors and self.status == self.Status.PUBLISHED:
            room_clashes = [rules.room_taken(self, other) for other in rules.room_clashes(self)]
            if room_clashes:
                errors["room"] = room_clashes
        if errors:
            raise ValidationError(errors)

    # The texts a session is translated by: the admin's "to translate" filter, column and counts.
    TRANSLATED_TEXTS = ("title", "description")

    @staticmethod
    def to_translate_condition(language):
        """Q: the title or the description is written in English and not in `language`."""
        condition = models.Q()
        for field in Session.TRANSLATED_TEXTS:
            english = f"{field}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
            other = f"{field}_{language}"
            written = models.Q(**{f"{english}__isnull": False}) & ~models.Q(**{english: ""})
            missing = models.Q(**{f"{other}__isnull": True}) | models.Q(**{other: ""})
            condition |= written & missing
        return condition

    def to_translate_in(self, language):
        """to_translate_condition, for a session already loaded."""
        english = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        return any(
            getattr(self, f"{field}_{english}") and not getattr(self, f"{field}_{language}")
            for field in Session.TRANSLATED_TEXTS
        )


class PanelMembershipQuerySet(models.QuerySet):
    def in_panel_order(self):
        moderator_first = models.Case(
            models.When(role=PanelMembership.Role.MODERATOR, then=models.Value(0)),
            default=models.Value(1),
        )
        return self.order_by(moderator_first, "order", "speaker__name")


class SeatFields(models.Model):
    """A seat on a session's panel, in the working program (PanelMembership) or the released
    one (PublicSeat)."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        PANELIST = "panelist", _("Panelist")
        PRESENTER = "presenter", _("Presenter")
        KEYNOTE_SPEAKER = "keynote", _("Keynote speaker")
        FACILITATOR = "facilitator", _("Facilitator")

    role = models.CharField(
        verbose_name=_("role"), max_length=20, choices=Role, default=Role.PANELIST
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"), default=0)

    objects = PanelMembershipQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.speaker} — {self.get_role_display()}, {self.session}"


class PanelMembership(SeatFields):
    class Answer(models.TextChoices):
        NOT_INVITED = "not_invited", _("Not invited")
        INVITED = "invited", _("Invited")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="panel"
    )
    speaker = models.ForeignKey(
        Speaker,
        verbose_name=_("speaker"),
        on_delete=models.CASCADE,
        related_name="panel_memberships",
    )
    # The speaker's own answer to the invitation for this seat: organizers' business, never
    # released nor shown publicly.
    answer = models.CharField(
        verbose_name=_("answer"), max_length=12, choices=Answer, default=Answer.NOT_INVITED
    )
    answer_note = models.TextField(
        validators=[validate_text],
        verbose_name=_("note from the speaker"),
        blank=True,
        max_length=1000,
    )
    invited_at = models.DateTimeField(verbose_name=_("invited"), null=True, blank=True)
    answered_at = models.DateTimeField(verbose_name=_("answered"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"],
                name="speaker_once_per_session",
                violation_error_message=_("This speaker is already on this session's panel."),
            ),
        ]


class PublicSession(SessionFields):
    """A session as its edition's program in force shows it to attendees: copied from the
    working program (Session) by a release, and read by every public page, feed and export
    (sessions.released). Its id is the session's own, so that addresses, agendas and apps keep
    their hold on it from release to release. One copy per session: a release replaces its
    edition's copies, and withdrawing it puts back the copies of the release before, from that
    release's snapshot (Release.snapshot)."""

    id = models.BigIntegerField(primary_key=True)
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="public_sessions"
    )
    # A track, room or speaker deleted after a release leaves the released session without it
    # (the door refuses to delete one that a session of the working program still uses).
    track = models.ForeignKey(
        Track, on_delete=models.SET_NULL, null=True, related_name="public_sessions"
    )
    topics = models.ManyToManyField(Topic, related_name="public_sessions")
    room = models.ForeignKey(
        Room, on_delete=models.SET_NULL, null=True, related_name="public_sessions"
    )
    languages = models.ManyToManyField(Language, related_name="public_sessions")
    interpretation_languages = models.ManyToManyField(
        Language, related_name="public_interpreted_sessions"
    )
    speakers = models.ManyToManyField(Speaker, through="PublicSeat", related_name="public_sessions")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        help_text="The working session's version it was copied at: another one there means a "
        "change waits for the next release."
    )

    class Meta:
        ordering = ["starts_at", "room__order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="public_session_slug_unique_per_conference"
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status", "starts_at"]),
            models.Index(fields=["room", "starts_at"]),
        ]


class FormerSlug(models.Model):
    """A slug one of an edition's sessions no longer holds: changed for another, or held when
    the session was deleted. The old address redirects to the session (sessions.views), and a
    session created again in the edition with its guid or this slug takes back its identity:
    guid, public id and database id (sessions.identity). Only the identity is kept here, never
    what the session said."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="former_session_slugs"
    )
    slug = models.SlugField(max_length=100)
    guid = models.UUIDField(db_index=True)
    public_id = models.PositiveBigIntegerField()
    database_id = models.BigIntegerField(help_text="The session's id in the Session table.")
    version = models.PositiveIntegerField(
        default=1,
        help_text="The session's version when it was deleted: one taken back goes on from it, "
        "so that its released copy shows as changed.",
    )
    deleted = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "slug"], name="former_session_slug_unique_per_conference"
            ),
        ]

    def __str__(self):
        return self.slug


class PublicSeat(SeatFields):
    """A seat on a released session's panel (see PublicSession)."""

    session = models.ForeignKey(PublicSession, on_delete=models.CASCADE, related_name="panel")
    speaker = models.ForeignKey(Speaker, on_delete=models.CASCADE, related_name="public_seats")

    class Meta:
        ordering = ["session", "order"]


class ReleaseQuerySet(models.QuerySet):
    def for_log(self):
        """Releases as the change log shows them: without the snapshots they froze."""
        return self.defer("snapshot").order_by("-number")

    def in_force(self):
        """Releases not withdrawn: the latest of an edition's is its public program."""
        return self.filter(withdrawn_at__isnull=True)

    def latest_for(self, conference):
        """The release whose program attendees see, or None."""
        return self.filter(conference=conference).in_force().for_log().first()


class Release(models.Model):
    """A version of an edition's program that organizers announced to attendees.

    It freezes the public program as it then stood (`snapshot`, made by sessions.releases) and
    what changed since the edition's previous release (`changes`), which the public change log,
    its Atom feed and the agenda's "changed" flag read. Made only through
    sessions.services.program_release; afterwards only its name and note may be corrected
    (sessions.services.release_change), never what it froze."""

    conference = models.ForeignKey(
        Conference, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="releases"
    )
    number = models.PositiveIntegerField(
        verbose_name=_("number"), editable=False, help_text=_("1 for an edition's first release.")
    )
    name = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("name"),
        max_length=40,
        help_text=_("What apps and the change log call this version, e.g. v3."),
    )
    note = models.TextField(
        validators=[validate_text],
        verbose_name=_("note for attendees"),
        blank=True,
        max_length=2000,
        help_text=_("Shown in the public change log, e.g. why sessions moved."),
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    released_at = models.DateTimeField(verbose_name=_("released"), editable=False)
    snapshot = models.JSONField(verbose_name=_("program"), default=dict, blank=True, editable=False)
    changes = models.JSONField(
        verbose_name=_("changes since the previous release"),
        default=dict,
        blank=True,
        editable=False,
    )
    withdrawn_at = models.DateTimeField(
        verbose_name=_("withdrawn"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Attendees see the release before it again."),
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["conference", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"], name="release_number_unique_per_conference"
            ),
            models.UniqueConstraint(
                fields=["conference", "name"],
                name="release_name_unique_per_conference",
                violation_error_message=_("This edition already has a release with this name."),
            ),
        ]

    def __str__(self):
        return self.name


def new_agenda_token():
    # 16 random bytes: 22 URL-safe characters, not to be guessed or walked through.
    return secrets.token_urlsafe(16)


class SharedAgenda(models.Model):
    """An attendee's agenda kept on the server, only when they ask for a link to it ("Get a link
    to this agenda"). The token in its address is the only key: whoever holds the link sees and
    edits it, on any device, and calendar apps subscribed to its .ics follow its changes. No
    account, no cookie, nothing about the attendee but the sessions' ids, which may name
    sessions that are not (or no longer) public: pages show only released public ones."""

    # Written by attendees at any time, and shown only to whoever holds the link: a change
    # here is no change to the program, and must not make the site render its pages again.
    shown_to_attendees = False

    token = models.SlugField(max_length=32, unique=True, default=new_agenda_token, editable=False)
    session_ids = models.JSONField(_("sessions"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shared agenda")
        verbose_name_plural = _("shared agendas")

    def __str__(self):
        return self.token[:4] + "…"
