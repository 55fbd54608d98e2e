"""Every public page runs an exact, pinned number of SQL queries, the same for a program of 50
sessions and of 500, in every language. The page types come from tests/pages.py, which covers
every route of the registry of public pages (tests/test_public_pages.py), so a new page type
cannot be left out; a page that gains a query fails here with its name."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from niic import program_version
from niic.generated_program import generate_program
from sessions import services
from tests.pages import PAGE_TYPES, first_session, page_path
from tracks.models import Conference

pytestmark = pytest.mark.django_db

# {page type: queries to render it}, measured uncached. Each counts the one query that reads
# the program version (niic.program_version, no shared cache here), which a page served from
# the cache also runs, and nothing else. Every page with session cards reads their languages
# and interpretation languages in one query (sessions.cards.languages_by_session).
QUERIES = {
    "home": 5,
    "edition-home": 5,
    "schedule": 10,
    "schedule-filtered": 10,
    "schedule-fragment": 10,
    "schedule-with-agenda": 10,
    "current-schedule": 10,
    "current-whole-program": 9,
    "current-track-list": 4,
    "whole-program": 9,
    "whole-program-filtered": 9,
    "whole-program-fragment": 9,
    # The session with its edition, track and room; its topics; its panel; its languages;
    # the sessions at the same time; the organizer's URL for schema.org (sessions.schema_org).
    "session": 7,
    "track-list": 4,
    "track": 7,
    "topic": 6,
    "room": 6,
    "speaker-list": 3,
    "speaker": 2,  # the speaker's public seats, with the speaker and the sessions
    "organization": 4,
    "search": 10,
    "search-people": 9,
    "search-organizations": 12,
    "search-language": 10,
    "agenda": 4,
    "edition-list": 2,
    "edition-calendar": 4,
    "track-calendar": 5,
    "session-calendar": 4,
    "agenda-calendar": 3,
    "speaker-calendar": 4,
    "schedule-xml": 8,
    "schedule-json": 8,
    "schedule-xcal": 8,
    "schedule-csv": 8,
    "schedule-csv-excel": 8,
    "use-in-app": 3,
    "change-log": 3,
    "change-feed": 3,
    "changes-json": 2,
    "sitemap": 8,
    "track-colours": 2,
    "favicon": 1,
    "web-manifest": 1,
    "offline": 2,
    "offline-pages": 7,
    "service-worker": 1,
}

# (sessions, speakers, seed, releases): the change log and its feeds grow with releases.
SIZES = [(50, 40, 11, 1), (500, 300, 12, 3)]


def queries_for(client, page_type, path):
    # What rendering the page costs, not what the page cache saves: a new program version
    # makes every cached page obsolete.
    program_version.bump()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == PAGE_TYPES[page_type].status, path
    return len(captured)


def program(organizer, *, sessions, speakers, seed, releases):
    conference = generate_program(sessions=sessions, speakers=speakers, seed=seed).conference
    # The edition that the /schedule/, /program/ and /tracks/ pages show.
    Conference.objects.exclude(pk=conference.pk).update(is_current=False)
    Conference.objects.filter(pk=conference.pk).update(is_current=True)
    for number in range(2, releases + 1):  # generate_program made v1
        if number > 1:  # a release needs a change since the last one
            session = first_session(conference)
            session.title = f"{session.title} ({number})"
            session.save()
        services.program_release(user=organizer, conference=conference, name=f"v{number}")
    return conference


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_page_runs_its_pinned_number_of_queries_for_50_and_500_sessions(
    client, organizer, language
):
    measured = {}
    for sessions, speakers, seed, releases in SIZES:
        conference = program(
            organizer, sessions=sessions, speakers=speakers, seed=seed, releases=releases
        )
        measured[sessions] = {
            page_type: queries_for(client, page_type, page_path(page_type, conference, language))
            for page_type in PAGE_TYPES
        }
    assert measured == {sessions: QUERIES for sessions, *_rest in SIZES}
