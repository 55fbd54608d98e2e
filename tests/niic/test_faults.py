"""When the database fails: a 503 with Retry-After on a page in the visitor's language, within
seconds (not gunicorn's 30 s worker timeout), while pages already in the cache are still served;
and the health endpoint tells a load balancer. Each test runs the site on gunicorn against its
own broken endpoint on 127.0.0.1."""

import pytest
from django.db import OperationalError, connection, transaction

from niic.faults import unavailable_or_server_error
from tests.factories import make_conference, make_room, make_session, make_track
from tests.servers import AppServer, DatabaseProxy, RefusedPort, SilentListener
from tests.services import redis_is_listening, skip_unless

CONNECT_TIMEOUT = 2
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def broken_database(port):
    return {
        "DATABASE_URL": f"postgres://niic@127.0.0.1:{port}/niic",
        "DJANGO_DB_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
    }


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
    assert (health.status, health.json()) == (503, {"database": "unavailable", "cache": "ok"})
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
    assert health.status == 503
    assert health.seconds < CONNECT_TIMEOUT + 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("cache", "workers"), [("local memory", 1), ("Redis", 2)])
def test_pages_already_cached_are_still_served_while_the_database_is_down(
    collected_static, cache, workers
):
    if connection.vendor != "postgresql":
        pytest.skip("the database is cut off through a TCP proxy: PostgreSQL only")
    environment = {}
    if cache == "Redis":
        skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
        environment = {
            "REDIS_URL": "redis://127.0.0.1:6379/13",
            "NIIC_CACHE_PREFIX": f"niic-faults-{RefusedPort().port}",
        }
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
            workers=workers,
            DATABASE_URL=(
                f"postgres://{settings_dict['USER'] or 'postgres'}@127.0.0.1:{db.port}/"
                f"{settings_dict['NAME']}"
            ),
            DJANGO_DB_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            **environment,
        ) as server,
    ):
        before = server.get(day)
        assert server.get("/health/").status == 200
        db.cut()
        during = [server.get(day) for _ in range(4)]
        revalidated = server.get(day, headers={"If-None-Match": before.header("ETag")})
        not_cached = server.get(session.get_absolute_url().replace("/en/", "/es/"))
        health = server.get("/health/")

    assert (before.status, "Building coalitions" in before.text) == (200, True)
    assert [(r.status, r.header("ETag"), r.body) for r in during] == [
        (200, before.header("ETag"), before.body)
    ] * 4
    assert revalidated.status == 304
    assert_unavailable_page(not_cached, "El programa no está disponible por un momento")
    assert health.status == 503


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
