"""The session form as organizers fill it in, and the session list as they read it at 1,440 px.
(The form's script, which filters topics and orders the panel, is driven in
tests/browser/test_workbench.py.)"""

import re

import pytest
from django.urls import reverse

from sessions.models import Language, Session
from tests.factories import (
    la_time,
    make_chair,
    make_conference,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.sessions.admin_forms import add_panelist, change_url, form_data

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/program/session/add/"


def add_form(client, query=""):
    return client.get(ADD_URL + query).context["adminform"].form


def headings(text):
    """The form's section headings, in page order."""
    return [
        re.sub(r"\s+", " ", heading).strip()
        for heading in re.findall(
            r'<h2 id="(?:fieldset-0-\d+|panel)-heading" class="[^"]*">(.*?)</h2>', text, re.S
        )
    ]


def test_the_form_follows_the_work_what_when_and_where_who_access_publication(
    admin_client, conference
):
    text = admin_client.get(ADD_URL).text
    assert headings(text) == [
        "What",
        "When and where",
        "Who: the panel",
        "Access and language",
        "Publication",
    ]


def test_organizers_find_the_current_edition_chosen(client, organizer):
    make_conference(slug="older")
    current = make_conference(slug="current", is_current=True)
    client.force_login(organizer)
    assert add_form(client)["conference"].value() == current.pk


def test_a_chair_of_one_track_finds_it_chosen_and_a_chair_of_two_chooses(client, conference):
    first, second = make_track(conference), make_track(conference)
    client.force_login(make_chair(first))
    assert add_form(client)["track"].value() == first.pk
    client.force_login(make_chair(first, second))
    assert add_form(client)["track"].value() is None


def test_the_day_and_times_are_one_date_and_two_clock_times_on_the_edition_clock(
    admin_client, conference
):
    session = make_session(conference, status="draft")
    text = admin_client.get(change_url(session)).text
    assert (
        '<input type="date" name="day" value="2014-12-15" min="2014-12-14" max="2014-12-16" '
        in text
    )
    assert '<input type="time" name="start_time" value="10:00" step="300"' in text
    assert '<input type="time" name="end_time" value="11:15" step="300"' in text
    assert "Dec 14 to Dec 16, 2014. Times are on the edition’s clock, America/Los_Angeles." in text
    # No "Today" and "Now" shortcuts, nor their notes on the server's clock.
    assert "vDateField" not in text
    assert "vTimeField" not in text


def test_a_new_session_is_saved_from_a_day_and_two_times(admin_client, conference):
    room = make_room(conference)
    response = admin_client.post(
        ADD_URL,
        {
            **form_data(make_session(conference, slug="template", status="draft")),
            "title": "Evening caucus",
            "slug": "evening-caucus",
            "day": "2014-12-16",
            "start_time": "18:30",
            "end_time": "19:45",
            "room": room.pk,
            "loaded_version": "",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(slug="evening-caucus")
    assert (session.starts_at, session.ends_at) == (la_time(16, "18:30"), la_time(16, "19:45"))


def test_an_end_before_the_start_is_refused_on_the_end(admin_client, conference):
    session = make_session(conference, status="draft")
    response = admin_client.post(
        change_url(session), form_data(session, start_time="11:00", end_time="10:00")
    )
    assert response.context["adminform"].form.errors["end_time"] == [
        "A session must end after it starts."
    ]


def test_a_refusal_is_listed_at_the_top_linking_to_its_field(admin_client, conference):
    room = make_room(conference, name="Room A")
    make_session(conference, title="Building alliances", room=room)
    draft = make_session(conference, title="Draft", room=room, status="draft")

    response = admin_client.post(change_url(draft), form_data(draft, status="published"))

    [(label, anchor, message)] = response.context["error_summary"]
    assert (label, anchor) == ("Room", "id_room")
    assert "is already taken by" in message
    summary = response.text.split('<ul class="program-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert '<li><a href="#id_room">Room</a>: Room “Room A” is already taken by' in summary
    assert response.text.index("program-error-summary") < response.text.index('id="id_title_en"')


def test_a_speaker_clash_is_listed_at_the_top_linking_to_its_panel_row(admin_client, conference):
    speaker = make_speaker(name="Eva Millona")
    seat(make_session(conference, title="Closing plenary"), speaker)
    session = make_session(conference, title="Other", starts_at=la_time(15, "10:30"))

    response = admin_client.post(change_url(session), add_panelist(form_data(session), speaker))

    [(label, anchor, message)] = response.context["error_summary"]
    assert (label, anchor) == ("Panel, row 1 (Eva Millona)", "panel-0")
    assert message.startswith("Eva Millona is already on")
    assert '<li><a href="#panel-0">Panel, row 1 (Eva Millona)</a>: Eva Millona' in response.text


def test_topics_are_grouped_by_track_and_say_their_track(admin_client, conference):
    first = make_track(conference, name="workforce")
    second = make_track(conference, name="citizenship")
    topic = make_topic(first, name="apprenticeships")
    make_topic(second, name="naturalization drives")
    session = make_session(conference, track=first, status="draft")

    text = admin_client.get(change_url(session)).text

    assert "<label>Workforce</label>" in text
    assert "<label>Citizenship</label>" in text
    assert re.search(
        rf'<input type="checkbox" name="topics" value="{topic.pk}"[^>]* data-track="{first.pk}">',
        text,
    )


def test_languages_are_ticked_side_by_side_not_picked_in_two_panes(admin_client, conference):
    english = Language.objects.create(code="en", name="English")
    text = admin_client.get(ADD_URL).text
    assert '<div id="id_languages" class="program-inline-choices">' in text
    assert re.search(rf'<input type="checkbox" name="languages" value="{english.pk}"', text)
    assert "SelectFilter2.js" not in text


def test_a_new_session_has_four_panel_rows_ready_and_an_existing_one_one(admin_client, conference):
    assert 'name="panel-TOTAL_FORMS" value="4"' in admin_client.get(ADD_URL).text
    session = make_session(conference, status="draft")
    seat(session, make_speaker())
    assert 'name="panel-TOTAL_FORMS" value="2"' in admin_client.get(change_url(session)).text


def test_panel_rows_come_in_panel_order(admin_client, conference):
    session = make_session(conference, status="draft")
    seat(session, make_speaker(name="Second"), order=2)
    seat(session, make_speaker(name="First"), order=1)
    seat(session, make_speaker(name="Moderator"), role="moderator", order=9)
    formset = admin_client.get(change_url(session)).context["inline_admin_formsets"][0].formset
    assert [form.instance.speaker.name for form in formset.forms[:3]] == [
        "Moderator",
        "First",
        "Second",
    ]


def test_the_sample_box_is_only_on_sample_sessions(admin_client, conference):
    real = make_session(conference, status="draft")
    sample = make_session(conference, status="draft", is_sample=True)
    assert 'name="is_sample"' not in admin_client.get(ADD_URL).text
    assert 'name="is_sample"' not in admin_client.get(change_url(real)).text
    assert 'name="is_sample"' in admin_client.get(change_url(sample)).text


def test_saving_a_real_session_keeps_it_real_without_the_box(admin_client, conference):
    session = make_session(conference, status="draft")
    assert (
        admin_client.post(change_url(session), form_data(session, title="New")).status_code == 302
    )
    session.refresh_from_db()
    assert (session.title, session.is_sample) == ("New", False)


def test_the_cancellation_note_is_offered_only_once_a_session_can_be_cancelled(
    admin_client, conference
):
    draft = make_session(conference, status="draft")
    published = make_session(
        conference, starts_at=la_time(16, "10:00"), ends_at=la_time(16, "11:00")
    )
    assert 'name="cancellation_note_en"' not in admin_client.get(ADD_URL).text
    assert 'name="cancellation_note_en"' not in admin_client.get(change_url(draft)).text
    assert 'name="cancellation_note_en"' in admin_client.get(change_url(published)).text


# The session list


def test_the_list_shows_status_day_and_time_room_short_track_panel_and_conflicts(
    admin_client, conference
):
    track = make_track(conference, name="global migration and international models for integration")
    room = make_room(conference, name="Room A")
    kept = make_session(conference, title="Kept", room=room, track=track)
    seat(kept, make_speaker())
    make_session(conference, title="Squatter", room=room, status="draft")
    make_session(
        conference, title="Quiet", starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00")
    )

    response = admin_client.get(reverse("admin:program_session_changelist"))

    columns = re.findall(r'<th scope="col" class="[^"]*column-(\w+)', response.text)
    assert columns == [
        "title", "status", "when", "room", "short_track", "format", "panel_size", "to_translate",
        "conflicts",
    ]  # fmt: skip
    rows = {
        re.search(r'class="field-title"><a [^>]*>([^<]+)<', row).group(1): row
        for row in re.findall(r"<tr>(.*?)</tr>", response.text.split("<tbody>", 1)[1], re.S)
    }
    assert (
        '<td class="field-when"><span class="program-when-part">Mon, Dec 15</span> '
        '<span class="program-when-part">10:00–11:15</span></td>'
    ) in rows["Kept"]
    assert '<td class="field-panel_size">1</td>' in rows["Kept"]
    assert (
        '<span title="Global migration and international models for integration">'
        '<span aria-hidden="true">Global migration …</span>'
    ) in rows["Kept"]
    assert "Room double-booked (1)</a>" in rows["Kept"]
    assert "Room double-booked (1)</a>" in rows["Squatter"]
    assert '<td class="field-conflicts">—</td>' in rows["Quiet"]
