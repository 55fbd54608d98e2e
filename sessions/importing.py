"""Reading a spreadsheet of sessions (CSV or XLSX) into the changes it asks for.

One row per session, in the columns the export writes (sessions.resources), in any order;
headers are matched without regard to case, and a column left out leaves that part of every
session as it is (day, start and end go together):

    edition         the edition's slug or name
    slug            the session's slug within the edition; left blank, a new session gets one
                    made from its title (or, if the edition has exactly one session with that
                    title, the row is that session)
    title_en        the title in English (required for a new session); "title" is read as title_en
    title_es        the title in Spanish, and so on for every language in settings.LANGUAGES
    track           the track's name or slug; empty for a session for every track
    topics          names or slugs of topics of that track, separated by ";"
    format          plenary, keynote, panel, workshop, breakout, caucus, reception or break
    status          draft, published or cancelled
    day             YYYY-MM-DD, or a date cell          ┐ on the edition's own clock
    start, end      13:30, 1:30 pm, or a time cell      ┘ (Conference.time_zone)
    room            the room's name or slug; empty for none
    languages       language codes or names, separated by ";"
    interpretation  likewise
    cart, asl       yes or no (also true/false, 1/0, sí; empty is no)
    panel           "Julien Ross (moderator); Eva Millona": speakers by name or slug, each with
                    a role (panelist when none is given), in panel order; a name nobody has yet
                    becomes a new speaker, listed as new in the preview
    description_en  Markdown, in English ("description" is read as description_en)
    description_es  Markdown, in Spanish; an empty cell leaves the text to be translated
    guid            optional: the session's guid as the exports write it. A row with the guid
                    of a session deleted from the edition brings back that session's identity
                    (sessions.identity), whatever its slug; with a blank slug, the guid of a
                    session of the edition finds that session

Names are compared without regard to case or accents. The file is read as every spreadsheet
is (speakers.spreadsheets: read_dataset, then read_table); every lookup is made once for the whole
file (editions, tracks, rooms, topics, languages, speakers, the sessions the rows name), so a
file costs the same few queries whatever its length; the rules and the writing are
sessions.services.sessions_import's job."""

import copy
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.text import slugify
from django.utils.translation import get_language_info, gettext_lazy, override
from django.utils.translation import gettext as _
from modeltranslation.utils import get_translation_fields

from speakers.models import Speaker
from speakers.spreadsheets import (
    CellError,
    Corrections,
    FileError,
    Row,
    cell_text,
    is_blank,
    long_text,
    normalized,
    quoted,
    read_dataset,
    read_table,
)
from tracks.models import Conference, Topic, Track

from . import services
from .cells import (
    Suggested,
    close_match,
    local_datetime,
    parse_choice,
    parse_clock,
    parse_day,
    parse_yes_no,
    split_list,
)
from .models import Language, PanelMembership, Room, Session
from .texts import in_every_language

# What callers use: the admin's import page, the benchmarks and the tests read a file with
# read_dataset, then read_rows, and hand the rows to services.sessions_import.
__all__ = ["COLUMNS", "FileError", "SessionRow", "read_dataset", "read_rows"]

TITLES = in_every_language("title")
DESCRIPTIONS = in_every_language("description")
ENGLISH_TITLE, ENGLISH_DESCRIPTION = TITLES[0], DESCRIPTIONS[0]
COLUMNS = [
    "edition", "slug", *TITLES, "track", "topics", "format", "status", "day", "start", "end",
    "room", "languages", "interpretation", "cart", "asl", "panel", *DESCRIPTIONS, "guid",
]  # fmt: skip
# Headers as organizers write them, in English and Spanish (compared without case or accents),
# and as files written before the texts had a column per language.
ALIASES = {
    **dict.fromkeys(["title", "titulo", "session", "sesion"], ENGLISH_TITLE),
    **dict.fromkeys(["description", "descripcion", "abstract", "resumen"], ENGLISH_DESCRIPTION),
    **dict.fromkeys(["edicion", "conference", "conferencia", "event", "evento"], "edition"),
    **dict.fromkeys(["eje", "eje tematico", "tema principal", "linea"], "track"),
    **dict.fromkeys(["topic", "tema", "temas", "subtopics"], "topics"),
    **dict.fromkeys(["formato", "type", "tipo", "session type", "tipo de sesion"], "format"),
    **dict.fromkeys(["estado", "state"], "status"),
    **dict.fromkeys(["date", "fecha", "dia"], "day"),
    **dict.fromkeys(
        ["inicio", "start time", "starts", "begins", "hora de inicio", "desde"], "start"
    ),
    **dict.fromkeys(["fin", "end time", "ends", "hora de fin", "hora de termino", "hasta"], "end"),
    **dict.fromkeys(["sala", "salon", "location", "lugar", "venue"], "room"),
    **dict.fromkeys(["language", "idioma", "idiomas", "lenguas"], "languages"),
    **dict.fromkeys(
        ["interpretacion", "interpreting", "interpretation languages"], "interpretation"
    ),
    **dict.fromkeys(["subtitulos", "captions", "captioning"], "cart"),
    **dict.fromkeys(["lengua de senas", "sign language", "lsa"], "asl"),
    **dict.fromkeys(
        ["speakers", "ponentes", "panelists", "panelistas", "oradores", "speaker", "ponente"],
        "panel",
    ),
}
TIME_COLUMNS = ("day", "start", "end")
PANEL_SEAT = re.compile(r"^(?P<who>.*?)\s*\((?P<role>[^()]*)\)$")
# What a message calls a column; translated only when a message uses it.
TRACK, ROOM, FORMAT, STATUS = (
    gettext_lazy("track"),
    gettext_lazy("room"),
    gettext_lazy("format"),
    gettext_lazy("status"),
)
PANEL_ROLE = gettext_lazy("panel role")


GUID_HELD = gettext_lazy(
    "The guid %(guid)s is another session's: leave it blank, or give this row that session's slug."
)


def read_guid(value):
    """A guid cell: None when blank, else the UUID it writes."""
    text = cell_text(value)
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CellError(
            _("%(value)s is not a guid as the exports write it, e.g. %(example)s.")
            % {"value": quoted(text), "example": "6f3c2a5e-8d1b-4b7a-9c0e-2f4d8a6b1e37"}
        ) from None


# The file


def more_problems(headers):
    """Beyond the columns every sheet checks: the edition, and day, start and end together or
    not at all."""
    problems = []
    if "edition" not in headers:
        problems.append(_("The column edition is required: it says which edition each row is of."))
    present = [column for column in TIME_COLUMNS if column in headers]
    if present and len(present) < len(TIME_COLUMNS):
        problems.append(_("The columns day, start and end go together: give all three or none."))
    return problems


# The rows


@dataclass
class SessionRow(Row):
    """One row of the file and what it asks for: the session as it will be (`session`, its
    fields set), and as stored (`original`, None for a new one), with its related values and
    the speakers it names for the first time."""

    session: Session | None = None
    original: Session | None = None
    related: services.Related = field(default_factory=services.Related)
    # The original's topics, languages and panel as stored (every part a list).
    stored: services.Related | None = None
    new_speakers: list = field(default_factory=list)
    # Names close to a speaker's, which the organizer may confirm as new people.
    unsure_names: list = field(default_factory=list)

    @property
    def is_new(self):
        return self.original is None


def names_of(obj):
    """An object's name in every site language (modeltranslation's name_en, name_es…), or its
    one name: the same sheet reads the same whatever the admin's language."""
    names = [getattr(obj, column, None) for column in get_translation_fields("name")]
    return {name for name in [*names, obj.name] if name}


class Names:
    """Objects found by slug, or by a name in any site language compared without case or
    accents; and the one whose name is close to a misspelt one."""

    def __init__(self, objects):
        self.by_slug = {}
        self.by_name = {}
        for each in objects:
            self.by_slug.setdefault(each.slug, each)
            for name in {normalized(name) for name in names_of(each)}:
                self.by_name.setdefault(name, []).append(each)

    def close_to(self, text):
        """The one object whose name is close to `text`, if one is (a typo's cure)."""
        near = close_match(text, self.by_name)
        found = self.by_name.get(near, []) if near else []
        return found[0] if len(found) == 1 else None

    def find(self, text):
        """The one object with this slug or name; a list when several share the name."""
        if text in self.by_slug:
            return self.by_slug[text]
        found = self.by_name.get(normalized(text), [])
        if len(found) > 1:
            return found
        return found[0] if found else None


def grouped(objects, key):
    groups = {}
    for each in objects:
        groups.setdefault(key(each), []).append(each)
    return groups


class Lookups:
    """Everything the rows name, fetched once for the whole file and indexed."""

    def __init__(self, rows):
        self.editions = list(Conference.objects.all())
        self.tracks = list(Track.objects.all())
        self.rooms = list(Room.objects.all())
        self.topics = list(Topic.objects.all())
        self.languages = list(Language.objects.all())
        self.speakers = list(Speaker.objects.only("pk", "name", "slug"))
        slugs = {cell_text(row.get("slug")) for row in rows} - {""}
        titles = {normalized(cell_text(row.get(ENGLISH_TITLE))) for row in rows} - {""}
        guids = {cell_text(row.get("guid")).lower() for row in rows} - {""}
        index = list(
            Session.objects.values_list("pk", "conference_id", "slug", ENGLISH_TITLE, "guid")
        )
        self.slugs_taken = {(conference_id, slug) for _pk, conference_id, slug, *_rest in index}
        self.titled = {}
        # {guid: (session id, edition id)} of the sessions whose guids the rows carry.
        self.guid_holders = {}
        wanted = set()
        for pk, conference_id, slug, title, guid in index:
            if normalized(title) in titles:
                self.titled.setdefault((conference_id, normalized(title)), []).append(pk)
                wanted.add(pk)
            if slug in slugs:
                wanted.add(pk)
            if str(guid) in guids:
                self.guid_holders[guid] = (pk, conference_id)
                wanted.add(pk)
        self.sessions = (
            Session.objects.filter(pk__in=wanted).select_related("conference", "track", "room")
        ).in_bulk()
        self.stored = self.stored_related(list(self.sessions))
        self.by_key = {
            (session.conference_id, session.slug): session for session in self.sessions.values()
        }
        self.tracks_of = {
            edition: Names(tracks)
            for edition, tracks in grouped(self.tracks, lambda track: track.conference_id).items()
        }
        self.rooms_of = {
            edition: Names(rooms)
            for edition, rooms in grouped(self.rooms, lambda room: room.conference_id).items()
        }
        edition_of_track = {track.pk: track.conference_id for track in self.tracks}
        self.topics_of_track = {
            track: Names(topics)
            for track, topics in grouped(self.topics, lambda topic: topic.track_id).items()
        }
        self.topics_of_edition = {
            edition: Names(topics)
            for edition, topics in grouped(
                self.topics, lambda topic: edition_of_track[topic.track_id]
            ).items()
        }
        self.speaker_names = Names(self.speakers)
        self.language_of = {}
        for language in self.languages:
            self.language_of.setdefault(language.code.lower(), language)
            self.language_of.setdefault(normalized(language.name), language)
        # "English", "Inglés", "Spanish": a language by its name in every site language too.
        for site_language, _name in settings.LANGUAGES:
            with override(site_language):
                for language in self.languages:
                    for name in language_names(language.code):
                        self.language_of.setdefault(normalized(name), language)

    def stored_related(self, session_ids):
        """{session id: services.Related} of the sessions' topics, languages and panels as
        stored, made of the objects already fetched: a few rows of ids, not a model instance
        per topic, language and seat."""
        stored = {
            pk: services.Related(topics=[], languages=[], interpretation=[], panel=[])
            for pk in session_ids
        }
        topics = {topic.pk: topic for topic in self.topics}
        languages = {language.pk: language for language in self.languages}
        for relation, part, objects in (
            ("topics", "topics", topics),
            ("languages", "languages", languages),
            ("interpretation_languages", "interpretation", languages),
        ):
            through = getattr(Session, relation).through
            target = getattr(Session, relation).field.m2m_reverse_field_name()
            for session_id, target_id in through.objects.filter(
                session_id__in=session_ids
            ).values_list("session_id", f"{target}_id"):
                getattr(stored[session_id], part).append(objects[target_id])
        speakers = {speaker.pk: speaker for speaker in self.speakers}
        for session_id, speaker_id, role, order in PanelMembership.objects.filter(
            session_id__in=session_ids
        ).values_list("session_id", "speaker_id", "role", "order"):
            stored[session_id].panel.append(
                services.Seat(speaker=speakers[speaker_id], role=role, order=order)
            )
        return stored

    def edition(self, text):
        wanted = normalized(text)
        for edition in self.editions:
            if wanted in (edition.slug, normalized(edition.name), normalized(str(edition))):
                return edition
        return None


def language_names(code):
    """A language's name in the active language, as Django knows it, and its own name."""
    try:
        info = get_language_info(code)
    except KeyError:
        return []
    return [_(info["name"]), info["name"], info["name_local"]]


def read_rows(dataset, corrections=None):
    """Every row of the file as a Row, its cells read against one set of lookups;
    `corrections` (Corrections) are the cells the organizer corrected on the preview."""
    rows = read_table(dataset, COLUMNS, aliases=ALIASES, more_problems=more_problems)
    corrections = corrections or Corrections()
    corrections.apply(rows)
    lookups = Lookups(rows)
    reader = RowReader(lookups, new_names=corrections.new_speakers)
    return [reader.read(number, cells) for number, cells in enumerate(rows, start=2)]


class RowReader:
    def __init__(self, lookups, new_names=()):
        self.lookups = lookups
        self.keys_seen = {}
        self.slugs_made = set()
        self.new_speakers = {}  # normalized name → the Speaker a row creates
        # Names the organizer confirmed as new people, though close to someone's.
        self.new_names = {normalized(name) for name in new_names}

    def read(self, number, cells):
        row = SessionRow(number=number, cells=cells, blank=is_blank(cells))
        if row.blank:
            return row
        edition = row.cell("edition", self.read_edition)
        if edition is None:
            return row
        session, original = self.find_session(row, edition)
        row.session, row.original = session, original
        if original is not None:
            row.stored = self.lookups.stored[original.pk]
        self.apply_fields(row, edition, session)
        return row

    def read_edition(self, value):
        text = cell_text(value)
        if not text:
            raise CellError(_("Required: the edition's slug or name, e.g. niic-2014."))
        edition = self.lookups.edition(text)
        if edition is None:
            raise CellError(_("There is no edition %(value)s.") % {"value": quoted(text)})
        return edition

    def find_session(self, row, edition):
        """The stored session the row is about (by slug; without one, by a title only one
        session of the edition has), and a copy of it to change; or a new session."""
        slug = cell_text(row.cells.get("slug"))
        title = cell_text(row.cells.get(ENGLISH_TITLE))
        guid = row.cell("guid", read_guid)
        holder = self.lookups.guid_holders.get(guid)
        original = None
        if slug:
            original = self.lookups.by_key.get((edition.pk, slug))
        elif holder is not None and holder[1] == edition.pk:
            original = self.lookups.sessions[holder[0]]
        elif title:
            same_title = self.lookups.titled.get((edition.pk, normalized(title)), [])
            if len(same_title) == 1:
                original = self.lookups.sessions[same_title[0]]
        if original is None and not slug:
            slug = self.made_slug(edition, title)
        key = (edition.pk, original.slug if original else slug)
        first = self.keys_seen.setdefault(key, row.number)
        if first != row.number:
            row.add_error(
                "slug",
                _(
                    "Row %(row)s of this file already has the session %(slug)s of %(edition)s; "
                    "each session may appear only once."
                )
                % {"row": first, "slug": quoted(key[1]), "edition": edition.slug},
            )
        if holder is not None and (original is None or original.pk != holder[0]):
            row.add_error("guid", GUID_HELD % {"guid": guid})
        if original is None:
            session = Session(conference=edition, slug=slug, **{ENGLISH_TITLE: title})
            if guid is not None:
                session.guid = guid
            return session, None
        # A copy of its fields and of the edition, track and room it holds; its panel, topics
        # and languages are read from the original.
        session = copy.copy(original)
        session.__dict__.pop("_prefetched_objects_cache", None)
        return session, original

    def made_slug(self, edition, title):
        base = slugify(title)[:95].strip("-") or "session"
        slug, number = base, 1
        while (edition.pk, slug) in self.lookups.slugs_taken or (
            edition.pk,
            slug,
        ) in self.slugs_made:
            number += 1
            slug = f"{base}-{number}"
        self.slugs_made.add((edition.pk, slug))
        return slug

    def apply_fields(self, row, edition, session):
        cells = row.cells
        for column in TITLES:
            if column in cells:
                setattr(session, column, cell_text(cells[column]))
        if "track" in cells:
            session.track = row.cell(
                "track", self.read_place, self.lookups.tracks_of, edition, TRACK
            )
        if "topics" in cells:
            # A track the file misnames still lets its topics be checked against the edition.
            track = None if "track" in row.errors else session.track
            row.related.topics = row.cell("topics", self.read_topics, edition, track)
        if "room" in cells:
            session.room = row.cell("room", self.read_place, self.lookups.rooms_of, edition, ROOM)
        if any(column in cells for column in TIME_COLUMNS):
            self.read_times(row, edition, session)
        elif row.is_new:
            row.add_error("day", _("A new session needs its day, start and end."))
        if "format" in cells:
            session.format = row.cell("format", parse_choice, Session.Format, FORMAT)
        if "status" in cells:
            session.status = row.cell("status", parse_choice, Session.Status, STATUS)
        if "languages" in cells:
            row.related.languages = row.cell("languages", self.read_languages)
        if "interpretation" in cells:
            row.related.interpretation = row.cell("interpretation", self.read_languages)
        if "cart" in cells:
            session.has_cart = row.cell("cart", parse_yes_no)
        if "asl" in cells:
            session.has_asl = row.cell("asl", parse_yes_no)
        if "panel" in cells:
            row.related.panel = row.cell("panel", self.read_panel, row)
        for column in DESCRIPTIONS:
            if column in cells:
                setattr(session, column, long_text(cells[column]))

    def read_place(self, value, names_of_edition, edition, what):
        text = cell_text(value)
        if not text:
            return None
        names = names_of_edition.get(edition.pk)
        found = names.find(text) if names else None
        if isinstance(found, list):
            raise CellError(
                _(
                    "Several of %(edition)s are called %(value)s; write the slug of the one "
                    "you mean (%(slugs)s)."
                )
                % {
                    "edition": edition,
                    "value": quoted(text),
                    "slugs": ", ".join(each.slug for each in found),
                }
            )
        if found is None:
            message = _("%(edition)s has no %(what)s called %(value)s.") % {
                "edition": edition,
                "what": what,
                "value": quoted(text),
            }
            near = names.close_to(text) if names else None
            if near is not None:
                raise Suggested(message, near.name)
            raise CellError(message)
        return found

    def read_topics(self, value, edition, track):
        """Topics of the row's track first, then any of the edition (which the topics-of-the-
        track rule then refuses, in its own words)."""
        nowhere = Names([])
        of_track = self.lookups.topics_of_track.get(track.pk if track else None, nowhere)
        of_edition = self.lookups.topics_of_edition.get(edition.pk, nowhere)
        topics, unknown, cured = [], [], []
        for text in split_list(value):
            found = of_track.find(text) or of_edition.find(text)
            if isinstance(found, list):
                found = found[0]
            if found is None:
                unknown.append(text)
                near = of_track.close_to(text) or of_edition.close_to(text)
                cured.append(near.name if near else None)
            elif found not in topics:
                topics.append(found)
                cured.append(text)
        if unknown:
            message = _("%(edition)s has no topic called %(values)s.") % {
                "edition": edition,
                "values": ", ".join(map(quoted, unknown)),
            }
            if None not in cured:
                raise Suggested(message, "; ".join(cured))
            raise CellError(message)
        return topics

    def read_times(self, row, edition, session):
        day = row.cell("day", parse_day, edition)
        start = row.cell("start", parse_clock)
        end = row.cell("end", parse_clock)
        if day is None or start is None or end is None:
            return
        starts_at = row.cell("start", lambda _value: local_datetime(day, start, edition))
        ends_at = row.cell("end", lambda _value: local_datetime(day, end, edition))
        if starts_at is None or ends_at is None:
            return
        if ends_at <= starts_at:
            row.add_error(
                "end",
                _(
                    "The session must end after it starts: it starts at %(start)s and "
                    "ends at %(end)s."
                )
                % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"},
            )
            return
        session.starts_at, session.ends_at = starts_at, ends_at

    def read_languages(self, value):
        languages, unknown = [], []
        for text in split_list(value):
            wanted = normalized(text)
            language = self.lookups.language_of.get(text.lower()) or self.lookups.language_of.get(
                wanted
            )
            if language is None:
                unknown.append(text)
            elif language not in languages:
                languages.append(language)
        if unknown:
            known = ", ".join(sorted(language.code for language in self.lookups.languages))
            raise CellError(
                _("No language is called %(values)s; the codes are: %(known)s.")
                % {"values": ", ".join(map(quoted, unknown)), "known": known}
            )
        return languages

    def read_panel(self, value, row):
        """Seats, in panel order. A misspelt name or role is refused with the whole cell as it
        probably meant to be (Suggested), when every mistake of the cell has a likely cure."""
        seats, problems = [], []
        entries = split_list(value)
        cured = list(entries)
        for order, entry in enumerate(entries):
            match = PANEL_SEAT.match(entry)
            who, role_text = (
                (match["who"], match["role"]) if match and match["who"] else (entry, "")
            )
            role, speaker = PanelMembership.Role.PANELIST.value, None
            fixed_who, fixed_role = who, role_text
            mistakes = []
            if role_text.strip():
                try:
                    role = parse_choice(role_text, PanelMembership.Role, PANEL_ROLE)
                except CellError as error:
                    mistakes.append(error)
                    fixed_role = getattr(error, "replacement", None)
            try:
                speaker = self.find_speaker(who, row)
            except CellError as error:
                mistakes.append(error)
                fixed_who = getattr(error, "replacement", None)
            if mistakes:
                problems.extend(
                    _("In %(entry)s: %(error)s") % {"entry": quoted(entry), "error": error}
                    for error in mistakes
                )
                cured[order] = (
                    None
                    if fixed_who is None or fixed_role is None
                    else f"{fixed_who} ({fixed_role})"
                    if fixed_role.strip()
                    else fixed_who
                )
                continue
            if any(seat.speaker is speaker for seat in seats):
                problems.append(_("%(speaker)s is on the panel twice.") % {"speaker": speaker})
                cured[order] = None
                continue
            seats.append(services.Seat(speaker=speaker, role=role, order=order))
        if problems:
            if None not in cured:
                raise Suggested(" ".join(problems), "; ".join(cured))
            raise CellError(" ".join(problems))
        return seats

    def find_speaker(self, who, row):
        found = self.lookups.speaker_names.find(who)
        if isinstance(found, list):
            raise CellError(
                _(
                    "Several speakers are called %(name)s (%(slugs)s); write the slug of the "
                    "one you mean."
                )
                % {"name": quoted(who), "slugs": ", ".join(each.slug for each in found)}
            )
        if found is not None:
            return found
        key = normalized(who)
        near = None if key in self.new_names else self.lookups.speaker_names.close_to(who)
        if near is not None:
            row.unsure_names.append(" ".join(who.split()))
            raise Suggested(
                _(
                    "Nobody is called %(name)s: did you mean %(near)s? Accept the suggestion, "
                    "or confirm that %(name)s is a new speaker."
                )
                % {"name": quoted(who), "near": near.name},
                near.name,
            )
        if key not in self.new_speakers:
            self.new_speakers[key] = Speaker(name=" ".join(who.split()))
        speaker = self.new_speakers[key]
        if speaker not in row.new_speakers:
            row.new_speakers.append(speaker)
        return speaker
