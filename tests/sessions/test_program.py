"""The whole program: every day of an edition on one page, filterable like the schedule."""

import pytest

from sessions.models import Session
from tests.factories import LOS_ANGELES
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db


def listed(response):
    return [
        (
            day.isoformat(),
            [
                (f"{start.astimezone(LOS_ANGELES):%H:%M}", [card.title for card in cards])
                for start, cards in slots
            ],
        )
        for day, slots in response.context["program"]
    ]


def test_the_whole_program_lists_every_day_by_start_time(client, niic):
    response = client.get("/en/program/")
    assert response.status_code == 200
    program = listed(response)
    assert [day for day, _ in program] == ["2014-12-14", "2014-12-15", "2014-12-16"]
    assert sum(len(titles) for _, slots in program for _, titles in slots) == 22
    assert program[2] == (
        "2014-12-16",
        [
            (
                "09:00",
                ["Sample session for the track “protecting our rights and expanding our freedoms”"],
            ),
            ("10:30", ["Closing plenary"]),
        ],
    )
    assert response.context["session_count"] == 22


def test_the_whole_program_filters_across_days(client, niic):
    response = client.get("/en/editions/niic-2014/program/", {"language": "es"})
    titles = [title for _, slots in listed(response) for _, names in slots for title in names]
    assert titles == list(
        Session.objects.filter(interpretation_languages__code="es")
        .order_by("starts_at")
        .values_list("title", flat=True)
    )
    assert "6 sessions match these filters" in response.text


def test_the_whole_program_ignores_a_day(client, niic):
    response = client.get("/en/program/", {"day": "2014-12-15"})
    assert [day for day, _ in listed(response)] == ["2014-12-14", "2014-12-15", "2014-12-16"]


def test_a_malformed_filter_on_the_whole_program_is_a_400(client, niic):
    response = client.get("/en/program/", {"track": "nope"})
    assert response.status_code == 400
    assert [
        error for errors in response.context["filterset"].errors.values() for error in errors
    ] == ["“nope” is not a track of this edition."]


def test_the_schedule_links_to_the_whole_program(client, niic):
    html = client.get("/en/schedule/").text
    assert (
        '<a href="/en/editions/niic-2014/program/">Whole program, all days (printable)</a>' in html
    )


def test_the_whole_programs_results_fragment_is_only_the_results(client, niic):
    html = client.get("/en/program/", {"fragment": "results", "format": "break"}).text.strip()
    assert html.startswith('<div id="program-results" class="results" data-results>')
    assert "<html" not in html


def test_drafts_are_not_in_the_whole_program(client, niic):
    Session.objects.filter(slug="lunch").update(status=Session.Status.DRAFT)
    program_changed.send(sender=Session)  # update() sends no model signal
    html = client.get("/en/program/").text
    assert ">Lunch</a>" not in html
    assert ">Closing plenary</a>" in html
