"""After a change attendees can see, the task worker renders the most-read pages into the
cache: the first visitor after a release is served a stored page, not a cold render."""

import pytest

from niic import program_version, warming
from sessions.services import program_release, session_save
from tests.factories import (
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_track,
)

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def warming_on(settings):
    settings.NIIC_WARM_PAGES = True
    settings.TASKS = IMMEDIATE_TASKS
    settings.NIIC_SITE_URL = "http://testserver"


@pytest.fixture
def gated_edition(django_capture_on_commit_callbacks):
    conference = make_conference(slug="niic-warm", is_current=True, publishes_at_once=False)
    track = make_track(conference, slug="economic")
    room = make_room(conference, slug="harbor")
    session = make_session(conference, title="Building coalitions", track=track, room=room)
    organizer = make_organizer()
    with django_capture_on_commit_callbacks(execute=True):
        program_release(user=organizer, conference=conference, name="v1")
    return conference, session, organizer


def schedule_day(conference):
    return f"/en/editions/{conference.slug}/schedule/?day=2014-12-15"


def test_after_a_release_the_most_read_pages_are_in_the_cache_before_anyone_asks(
    warming_on, gated_edition, client, django_capture_on_commit_callbacks
):
    conference, session, organizer = gated_edition
    session.title = "Building coalitions anew"
    session_save(user=organizer, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        program_release(user=organizer, conference=conference, name="v2")

    for path in [
        schedule_day(conference),
        f"/es/editions/{conference.slug}/program/",
        f"/en/editions/{conference.slug}/schedule.xml",
        "/en/",
    ]:
        response = client.get(path)
        assert response.status_code == 200
        # Served as stored: no template was rendered for this request.
        assert response.templates == [], f"{path} was rendered on the visitor's request"
    assert "Building coalitions anew" in client.get(schedule_day(conference)).text


def test_an_edit_not_yet_released_renders_nothing(
    warming_on, gated_edition, django_capture_on_commit_callbacks
):
    _conference, session, organizer = gated_edition
    before = program_version.current()
    session.title = "Building coalitions anew"
    with django_capture_on_commit_callbacks(execute=True):
        session_save(user=organizer, session=session)
    assert program_version.current() == before


def test_a_task_for_a_superseded_version_renders_nothing(warming_on, gated_edition, client):
    stale = program_version.current()
    program_version.bump()
    assert warming.warm(stale.token) == 0


def test_the_most_read_pages_are_each_day_the_program_exports_and_home_in_each_language(
    gated_edition,
):
    conference, _session, _organizer = gated_edition
    paths = {
        path + (f"?{query}" if query else "") for path, query in warming.most_read_paths(conference)
    }
    edition = f"/editions/{conference.slug}"
    for language in ("en", "es"):
        assert f"/{language}/" in paths
        assert f"/{language}{edition}/program/" in paths
        assert f"/{language}{edition}/schedule.ics" in paths
        for day in ("2014-12-14", "2014-12-15", "2014-12-16"):
            assert f"/{language}{edition}/schedule/?day={day}" in paths
