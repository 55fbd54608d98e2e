"""Search: every kind of thing in the program, accents and capitals ignored, sessions ranked and
then in time order. These run on SQLite and on PostgreSQL alike (CI runs both), and expect the
same answers from both."""

import pytest

from sessions.models import Language, Session
from tests.factories import (
    la_time,
    make_organization,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db


def search(client, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    return response.context["results"]


def titles(results):
    return [card.title for card in results.sessions]


def test_an_organization_is_found_by_its_acronym_in_any_case(client, niic):
    for query in ("CHIRLA", "chirla", "Chirla"):
        results = search(client, query)
        assert [str(organization) for organization in results.organizations] == [
            "Coalition for Human Immigrant Rights Los Angeles (CHIRLA)"
        ]
        assert [person.name for person in results.organizations[0].found_people] == [
            "Angelica Salas"
        ]


def test_an_organization_is_found_by_a_word_of_its_name(client, niic):
    results = search(client, "coalition")
    assert [organization.slug for organization in results.organizations] == ["chirla"]


def test_an_accented_query_finds_the_unaccented_name_and_the_other_way_round(client, niic):
    assert [speaker.name for speaker in search(client, "Angélica").speakers] == ["Angelica Salas"]
    accented = make_speaker(name="Lucía Jiménez", slug="lucia")
    seat(make_session(niic, title="Welcome desk", starts_at=la_time(15, "08:00")), accented)
    assert [speaker.name for speaker in search(client, "lucia jimenez").speakers] == [
        "Lucía Jiménez"
    ]
    assert [speaker.name for speaker in search(client, "LUCÍA").speakers] == ["Lucía Jiménez"]


def test_a_speaker_is_listed_with_their_sessions(client, niic):
    (speaker,) = search(client, "Millona").speakers
    assert speaker.name == "Eva Millona"
    assert [(seat.session.title, seat.get_role_display()) for seat in speaker.found_seats] == [
        ("Closing plenary", "Panelist")
    ]
    html = client.get("/en/search/", {"q": "Millona"}).text
    assert '<a href="/en/editions/niic-2014/sessions/closing-plenary/">Closing plenary</a>' in html


def test_a_speakers_drafts_are_not_listed_under_them(client, niic):
    draft = make_session(niic, title="Secret draft", status=Session.Status.DRAFT)
    seat(draft, niic.sessions.get(slug="closing-plenary").panel.first().speaker)
    speakers = search(client, "Hoyt").speakers
    assert [[seat.session.title for seat in speaker.found_seats] for speaker in speakers] == [
        ["Closing plenary"]
    ]


def test_sessions_with_the_same_rank_come_in_time_order_whatever_their_case(client, conference):
    track = make_track(conference)
    make_session(
        conference, title="sample clinic, late", track=track, starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )  # fmt: skip
    make_session(
        conference, title="Sample clinic, early", track=track, starts_at=la_time(14, "09:00"),
        ends_at=la_time(14, "10:00"),
    )  # fmt: skip
    make_session(
        conference, title="building a sample clinic", track=track,
        starts_at=la_time(15, "09:00"), ends_at=la_time(15, "10:00"),
    )  # fmt: skip
    assert titles(search(client, "sample clinic")) == [
        "Sample clinic, early",
        "building a sample clinic",
        "sample clinic, late",
    ]


def test_a_title_match_ranks_above_a_description_match(client, conference):
    track = make_track(conference)
    make_session(
        conference, title="Tenant rights", description="Housing clinic.", track=track,
        starts_at=la_time(14, "09:00"), ends_at=la_time(14, "10:00"),
    )  # fmt: skip
    make_session(conference, title="Zoning and housing", description="City policy.", track=track)
    assert titles(search(client, "housing")) == ["Zoning and housing", "Tenant rights"]


def test_names_are_listed_in_alphabetical_order_ignoring_case_and_accents(client, conference):
    session = make_session(conference)
    for name in ["zoe Ortiz", "Álvaro Ortiz", "bea Ortiz", "Carla Ortiz"]:
        seat(session, make_speaker(name=name))
    assert [speaker.name for speaker in search(client, "ortiz").speakers] == [
        "Álvaro Ortiz",
        "bea Ortiz",
        "Carla Ortiz",
        "zoe Ortiz",
    ]


def test_tracks_topics_and_rooms_are_found(client, niic):
    results = search(client, "alliances")
    assert titles(results) == ["building alliances between African Americans and immigrants"]
    assert [topic.name for topic in results.topics] == [
        "building alliances between African Americans and immigrants"
    ]
    assert [track.name for track in results.tracks] == ["engaging receiving communities"]
    assert [room.name for room in search(client, "main hall").rooms] == ["Main hall"]


def test_a_room_is_found_by_its_location(client, conference):
    make_room(conference, name="Pacific", location="Level 2, west wing")
    assert [room.name for room in search(client, "west wing").rooms] == ["Pacific"]


@pytest.mark.parametrize("query", ["Spanish", "español", "ESPANOL", "Español"])
def test_a_language_name_finds_the_sessions_held_in_or_interpreted_into_it(client, niic, query):
    # The sample schedule offers Spanish interpretation at its plenaries and breaks.
    expected = list(
        Session.objects.filter(interpretation_languages__code="es")
        .order_by("starts_at")
        .values_list("title", flat=True)
    )
    assert len(expected) == 6
    assert titles(search(client, query)) == expected


def test_interpretation_finds_the_sessions_that_offer_it(client, niic):
    assert len(titles(search(client, "interpretation"))) == 6


def test_a_language_word_narrows_a_text_search(client, conference):
    spanish, english = (
        Language.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [("es", "Español"), ("en", "English")]
    )
    in_spanish = make_session(conference, title="Taller de derechos")
    in_spanish.languages.set([spanish])
    interpreted = make_session(
        conference, title="Taller de escritura", starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )  # fmt: skip
    interpreted.languages.set([english])
    interpreted.interpretation_languages.set([spanish])
    in_english = make_session(conference, title="Taller abierto", starts_at=la_time(14, "09:00"))
    in_english.languages.set([english])
    assert titles(search(client, "taller")) == [
        "Taller abierto",
        "Taller de derechos",
        "Taller de escritura",
    ]
    assert titles(search(client, "taller spanish")) == ["Taller de derechos", "Taller de escritura"]
    assert titles(search(client, "taller interpretation")) == ["Taller de escritura"]


def test_drafts_are_never_found(client, niic):
    make_session(niic, title="Secret plenary", status=Session.Status.DRAFT)
    draft_only = make_organization(name="Hidden Coalition")
    seat(
        make_session(niic, title="Quiet", status=Session.Status.DRAFT),
        make_speaker(name="Hidden Person", organization=draft_only),
    )
    assert "Secret plenary" not in titles(search(client, "plenary"))
    results = search(client, "hidden")
    assert (results.speakers, results.organizations) == ([], [])


def test_a_query_of_punctuation_finds_nothing_rather_than_everything(client, niic):
    assert search(client, "!!! ???").count == 0


def test_the_results_page_counts_and_links_each_kind(client, niic):
    html = client.get("/en/search/", {"q": "chirla"}).text
    assert "1 result for “chirla”" in html
    assert '<a href="#found-organizations">Organizations (1)</a>' in html
    assert '<a href="/en/organizations/chirla/">' in html


def test_the_results_page_says_when_nothing_matches(client, niic):
    html = client.get("/en/search/", {"q": "zzzz"}).text
    assert "Nothing matches “zzzz”. Try fewer or shorter words." in html


def test_search_refuses_an_oversized_query(client):
    response = client.get("/en/search/?q=" + "x" * 10_000)
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters (it has 10000)." in response.text


def test_a_topic_of_another_edition_is_found_too(client, niic, conference):
    make_topic(make_track(conference, name="Rights"), name="Due process for children")
    assert [topic.name for topic in search(client, "due process").topics] == [
        "Due process for children"
    ]
