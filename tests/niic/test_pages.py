import datetime
import re

import pytest
from django.utils import timezone

from sessions.models import Session
from speakers.models import Speaker
from tests.factories import (
    make_conference,
    make_organization,
    make_session,
    make_speaker,
    seat,
)

pytestmark = pytest.mark.django_db


def test_root_sends_visitors_to_their_language(client, niic):
    response = client.get("/", headers={"accept-language": "es"})
    assert (response.status_code, response["Location"]) == (302, "/es/")


def test_happening_now_and_up_next_while_the_edition_is_on(client):
    now = timezone.now()
    today = timezone.localdate(now, timezone=datetime.UTC)
    live = make_conference(
        time_zone="UTC",
        start_date=today - datetime.timedelta(days=1),
        end_date=today + datetime.timedelta(days=1),
        is_current=True,
    )
    make_session(
        live,
        title="Running now",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(minutes=50),
    )
    make_session(
        live,
        title="Starts soon",
        starts_at=now + datetime.timedelta(hours=2),
        ends_at=now + datetime.timedelta(hours=3),
    )
    response = client.get("/en/")
    assert [s.title for s in response.context["running"]] == ["Running now"]
    assert [s.title for s in response.context["next_up"]] == ["Starts soon"]
    assert '<h2 id="now-heading">Happening now</h2>' in response.text


def test_no_happening_now_block_outside_the_edition_days(client, niic):
    response = client.get("/en/")
    assert (response.context["running"], response.context["next_up"]) == ([], [])
    assert "Happening now" not in response.text


def test_past_editions_are_browsable(client, niic):
    later = make_conference(
        name="National Immigrant Integration Conference",
        year=2015,
        slug="niic-2015",
        start_date=datetime.date(2015, 11, 8),
        end_date=datetime.date(2015, 11, 10),
    )
    response = client.get("/en/editions/")
    assert [edition.slug for edition in response.context["editions"]] == [later.slug, "niic-2014"]
    assert client.get("/en/editions/niic-2014/").context["conference"] == niic
    assert client.get("/en/editions/nope/").status_code == 404


def test_speaker_directory_groups_by_initial(client, niic):
    response = client.get("/en/speakers/")
    grouped = [
        (initial, [speaker.name for speaker in speakers])
        for initial, speakers in response.context["by_initial"]
    ]
    assert grouped == [
        ("A", ["Angelica Salas"]),
        ("E", ["Eva Millona"]),
        ("J", ["Joshua Hoyt", "Julien Ross"]),
    ]


def test_speaker_directory_filters_by_organization_and_name(client, niic):
    by_org = client.get("/en/speakers/?organization=chirla").context["by_initial"]
    assert [[s.name for s in speakers] for _, speakers in by_org] == [["Angelica Salas"]]
    by_name = client.get("/en/speakers/?q=ju").context["by_initial"]
    assert [[s.name for s in speakers] for _, speakers in by_name] == [["Julien Ross"]]
    accented = client.get("/en/speakers/?q=ANGÉL").context["by_initial"]
    assert [[s.name for s in speakers] for _, speakers in accented] == [["Angelica Salas"]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("organization=acme", "“acme” is not an organization in the program."),
        ("q=" + "a" * 5000, "Ensure this value has at most 200 characters (it has 5000)."),
    ],
)
def test_speaker_directory_refuses_malformed_filters(client, niic, query, message):
    response = client.get(f"/en/speakers/?{query}")
    assert response.status_code == 400
    assert [e for errors in response.context["form"].errors.values() for e in errors] == [message]


def test_speaker_page_lists_every_session_across_editions_with_the_role(client, niic):
    salas = Speaker.objects.get(slug="angelica-salas")
    later = make_conference(
        year=2015,
        slug="niic-2015",
        start_date=datetime.date(2015, 12, 14),
        end_date=datetime.date(2015, 12, 16),
    )
    later_session = make_session(
        later,
        title="Keynote 2015",
        starts_at=datetime.datetime(2015, 12, 15, 18, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2015, 12, 15, 19, 0, tzinfo=datetime.UTC),
    )
    seat(later_session, salas, role="keynote")
    response = client.get("/en/speakers/angelica-salas/")
    assert [
        (seat.session.title, seat.session.conference.year, seat.get_role_display())
        for seat in response.context["seats"]
    ] == [("Keynote 2015", 2015, "Keynote speaker"), ("Opening plenary", 2014, "Presenter")]
    html = response.text
    assert (
        '<a href="/en/organizations/chirla/">'
        "Coalition for Human Immigrant Rights Los Angeles (CHIRLA)</a>" in html
    )


def test_speaker_bio_is_sanitized(client, conference):
    speaker = make_speaker(slug="bio", bio="Works in *LA*.<script>steal()</script>")
    seat(make_session(conference), speaker)
    html = client.get("/en/speakers/bio/").text
    assert '<div class="prose"><p>Works in <em>LA</em>.</p></div>' in html
    assert "steal()" not in html


def test_organization_page_lists_its_people_and_their_sessions(client, niic):
    response = client.get("/en/organizations/national-partnership-for-new-americans/")
    assert [person.name for person in response.context["people"]] == [
        "Eva Millona",
        "Joshua Hoyt",
        "Julien Ross",
    ]
    # Each session once, however many of the organization's people sit on its panel.
    assert [
        (session.title, [seat.speaker.name for seat in seats])
        for session, seats in response.context["sessions"]
    ] == [("Closing plenary", ["Joshua Hoyt", "Julien Ross", "Eva Millona"])]
    assert response.text.count(">Closing plenary</a>") == 1
    assert "Joshua Hoyt (panelist), Julien Ross (panelist), Eva Millona (panelist)" in response.text


PUBLIC_PATHS = [
    "/en/",
    "/en/schedule/",
    "/en/tracks/",
    "/en/editions/niic-2014/sessions/opening-plenary/",
    "/en/speakers/",
    "/en/speakers/angelica-salas/",
    "/en/search/?q=plenary",
    "/en/agenda/",
    "/es/schedule/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_set_no_cookie_and_can_be_cached_by_any_proxy(client, niic, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
    # The home page and the schedule without a day read the clock, so are kept for less time.
    clock = path in {"/en/", "/en/schedule/", "/es/schedule/"}
    assert response["Cache-Control"] == (
        "public, max-age=10, stale-while-revalidate=20"
        if clock
        else "public, max-age=20, stale-while-revalidate=40"
    )
    assert response.has_header("ETag")


def test_a_conditional_get_of_an_unchanged_page_is_a_304_and_a_change_makes_a_new_etag(
    client, niic, django_capture_on_commit_callbacks
):
    path = "/en/editions/niic-2014/schedule/?day=2014-12-14"
    etag = client.get(path)["ETag"]
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    session = Session.objects.get(slug="opening-plenary")
    with django_capture_on_commit_callbacks(execute=True):  # the change commits
        session.title = "Opening plenary (moved)"
        session.save()
    changed = client.get(path, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_pages_load_nothing_from_third_parties(client, niic, path):
    html = client.get(path).text
    loaded = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html)
    assert loaded
    assert [url for url in loaded if not url.startswith("/")] == []
    csp = client.get(path)["Content-Security-Policy"]
    assert csp.startswith("default-src 'self';")


def test_the_language_switch_links_to_the_same_page_in_spanish(client, niic):
    html = client.get("/en/editions/niic-2014/sessions/lunch/").text
    assert (
        '<a href="/es/editions/niic-2014/sessions/lunch/" hreflang="es" lang="es">Español</a>'
        in html
    )
    assert '<html lang="es">' in client.get("/es/editions/niic-2014/sessions/lunch/").text


def test_sample_data_is_labelled_on_speaker_and_search_pages(client, niic):
    assert "Sample data" in client.get("/en/speakers/angelica-salas/").text
    assert "Sample data" in client.get("/en/search/?q=plenary").text


def test_organizations_without_public_people_have_no_page(client, niic):
    make_organization(slug="quiet")
    assert client.get("/en/organizations/quiet/").status_code == 404


def test_an_unknown_page_is_a_friendly_404_in_the_urls_language(client, niic):
    english = client.get("/en/no-such-page/")
    spanish = client.get("/es/no-such-page/")
    assert (english.status_code, spanish.status_code) == (404, 404)
    assert "<h1>We could not find that page</h1>" in english.text
    assert '<a class="button primary" href="/en/schedule/">Go to the schedule</a>' in english.text
    assert '<html lang="es">' in spanish.text
    assert "<h1>No encontramos esa página</h1>" in spanish.text
    assert '<a class="button primary" href="/es/schedule/">Ir al programa</a>' in spanish.text
    assert 'action="/es/search/"' in spanish.text


def test_an_unknown_session_is_the_same_friendly_404(client, niic):
    response = client.get("/es/editions/niic-2014/sessions/nope/")
    assert response.status_code == 404
    assert "<h1>No encontramos esa página</h1>" in response.text


def test_a_server_error_is_a_friendly_500_in_the_urls_language(client, settings):
    settings.ROOT_URLCONF = "tests.niic.failing_urls"
    client.raise_request_exception = False
    english = client.get("/en/fail/")
    spanish = client.get("/es/fail/")
    assert (english.status_code, spanish.status_code) == (500, 500)
    assert "<h1>Something went wrong on our side</h1>" in english.text
    assert "<h1>Algo falló de nuestro lado</h1>" in spanish.text
    assert '<a class="button" href="/es/">Ir a la página de inicio</a>' in spanish.text


def test_the_favicon_is_there_for_browsers_that_ask_the_root(client):
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/niic/favicon.svg")
    html = client.get("/en/").text
    assert '<link rel="icon" href="/static/niic/favicon.svg" type="image/svg+xml">' in html
