"""The admin's home says what needs attention, per user: each count links to a list that shows
exactly as many rows (checked here against the list, the conflicts page and the release page),
and the page costs the same queries however large the program."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from niic.roles import setup_roles
from sessions import released, services
from sessions.admin import filters
from sessions.models import PanelMembership, Session
from sessions.services import rights
from tests.factories import (
    la_time,
    make_chair,
    make_conference,
    make_organization,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    make_user,
    seat,
)

pytestmark = pytest.mark.django_db

Answer = PanelMembership.Answer
HOME = "/admin/"


@pytest.fixture
def program(db):
    """An edition in work, whose changes wait for a release, with two tracks:
    - "Welcoming cities" (track A, Hall, 10:00–11:15), English only, a panel of three;
    - "Ciudades" (track B, Hall, 10:30–11:30), a draft in both languages, sharing a speaker
      with it: the room and the speaker are double-booked;
    - two more drafts, one per track; a session of track B whose speaker declined.
    Released as v1 before the clash, a retitle and a new session: two changes wait."""
    organizer = make_organizer(username="organizer")
    edition = make_conference(slug="niic-2014", publishes_at_once=False, is_current=True)
    track_a = make_track(edition, name="Track A", slug="track-a")
    track_b = make_track(edition, name="Track B", name_es="Eje B", slug="track-b")
    make_topic(track_a, name="Topic A", slug="topic-a")
    hall = make_room(edition, name="Hall", name_es="Salón", slug="hall")
    annex = make_room(edition, name="Annex", slug="annex")
    shared = make_speaker(name="Eva Millona", bio_en="Director.", bio_es="Directora.")
    welcoming = make_session(
        edition,
        title="Welcoming cities",
        slug="welcoming",
        track=track_a,
        room=hall,
        starts_at=la_time(15, "10:00"),
        ends_at=la_time(15, "11:15"),
    )
    for speaker, answer in (
        (shared, Answer.INVITED),
        (make_speaker(name="Tom Nguyen", bio_en="Organizer."), Answer.CONFIRMED),
        (make_speaker(name="Ana Ruiz", bio_es="Abogada."), Answer.NOT_INVITED),
    ):
        PanelMembership.objects.create(session=welcoming, speaker=speaker, answer=answer)
    declined = make_session(
        edition,
        title="Declined",
        title_es="Rechazada",
        slug="declined",
        track=track_b,
        room=annex,
        starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "13:00"),
    )
    PanelMembership.objects.create(session=declined, speaker=make_speaker(), answer=Answer.DECLINED)
    for track, clock in ((track_a, "14:00"), (track_b, "16:00")):
        make_session(
            edition,
            title=f"Draft of {track.name}",
            slug=f"draft-{track.slug}",
            track=track,
            room=annex,
            starts_at=la_time(15, clock),
            ends_at=la_time(15, f"{int(clock[:2]) + 1}:00"),
            status=Session.Status.DRAFT,
        )
    services.program_release(user=organizer, conference=edition, name="v1")
    ciudades = make_session(
        edition,
        title="Ciudades",
        title_es="Ciudades que acogen",
        slug="ciudades",
        track=track_b,
        room=hall,
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
        status=Session.Status.DRAFT,
    )
    seat(ciudades, shared)
    make_session(
        edition,
        title="Late addition",
        title_es="Añadida",
        slug="late-addition",
        track=track_b,
        room=annex,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    welcoming.title_en = "Welcoming cities, revised"
    welcoming.save()
    make_organization(name="Welcoming America")
    return {
        "edition": edition,
        "organizer": organizer,
        "track_a": track_a,
        "track_b": track_b,
        "welcoming": welcoming,
    }


def attention_items(text):
    module = re.search(r'<ul class="program-attention">(.*?)\n    </ul>', text, re.S).group(1)
    module = re.sub(r'<ul class="program-attention-kinds">.*?</ul>', "<ul>", module, flags=re.S)
    return [
        (url.replace("&amp;", "&") if url else None, words)
        for url, words in re.findall(
            r'<li(?: class="program-attention-done")?>\s*'
            r'(?:<a href="([^"]*)">)?([^<]*?)(?:</a>)?\s*(?:<ul|</li>)',
            module,
        )
    ]


def conflict_kinds(text):
    kinds = re.search(r'<ul class="program-attention-kinds">.*?</ul>', text, re.S).group(0)
    return [
        (url.replace("&amp;", "&"), words)
        for url, words in re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', kinds)
    ]


def untranslated_table(text):
    """{row header: [(count, url or None) per language]}, and the languages' names."""
    table = re.search(r'<div class="module program-untranslated-module">.*?</table>', text, re.S)
    table = table.group(0)
    languages = re.findall(r'<th scope="col">([^<]*)</th>', table)
    rows = {}
    for header, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', table):
        rows[re.sub(r"<[^>]+>", "", header)] = [
            (int(count), url.replace("&amp;", "&") if url else None)
            for url, count in re.findall(r'<td>(?:<a href="([^"]*)">)?(\d+)(?:</a>)?</td>', cells)
        ]
    return languages, rows


def listed_count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["cl"].result_count


def test_an_organizer_sees_what_needs_attention_each_count_agreeing_with_its_list(client, program):
    edition = program["edition"]
    past = make_conference(
        slug="niic-2013",
        year=2013,
        start_date=datetime.date(2013, 11, 14),
        end_date=datetime.date(2013, 11, 16),
        publishes_at_once=False,
    )
    make_session(past, title="Never released", slug="never-released")
    client.force_login(program["organizer"])

    text = client.get(HOME).text

    changelist = f"/admin/program/session/?conference__id__exact={edition.pk}"
    conflicts = f"/admin/program/session/conflicts/?edition={edition.slug}"
    release = "/admin/program/session/release/?edition="
    assert attention_items(text) == [
        (conflicts, "2 conflicts in the program"),
        (f"{changelist}&status__exact=draft", "3 drafts, not yet in the program"),
        (f"{changelist}&answers=unconfirmed", "2 sessions with speakers not confirmed yet"),
        (f"{changelist}&answers=declined", "1 session with a speaker who declined"),
        (
            f"{release}niic-2014",
            "National Immigrant Integration Conference 2014: 2 changes wait for a release.",
        ),
        (
            f"{release}niic-2013",
            "National Immigrant Integration Conference 2013: 1 change waits for a release.",
        ),
    ]
    assert conflict_kinds(text) == [
        (f"{conflicts}&kind=room", "1 room double-booked"),
        (f"{conflicts}&kind=speaker", "1 speaker double-booked"),
    ]
    # Each count is what its page lists.
    assert client.get(conflicts).context["total_count"] == 2
    assert client.get(f"{conflicts}&kind=room").context["page"].paginator.count == 1
    assert client.get(f"{conflicts}&kind=speaker").context["page"].paginator.count == 1
    assert listed_count(client, f"{changelist}&status__exact=draft") == 3
    assert listed_count(client, f"{changelist}&answers=unconfirmed") == 2
    assert listed_count(client, f"{changelist}&answers=declined") == 1
    for slug, count in (("niic-2014", 2), ("niic-2013", 1)):
        page = client.get(f"{release}{slug}")
        assert page.context["differing_count"] == count
        assert len(released.pending(page.context["edition"])) == count


def test_the_texts_to_translate_are_counted_per_kind_and_language_as_each_list_shows_them(
    client, program
):
    client.force_login(program["organizer"])

    languages, rows = untranslated_table(client.get(HOME).text)

    assert languages == ["English", "Spanish"]
    assert list(rows) == [
        "Sessions (title, description)",
        "Speakers of every edition (bio, job title)",
        "Tracks (name, description)",
        "Topics (name, description)",
        "Rooms (name, location, accessibility notes)",
        "Organizations of every edition (name)",
    ]
    # Welcoming cities and the two drafts lack a Spanish title; Ana Ruiz's bio is Spanish only,
    # Tom Nguyen's English only; the panel of three counts its session once.
    assert [count for count, _url in rows["Sessions (title, description)"]] == [0, 3]
    assert [count for count, _url in rows["Speakers of every edition (bio, job title)"]] == [1, 1]
    assert [count for count, _url in rows["Rooms (name, location, accessibility notes)"]] == [
        0,
        1,
    ]
    for cells in rows.values():
        for count, url in cells:
            if count:
                assert listed_count(client, url) == count
            else:
                assert url is None


def test_a_panel_of_several_speakers_counts_its_session_once(client, program):
    edition = program["edition"]
    lacking = Session.objects.filter(conference=edition).filter(
        filters.UntranslatedSessions.condition("es")
    )
    assert lacking.count() == 3
    assert program["welcoming"].panel.count() == 3
    client.force_login(program["organizer"])

    _languages, rows = untranslated_table(client.get(HOME).text)

    assert rows["Sessions (title, description)"][1][0] == 3


def test_a_track_chair_sees_only_their_tracks(client, program):
    chair = make_chair(program["track_a"], username="chair-a")
    client.force_login(chair)

    text = client.get(HOME).text

    changelist = f"/admin/program/session/?conference__id__exact={program['edition'].pk}"
    assert attention_items(text) == [
        (None, "0 conflicts in the program"),
        (f"{changelist}&status__exact=draft", "1 draft, not yet in the program"),
        (f"{changelist}&answers=unconfirmed", "1 session with speakers not confirmed yet"),
        (None, "0 sessions with a speaker who declined"),
        (None, "National Immigrant Integration Conference 2014: 1 change waits for a release."),
    ]
    _languages, rows = untranslated_table(text)
    assert rows == {
        "Sessions (title, description)": [
            (0, None),
            (2, f"{changelist}&untranslated=es"),
        ]
    }
    assert listed_count(client, f"{changelist}&untranslated=es") == 2
    conflicts = f"/admin/program/session/conflicts/?edition={program['edition'].slug}"
    assert client.get(conflicts).context["total_count"] == 0
    assert listed_count(client, f"{changelist}&status__exact=draft") == 1
    assert listed_count(client, f"{changelist}&answers=unconfirmed") == 1
    assert "Release the program" not in text


def test_a_translator_sees_what_waits_in_their_language(client, program):
    client.force_login(translator_of("es"))

    text = client.get(HOME).text

    languages, rows = untranslated_table(text)
    assert "program-attention" not in text  # conflicts, drafts, releases: not theirs to act on
    assert languages == ["Spanish"]
    assert list(rows) == [
        "Sessions (title, description)",
        "Speakers of every edition (bio, job title)",
        "Tracks (name, description)",
        "Topics (name, description)",
        "Rooms (name, location, accessibility notes)",
        "Organizations of every edition (name)",
    ]
    assert rows["Speakers of every edition (bio, job title)"] == [
        (1, "/admin/speakers/speaker/?untranslated=es")
    ]
    for cells in rows.values():
        for count, url in cells:
            if count:
                assert listed_count(client, url) == count


def test_the_home_in_spanish_names_the_languages_in_spanish(client, program):
    client.force_login(program["organizer"])

    text = client.get(HOME, headers={"accept-language": "es"}).text

    languages, _rows = untranslated_table(text)
    assert languages == ["Inglés", "Español"]


def test_staff_who_see_no_sessions_get_no_program_counts(client, django_user_model, program):
    client.force_login(django_user_model.objects.create_user("visitor", is_staff=True))
    text = client.get(HOME).text
    assert "program-attention" not in text
    assert "program-untranslated-module" not in text


def grow(edition, tracks, times):
    """`times` more sessions per track, each with a panel of two, a draft among them, and a new
    gated edition with one session: more of everything the home counts."""
    for track in tracks:
        room = make_room(edition)
        for number in range(times):
            session = make_session(
                edition,
                track=track,
                room=room,
                starts_at=la_time(14, f"{8 + number:02}:00"),
                ends_at=la_time(14, f"{8 + number:02}:45"),
                status=Session.Status.DRAFT if number == 0 else Session.Status.PUBLISHED,
            )
            seat(session, make_speaker(bio_en="Bio."))
            PanelMembership.objects.create(
                session=session, speaker=make_speaker(), answer=Answer.INVITED
            )
        make_topic(track)
    other = make_conference(slug=f"other-{times}", year=2015, publishes_at_once=False)
    make_session(other, track=make_track(other))


def translator_of(code):
    setup_roles()
    translator = make_user("none")
    translator.groups.set([Group.objects.get(name=rights.translator_group_name(code))])
    return translator


@pytest.mark.parametrize("who", ["organizer", "chair", "translator"])
def test_the_home_runs_the_same_queries_however_large_the_program(client, program, who):
    users = {
        "organizer": lambda: program["organizer"],
        "chair": lambda: make_chair(program["track_a"]),
        "translator": lambda: translator_of("es"),
    }
    client.force_login(users[who]())
    expected = {"organizer": 18, "chair": 15, "translator": 14}[who]
    counts = []
    for size in (1, 5):
        grow(program["edition"], [program["track_a"], program["track_b"]], size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected]


def test_the_release_page_is_linked_for_those_who_release(client, program):
    client.force_login(program["organizer"])
    text = client.get(HOME).text
    url = reverse("admin:program_session_release") + "?edition=niic-2014"
    assert f'<a href="{url}">Release the program</a>' in text
