import pytest
from django.core.management import call_command

from sessions.models import Session
from tests.factories import la_time, make_session
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db


def test_home_lists_the_current_edition_and_its_nine_tracks(client):
    call_command("load_niic", sample_schedule=True, verbosity=0)
    response = client.get("/en/")
    assert response.status_code == 200
    assert response.context["conference"].slug == "niic-2014"
    assert [track.name for track in response.context["tracks"]][:2] == [
        "economic opportunity, inclusion, and stability",
        "education services and systems: strengthening the cornerstone for integration",
    ]
    html = response.text
    assert "<h1>National Immigrant Integration Conference 2014</h1>" in html
    assert "The 7th annual conference, in Los Angeles, California, organized by" in html
    assert "December 14–16, 2014" in html
    assert html.count('<li class="track-item">') == 9
    assert 'href="/en/editions/niic-2014/tracks/engaging-receiving-communities/"' in html
    assert "Sample schedule: the source gives no times, rooms or line-ups for this edition" in html


def test_home_without_the_sample_schedule_has_no_sample_notice(client):
    call_command("load_niic", verbosity=0)
    assert "Sample schedule" not in client.get("/en/").text


def test_home_before_anything_is_loaded_says_so(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "No conference edition has been published yet." in response.text


def test_the_sample_notice_shows_only_while_sample_sessions_are_public(
    client, niic, django_capture_on_commit_callbacks
):
    """Once organizers take the sample sessions off the site (back to draft), real sessions
    alone do not carry the "Sample schedule" notice."""
    assert "Sample schedule:" in client.get("/en/").text
    with django_capture_on_commit_callbacks(execute=True):  # the changes commit
        Session.objects.filter(conference=niic, is_sample=True).update(status="draft")
        program_changed.send(sender=Session)  # update() sends no model signal
        make_session(niic, title="A real panel", starts_at=la_time(15, "09:00"))
    assert "Sample schedule:" not in client.get("/en/").text
    assert "Sample schedule:" not in client.get("/en/schedule/").text
