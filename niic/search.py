"""Search across sessions, speakers, organizations, tracks, topics and rooms.

Accents and case never matter (“angelica” finds Angélica, “CHIRLA” finds chirla), on both
databases:
- PostgreSQL: ranked full-text search in the `niic_search` configuration, English stemming
  after `unaccent` (created by the migration program.search_configuration);
- SQLite, the embedded default: every word of the query must appear in one of the fields,
  folded as sessions.queries.fold does; a word found in a heavier field ranks higher. One
  Python function, registered on the connection, folds and ranks each row in a single call.

Sessions come ordered by rank, then by time; the rest by rank, then by name. A word naming a
language (“Spanish”, “español”) or interpretation also finds the sessions held in, or
interpreted into, that language, below those whose text matches; "ASL", "CART" (and their
Spanish names) find the sessions that offer them, and each such result says why it was found.

Every kind is counted whole (a window COUNT in the query that reads its first rows, so a count
costs no query of its own) and lists its first RESULTS_PER_KIND; the sessions link to the
current edition's whole program filtered the same way, which shows every one of them. The
public page cache hands the view only the parameters its route names (niic.middleware), and
the search's route names only `q`: a `page` parameter would never reach it.

Results of the current edition come first; the others are marked with their edition (the
page shows its name and year, and the date with its year). Current first rather than current
only: a past edition's plenary is still worth finding, and the mark keeps it from passing for
this year's."""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Exists, F, FloatField, Func, OuterRef, Q, Value, Window
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from modeltranslation.translator import NotRegistered, translator

from sessions import released, texts
from sessions.cards import session_cards
from sessions.models import Language, Room
from sessions.queries import Fold, fold, register_fold_function
from tracks.models import Topic, Track

from .queries import public_organizations, public_seats, public_speakers

RESULTS_PER_KIND = 50
SEARCH_CONFIG = "niic_search"
WORD = re.compile(r"\w+")
# How much a word found in each field counts on SQLite (PostgreSQL weighs A to D itself).
WEIGHTS = {"A": 8, "B": 4, "C": 2, "D": 1}
INTERPRETATION_WORDS = {
    "interpretation", "interpreted", "interpreting", "interpreter", "interpreters",
    "interpretacion", "interpretado", "interpretada", "interprete", "interpretes",
}  # fmt: skip
ASL_WORDS = {"asl", "lse", "lsm"}
CART_WORDS = {
    "cart", "captioning", "captions", "captioned", "subtitulado", "subtitulada", "subtitulos",
}  # fmt: skip
# Several words that together name a service: replaced by one of the words above.
ACCESS_PHRASES = {
    ("sign", "language"): "asl",
    ("lengua", "de", "senas"): "asl",
    ("lenguaje", "de", "senas"): "asl",
    ("lengua", "de", "signos"): "asl",
    ("lenguaje", "de", "signos"): "asl",
    ("real", "time", "captioning"): "cart",
}


def uses_full_text_search():
    return connection.vendor == "postgresql"


@dataclass
class FoundSession:
    """A session card with what the search page says around it: why it was found when a word
    asked for a language or a service (`reasons`), and its edition when not the current one."""

    card: object
    reasons: list = field(default_factory=list)
    other_edition: object = None


@dataclass
class SearchResults:
    """The first RESULTS_PER_KIND of each kind; `counts`: how many of each kind match."""

    sessions: list = field(default_factory=list)
    speakers: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    tracks: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    rooms: list = field(default_factory=list)
    found_sessions: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    # The current edition's whole program filtered as this search asks, or "".
    program_url: str = ""

    @property
    def count(self):
        return sum(self.counts.values())

    @property
    def per_kind(self):
        return RESULTS_PER_KIND

    def more(self, kind):
        return self.counts.get(kind, 0) > len(getattr(self, kind))

    @property
    def more_sessions(self):
        return self.more("sessions")

    @property
    def more_speakers(self):
        return self.more("speakers")

    @property
    def more_organizations(self):
        return self.more("organizations")

    @property
    def more_tracks(self):
        return self.more("tracks")

    @property
    def more_topics(self):
        return self.more("topics")

    @property
    def more_rooms(self):
        return self.more("rooms")


def language_names(language):
    """Every name a visitor may type for a language: its own name as organizers entered it,
    and Django's English, native and translated names for its code."""
    names = {language.name}
    info = LANG_INFO.get(language.code, {})
    if "name" in info:
        names.update({info["name"], info.get("name_local", "")})
        for code in ("en", "es"):
            with translation.override(code):
                names.add(gettext(info["name"]))
    return {fold(name) for name in names if name}


@dataclass
class AccessTerms:
    """What the words of a query ask of a session besides its text."""

    condition: object = None  # a Q for the sessions asked for, or None
    rest: list = field(default_factory=list)  # the other words
    languages: list = field(default_factory=list)  # Language rows named
    asl: bool = False
    cart: bool = False
    interpretation: bool = False


def joined_phrases(words):
    """The words with each phrase naming a service (“lengua de señas”) made one word."""
    joined, index = [], 0
    while index < len(words):
        for phrase, word in ACCESS_PHRASES.items():
            if tuple(words[index : index + len(phrase)]) == phrase:
                joined.append(word)
                index += len(phrase)
                break
        else:
            joined.append(words[index])
            index += 1
    return joined


def shown_name(language):
    """The language's name in the page's language when Django knows its code (“Spanish” on
    an English page for the “Español” organizers entered), else as entered."""
    info = LANG_INFO.get(language.code, {})
    return gettext(info["name"]) if "name" in info else language.name


def session_access_terms(words, languages):
    """The AccessTerms of the words: languages named, ASL, CART or interpretation."""
    names = {language.code: language_names(language) for language in languages}
    by_code = {language.code: language for language in languages}
    terms = AccessTerms()
    conditions = []
    for word in joined_phrases(words):
        codes = [code for code, folded in names.items() if word in folded]
        if codes:
            terms.languages += [by_code[code] for code in codes]
            conditions.append(
                Q(
                    pk__in=released.sessions()
                    .filter(
                        Q(languages__code__in=codes) | Q(interpretation_languages__code__in=codes)
                    )
                    .values("pk")
                )
            )
        elif word in INTERPRETATION_WORDS:
            terms.interpretation = True
            conditions.append(
                Q(
                    pk__in=released.sessions()
                    .filter(interpretation_languages__isnull=False)
                    .values("pk")
                )
            )
        elif word in ASL_WORDS:
            terms.asl = True
            conditions.append(Q(has_asl=True))
        elif word in CART_WORDS:
            terms.cart = True
            conditions.append(Q(has_cart=True))
        else:
            terms.rest.append(word)
    if not conditions:
        terms.rest = list(words)
        return terms
    terms.condition = conditions[0]
    for other in conditions[1:]:
        terms.condition &= other
    return terms


def full_text(fields, text):
    """(aliases, condition, rank) for PostgreSQL: `fields` are (name, weight A–D)."""
    vector = None
    for name, weight in fields:
        part = SearchVector(name, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return {"document": vector}, Q(document=query), SearchRank(vector, query)


def word_match_rank(words, weights, *texts):
    """0 unless every word (space-separated, folded) is in one of the texts; otherwise the sum,
    over the words, of the weight of the heaviest text holding it."""
    folded = [fold(text) for text in texts]
    rank = 0
    for word in words.split(" "):
        found = [weight for weight, text in zip(weights, folded, strict=True) if word in text]
        if not found:
            return 0
        rank += max(found)
    return rank


class WordMatchRank(Func):
    """word_match_rank() in SQL, for SQLite, registered on the connection when first used."""

    function = "niic_word_match_rank"
    output_field = FloatField()

    def __init__(self, words, fields):
        weights = "".join(weight for _, weight in fields)
        super().__init__(Value(" ".join(words)), Value(weights), *(name for name, _ in fields))

    def as_sqlite(self, compiler, connection, **extra_context):
        register_fold_function(connection)
        connection.connection.create_function(
            self.function,
            -1,
            lambda words, weights, *texts: word_match_rank(
                words, [WEIGHTS[weight] for weight in weights], *texts
            ),
            deterministic=True,
        )
        return super().as_sql(compiler, connection, **extra_context)


def every_word(fields, words, name="rank"):
    """(aliases, condition, rank) for SQLite: each word in some field, folded."""
    if not words:
        return {}, Q(pk__in=[]), Value(0.0)
    rank = WordMatchRank(words, fields)
    return {f"{name}_words": rank}, Q(**{f"{name}_words__gt": 0}), F(f"{name}_words")


def in_every_language(model, fields):
    """`fields` with each translated one (title…) replaced by its column in every language
    (title_en, title_es…): a Spanish query finds the Spanish text, an English one the English,
    whatever the page's language."""
    try:
        translated = translator.get_options_for_model(model).all_fields
    except NotRegistered:
        return list(fields)
    expanded = []
    for name, weight in fields:
        if name in translated:
            expanded += [(column, weight) for column in texts.in_every_language(name)]
        else:
            expanded.append((name, weight))
    return expanded


def matching(queryset, fields, query, words, *, also=None, also_words=()):
    """Rows of `queryset` that match the query, annotated with their rank. `also`: a condition
    under which a row matches with only `also_words` of the text (rank 0 for that part)."""
    fields = in_every_language(queryset.model, fields)
    if uses_full_text_search():
        aliases, condition, rank = full_text(fields, query)
        if also is not None:
            rest = also if not also_words else also & full_text(fields, " ".join(also_words))[1]
            condition |= rest
    else:
        aliases, condition, rank = every_word(fields, words)
        if also is not None:
            if also_words:
                rest_aliases, rest_condition, _ = every_word(fields, also_words, name="rest")
                aliases.update(rest_aliases)
                also &= rest_condition
            condition |= also
    return queryset.alias(**aliases).annotate(rank=rank).filter(condition)


def counted(queryset):
    """The queryset with `found_count` on each row: how many rows match in all, counted by
    the database in the same query as the rows (a window over the whole result)."""
    return queryset.annotate(found_count=Window(Count("pk")))


def count_of(rows):
    return rows[0].found_count if rows else 0


def by_rank_then_name(queryset, name_field="name", edition_field=None):
    """The first rows, the current edition's first when the rows belong to an edition."""
    order = [F("rank").desc(), Fold(name_field), "pk"]
    if edition_field:
        order.insert(0, F(f"{edition_field}__is_current").desc())
    return counted(queryset).order_by(*order)[:RESULTS_PER_KIND]


def search_program(query):
    words = [fold(word) for word in WORD.findall(query)]
    results = SearchResults()
    matching_sessions(results, query, words)
    results.speakers = matching_speakers(query, words)
    results.organizations = matching_organizations(query, words)
    results.tracks = best_by_name(
        Track.objects.select_related("conference"),
        [("name", "A"), ("description", "B")],
        query,
        words,
        edition_field="conference",
    )
    results.topics = best_by_name(
        Topic.objects.select_related("track__conference"),
        [("name", "A"), ("description", "B")],
        query,
        words,
        edition_field="track__conference",
    )
    results.rooms = best_by_name(
        Room.objects.select_related("conference"),
        [("name", "A"), ("location", "B")],
        query,
        words,
        edition_field="conference",
    )
    for kind in ("speakers", "organizations", "tracks", "topics", "rooms"):
        results.counts[kind] = count_of(getattr(results, kind))
    return results


def best_by_name(queryset, fields, query, words, edition_field=None):
    return list(
        by_rank_then_name(matching(queryset, fields, query, words), edition_field=edition_field)
    )


def matching_sessions(results, query, words):
    """Cards of the public sessions found, the current edition's first, then by rank, then by
    time; the words naming a language, interpretation, ASL or CART find the sessions that offer
    it, and such a result says so."""
    access = session_access_terms(words, Language.objects.all())
    sessions = matching(
        released.sessions().public().for_listing(),
        [("title", "A"), ("description", "B")],
        query,
        words,
        also=access.condition,
        also_words=access.rest if access.condition is not None else (),
    )
    if access.languages:
        codes = [language.code for language in access.languages]
        model = sessions.model
        sessions = sessions.annotate(
            held_in_asked=Exists(
                model.languages.through.objects.filter(
                    **{
                        model.languages.field.m2m_field_name(): OuterRef("pk"),
                        "language__code__in": codes,
                    }
                )
            ),
            interpreted_into_asked=Exists(
                model.interpretation_languages.through.objects.filter(
                    **{
                        model.interpretation_languages.field.m2m_field_name(): OuterRef("pk"),
                        "language__code__in": codes,
                    }
                )
            ),
        )
    rows = list(
        counted(sessions).order_by(
            F("conference__is_current").desc(), F("rank").desc(), "starts_at", Fold("title"), "pk"
        )[:RESULTS_PER_KIND]
    )
    results.counts["sessions"] = count_of(rows)
    results.sessions = session_cards(rows)
    language_list = ", ".join(dict.fromkeys(shown_name(language) for language in access.languages))
    for session, card in zip(rows, results.sessions, strict=True):
        reasons = []
        if access.asl and session.has_asl:
            reasons.append(gettext("ASL"))
        if access.cart and session.has_cart:
            reasons.append(gettext("CART"))
        if access.languages:
            if session.held_in_asked:
                reasons.append(gettext("Held in: %(languages)s") % {"languages": language_list})
            if session.interpreted_into_asked:
                reasons.append(
                    gettext("Interpretation: %(languages)s") % {"languages": language_list}
                )
        elif access.interpretation:
            reasons.append(gettext("Interpretation offered"))
        results.found_sessions.append(
            FoundSession(
                card=card,
                reasons=reasons,
                other_edition=None if session.conference.is_current else session.conference,
            )
        )
    current = next((row.conference for row in rows if row.conference.is_current), None)
    if current is not None:
        results.program_url = filtered_program_url(current, access)


def filtered_program_url(conference, access):
    """The edition's whole program with the schedule's filters set as the search's words ask
    (a language, a service, the other words), or "" when the filters cannot say it: they take
    one language and one service."""
    services = [name for name, asked in (("asl", access.asl), ("cart", access.cart)) if asked]
    if access.interpretation and not access.languages:
        services.append("interpretation")
    if len({language.code for language in access.languages}) > 1 or len(services) > 1:
        return ""
    parameters = {}
    if access.languages:
        parameters["language"] = access.languages[0].code
    if services:
        parameters["access"] = services[0]
    if access.rest:
        parameters["q"] = " ".join(access.rest)
    url = reverse("program:whole-program", kwargs={"edition": conference.slug})
    return f"{url}?{urlencode(parameters)}" if parameters else url


def matching_speakers(query, words):
    """The public speakers found, each with their public panel seats in time order
    (found_seats)."""
    speakers = best_by_name(
        public_speakers(), [("name", "A"), ("job_title", "B"), ("bio", "C")], query, words
    )
    if speakers:
        seats = {}
        for seat in (
            public_seats()
            .filter(speaker__in=speakers)
            .select_related("session__conference", "session__room")
            .order_by("session__starts_at", "session__title")
        ):
            seats.setdefault(seat.speaker_id, []).append(seat)
        for speaker in speakers:
            speaker.found_seats = seats.get(speaker.pk, [])
    return speakers


def matching_organizations(query, words):
    """The public organizations found, each with its public speakers by name (found_people)."""
    organizations = best_by_name(
        public_organizations(), [("name", "A"), ("acronym", "A")], query, words
    )
    if organizations:
        people = {}
        for person in public_speakers().filter(organization__in=organizations):
            people.setdefault(person.organization_id, []).append(person)
        for organization in organizations:
            organization.found_people = sorted(
                people.get(organization.pk, []), key=lambda person: fold(person.name)
            )
    return organizations
