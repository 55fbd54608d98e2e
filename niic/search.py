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
interpreted into, that language, below those whose text matches."""

import re
from dataclasses import dataclass, field

from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, Func, Q, Value
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


def uses_full_text_search():
    return connection.vendor == "postgresql"


@dataclass
class SearchResults:
    sessions: list = field(default_factory=list)
    speakers: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    tracks: list = field(default_factory=list)
    topics: list = field(default_factory=list)
    rooms: list = field(default_factory=list)

    @property
    def count(self):
        return sum(
            len(found)
            for found in (
                self.sessions,
                self.speakers,
                self.organizations,
                self.tracks,
                self.topics,
                self.rooms,
            )
        )


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


def session_access_terms(words, languages):
    """(Q for the sessions that the language and interpretation words ask for, or None;
    the other words)."""
    names = {language.code: language_names(language) for language in languages}
    conditions, rest = [], []
    for word in words:
        codes = [code for code, folded in names.items() if word in folded]
        if codes:
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
            conditions.append(
                Q(
                    pk__in=released.sessions()
                    .filter(interpretation_languages__isnull=False)
                    .values("pk")
                )
            )
        else:
            rest.append(word)
    if not conditions:
        return None, words
    condition = conditions[0]
    for other in conditions[1:]:
        condition &= other
    return condition, rest


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


def by_rank_then_name(queryset, name_field="name"):
    return queryset.order_by(F("rank").desc(), Fold(name_field), "pk")[:RESULTS_PER_KIND]


def search_program(query):
    words = [fold(word) for word in WORD.findall(query)]
    return SearchResults(
        sessions=matching_sessions(query, words),
        speakers=matching_speakers(query, words),
        organizations=matching_organizations(query, words),
        tracks=best_by_name(
            Track.objects.select_related("conference"),
            [("name", "A"), ("description", "B")],
            query,
            words,
        ),
        topics=best_by_name(
            Topic.objects.select_related("track__conference"),
            [("name", "A"), ("description", "B")],
            query,
            words,
        ),
        rooms=best_by_name(
            Room.objects.select_related("conference"),
            [("name", "A"), ("location", "B")],
            query,
            words,
        ),
    )


def best_by_name(queryset, fields, query, words):
    return list(by_rank_then_name(matching(queryset, fields, query, words)))


def matching_sessions(query, words):
    """Cards of the public sessions found, by rank, then by time; the words naming a language
    or interpretation find the sessions held in or interpreted into it."""
    access, rest = session_access_terms(words, Language.objects.all())
    sessions = matching(
        released.sessions().public().for_listing(),
        [("title", "A"), ("description", "B")],
        query,
        words,
        also=access,
        also_words=rest,
    ).order_by(F("rank").desc(), "starts_at", Fold("title"), "pk")
    return session_cards(sessions[:RESULTS_PER_KIND])


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
