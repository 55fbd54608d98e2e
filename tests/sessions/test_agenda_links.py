"""A shared agenda link picks up the punctuation that ends its sentence in a chat or an e-mail
(“my agenda: …/agenda/?sessions=1,2.”): that tail is ignored, on the page and in the calendar
file, rather than answered with a 400; anything else malformed still is."""

from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError

from sessions.filters import parse_session_ids
from tests.factories import la_time, make_session

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "raw",
    [
        "1,2.",
        "1,2)",
        "1,2,",
        "1,2;",
        "1,2!",
        "1,2?",
        "1,2'",
        '1,2"',
        "1,2.)",
        '1,2).",',
        "1,2%2E",
        "1,2%29",
        "1,2%2c%22",
        "1,2 .",
    ],
)
def test_punctuation_ending_the_list_is_ignored(raw):
    assert parse_session_ids(raw, 200) == [1, 2]


def test_punctuation_alone_is_an_empty_agenda():
    assert parse_session_ids(").", 200) == []


@pytest.mark.parametrize(
    "raw", ["1;DROP", "(1,2)", "1.2", "1,,2", "1,2a.", ".1,2", "1,2.3", "1,2%2E3", "1,2-"]
)
def test_anything_else_malformed_is_still_refused(raw):
    with pytest.raises(ValidationError) as error:
        parse_session_ids(raw, 200)
    assert error.value.messages == ["The list of sessions must be numbers separated by commas."]


def test_the_limit_counts_ids_not_the_tail():
    assert len(parse_session_ids(",".join(map(str, range(1, 201))) + ".", 200)) == 200
    with pytest.raises(ValidationError):
        parse_session_ids(",".join(map(str, range(1, 202))) + ".", 200)


def two_sessions(conference):
    first = make_session(conference, title="First of two")
    second = make_session(
        conference,
        title="Second of two",
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    return first, second


@pytest.mark.parametrize("tail", [".", ")", ",", ").", "%2E", "%29", "%22", "%27"])
def test_a_shared_agenda_link_with_a_tail_shows_its_sessions(client, conference, tail):
    first, second = two_sessions(conference)
    response = client.get(f"/en/agenda/?sessions={first.pk},{second.pk}{tail}")
    assert response.status_code == 200
    assert [
        session.title for _day, sessions in response.context["agenda"] for session in sessions
    ] == ["First of two", "Second of two"]
    # The page's own links carry the clean list.
    assert f'href="/en/agenda.ics?sessions={first.pk},{second.pk}"' in response.text


def test_the_issues_examples(client, conference):
    first, second = two_sessions(conference)
    response = client.get(f"/en/agenda/?sessions={first.pk},{second.pk}.")
    assert response.status_code == 200
    assert "First of two" in response.text
    assert "Second of two" in response.text
    response = client.get(f"/en/agenda.ics?sessions={first.pk},{second.pk})")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:First of two" in response.text
    assert "SUMMARY:Second of two" in response.text


@pytest.mark.parametrize("tail", [".", ")", ",", "%2E", quote('")')])
def test_the_calendar_file_of_a_shared_link_with_a_tail(client, conference, tail):
    first, second = two_sessions(conference)
    response = client.get(f"/en/agenda.ics?sessions={first.pk},{second.pk}{tail}")
    assert response.status_code == 200
    assert response.text.count("BEGIN:VEVENT") == 2


def test_a_tail_twice_encoded_is_ignored_too(client, conference):
    first, second = two_sessions(conference)
    response = client.get(f"/en/agenda/?sessions={first.pk},{second.pk}%252E")
    assert response.status_code == 200
    assert len([s for _d, sessions in response.context["agenda"] for s in sessions]) == 2


def test_adding_from_a_link_with_a_tail_redirects_to_the_clean_list(client, conference):
    first, second = two_sessions(conference)
    response = client.get("/en/agenda/", {"sessions": f"{first.pk}.", "add": f"{second.pk})"})
    assert (response.status_code, response["Location"]) == (
        302,
        f"/en/agenda/?sessions={first.pk},{second.pk}",
    )


@pytest.mark.parametrize("path", ["/en/agenda/", "/en/agenda.ics"])
@pytest.mark.parametrize("sessions", ["1;DROP", "1,x.", "(1,2)", "1.2."])
def test_other_malformed_lists_are_still_a_400(client, path, sessions):
    response = client.get(path, {"sessions": sessions})
    assert response.status_code == 400
    assert "The list of sessions must be numbers separated by commas." in response.text


def test_the_page_cache_serves_the_tailed_link_and_keeps_it_apart(client, conference, settings):
    """The page cache keys the agenda on its `sessions` parameter as given: the tailed link is
    answered like the clean one, from the cache on a second visit, and never mixed with another
    list."""
    first, second = two_sessions(conference)
    tailed = f"/en/agenda/?sessions={first.pk},{second.pk}."
    answers = [client.get(tailed) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert all("Second of two" in answer.content.decode() for answer in answers)
    only_first = client.get(f"/en/agenda/?sessions={first.pk}.")
    assert only_first.status_code == 200
    assert "Second of two" not in only_first.content.decode()
    calendar = client.get(f"/en/agenda.ics?sessions={first.pk},{second.pk})")
    assert calendar.status_code == 200
    assert calendar.content.decode().count("BEGIN:VEVENT") == 2
