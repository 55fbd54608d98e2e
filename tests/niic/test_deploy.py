"""Several app servers, one site: two gunicorn instances sharing one PostgreSQL, one Redis and
one media store. A login on one is valid on the other, a photo uploaded through one is served by
the other, and an edit made through one is visible on both at once (well within the freshness
promise), with both answering from the same cache."""

import io
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from PIL import Image

from niic import program_version
from speakers.photos import copy_name
from tests.factories import (
    make_conference,
    make_organization,
    make_room,
    make_session,
    make_speaker,
    make_track,
    seat,
)
from tests.servers import AppServer, Browser, database_url, free_port
from tests.services import redis_is_listening, skip_unless

PASSWORD = "a-long-pass-phrase-for-the-deploy-test"


@pytest.fixture
def two_servers(transactional_db, collected_static, tmp_path):
    if connection.vendor != "postgresql":
        # Not a missing service: the SQLite test database lives in this process's memory,
        # which no other process can open.
        pytest.skip("two app servers share one database only on PostgreSQL")
    skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
    shared = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "NIIC_CACHE_PREFIX": f"niic-deploy-{free_port()}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    first = AppServer(collected_static, **shared)
    second = AppServer(collected_static, **shared)
    # Both share one secret key, as every server of a deployment does.
    second.environment["DJANGO_SECRET_KEY"] = first.environment["DJANGO_SECRET_KEY"]
    with first, second:
        yield first, second


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (29, 78, 216)).save(out, format="PNG")
    return out.getvalue()


def test_two_app_servers_behave_as_one_site(two_servers):
    first, second = two_servers
    get_user_model().objects.create_superuser("organizer", "org@example.org", PASSWORD)
    conference = make_conference(slug="niic-deploy", is_current=True)
    track = make_track(conference, slug="economic")
    room = make_room(conference, slug="harbor")
    organization = make_organization(slug="welcoming-cities")
    speaker = make_speaker(name="Ana Alvarez", slug="ana-alvarez", organization=organization)
    session = make_session(conference, title="Building coalitions", track=track, room=room)
    seat(session, speaker)
    page = "/en/speakers/ana-alvarez/"

    # Caching: both serve the same page under the same validators.
    on_first, on_second = first.get(page), second.get(page)
    assert (on_first.status, on_second.status) == (200, 200)
    assert on_first.header("ETag") == on_second.header("ETag")

    # Sessions: signed in through the first, recognized by the second.
    browser = Browser()
    browser.get(first, "/admin/login/")
    signed_in = browser.post(
        first, "/admin/login/?next=/admin/", {"username": "organizer", "password": PASSWORD}
    )
    assert (signed_in.status, signed_in.header("Location")) == (302, "/admin/")
    assert browser.get(second, "/admin/").status == 200
    assert browser.get(second, "/admin/").text.count("organizer") >= 1

    # An edit with an upload through the first...
    change = f"/admin/speakers/speaker/{speaker.pk}/change/"
    browser.get(first, change)
    saved = browser.post(
        first,
        change,
        {
            "name": "Ana Alvarez Ruiz",
            "slug": "ana-alvarez",
            "organization": organization.pk,
            "bio": "Organizer.",
            "preferred_language": "en",
        },
        files={"photo": ("ana.png", png_bytes(), "image/png")},
    )
    assert saved.status == 302, saved.text[:2000]
    edited_at = time.monotonic()

    # ...is visible on both, at once.
    for server in (first, second):
        while True:
            response = server.get(page, headers={"If-None-Match": on_first.header("ETag")})
            if response.status == 200 and "Ana Alvarez Ruiz" in response.text:
                break
            assert time.monotonic() - edited_at < settings.NIIC_FRESHNESS_SECONDS
            time.sleep(0.2)

    # The photo uploaded through the first is served by the second.
    speaker.refresh_from_db()
    small = copy_name(speaker.photo.name, 320)
    photo = second.get(f"/media/{small}")
    assert (photo.status, photo.header("Content-Type")) == (200, "image/webp")
    assert photo.header("X-Content-Type-Options") == "nosniff"
    assert photo.body == (settings.MEDIA_ROOT / small).read_bytes()
    assert f'src="/media/{small}"' in second.get(page).text
    # Visitors get the copies only; the upload itself is for staff.
    assert second.get(f"/media/{speaker.photo.name}").status == 404


def test_an_edit_whose_mirror_write_was_lost_reaches_every_server_within_seconds(two_servers):
    # This process's cache is its own (tests/conftest.py): its bump writes the database and
    # not the mirror in Redis, as a bump during a Redis blip does.
    first, second = two_servers
    conference = make_conference(slug="niic-blink", is_current=True)
    speaker = make_speaker(name="Ana Alvarez", slug="ana-alvarez")
    seat(make_session(conference, title="Building coalitions"), speaker)
    page = "/en/speakers/ana-alvarez/"
    before = [server.get(page) for server in (first, second)]

    speaker.name = "Ana Alvarez Ruiz"
    speaker.save()
    edited_at = time.monotonic()

    seen = {}
    while len(seen) < 2:
        for name, server in (("first", first), ("second", second)):
            if name not in seen and "Ana Alvarez Ruiz" in server.get(page).text:
                seen[name] = time.monotonic() - edited_at
        assert time.monotonic() - edited_at < program_version.MIRROR_CHECK_SECONDS + 3, seen
        time.sleep(0.1)
    assert [response.status for response in before] == [200, 200]
