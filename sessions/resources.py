"""Sessions to a spreadsheet (CSV or XLSX), for the admin's Export button.

One row per session, in the columns sessions.importing reads back (see there for what each
holds): edition, slug, title_en, title_es, track, topics, format, status, day, start, end, room,
languages, interpretation, cart, asl, panel, description_en, description_es (a title and a
description per language in settings.LANGUAGES). Day, start and end are on the edition's own clock
(Conference.time_zone), whatever the server's TIME_ZONE; in XLSX they are date and time cells.
Text is written safely (speakers.spreadsheets). Importing is sessions.importing's job, with
sessions.services.sessions_import."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources

from speakers.models import Speaker
from speakers.spreadsheets import names_used_twice

from .models import PanelMembership, Session
from .texts import in_every_language

SEPARATOR = "; "


def local(moment, conference):
    return timezone.localtime(moment, conference.tzinfo)


class Column(fields.Field):
    """One column of the sheet, rendered from a session."""

    def __init__(self, column_name, render):
        super().__init__(attribute=column_name, column_name=column_name)
        self.render = render

    def get_value(self, instance):
        return self.render(instance)

    def export(self, instance, **kwargs):
        return self.render(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        raise NotImplementedError("sessions.importing reads spreadsheets.")


def render_edition(session):
    return session.conference.slug if session.conference_id else ""


def render_day(session):
    if not (session.conference_id and session.starts_at):
        return ""
    return local(session.starts_at, session.conference).date()


def render_clock(name):
    def render(session):
        moment = getattr(session, name)
        if not (session.conference_id and moment):
            return ""
        return local(moment, session.conference).time().replace(second=0, microsecond=0)

    return render


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


def text_column(column):
    return Column(column, lambda session: getattr(session, column) or "")


def per_language(columns):
    """The columns with title and description each replaced by one per site language."""
    spread = {}
    for name, column in columns.items():
        if name in ("title", "description"):
            spread.update({each: text_column(each) for each in in_every_language(name)})
        else:
            spread[name] = column
    return spread


class SessionResource(resources.ModelResource):
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
    start = Column("start", render_clock("starts_at"))
    end = Column("end", render_clock("ends_at"))
    room = Column("room", lambda session: session.room.slug if session.room_id else "")
    languages = Column("languages", render_codes("languages"))
    interpretation = Column("interpretation", render_codes("interpretation_languages"))
    cart = Column("cart", yes_no("has_cart"))
    asl = Column("asl", yes_no("has_asl"))
    panel = Column("panel", None)  # rendered by render_panel, which knows the speakers' names
    description = Column("description", lambda session: session.description)
    # What a re-import of this file gives back to a session deleted meanwhile (sessions.identity).
    guid = Column("guid", lambda session: str(session.guid))

    class Meta:
        model = Session
        fields = [
            "edition", "slug", "title", "track", "topics", "session_format", "status", "day",
            "start", "end", "room", "languages", "interpretation", "cart", "asl", "panel",
            "description", "guid",
        ]  # fmt: skip

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = per_language(self.fields)
        self.fields["panel"].render = self.render_panel
        self.ambiguous_speaker_names = None

    def get_export_order(self):
        return list(per_language(dict.fromkeys(self._meta.fields)))

    def export(self, queryset=None, **kwargs):
        dataset = super().export(queryset, **kwargs)
        dataset.title = _("Sessions")  # the sheet's name in XLSX
        return dataset

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
