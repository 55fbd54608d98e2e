"""An agenda that follows its attendee: kept on the site under an unguessable link only when
they ask for one, seen and edited from any device that opens the link, and followed by the
calendar subscribed to it. Its pages are nobody else's: no cookie, no shared cache, no search
engine, nothing unpublished, and nothing found by trying addresses."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from niic import program_version
from sessions import services
from sessions.filters import MAX_AGENDA_SESSIONS
from sessions.models import Session, SharedAgenda
from tests.factories import la_time, make_conference, make_organizer, make_session

pytestmark = pytest.mark.django_db

SAME_SITE = {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def sessions(conference):
    conference.is_current = True
    conference.save()
    return [
        make_session(conference, title="Opening plenary"),
        make_session(
            conference,
            title="Workforce panel",
            starts_at=la_time(16, "09:00"),
            ends_at=la_time(16, "10:00"),
        ),
        make_session(
            conference,
            title="Closing plenary",
            starts_at=la_time(16, "15:00"),
            ends_at=la_time(16, "16:00"),
        ),
    ]


def ids(*sessions):
    return ",".join(str(session.pk) for session in sessions)


def get_link(client, *sessions):
    """What "Get a link to this agenda" does: the path of the agenda's own page."""
    response = client.post("/en/agenda/link/", {"sessions": ids(*sessions)}, **SAME_SITE)
    assert response.status_code == 303
    link, fragment = response["Location"].split("#")
    assert fragment == "agenda-link"  # the new link, below the agenda
    return link


def titles(response):
    return [card.title for _day, cards in response.context["agenda"] for card in cards]


def test_the_link_opens_the_same_agenda_on_another_device_which_edits_it(sessions):
    laptop, phone = Client(), Client()
    opening, workforce, closing = sessions
    link = get_link(laptop, opening, workforce)
    assert link.startswith("/en/agenda/")
    assert link.endswith("/")

    on_the_phone = phone.get(link)
    assert titles(on_the_phone) == ["Opening plenary", "Workforce panel"]
    # It is My agenda in the menu, as the agenda kept in the browser is.
    assert 'data-agenda-link aria-current="true"' in on_the_phone.text
    # The phone removes one session and adds another, as its stars (or their forms) do.
    assert phone.post(link, {"remove": opening.pk}, **SAME_SITE).status_code == 303
    assert phone.post(link, {"add": closing.pk}, **SAME_SITE)["Location"] == link

    assert titles(laptop.get(link)) == ["Workforce panel", "Closing plenary"]


def test_agenda_js_reads_and_changes_the_stored_list_as_json(sessions):
    opening, workforce, closing = sessions
    link = get_link(Client(), opening)
    other_device = Client()
    json = {"HTTP_ACCEPT": "application/json"}
    assert other_device.get(link, **json).json() == {"sessions": [opening.pk]}
    changed = other_device.post(link, {"add": ids(workforce, closing)}, **json, **SAME_SITE)
    assert changed.json() == {"sessions": [opening.pk, workforce.pk, closing.pk]}


def test_the_subscribed_calendar_follows_the_agenda_as_it_changes(sessions):
    opening, workforce, _closing = sessions
    link = get_link(Client(), opening)
    page = Client().get(link)
    calendar = link.rstrip("/") + ".ics"
    assert f'href="webcal://testserver{calendar}"' in page.text
    assert "Opening plenary" in Client().get(calendar).text

    Client().post(link, {"remove": opening.pk, "add": workforce.pk}, **SAME_SITE)
    followed = Client().get(calendar).text
    assert "Workforce panel" in followed
    assert "Opening plenary" not in followed


def test_the_link_is_long_random_and_an_unknown_one_is_not_found(sessions):
    first = get_link(Client(), sessions[0])
    second = get_link(Client(), sessions[0])
    token = first.split("/")[-2]
    assert first != second
    assert len(token) >= 22
    assert Client().get(f"/en/agenda/{token[:-1]}x/").status_code == 404
    assert Client().get(f"/en/agenda/{'A' * 22}/").status_code == 404
    assert Client().get(f"/en/agenda/{'A' * 22}.ics").status_code == 404
    assert Client().post(f"/en/agenda/{'A' * 22}/", {"add": 1}, **SAME_SITE).status_code == 404
    assert SharedAgenda.objects.count() == 2


@pytest.mark.parametrize("tail", [".", ")", ",", ").", "/.", "/)", "/,", '/".'])
def test_a_link_with_punctuation_after_it_opens_the_agenda(sessions, tail):
    link = get_link(Client(), sessions[0])
    response = Client().get(link.rstrip("/") + tail)
    assert (response.status_code, response["Location"]) == (302, link)
    assert titles(Client().get(response["Location"])) == ["Opening plenary"]


@pytest.mark.parametrize("tail", [".", ")", ","])
def test_a_calendar_link_with_punctuation_after_it_is_the_calendar(sessions, tail):
    link = get_link(Client(), sessions[0])
    response = Client().get(link.rstrip("/") + ".ics" + tail)
    assert response.status_code == 200
    assert "Opening plenary" in response.text


@pytest.mark.parametrize("tail", [".", ")", ","])
def test_a_shared_list_link_with_punctuation_after_it_shows_its_sessions(sessions, tail):
    response = Client().get(f"/en/agenda/?sessions={ids(*sessions)}{tail}")
    assert titles(response) == ["Opening plenary", "Workforce panel", "Closing plenary"]


def test_an_agenda_holds_at_most_the_limit_with_a_clear_message(sessions):
    too_many = ",".join(str(pk) for pk in range(1, MAX_AGENDA_SESSIONS + 2))
    refused = Client().post("/en/agenda/link/", {"sessions": too_many}, **SAME_SITE)
    assert refused.status_code == 400
    assert "An agenda holds at most 200 sessions." in refused.text
    assert SharedAgenda.objects.count() == 0

    full = ",".join(str(pk) for pk in range(1, MAX_AGENDA_SESSIONS + 1))
    link = Client().post("/en/agenda/link/", {"sessions": full}, **SAME_SITE)["Location"]
    link = link.split("#")[0]
    one_more = Client().post(link, {"add": MAX_AGENDA_SESSIONS + 1}, **SAME_SITE)
    assert one_more.status_code == 400
    assert "An agenda holds at most 200 sessions." in one_more.text
    assert len(SharedAgenda.objects.get().session_ids) == MAX_AGENDA_SESSIONS


def test_a_request_larger_than_any_agenda_is_refused(sessions):
    link = get_link(Client(), sessions[0])
    padding = "x" * 10_000
    response = Client().post(link, {"add": sessions[1].pk, "padding": padding}, **SAME_SITE)
    assert response.status_code == 400
    assert SharedAgenda.objects.get().session_ids == [sessions[0].pk]


def test_malformed_lists_are_refused_and_nothing_is_stored(sessions):
    response = Client().post("/en/agenda/link/", {"sessions": "1;DROP"}, **SAME_SITE)
    assert response.status_code == 400
    assert "The list of sessions must be numbers separated by commas." in response.text
    assert SharedAgenda.objects.count() == 0


def test_another_site_can_neither_create_nor_change_an_agenda(sessions):
    link = get_link(Client(), sessions[0])
    elsewhere = Client()
    for headers in (
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},  # another site under the same domain
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
    ):
        assert elsewhere.post(link, {"add": sessions[1].pk}, **headers).status_code == 403
        assert elsewhere.post("/en/agenda/link/", {"sessions": "1"}, **headers).status_code == 403
    assert SharedAgenda.objects.count() == 1
    assert SharedAgenda.objects.get().session_ids == [sessions[0].pk]
    # Creating takes a POST: a link or a crawler cannot make agendas.
    assert Client().get("/en/agenda/link/?sessions=1").status_code == 405


def test_no_cookie_no_shared_cache_no_search_engine(sessions):
    visitor = Client()
    made = visitor.post("/en/agenda/link/", {"sessions": ids(*sessions)}, **SAME_SITE)
    link = made["Location"].split("#")[0]
    page = visitor.get(link)
    calendar = visitor.get(link.rstrip("/") + ".ics")
    edited = visitor.post(link, {"remove": sessions[0].pk}, **SAME_SITE)
    for response in (made, page, calendar, edited):
        assert response.cookies == {}
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "same-origin"
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    assert visitor.cookies == {}
    assert link not in Client().get("/sitemap.xml").text


def test_a_second_visit_is_rendered_afresh_not_served_from_the_page_cache(sessions):
    link = get_link(Client(), sessions[0])
    assert titles(Client().get(link)) == ["Opening plenary"]
    # Stored agendas are no part of the program: an edit changes no program version, and the
    # page shows it at once all the same.
    version = program_version.current().token
    Client().post(link, {"add": sessions[1].pk}, **SAME_SITE)
    assert program_version.current().token == version
    assert titles(Client().get(link)) == ["Opening plenary", "Workforce panel"]


def test_drafts_and_unreleased_changes_are_not_shown(db):
    conference = make_conference(publishes_at_once=False, is_current=True)
    organizer = make_organizer()
    published = make_session(conference, title="Announced panel")
    draft = make_session(
        conference,
        title="Secret draft",
        status=Session.Status.DRAFT,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    services.program_release(user=organizer, conference=conference, name="v1")
    published.title = "Retitled, not yet released"
    services.session_save(user=organizer, session=published)

    link = get_link(Client(), published, draft)
    for response in (Client().get(link), Client().get(link.rstrip("/") + ".ics")):
        assert response.status_code == 200
        assert "Announced panel" in response.text
        assert "Secret draft" not in response.text
        assert "not yet released" not in response.text


def test_the_stored_agenda_costs_the_same_queries_however_long(conference, sessions):
    more = [
        make_session(
            conference,
            title=f"Workshop {hour}",
            starts_at=la_time(15, f"{hour:02d}:00"),
            ends_at=la_time(15, f"{hour:02d}:45"),
        )
        for hour in range(8, 18)
    ]
    counts = []
    for agenda in ([sessions[0]], [*sessions, *more]):
        link = get_link(Client(), *agenda)
        visitor = Client()
        with CaptureQueriesContext(connection) as queries:
            assert visitor.get(link).status_code == 200
        counts.append(len(queries))
    # The agenda's row, the sessions with their edition, track and room, their panels and
    # their languages (the cards' badges); no program version read: the page cache never sees
    # these pages.
    assert counts == [4, 4]
