"""Search across sessions, speakers, topics and tracks.

On PostgreSQL: full-text search with ranking, the title weighing more than the description.
On SQLite (the embedded default): a plain case-insensitive contains match."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q

from sessions.models import Session
from tracks.models import Topic, Track

from .queries import public_speakers

RESULTS_PER_KIND = 50
SEARCH_CONFIG = "english"


def uses_full_text_search():
    return connection.vendor == "postgresql"


def ranked(queryset, query, title_field, text_field):
    vector = SearchVector(title_field, weight="A", config=SEARCH_CONFIG) + SearchVector(
        text_field, weight="B", config=SEARCH_CONFIG
    )
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .order_by(F("rank").desc(), title_field)
    )


def contains(queryset, query, title_field, text_field):
    return queryset.filter(
        Q(**{f"{title_field}__icontains": query}) | Q(**{f"{text_field}__icontains": query})
    ).order_by(title_field)


def search_program(query):
    match = ranked if uses_full_text_search() else contains
    sessions = Session.objects.public().select_related("conference", "track", "room")
    return {
        "sessions": list(match(sessions, query, "title", "description")[:RESULTS_PER_KIND]),
        "speakers": list(match(public_speakers(), query, "name", "bio")[:RESULTS_PER_KIND]),
        "topics": list(
            match(Topic.objects.select_related("track__conference"), query, "name", "description")[
                :RESULTS_PER_KIND
            ]
        ),
        "tracks": list(
            match(Track.objects.select_related("conference"), query, "name", "description")[
                :RESULTS_PER_KIND
            ]
        ),
    }
