"""Named queries for the program pages: views call these instead of building joins."""

import unicodedata
from itertools import groupby

from django.db.models import Count, Func, Q, TextField, Value

from tracks.models import Track

from . import released
from .models import Session

SQLITE_FOLD_FUNCTION = "niic_fold"


def fold(text):
    """Lower case without accents (“Angélica” → “angelica”): what search and the text filters
    compare, in Python and, through Fold, in either database."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def register_fold_function(connection):
    """SQLite has no accent folding: give this connection Python's (idempotent, no query)."""
    connection.ensure_connection()
    connection.connection.create_function(SQLITE_FOLD_FUNCTION, 1, fold, deterministic=True)


class Fold(Func):
    """A text column folded like fold(): unaccent() and lower() on PostgreSQL (the extension is
    created by migration program.search_configuration), a registered function on SQLite."""

    arity = 1
    function = "LOWER"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="LOWER(UNACCENT(%(expressions)s))", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        register_fold_function(connection)
        return self.as_sql(compiler, connection, function=SQLITE_FOLD_FUNCTION, **extra_context)


def tracks_with_public_session_counts(conference):
    return (
        Track.objects.filter(conference=conference)
        .prefetch_related("topics")
        .annotate(
            public_session_count=Count(
                released.sessions_lookup(),
                filter=Q(**{f"{released.sessions_lookup()}__status__in": Session.PUBLIC_STATUSES}),
            )
        )
    )


def sessions_by_day(cards):
    """[(date, [cards])], the date in each session's own edition time zone."""
    return [(day, list(group)) for day, group in groupby(cards, key=lambda card: card.day)]


def sessions_by_day_and_slot(cards):
    """[(date, [(start, [cards])])]: the whole program, a day at a time, by start time."""
    return [
        (day, [(start, list(slot)) for start, slot in groupby(day_cards, key=_start)])
        for day, day_cards in sessions_by_day(cards)
    ]


def _start(card):
    return card.starts_at


def agenda_by_day(sessions):
    """Like sessions_by_day, marking each card that overlaps another chosen one."""
    sessions = sorted(sessions, key=lambda session: session.starts_at)
    for session in sessions:
        session.overlaps = [
            other.display_title
            for other in sessions
            if other is not session
            and other.status == Session.Status.PUBLISHED
            and session.status == Session.Status.PUBLISHED
            and other.starts_at < session.ends_at
            and other.ends_at > session.starts_at
        ]
    return sessions_by_day(sessions)


def languages_of(session):
    """(the languages `session` is held in, those it is interpreted into), each by name, in
    one query for both (a session of the working or of the released program)."""
    kinds = ("languages", "interpretation_languages")
    # Unordered parts: a compound query orders only as a whole.
    parts = [
        getattr(session, relation).annotate(kind=Value(kind)).order_by()
        for kind, relation in enumerate(kinds)
    ]
    found = ([], [])
    for language in parts[0].union(parts[1], all=True).order_by("kind", "name"):
        found[language.kind].append(language)
    return found
