"""What a session card shows, computed once in Python for a whole listing.

A schedule day can hold hundreds of sessions; formatting their times, reversing their URLs,
joining their panels and translating their labels here, with a memo for the few distinct time
slots, keeps the template to plain lookups of ready strings (see `make bench`): no number is
formatted and nothing translated per card."""

import functools
import html
import posixpath
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Value
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from . import released
from .models import Session
from .texts import language_word, page_language, reader, shown_language
from .times import TimeRange, moment_in, time_range

SLUG_PLACEHOLDER = "session-slug-placeholder"


@dataclass(frozen=True, slots=True)
class CardLabels:
    """The words every card of a listing shares, translated once for the listing."""

    add: str
    remove: str
    cancelled: str
    sample: str

    @classmethod
    def translated(cls):
        return cls(
            add=gettext("Add to my agenda"),
            remove=gettext("In my agenda — remove"),
            cancelled=gettext("Cancelled"),
            sample=gettext("Sample data"),
        )


@dataclass(slots=True)
class SessionCard:
    pk: int
    title: str
    url: str
    starts_at: object
    ends_at: object
    time: TimeRange
    day: object
    track: object
    track_id: int | None
    room: object
    # The room's name in the page's language (read once a room for the listing).
    room_name: str
    format_label: str
    panel: str
    status: str
    is_sample: bool
    conference: object
    overlaps: list = field(default_factory=list)
    # Whether the agenda the page was opened with (?agenda=…, the no-JavaScript path) holds it.
    in_agenda: bool = False
    # Ready-made text for the card (sessions/includes/session_card.html).
    ref: str = ""
    when: str = ""
    what: str = ""
    css_class: str = ""
    show_sample_badge: bool = False
    labels: CardLabels | None = None
    # The language of the title and room name when it is not the page's (an English fallback).
    title_lang: str = ""
    room_lang: str = ""
    # Badges for what an attendee chooses by (languages, interpretation, CART, ASL), or "".
    access: str = ""

    @property
    def display_title(self):
        return capfirst(self.title)

    @property
    def track_name(self):
        return capfirst(self.track.name) if self.track else ""

    @property
    def is_cancelled(self):
        return self.status == Session.Status.CANCELLED


def panel_names_by_session(session_ids):
    """{session id: "Moderator, Panelist, …"} in panel order, in one query; `session_ids` a
    list or a query of them."""
    names = {}
    seats = (
        released.seat_model()
        .objects.filter(session_id__in=session_ids)
        .in_panel_order()
        .values_list("session_id", "speaker__name")
    )
    for session_id, name in seats:
        names.setdefault(session_id, []).append(name)
    return {session_id: ", ".join(people) for session_id, people in names.items()}


def session_cards(
    sessions, *, conference=None, tracks=None, rooms=None, agenda=(), relative_to=None
):
    """Cards for `sessions`, in their given order.

    Either the sessions come from Session.objects.for_listing(), or the caller, which already
    holds the edition with its tracks and rooms (the schedule), passes them in with a queryset
    of sessions, which then load as light rows (SessionQuerySet.card_rows), their panels and
    languages found by that query rather than by a list of ids. `agenda`: the ids of the
    sessions in the visitor's agenda. `relative_to`: the path of the page the cards are on,
    for links relative to it."""
    agenda = set(agenda)
    listing = Listing(relative_to)
    tracks_by_id = rooms_by_id = None
    if tracks is not None and rooms is not None and hasattr(sessions, "card_rows"):
        tracks_by_id = {track.pk: track for track in tracks}
        rooms_by_id = {room.pk: room for room in rooms}
        model, ids = sessions.model, sessions.values("pk")
        sessions = sessions.card_rows()
    else:
        sessions = list(sessions)
        model, ids = (type(sessions[0]) if sessions else None), [s.pk for s in sessions]
    panels = panel_names_by_session(ids) if sessions else {}
    languages = languages_by_session(model, ids) if sessions else {}
    cards = []
    for session in sessions:
        cards.append(
            listing.card(
                session,
                edition=conference or session.conference,
                track=session.track if tracks_by_id is None else tracks_by_id.get(session.track_id),
                room=session.room if rooms_by_id is None else rooms_by_id.get(session.room_id),
                panel=panels.get(session.pk, ""),
                in_agenda=session.pk in agenda,
                languages=languages.get(session.pk, NO_LANGUAGES),
            )
        )
    return cards


NO_LANGUAGES = ((), ())


def languages_by_session(model, ids):
    """{session id: ((code, name) held in, (code, name) interpreted into)}, in one query for
    the whole listing (both kinds of the working or the released program's sessions, `model`):
    `ids` a list of session ids or a query of them."""
    kinds = []
    for kind, relation in enumerate(("languages", "interpretation_languages")):
        through = getattr(model, relation).through
        column = f"{getattr(model, relation).field.m2m_field_name()}_id"
        kinds.append(
            through.objects.filter(**{f"{column}__in": ids})
            .annotate(kind=Value(kind))
            .values_list(column, "kind", "language__code", "language__name")
        )
    found = {}
    for session_id, kind, code, name in kinds[0].union(kinds[1], all=True):
        found.setdefault(session_id, ([], []))[kind].append((code, name))
    return {
        session_id: (tuple(sorted(held)), tuple(sorted(interpreted)))
        for session_id, (held, interpreted) in found.items()
    }


class Listing:
    """What the cards of one listing share, worked out once for all of them: the translated
    labels, each edition's link pattern, each time slot's range and the language of each text
    shown in a fallback."""

    def __init__(self, relative_to):
        self.relative_to = relative_to
        self.every_track = gettext("All tracks")
        self.labels = CardLabels.translated()
        self.format_labels = {value: str(label) for value, label in Session.Format.choices}
        self.language = page_language()
        self.read_title = reader("title", self.language)
        self.url_patterns = {}  # {edition id: a session's link, SLUG_PLACEHOLDER for its slug}
        self.time_ranges = {}  # {(time zone, start, end): TimeRange}
        self.moments = {}  # {(moment, zone): times.Moment}
        self.foreign = {}  # {(model, pk, field): the text's language if not the page's, or ""}
        self.badges = {}  # {(languages, CART, ASL): the card's access badges}
        self.whats = {}  # {(track id, format): the card's "Track · Format"}
        self.room_names = {}  # {room id: its name in the page's language}
        # {track id: "Track name", marked with its language when not the page's}
        self.track_labels = {}

    def card(self, session, *, edition, track, room, panel, in_agenda, languages=NO_LANGUAGES):
        time = self.time_range(session, edition)
        format_label = self.format_labels[session.format]
        title, title_language = self.read_title(session)
        classes = []
        if session.track_id:
            classes.append(f"t{session.track_id}")
        if session.status == Session.Status.CANCELLED:
            classes.append("cancelled")
        return SessionCard(
            pk=session.pk,
            title=title,
            url=self.url_pattern(edition).replace(SLUG_PLACEHOLDER, session.slug),
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            time=time,
            day=timezone.localtime(session.starts_at, edition.tzinfo).date(),
            track=track,
            track_id=session.track_id,
            room=room,
            room_name=self.room_name(room),
            format_label=format_label,
            panel=panel,
            status=session.status,
            is_sample=session.is_sample,
            conference=edition,
            in_agenda=in_agenda,
            ref=str(session.pk),
            when=f"{time.starts_label}–{time.ends_label}",
            what=self.what(track, session.format),
            css_class=" ".join(classes),
            # A whole generated edition says so once, at the top of the page.
            show_sample_badge=session.is_sample and not edition.is_sample,
            labels=self.labels,
            title_lang=title_language if title_language != self.language else "",
            room_lang=self.foreign_language(room, "name") if room else "",
            access=self.access(languages, session.has_cart, session.has_asl),
        )

    def access(self, languages, has_cart, has_asl):
        key = (languages, has_cart, has_asl)
        if key not in self.badges:
            self.badges[key] = access_badges(*key)
        return self.badges[key]

    def url_pattern(self, edition):
        if edition.pk not in self.url_patterns:
            pattern = reverse(
                "program:session-detail",
                kwargs={"edition": edition.slug, "session": SLUG_PLACEHOLDER},
            )
            if self.relative_to:
                # From the listing's own address: "../sessions/<slug>/" rather than the whole
                # path, on pages that link hundreds of sessions.
                pattern = posixpath.relpath(pattern, self.relative_to) + "/"
            self.url_patterns[edition.pk] = pattern
        return self.url_patterns[edition.pk]

    def time_range(self, session, edition):
        key = (edition.time_zone, session.starts_at, session.ends_at)
        if key not in self.time_ranges:
            self.time_ranges[key] = time_range(
                session.starts_at, session.ends_at, edition, moment=self.moment
            )
        return self.time_ranges[key]

    def moment(self, value, zone):
        """A moment read once for the listing: sessions share their starts, and their ends
        fall on a few minutes of the day."""
        key = (value, zone)
        if key not in self.moments:
            self.moments[key] = moment_in(value, zone)
        return self.moments[key]

    def foreign_language(self, obj, field):
        key = (type(obj), obj.pk, field)
        if key not in self.foreign:
            shown = shown_language(obj, field, self.language)
            self.foreign[key] = shown if shown and shown != self.language else ""
        return self.foreign[key]

    def what(self, track, session_format):
        """ "Track · Format", the same for many cards."""
        key = (track.pk if track else None, session_format)
        if key not in self.whats:
            label = self.format_labels[session_format]
            self.whats[key] = format_html("{} · {}", self.track_label(track), label)
        return self.whats[key]

    def room_name(self, room):
        if room is None:
            return ""
        if room.pk not in self.room_names:
            self.room_names[room.pk] = room.name
        return self.room_names[room.pk]

    def track_label(self, track):
        if not track:
            return self.every_track
        if track.pk not in self.track_labels:
            label = capfirst(track.name)
            if language := self.foreign_language(track, "name"):
                label = format_html('<span lang="{}">{}</span>', language, label)
            self.track_labels[track.pk] = label
        return self.track_labels[track.pk]


def access_badges(languages, has_cart, has_asl):
    """The badges of a card: the languages it is held in unless only the program's main
    language, the languages it is interpreted into, CART and ASL. Words, not colours; an
    abbreviation is spelt out for screen readers."""
    held, interpreted = languages
    badges = []
    if held and [code for code, _name in held] != [settings.LANGUAGE_CODE]:
        words = ", ".join(language_word(*language) for language in held)
        badges.append(gettext("In %(languages)s") % {"languages": words})
    if interpreted:
        words = ", ".join(language_word(*language) for language in interpreted)
        badges.append(gettext("Interpretation: %(languages)s") % {"languages": words})
    if has_cart:
        badges.append(abbreviation("CART", gettext("real-time captioning")))
    if has_asl:
        badges.append(abbreviation("ASL", gettext("American Sign Language")))
    # Plain <span>s, styled as badges by .access (site.css): a day's page repeats them hundreds
    # of times.
    return format_html_join(" ", "<span>{}</span>", ((badge,) for badge in badges))


def abbreviation(short, spelt_out):
    return format_html(
        '<abbr title="{}">{}</abbr><span class=visually-hidden> ({})</span>',
        capfirst(spelt_out),
        short,
        spelt_out,
    )


def card_html(card, *, heading=3, show_day=False, show_zone=False):
    """A session card's markup (sessions/includes/session_card.html draws it): written here
    rather than in a template, which would resolve a dozen variables and tags per card on a
    day of hundreds. Kept lean: unquoted attribute values, styles by position (the first <p>
    is when and where, the one after the title the track and format, then the access badges:
    languages, interpretation, CART, ASL). The colour edge comes from /track-colours.css
    (.t<id>); the star is a submit button of the agenda form around the listing (the
    no-JavaScript path), which agenda.js turns into a toggle. `heading`: the title's level."""
    esc, shared = _escape, _escape_shared
    ref = card.ref
    when = shared(card.when)
    if show_day:
        day = formats.date_format(card.day, "MONTH_DAY_FORMAT")
        when = f"{esc(capfirst(formats.date_format(card.day, 'D')))} {esc(day)}, {when}"
    if show_zone:
        zone = card.time
        when += f' <abbr title="{esc(zone.zone_name)}">{esc(zone.zone_abbreviation)}</abbr>'
    if card.room:
        room = shared(card.room_name)
        if card.room_lang:
            room = f"<span lang={shared(card.room_lang)}>{room}</span>"
        when += f" · {room}"
    title_lang = f" lang={shared(card.title_lang)}" if card.title_lang else ""
    title = card.title[:1].upper() + card.title[1:]  # capfirst, without its lazy wrapper
    parts = [
        f'<article class="{shared(card.css_class)}">' if card.css_class else "<article>",
        f"<p>{when}</p>",
        f"<h{heading} id=s{ref}{title_lang}><a href={esc(card.url)}>{esc(title)}</a></h{heading}>",
        f"<p>{esc(card.what)}</p>",
    ]
    labels = card.labels
    if card.access:
        parts.append(f"<p class=access>{esc(card.access)}</p>")
    if card.is_cancelled:
        parts.append(f'<p class="badge cancel">{shared(labels.cancelled)}</p>')
    if card.panel:
        parts.append(f"<p class=who>{esc(card.panel)}</p>")
    if card.show_sample_badge:
        parts.append(f'<p class="badge sample">{shared(labels.sample)}</p>')
    if card.in_agenda:
        button = f"<button class=on name=remove value={ref}", labels.remove
    else:
        button = f"<button name=add value={ref}", labels.add
    parts.append(
        f'{button[0]} id=a{ref} aria-labelledby="a{ref} s{ref}">{shared(button[1])}</button>'
        "</article>"
    )
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _escape(text):
    """conditional_escape without its lazy-string wrapper, which costs more than the escaping
    on a page of hundreds of cards: the same characters escaped."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


@functools.lru_cache(maxsize=4096)
def _escape_shared(text):
    """Escapes a plain text that many cards share (a time range, a room, a label) once."""
    return html.escape(text)
