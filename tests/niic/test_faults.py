"""When the database or Redis fails: a 503 with Retry-After on a page in the visitor's language,
within seconds (not gunicorn's 30 s worker timeout), while pages already in the cache are still
served, by workers started during the outage too; a Redis that fails costs a request one short
wait at most and no error; and the health endpoint tells a load balancer. Each test runs the
site on gunicorn against its own broken endpoint on 127.0.0.1."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction

from niic import faults, program_version
from niic.faults import unavailable_or_server_error
from tests.factories import make_conference, make_room, make_session, make_track
from tests.servers import (
    AppServer,
    Browser,
    DatabaseProxy,
    RefusedPort,
    SilentListener,
    database_url,
    free_port,
)
from tests.services import redis_is_listening, skip_unless

CONNECT_TIMEOUT = 2
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def broken_database(port):
    return {
        "DATABASE_URL": f"postgres://niic@127.0.0.1:{port}/niic",
        "DJANGO_DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        # Redis down too: with nothing to answer from, the server is out of rotation.
        "REDIS_URL": f"redis://127.0.0.1:{RefusedPort().port}/0",
    }


def shared_redis(purpose):
    return {
        "REDIS_URL": "redis://127.0.0.1:6379/13",
        "NIIC_CACHE_PREFIX": f"niic-{purpose}-{free_port()}",
    }


UNAVAILABLE = {"status": "unavailable", "database": "unavailable", "cache": "unavailable"}


def assert_unavailable_page(response, heading):
    assert (response.status, response.header("Retry-After")) == (503, "30")
    assert response.header("Cache-Control") == NEVER_CACHE
    assert f"<h1>{heading}</h1>" in response.text


def test_a_refused_database_answers_503_at_once_in_the_visitors_language(collected_static):
    refused = RefusedPort()
    with AppServer(collected_static, **broken_database(refused.port)) as server:
        server.get("/en/")  # the worker's first request also loads the URLs and templates
        english = server.get("/en/editions/")
        spanish = server.get("/es/speakers/")
        health = server.get("/health/")

    assert_unavailable_page(english, "The program is briefly unavailable")
    assert_unavailable_page(spanish, "El programa no está disponible por un momento")
    assert english.seconds < 1.5
    assert (health.status, health.json()) == (503, UNAVAILABLE)
    assert b"Traceback" not in english.body + spanish.body


def test_a_database_that_never_answers_costs_a_request_the_connect_timeout_not_the_worker(
    collected_static,
):
    with (
        SilentListener() as silent,
        AppServer(collected_static, **broken_database(silent.port)) as server,
    ):
        first = server.get("/en/editions/")
        health = server.get("/health/")

    assert_unavailable_page(first, "The program is briefly unavailable")
    # The connect timeout, not gunicorn's 30 s worker timeout (with room for a busy machine).
    assert CONNECT_TIMEOUT - 0.5 < first.seconds < CONNECT_TIMEOUT + 8
    assert (health.status, health.json()) == (503, UNAVAILABLE)
    assert health.seconds < CONNECT_TIMEOUT + 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("outage", ["refused", "silent"])
def test_pages_already_cached_are_still_served_while_the_database_is_down_through_a_reload(
    collected_static, outage
):
    if connection.vendor != "postgresql":
        pytest.skip("the database is cut off through a TCP proxy: PostgreSQL only")
    skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
    conference = make_conference(slug="niic-outage", is_current=True)
    track = make_track(conference, slug="economic")
    room = make_room(conference, slug="harbor")
    session = make_session(conference, title="Building coalitions", track=track, room=room)
    day = f"/en/editions/{conference.slug}/schedule/?day=2014-12-15"
    settings_dict = connection.settings_dict

    with (
        DatabaseProxy(settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432) as db,
        AppServer(
            collected_static,
            workers=2,
            DATABASE_URL=(
                f"postgres://{settings_dict['USER'] or 'postgres'}@127.0.0.1:{db.port}/"
                f"{settings_dict['NAME']}"
            ),
            DJANGO_DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            **shared_redis("outage"),
        ) as server,
    ):
        before = server.get(day)
        for _ in range(4):  # both workers hold a connection to the database
            server.get(day)
        assert (server.get("/health/").status, server.get("/health/").json()["status"]) == (
            200,
            "ok",
        )
        db.cut() if outage == "refused" else db.silence()
        during = [server.get(day) for _ in range(3)]
        time.sleep(program_version.MIRROR_CHECK_SECONDS)  # the mirror is due a check
        checked = [server.get(day) for _ in range(3)]
        server.reload()  # workers that never saw the database
        reloaded = [server.get(day) for _ in range(4)]
        revalidated = server.get(day, headers={"If-None-Match": before.header("ETag")})
        not_cached = server.get(session.get_absolute_url().replace("/en/", "/es/"))
        health = server.get("/health/")

    assert (before.status, "Building coalitions" in before.text) == (200, True)
    assert [(r.status, r.header("ETag"), r.body) for r in during + checked + reloaded] == [
        (200, before.header("ETag"), before.body)
    ] * 10
    # A request that finds the database silent waits for it the connect timeout at most.
    seconds = [round(r.seconds, 2) for r in during + checked + reloaded]
    assert max(seconds) < CONNECT_TIMEOUT + 3, seconds
    assert revalidated.status == 304
    assert_unavailable_page(not_cached, "El programa no está disponible por un momento")
    assert (health.status, health.json()) == (
        200,
        {"status": "degraded", "database": "unavailable", "cache": "ok"},
    )


PUBLIC_PAGES = [
    "/en/",
    "/en/editions/niic-redis/",
    "/en/editions/niic-redis/schedule/?day=2014-12-15",
    "/en/editions/niic-redis/program/",
    "/en/editions/niic-redis/tracks/economic/",
    "/en/editions/niic-redis/rooms/harbor/",
    "/en/editions/niic-redis/sessions/building-coalitions/",
    "/es/speakers/",
    "/en/search/?q=coalitions",
    "/en/editions/niic-redis/schedule.ics",
    "/en/sitemap.xml",
    "/track-colours.css",
]


@pytest.fixture
def site_for_redis_faults(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("an app server shares the test database only on PostgreSQL")
    conference = make_conference(slug="niic-redis", is_current=True)
    make_session(
        conference,
        title="Building coalitions",
        slug="building-coalitions",
        track=make_track(conference, slug="economic"),
        room=make_room(conference, slug="harbor"),
    )
    get_user_model().objects.create_superuser("organizer", "org@example.org", PASSWORD)
    return {"DATABASE_URL": database_url(connection.settings_dict)}


PASSWORD = "a-long-pass-phrase-for-the-fault-tests"


def test_with_redis_silent_every_public_page_answers_within_a_second_and_a_half(
    collected_static, site_for_redis_faults
):
    with (
        SilentListener() as silent,
        AppServer(
            collected_static,
            REDIS_URL=f"redis://127.0.0.1:{silent.port}/0",
            **site_for_redis_faults,
        ) as server,
    ):
        server.get("/en/editions/")  # the worker's first request loads the URLs and templates
        pages = [server.get(path) for path in PUBLIC_PAGES]
        time.sleep(faults.BREAKER_SECONDS)  # Redis is asked again, and waited for once more
        again = [server.get(path) for path in PUBLIC_PAGES]
        health = server.get("/health/")

    assert [r.status for r in pages + again] == [200] * 2 * len(PUBLIC_PAGES)
    assert max(r.seconds for r in pages + again) < 1.5, [r.seconds for r in pages + again]
    assert (health.status, health.json()) == (
        200,
        {"status": "degraded", "database": "ok", "cache": "unavailable"},
    )


def test_with_redis_down_nothing_answers_an_error(collected_static, site_for_redis_faults):
    with AppServer(
        collected_static,
        REDIS_URL=f"redis://127.0.0.1:{RefusedPort().port}/0",
        **site_for_redis_faults,
    ) as server:
        pages = [server.get(path) for path in PUBLIC_PAGES]
        browser = Browser()
        browser.get(server, "/admin/password_reset/")
        reset = browser.post(server, "/admin/password_reset/", {"email": "org@example.org"})
        browser.get(server, "/admin/login/")
        signed_in = browser.post(
            server, "/admin/login/?next=/admin/", {"username": "organizer", "password": PASSWORD}
        )
        imports = "/admin/program/session/import/"
        form = browser.get(server, imports)
        sheet = b"edition,slug,title_en\nniic-redis,building-coalitions,Coalitions anew\n"
        preview = browser.post(
            server, imports, {}, files={"spreadsheet": ("s.csv", sheet, "text/csv")}
        )
        token = re.search(r'name="token" value="([0-9a-f]{32})"', preview.text)[1]
        confirmed = browser.post(server, imports, {"token": token})
        health = server.get("/health/")
        strict = server.get("/health/?strict=1")

    assert [r.status for r in pages] == [200] * len(PUBLIC_PAGES)
    assert (reset.status, reset.header("Location")) == (302, "/admin/password_reset/done/")
    assert (signed_in.status, form.status, preview.status) == (302, 200, 200)
    # The upload waited in the database, not in the cache: the import goes through.
    assert (confirmed.status, confirmed.header("Location")) == (302, "/admin/program/session/")
    degraded = {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert (health.status, health.json()) == (200, degraded)
    assert (strict.status, strict.json()) == (503, degraded)


@pytest.mark.django_db
def test_postgresql_connections_carry_the_statement_timeout_and_a_cut_statement_is_a_503(rf):
    if connection.vendor != "postgresql":
        pytest.skip("statement timeouts are a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("20s",)

    request = rf.get("/es/speakers/")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = 50")
            cursor.execute("SELECT pg_sleep(2)")
    except OperationalError:
        response = unavailable_or_server_error(request)

    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert "<h1>El programa no está disponible por un momento</h1>" in response.text


def test_any_other_error_is_still_a_plain_500(rf):
    request = rf.get("/en/speakers/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = unavailable_or_server_error(request)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")
