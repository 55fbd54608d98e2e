"""Sessions in a spreadsheet (CSV or XLSX), for the admin's Import and Export buttons.

One row per session, in columns a person can read and edit:

    edition         the edition's slug: niic-2014
    slug            the session's slug within the edition; with edition, the row's key
    title
    track           the track's slug within the edition; empty for a session for every track
    topics          slugs of topics of that track, separated by "; "
    format          plenary, keynote, panel, workshop, breakout, caucus, reception or break
    status          draft, published or cancelled
    day             YYYY-MM-DD  ┐
    start           HH:MM       ├ on the edition's own clock (Conference.time_zone), whatever
    end             HH:MM       ┘ the server's TIME_ZONE
    room            the room's slug within the edition; empty for none
    languages       language codes separated by "; ": en; es
    interpretation  language codes, likewise
    cart, asl       yes or no (also true/false, 1/0; empty is no)
    panel           "Julien Ross (moderator); Eva Millona (panelist)": speakers by name or
                    slug, each with a role (panelist when none is given), in panel order
    description     Markdown

A row whose (edition, slug) exists updates that session, any other creates one. A column left
out of the file is left as it is (day, start and end go together); unknown columns are refused.
Speakers are never created here: import them first (speakers.resources.SpeakerResource).

Every row is checked, and saved, by sessions.services, as any change made in the admin: the
importing user's rights, and every rule of sessions.rules (the edition's days, room and track of
the same edition, topics of the track, room and speaker clashes of published sessions, no
cancelling a draft), with the rules' own messages under the column they concern. Rows are
checked in file order against the program as it stands with the rows above them applied. The
whole file is imported in one transaction, and any error in any row rolls all of it back (see
AllOrNothingModelResource)."""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields

from speakers.models import Speaker
from speakers.resources import (
    AllOrNothingModelResource,
    cell_text,
    names_used_twice,
    quoted,
)
from tracks.models import Conference, Topic, Track

from . import services
from .models import Language, PanelMembership, Room, Session

SEPARATOR = "; "
COLUMNS = [
    "edition", "slug", "title", "track", "topics", "format", "status", "day", "start", "end",
    "room", "languages", "interpretation", "cart", "asl", "panel", "description",
]  # fmt: skip
TIME_COLUMNS = ("day", "start", "end")
# The model's fields each column sets, and back: full_clean() reports by field, the file by column.
# A column that could not be read keeps its fields out of full_clean(), so that nothing is
# reported twice (an unknown edition leaves no clock to read times by, nor tracks or rooms).
FIELDS_OF_COLUMN = {
    "edition": ("conference", "track", "room", "starts_at", "ends_at"),
    "slug": ("slug",),
    "title": ("title",),
    "track": ("track",),
    "format": ("format",),
    "status": ("status",),
    "day": ("starts_at", "ends_at"),
    "start": ("starts_at", "ends_at"),
    "end": ("starts_at", "ends_at"),
    "room": ("room",),
    "cart": ("has_cart",),
    "asl": ("has_asl",),
    "description": ("description",),
}
COLUMN_OF_FIELD = {
    "conference": "edition",
    "starts_at": "day",
    "ends_at": "end",
    "has_cart": "cart",
    "has_asl": "asl",
    "languages": "languages",
    "interpretation_languages": "interpretation",
    NON_FIELD_ERRORS: "edition",
}
COMPARED_FIELDS = [
    "conference_id", "slug", "title", "track_id", "format", "status", "starts_at", "ends_at",
    "room_id", "has_cart", "has_asl", "description",
]  # fmt: skip
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK = re.compile(r"^(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?$")
PANEL_SEAT = re.compile(r"^(?P<who>.*?)\s*\((?P<role>[^()]*)\)$")


class RowError(ValueError):
    """A cell that cannot be read; the message says why and what is expected."""


def split_list(value):
    return [part.strip() for part in cell_text(value).split(";") if part.strip()]


def one_of(choices):
    return ", ".join(choices.values)


def parse_choice(value, choices, what):
    text = cell_text(value)
    if not text:
        raise RowError(_("Required: one of %(choices)s.") % {"choices": one_of(choices)})
    for choice in choices:
        if text.lower() in (choice.value, str(choice.label).lower()):
            return choice.value
    raise RowError(
        _("%(value)s is not a %(what)s; use one of %(choices)s.")
        % {"value": quoted(text), "what": what, "choices": one_of(choices)}
    )


def parse_yes_no(value):
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise RowError(_("%(value)s is neither yes nor no.") % {"value": quoted(cell_text(value))})


def parse_day(value):
    if isinstance(value, datetime.datetime):  # an XLSX date cell
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        raise RowError(_("Required: the day, as YYYY-MM-DD."))
    try:
        if DATE.match(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    raise RowError(
        _("%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2014-12-15.")
        % {"value": quoted(text)}
    )


def parse_clock(value):
    if isinstance(value, datetime.datetime):  # an XLSX cell holding a date and time
        return value.time().replace(microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0, tzinfo=None)
    text = cell_text(value)
    if not text:
        raise RowError(_("Required: a time, as HH:MM."))
    match = CLOCK.match(text)
    try:
        if match:
            return datetime.time(
                int(match["hour"]), int(match["minute"]), int(match["second"] or 0)
            )
    except ValueError:
        pass
    raise RowError(
        _("%(value)s is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 09:30.")
        % {"value": quoted(text)}
    )


def local_datetime(day, clock, conference):
    """The moment `day` at `clock` on the edition's own clock; a time the clocks skip (when
    daylight saving time begins) does not exist and is refused."""
    zone = conference.tzinfo
    moment = datetime.datetime.combine(day, clock, tzinfo=zone)
    if moment.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise RowError(
            _("%(clock)s does not exist on %(day)s in %(zone)s: the clocks skip it.")
            % {"clock": f"{clock:%H:%M}", "day": day, "zone": conference.time_zone}
        )
    return moment


def local(moment, conference):
    return timezone.localtime(moment, conference.tzinfo)


@dataclass
class Plan:
    """What a row says about a session beyond its own fields; None: the column is not in the
    file, so that part of the session is left as it is."""

    topics: list | None = None
    languages: list | None = None
    interpretation: list | None = None
    panel: list | None = None  # [(speaker, role)] in panel order
    blank: bool = False


class Column(fields.Field):
    """One column of the sheet. A column shows a session (export, and the import preview's
    before and after); reading a row is SessionResource.import_instance's job, since the
    columns depend on one another (the edition says which tracks, rooms and clock apply)."""

    def __init__(self, column_name, render):
        super().__init__(attribute=column_name, column_name=column_name)
        self.render = render

    def get_value(self, instance):
        return self.render(instance)

    def export(self, instance, **kwargs):
        return self.render(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        raise NotImplementedError("SessionResource.import_instance reads the whole row.")


def render_edition(session):
    return session.conference.slug if session.conference_id else ""


def render_day(session):
    if not (session.conference_id and session.starts_at):
        return ""
    return local(session.starts_at, session.conference).date().isoformat()


def render_start(session):
    if not (session.conference_id and session.starts_at):
        return ""
    return f"{local(session.starts_at, session.conference):%H:%M}"


def render_end(session):
    if not (session.conference_id and session.ends_at):
        return ""
    return f"{local(session.ends_at, session.conference):%H:%M}"


def render_topics(session):
    if session.pk is None:
        return ""
    return SEPARATOR.join(topic.slug for topic in session.topics.all())


def render_codes(relation):
    def render(session):
        if session.pk is None:
            return ""
        codes = sorted(language.code for language in getattr(session, relation).all())
        return SEPARATOR.join(codes)

    return render


def yes_no(field_name):
    return lambda session: "yes" if getattr(session, field_name) else "no"


def panel_seats(session):
    """The session's panel in the order the site shows it: moderators first, then by order."""
    if session.pk is None:
        return []
    if "panel" in getattr(session, "_prefetched_objects_cache", {}):
        return list(session.panel.all())
    return list(
        PanelMembership.objects.filter(session=session).in_panel_order().select_related("speaker")
    )


class SessionResource(AllOrNothingModelResource):
    edition = Column("edition", render_edition)
    slug = Column("slug", lambda session: session.slug)
    title = Column("title", lambda session: session.title)
    track = Column("track", lambda session: session.track.slug if session.track_id else "")
    topics = Column("topics", render_topics)
    # Declared under another name: the admin's export form has a field called "format" (the
    # file format) which a resource field of that name would collide with.
    session_format = Column("format", lambda session: session.format)
    status = Column("status", lambda session: session.status)
    day = Column("day", render_day)
    start = Column("start", render_start)
    end = Column("end", render_end)
    room = Column("room", lambda session: session.room.slug if session.room_id else "")
    languages = Column("languages", render_codes("languages"))
    interpretation = Column("interpretation", render_codes("interpretation_languages"))
    cart = Column("cart", yes_no("has_cart"))
    asl = Column("asl", yes_no("has_asl"))
    panel = Column("panel", None)  # rendered by render_panel, which knows the speakers' names
    description = Column("description", lambda session: session.description)

    class Meta:
        model = Session
        fields = [
            "edition", "slug", "title", "track", "topics", "session_format", "status", "day",
            "start", "end", "room", "languages", "interpretation", "cart", "asl", "panel",
            "description",
        ]  # fmt: skip
        import_id_fields = ["edition", "slug"]
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields["panel"].render = self.render_panel
        self.rows_by_key = {}
        self.ambiguous_speaker_names = None
        self.user = None

    # Export

    def get_queryset(self):
        return Session.objects.order_by("conference__start_date", *Session._meta.ordering)

    def filter_export(self, queryset, **kwargs):
        if not isinstance(queryset, QuerySet):
            return queryset
        if not queryset.query.order_by:
            queryset = queryset.order_by(*Session._meta.ordering)
        return queryset.select_related("conference", "track", "room").prefetch_related(
            "topics",
            "languages",
            "interpretation_languages",
            Prefetch(
                "panel",
                queryset=PanelMembership.objects.in_panel_order().select_related("speaker"),
            ),
        )

    def render_panel(self, session):
        if self.ambiguous_speaker_names is None:
            self.ambiguous_speaker_names = names_used_twice(Speaker.objects.all())
        seats = []
        for seat in panel_seats(session):
            speaker = seat.speaker
            # A name two speakers share would not say which one: the slug does.
            who = (
                speaker.slug
                if speaker.name.lower() in self.ambiguous_speaker_names
                else speaker.name
            )
            seats.append(f"{who} ({seat.role})")
        return SEPARATOR.join(seats)

    # Import

    def before_import(self, dataset, **kwargs):
        self.rows_by_key = {}
        self.user = kwargs.get("user")
        if self.user is None:
            raise ValueError("An import acts for a user: import_data(…, user=…).")
        super().before_import(dataset, **kwargs)
        present = [column for column in TIME_COLUMNS if column in dataset.headers]
        if present and len(present) < len(TIME_COLUMNS):
            raise ValueError(
                _("The columns day, start and end go together: give all three or none.")
            )

    def get_instance(self, instance_loader, row):
        edition, slug = cell_text(row.get("edition")), cell_text(row.get("slug"))
        if not (edition and slug):
            return None
        return (
            Session.objects.select_related("conference", "track", "room")
            .filter(conference__slug=edition, slug=slug)
            .first()
        )

    def import_instance(self, instance, row, **kwargs):
        """Reads the row into the session's fields, and into a Plan for its topics, languages
        and panel (saved with the session, in save_m2m). Every unreadable cell is reported,
        each under its column."""
        plan = Plan()
        instance._spreadsheet_plan = plan
        if not any(cell_text(value) for value in row.values()):
            plan.blank = True  # skipped (skip_row), as spreadsheets often end with empty rows
            return
        errors = {}

        def read(column, parse, *args):
            try:
                return parse(*args)
            except RowError as error:
                errors[column] = [ValidationError(str(error), code="invalid")]
                return None

        self.check_once_in_file(row, kwargs.get("row_number"), errors)
        conference = read("edition", self.read_edition, instance, row)
        if "title" in row:
            instance.title = cell_text(row["title"])
        if conference is not None:
            if "track" in row:
                instance.track = read("track", self.read_place, Track, conference, row["track"])
            if "topics" in row and "track" not in errors:
                plan.topics = read("topics", self.read_topics, conference, instance, row["topics"])
            if "room" in row:
                instance.room = read("room", self.read_place, Room, conference, row["room"])
            self.read_times(instance, conference, row, errors, read)
        if "format" in row:
            instance.format = read(
                "format", parse_choice, row["format"], Session.Format, _("format")
            )
        if "status" in row:
            instance.status = read(
                "status", parse_choice, row["status"], Session.Status, _("status")
            )
        if "languages" in row:
            plan.languages = read("languages", self.read_languages, row["languages"])
        if "interpretation" in row:
            plan.interpretation = read("interpretation", self.read_languages, row["interpretation"])
        if "cart" in row:
            instance.has_cart = read("cart", parse_yes_no, row["cart"])
        if "asl" in row:
            instance.has_asl = read("asl", parse_yes_no, row["asl"])
        if "panel" in row:
            plan.panel = read("panel", self.read_panel, row["panel"])
        if "description" in row:
            instance.description = "" if row["description"] is None else str(row["description"])
        if errors:
            raise ValidationError(errors)

    def check_once_in_file(self, row, row_number, errors):
        key = (cell_text(row.get("edition")), cell_text(row.get("slug")))
        if not all(key):
            return
        first = self.rows_by_key.setdefault(key, row_number)
        if first != row_number:
            errors["slug"] = [
                ValidationError(
                    _(
                        "Row %(row)s of this file already has the session %(slug)s of "
                        "%(edition)s; each session may appear only once."
                    )
                    % {"row": first, "slug": quoted(key[1]), "edition": key[0]},
                    code="repeated",
                )
            ]

    def read_edition(self, instance, row):
        if instance.pk is not None:
            return instance.conference  # found by its edition and slug
        instance.slug = cell_text(row.get("slug"))
        slug = cell_text(row.get("edition"))
        if not slug:
            raise RowError(_("Required: the edition's slug, e.g. niic-2014."))
        conference = Conference.objects.filter(slug=slug).first()
        if conference is None:
            raise RowError(
                _("There is no edition with the slug %(slug)s.") % {"slug": quoted(slug)}
            )
        instance.conference = conference
        return conference

    def read_place(self, model, conference, value):
        """A track or room of the edition, by slug. One that only another edition has is
        returned all the same, for Session.clean() to refuse in its own words."""
        slug = cell_text(value)
        if not slug:
            return None
        found = model.objects.filter(conference=conference, slug=slug).first()
        found = found or model.objects.filter(slug=slug).select_related("conference").first()
        if found is None:
            what = model._meta.verbose_name
            raise RowError(
                _("%(edition)s has no %(what)s with the slug %(slug)s.")
                % {"edition": conference, "what": what, "slug": quoted(slug)}
            )
        return found

    def read_topics(self, conference, instance, value):
        """Topics of the edition by slug, those of the row's track first. A topic of another
        track is returned all the same, for the topics-of-the-track rule to refuse."""
        topics, unknown = [], []
        for slug in split_list(value):
            candidates = Topic.objects.filter(track__conference=conference, slug=slug)
            topic = (
                candidates.filter(track_id=instance.track_id).first()
                or candidates.select_related("track").first()
            )
            if topic is None:
                unknown.append(slug)
            elif topic not in topics:
                topics.append(topic)
        if unknown:
            slugs = ", ".join(map(quoted, unknown))
            raise RowError(
                _("%(edition)s has no topic with the slug %(slugs)s.")
                % {"edition": conference, "slugs": slugs}
            )
        return topics

    def read_times(self, instance, conference, row, errors, read):
        if not any(column in row for column in TIME_COLUMNS):
            if instance.pk is None:
                errors["day"] = [ValidationError(_("A new session needs its day, start and end."))]
            return
        day = read("day", parse_day, row.get("day"))
        start = read("start", parse_clock, row.get("start"))
        end = read("end", parse_clock, row.get("end"))
        if day is None or start is None or end is None:
            return
        starts_at = read("start", local_datetime, day, start, conference)
        ends_at = read("end", local_datetime, day, end, conference)
        if starts_at is None or ends_at is None:
            return
        if ends_at <= starts_at:
            errors["end"] = [
                ValidationError(
                    _(
                        "The session must end after it starts: it starts at %(start)s and "
                        "ends at %(end)s."
                    )
                    % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
                    code="ends_before_start",
                )
            ]
            return
        instance.starts_at, instance.ends_at = starts_at, ends_at

    def read_languages(self, value):
        languages, unknown = [], []
        for code in split_list(value):
            language = Language.objects.filter(code__iexact=code).first()
            if language is None:
                unknown.append(code)
            elif language not in languages:
                languages.append(language)
        if unknown:
            codes = ", ".join(map(quoted, unknown))
            known = ", ".join(Language.objects.order_by("code").values_list("code", flat=True))
            raise RowError(
                _("No language has the code %(codes)s; the codes are: %(known)s.")
                % {"codes": codes, "known": known}
            )
        return languages

    def read_panel(self, value):
        seats, problems = [], []
        for entry in split_list(value):
            match = PANEL_SEAT.match(entry)
            who, role_text = (
                (match["who"], match["role"]) if match and match["who"] else (entry, "")
            )
            try:
                role = (
                    parse_choice(role_text, PanelMembership.Role, _("panel role"))
                    if role_text.strip()
                    else PanelMembership.Role.PANELIST.value
                )
            except RowError as error:
                problems.append(
                    _("In %(entry)s: %(error)s") % {"entry": quoted(entry), "error": error}
                )
                continue
            try:
                speaker = self.find_speaker(who)
            except RowError as error:
                problems.append(str(error))
                continue
            if any(seated == speaker for seated, _ in seats):
                problems.append(_("%(speaker)s is on the panel twice.") % {"speaker": speaker})
                continue
            seats.append((speaker, role))
        if problems:
            raise RowError(" ".join(problems))
        return seats

    def find_speaker(self, who):
        speaker = Speaker.objects.filter(slug=who).first()
        if speaker is not None:
            return speaker
        named = list(Speaker.objects.filter(name__iexact=who)[:5])
        if len(named) == 1:
            return named[0]
        if named:
            slugs = ", ".join(speaker.slug for speaker in named)
            raise RowError(
                _(
                    "Several speakers are called %(name)s (%(slugs)s); write the slug of the one "
                    "you mean."
                )
                % {"name": quoted(who), "slugs": slugs}
            )
        raise RowError(
            _(
                "No speaker is called %(name)s or has that slug; add the speaker first (speakers "
                "are not created by a session import)."
            )
            % {"name": quoted(who)}
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The rights and rules of sessions.services, as for any change made in the admin. A
        rule's error is reported under the column it concerns; a column that could not be read
        keeps its fields out of the check, so that nothing is reported twice."""
        errors = {column: list(each) for column, each in (import_validation_errors or {}).items()}
        exclude = {field for column in errors for field in FIELDS_OF_COLUMN.get(column, ())}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            self.add_errors(errors, error)
        if not errors:
            try:
                services.check_session(
                    user=self.user, session=instance, related=self.related(instance)
                )
            except ValidationError as error:
                self.add_errors(errors, error)
            except PermissionDenied as error:
                errors.setdefault("track", []).append(ValidationError(str(error)))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def add_errors(errors, error):
        for field, field_errors in error.error_dict.items():
            errors.setdefault(COLUMN_OF_FIELD.get(field, field), []).extend(field_errors)

    @staticmethod
    def related(instance):
        plan = instance._spreadsheet_plan
        panel = None
        if plan.panel is not None:
            panel = [
                services.Seat(speaker=speaker, role=role, order=order)
                for order, (speaker, role) in enumerate(plan.panel)
            ]
        return services.Related(
            topics=plan.topics,
            languages=plan.languages,
            interpretation=plan.interpretation,
            panel=panel,
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A blank row is skipped, and so is a row that changes nothing, so that re-importing
        an export leaves no empty entries in the sessions' history."""
        plan = instance._spreadsheet_plan
        if plan.blank:
            return True
        if import_validation_errors or instance.pk is None or original is None:
            return False
        return not self.changes(instance, original, plan)

    def changes(self, instance, original, plan):
        if any(getattr(instance, name) != getattr(original, name) for name in COMPARED_FIELDS):
            return True
        related = [
            (plan.topics, instance.topics),
            (plan.languages, instance.languages),
            (plan.interpretation, instance.interpretation_languages),
        ]
        if any(wanted is not None and set(wanted) != set(now.all()) for wanted, now in related):
            return True
        return plan.panel is not None and self.panel_changes(instance, plan.panel)

    def panel_changes(self, session, panel):
        current = [(seat.speaker_id, seat.role) for seat in panel_seats(session)]
        return current != [(speaker.pk, role) for speaker, role in panel]

    def do_instance_save(self, instance, is_create):
        """Saved with its topics, languages and panel by save_m2m, in one call to the services."""

    def save_m2m(self, instance, row, **kwargs):
        services.session_save(
            user=self.user,
            session=instance,
            related=self.related(instance),
            reason=services.REASON_IMPORTED,
        )
