"""When Redis fails: a request waits for it once at most (half a second), then the breaker
(niic.faults) leaves it alone for a few seconds; nothing answers 500 because of it; the
password reset limits still hold, counted in the worker; /health/ says what is down. Redis is
stood in for by a port where nothing listens and by a listener that never answers."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from niic import accounts, faults, program_version
from tests.factories import (
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_track,
    seat,
)
from tests.servers import RefusedPort, SilentListener
from tests.services import redis_is_listening, skip_unless

pytestmark = pytest.mark.django_db


def redis_cache(port, db=0):
    return {
        "default": {
            "BACKEND": "niic.faults.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/{db}",
            "KEY_PREFIX": f"niic-redis-faults-{port}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture(autouse=True)
def closed_breaker():
    """The breaker is the worker's: each test starts, and leaves the next one, with a Redis that
    may be asked."""
    faults.shared_cache.closed_until = 0.0
    faults.shared_cache.new_request()
    accounts._counts_in_this_worker.clear()
    yield
    faults.shared_cache.closed_until = 0.0
    faults.shared_cache.new_request()
    accounts._counts_in_this_worker.clear()


@pytest.fixture
def silent_redis(settings):
    with SilentListener() as silent:
        settings.CACHES = redis_cache(silent.port)
        yield silent


@pytest.fixture
def refused_redis(settings):
    settings.CACHES = redis_cache(RefusedPort().port)


@pytest.fixture
def public_pages(db):
    conference = make_conference(slug="niic-redis", is_current=True)
    track = make_track(conference, slug="economic")
    room = make_room(conference, slug="harbor")
    speaker = make_speaker(name="Ana Alvarez", slug="ana-alvarez")
    session = make_session(conference, title="Building coalitions", track=track, room=room)
    seat(session, speaker)
    edition = f"/en/editions/{conference.slug}"
    return [
        "/en/",
        f"{edition}/",
        f"{edition}/schedule/?day=2014-12-15",
        f"{edition}/program/",
        f"{edition}/tracks/economic/",
        f"{edition}/rooms/harbor/",
        session.get_absolute_url(),
        "/en/speakers/",
        "/en/speakers/ana-alvarez/",
        "/en/search/?q=coalitions",
        f"{edition}/schedule.ics",
        f"{edition}/schedule.json",
        "/en/sitemap.xml",
        "/track-colours.css",
    ]


def timed(client, path, **kwargs):
    started = time.monotonic()
    response = client.get(path, **kwargs)
    return response.status_code, time.monotonic() - started


def test_with_redis_silent_each_public_page_waits_for_it_once_at_most(
    client, silent_redis, public_pages
):
    client.get("/en/editions/")  # loads the URLconf and templates, which no visitor pays for
    faults.shared_cache.closed_until = 0.0  # and waits once more below

    answers = [timed(client, path) for path in public_pages]

    assert [status for status, _ in answers] == [200] * len(public_pages)
    assert max(seconds for _, seconds in answers) < 1.5, answers
    # One request waited for Redis; the breaker spared the others.
    assert sum(seconds >= 0.45 for _, seconds in answers) == 1, answers


def test_after_the_breaker_pause_redis_is_asked_again(client, silent_redis, public_pages):
    client.get(public_pages[0])
    assert faults.shared_cache.allows() is False
    faults.shared_cache.closed_until = time.monotonic()  # the pause is over
    faults.shared_cache.new_request()
    assert faults.shared_cache.allows() is True
    status, seconds = timed(client, public_pages[1])
    assert (status, seconds >= 0.45) == (200, True)


def test_with_redis_down_no_public_page_answers_an_error(client, refused_redis, public_pages):
    assert [client.get(path).status_code for path in public_pages] == [200] * len(public_pages)


@pytest.mark.parametrize("redis", ["refused_redis", "silent_redis"])
def test_with_redis_failing_the_password_reset_limits_are_counted_in_the_worker(
    client, request, redis, mailoutbox, settings
):
    request.getfixturevalue(redis)
    organizer = make_organizer(email="organizer@example.org")
    organizer.set_password("a-long-pass-phrase-for-resets")
    organizer.save()
    per_client = settings.NIIC_PASSWORD_RESET_REQUESTS_PER_CLIENT
    per_address = settings.NIIC_PASSWORD_RESET_EMAILS_PER_ADDRESS
    started = time.monotonic()

    from_one_client = [
        client.post(reverse("admin_password_reset"), {"email": f"person{n}@example.org"})
        for n in range(per_client + 2)
    ]
    to_one_address = [
        Client().post(
            reverse("admin_password_reset"),
            {"email": "Organizer@Example.org"},
            REMOTE_ADDR=f"192.0.2.{n}",
        )
        for n in range(1, per_address + 3)
    ]

    assert [answer.status_code for answer in from_one_client] == [302] * per_client + [429] * 2
    assert [answer.status_code for answer in to_one_address] == [302] * (per_address + 2)
    assert len(mailoutbox) == per_address
    # One wait for Redis at most in the first request; the breaker spares the others.
    assert time.monotonic() - started < 0.5 + 0.25 * (per_client + per_address + 4)


def test_with_redis_down_an_import_is_previewed_and_confirmed(admin_client, refused_redis, niic):
    # The upload waits for its confirmation in the database, not in the cache.
    from tests.sessions.test_import_export import csv_text, new_session_row
    from tests.sessions.test_spreadsheets import upload

    url = reverse("admin:program_session_import")
    page = admin_client.get(url)
    preview = admin_client.post(
        url, {"spreadsheet": upload(csv_text([new_session_row()]).encode())}
    )
    confirmed = admin_client.post(url, {"token": preview.context["token"]})

    assert (page.status_code, preview.status_code, confirmed.status_code) == (200, 200, 302)
    assert niic.sessions.filter(slug=new_session_row()["slug"]).exists()


def test_health_is_degraded_but_serving_with_redis_down(client, refused_redis):
    served = client.get("/health/")
    strict = client.get("/health/?strict=1")
    degraded = {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert (served.status_code, served.json()) == (200, degraded)
    assert (strict.status_code, strict.json()) == (503, degraded)


def test_health_is_ok_with_the_database_and_redis_up(client, settings):
    skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
    settings.CACHES = redis_cache(6379, db=12)
    for path in ("/health/", "/health/?strict=1"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (
            200,
            {"status": "ok", "database": "ok", "cache": "ok"},
        )


def test_the_version_is_read_from_the_database_while_redis_is_down(client, refused_redis):
    before = program_version.current()
    bumped = program_version.bump()
    assert program_version.current() == bumped != before
