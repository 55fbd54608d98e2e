"""Search counts every match, marks the editions, and finds the sessions by the services they
offer (ASL, CART, a language or interpretation), saying why each was found. On SQLite and on
PostgreSQL alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from niic import program_version
from niic.generated_program import generate_program
from niic.search import RESULTS_PER_KIND
from sessions.models import Language, PublicSession, Session
from tests.factories import la_time, make_conference, make_session, make_track

pytestmark = pytest.mark.django_db


def search(client, query, **parameters):
    response = client.get("/en/search/", {"q": query, **parameters})
    assert response.status_code == 200
    return response


def languages():
    return [
        Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("es", "Español"), ("en", "English")]
    ]


@pytest.fixture
def current(db):
    return make_conference(is_current=True, year=2030, slug="niic-2030", short_name="NIIC")


def workshops(conference, count, **fields):
    return [
        make_session(
            conference,
            title=f"Workshop {number:03d}",
            starts_at=la_time(15, "10:00"),
            ends_at=la_time(15, "11:00"),
            **fields,
        )
        for number in range(count)
    ]


def test_every_match_is_counted_though_the_first_50_are_listed(client, current):
    workshops(current, RESULTS_PER_KIND + 12)
    make_session(current, title="Workshop draft", status=Session.Status.DRAFT)
    response = search(client, "workshop")
    results = response.context["results"]
    assert len(results.sessions) == RESULTS_PER_KIND
    assert results.counts["sessions"] == 62  # the draft is not counted
    html = response.text
    assert "62 results for “workshop”" in html
    assert '<a href="#found-sessions">Sessions (62)</a>' in html
    assert "The first 50 of 62, best matches first." in html
    # The program of the current edition shows them all.
    assert '<a href="/en/editions/niic-2030/program/?q=workshop">' in html
    program = client.get("/en/editions/niic-2030/program/", {"q": "workshop"}).text
    assert program.count("Workshop 0") == 62


def test_what_is_not_released_is_neither_listed_nor_counted(client, current):
    current.publishes_at_once = False
    current.save()
    workshops(current, 3)
    assert PublicSession.objects.count() == 0
    assert search(client, "workshop").context["results"].counts["sessions"] == 0


def test_asl_and_cart_find_the_sessions_that_offer_them_and_say_so(client, current):
    both = make_session(current, title="Opening", has_asl=True, has_cart=True)
    make_session(current, title="Captioned only", has_cart=True)
    make_session(current, title="Neither")
    for query in ("ASL", "asl", "lengua de señas", "sign language"):
        results = search(client, query).context["results"]
        assert [found.card.title for found in results.found_sessions] == ["Opening"], query
        assert results.found_sessions[0].reasons == ["ASL"]
    response = search(client, "CART")
    assert sorted(card.title for card in response.context["results"].sessions) == [
        "Captioned only",
        "Opening",
    ]
    assert search(client, "subtitulado").context["results"].counts["sessions"] == 2
    html = search(client, "asl cart").text
    assert "Found because it offers:" in html
    assert "ASL · CART" in html
    assert both.title in html


def test_a_language_says_whether_the_session_is_held_in_it_or_interpreted(client, current):
    spanish, english = languages()
    held = make_session(current, title="Taller")
    held.languages.set([spanish])
    interpreted = make_session(current, title="Plenary", has_asl=True)
    interpreted.languages.set([english])
    interpreted.interpretation_languages.set([spanish])
    results = search(client, "spanish").context["results"]
    reasons = {found.card.title: found.reasons for found in results.found_sessions}
    assert reasons == {"Taller": ["Held in: Spanish"], "Plenary": ["Interpretation: Spanish"]}
    reasons = search(client, "asl español").context["results"].found_sessions
    assert [(found.card.title, found.reasons) for found in reasons] == [
        ("Plenary", ["ASL", "Interpretation: Spanish"])
    ]
    html = search(client, "spanish").text
    assert '<a href="/en/editions/niic-2030/program/?language=es">' in html


def test_results_of_another_edition_come_after_and_carry_its_name_and_year(client, current):
    past = make_conference(year=2014, slug="niic-2014")
    make_session(past, title="Opening plenary", starts_at=la_time(14, "09:00"))
    make_track(past, name="Plenary track")
    make_track(current, name="Plenary stage")
    make_session(
        current,
        title="Closing plenary",
        starts_at=la_time(16, "17:00").replace(year=2030),
        ends_at=la_time(16, "18:00").replace(year=2030),
    )
    response = search(client, "plenary")
    found = response.context["results"].found_sessions
    assert [(row.card.title, row.other_edition) for row in found] == [
        ("Closing plenary", None),
        ("Opening plenary", past),
    ]
    assert [track.name for track in response.context["results"].tracks] == [
        "Plenary stage",
        "Plenary track",
    ]
    html = response.text
    assert "From NIIC 2014" in html
    assert '<time datetime="2014-12-14">Dec. 14, 2014</time>' in html


@pytest.mark.parametrize(
    "parameters",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"sessions_page": "2"},
        {"q": "\x00"},
        {"q": "🙂" * 150},
    ],
)
def test_odd_parameters_give_a_clear_page(client, current, parameters):
    workshops(current, 3)
    response = client.get("/en/search/", {"q": "workshop", **parameters})
    assert response.status_code in (200, 400)
    if response.status_code == 200 and parameters.get("q") is None:
        assert response.context["results"].counts["sessions"] == 3


def test_a_huge_query_is_refused_with_a_message(client):
    response = client.get("/en/search/", {"q": "spanish " * 5000})
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.text


def queries_for(client, path):
    program_version.bump()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


# As tests/test_query_budget.py pins for the search page (10 when a speaker is found, whose
# sessions take one more): a count per kind costs none; the languages of the session cards
# found, one (none when no session is found).
QUERIES = {"spanish": 10, "asl cart": 10, "plenary": 8, "workshop spanish": 8}


@pytest.mark.parametrize("size", [60, 320])
def test_search_runs_a_constant_number_of_queries(client, size):
    generate_program(sessions=size, speakers=max(40, size // 2), seed=5)
    measured = {query: queries_for(client, f"/en/search/?q={query}") for query in QUERIES}
    assert measured == QUERIES
    results = client.get("/en/search/", {"q": "spanish"}).context["results"]
    # Held in or interpreted into Spanish, or saying “Spanish” (the generated descriptions do).
    offered = len(
        {
            session.pk
            for session in PublicSession.objects.public().prefetch_related(
                "languages", "interpretation_languages"
            )
            if "es"
            in {language.code for language in session.languages.all()}
            | {language.code for language in session.interpretation_languages.all()}
            or "spanish" in f"{session.title} {session.description}".lower()
        }
    )
    assert offered > RESULTS_PER_KIND or size == 60
    assert results.counts["sessions"] == offered
    assert len(results.sessions) == min(offered, RESULTS_PER_KIND)


def test_the_language_is_named_in_the_readers_language(client, current):
    spanish, english = languages()
    interpreted = make_session(current, title="Plenary")
    interpreted.languages.set([english])
    interpreted.interpretation_languages.set([spanish])
    response = client.get("/es/search/", {"q": "inglés"})
    (found,) = response.context["results"].found_sessions
    assert found.reasons == [f"{found.reasons[0].split(':')[0]}: Inglés"]
    (found,) = search(client, "interpretation").context["results"].found_sessions
    assert found.reasons == ["Interpretation offered"]
