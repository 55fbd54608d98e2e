"""The things sessions use (editions, tracks, topics, rooms, languages, speakers, organizations)
change only through the services, on every admin path an organizer has: the change form, the
add form, the list's editable columns, the delete page and the "delete selected" action. A change
that would leave a session invalid is refused, naming the sessions, and nothing is saved; what is
carried along (a speaker's draft seats, an organization's speakers) is recorded in history.

Each case posts the admin's page back as a browser would, with one field changed, as a member of
Organizers (not a superuser)."""

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags

from sessions.models import Language, PanelMembership, Room, Session
from speakers.models import Organization, Speaker
from tests.factories import (
    make_conference,
    make_organization,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tracks.models import Conference, Topic, Track

pytestmark = pytest.mark.django_db

EDITION_2014 = "National Immigrant Integration Conference 2014"


@pytest.fixture
def client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def program(conference):
    """A published "Opening" in track "Health", room "Hall A", with topic "Clinics" and
    Eva Millona on its panel; a second edition to move things to."""
    track = make_track(conference, name="Health", slug="health")
    topic = make_topic(track, name="Clinics", slug="clinics")
    room = make_room(conference, name="Hall A", slug="hall-a")
    session = make_session(conference, title="Opening", slug="opening", track=track, room=room)
    session.topics.add(topic)
    speaker = make_speaker(name="Eva Millona", slug="eva-millona")
    seat(session, speaker)
    other_edition = make_conference(year=2015, slug="niic-2015")
    return {
        "conference": conference,
        "track": track,
        "topic": topic,
        "room": room,
        "session": session,
        "speaker": speaker,
        "other_edition": other_edition,
    }


def admin_url(obj, view="change"):
    meta = obj._meta
    args = [] if view in ("add", "changelist") else [obj.pk]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def as_posted(response, **changes):
    """What the admin page in `response` posts when submitted unchanged, with `changes`."""
    forms = [response.context["adminform"].form]
    inlines = response.context.get("inline_admin_formsets", [])
    for inline in inlines:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(each) for each in value]
            data[field.html_name] = value
    data.update(changes)
    return data


def post_change(client, obj, **changes):
    url = admin_url(obj)
    return client.post(url, as_posted(client.get(url), **changes), follow=True)


def shown(response):
    """Every refusal the page shows: the form's errors and the messages."""
    found = [str(message) for message in get_messages(response.wsgi_request)]
    context = response.context or {}
    if "adminform" in context:
        found += list(context["adminform"].form.non_field_errors())
    return [html.unescape(strip_tags(text)) for text in found]


def state():
    """Everything a refused change must leave as it was."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Conference, Track, Topic, Room, Language, Session, PanelMembership, Speaker)
    ] + [list(Session.topics.through.objects.order_by("pk").values())]


# Changes refused, naming the sessions


def test_a_track_with_sessions_stays_in_its_edition(client, program):
    before = state()
    response = post_change(client, program["track"], conference=program["other_edition"].pk)
    assert shown(response) == [
        f"Track “Health” has sessions in {EDITION_2014}: “Opening”. A track stays in its "
        "edition; move those sessions to another track first."
    ]
    assert state() == before


def test_a_room_with_sessions_stays_in_its_edition(client, program):
    before = state()
    response = post_change(client, program["room"], conference=program["other_edition"].pk)
    assert shown(response) == [
        f"Room “Hall A” holds sessions of {EDITION_2014}: “Opening”. A room stays in its "
        "edition; move those sessions to another room first."
    ]
    assert state() == before


def test_a_topic_listed_by_sessions_stays_in_its_track(client, program):
    other_track = make_track(program["conference"], name="Housing", slug="housing")
    before = state()
    response = post_change(client, program["topic"], track=other_track.pk)
    assert shown(response) == [
        "Topic “Clinics” is listed by sessions of the track “Health”: “Opening”. Take it off "
        "those sessions first."
    ]
    assert state() == before


def test_new_edition_days_must_hold_every_session(client, program):
    before = state()
    response = post_change(client, program["conference"], end_date="2014-12-14")
    assert shown(response) == [
        "These sessions would fall outside the edition's days: “Opening”. Move them first."
    ]
    assert state() == before


def test_a_refusal_names_three_sessions_and_counts_the_rest(client, program):
    for number in range(4):
        make_session(
            program["conference"],
            title=f"Later {number}",
            track=program["track"],
            status=Session.Status.DRAFT,
        )
    response = post_change(client, program["track"], conference=program["other_edition"].pk)
    assert shown(response) == [
        f"Track “Health” has sessions in {EDITION_2014}: “Opening”, “Later 0”, “Later 1” and 2 "
        "more. A track stays in its edition; move those sessions to another track first."
    ]


# Deletions refused, on the delete page and through the "delete selected" action


def used_things(program):
    language = Language.objects.create(name="Tagalog", code="tl")
    program["session"].interpretation_languages.add(language)
    return {
        "edition": program["conference"],
        "topic": program["topic"],
        "language": language,
        "speaker": program["speaker"],
    }


REFUSED_DELETIONS = {
    "edition": (f"{EDITION_2014} has sessions: “Opening”. Delete or move them before the edition."),
    "topic": "“Clinics” is used by these sessions: “Opening”. Change them first.",
    "language": "“Tagalog” is used by these sessions: “Opening”. Change them first.",
    "speaker": (
        "Eva Millona sits on the panel of sessions attendees can see: “Opening”. Take them off "
        "those panels (or merge the duplicate) first."
    ),
}


@pytest.mark.parametrize("thing", sorted(REFUSED_DELETIONS))
def test_deleting_what_a_session_uses_is_refused_on_the_delete_page(client, program, thing):
    obj = used_things(program)[thing]
    before = state()
    response = client.post(admin_url(obj, "delete"), {"post": "yes"}, follow=True)
    assert shown(response) == [REFUSED_DELETIONS[thing]]
    assert state() == before


@pytest.mark.parametrize("thing", sorted(REFUSED_DELETIONS))
def test_deleting_what_a_session_uses_is_refused_by_the_delete_action(client, program, thing):
    obj = used_things(program)[thing]
    before = state()
    response = client.post(
        admin_url(obj, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        follow=True,
    )
    assert shown(response) == [REFUSED_DELETIONS[thing]]
    assert state() == before


@pytest.mark.parametrize("thing", ["track", "room"])
def test_a_track_or_room_holding_sessions_cannot_be_deleted(client, program, thing):
    """The database restricts these; the admin's delete page lists the sessions instead of a
    confirmation, and a forged confirmation deletes nothing."""
    obj = program[thing]
    before = state()
    page = client.get(admin_url(obj, "delete"))
    assert [strip_tags(each) for each in page.context["protected"]] == ["Session: Opening"]
    client.post(admin_url(obj, "delete"), {"post": "yes"})
    assert state() == before


# Carried along, with history


def test_deleting_a_speaker_takes_them_off_draft_panels_with_a_version_of_each(client, program):
    speaker = make_speaker(name="Julien Ross", slug="julien-ross")
    draft = make_session(program["conference"], title="Draft", status=Session.Status.DRAFT)
    seat(draft, speaker)
    client.post(admin_url(speaker, "delete"), {"post": "yes"})
    assert not Speaker.objects.filter(pk=speaker.pk).exists()
    assert list(draft.panel.all()) == []
    latest = draft.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_change_reason, latest.related_snapshot["panel"]) == (
        "Panel changed",
        [],
    )


def test_deleting_an_organization_clears_it_from_its_speakers_with_history(client, program):
    organization = make_organization(name="CHIRLA", slug="chirla")
    speaker = program["speaker"]
    speaker.organization = organization
    speaker.save()
    client.post(admin_url(organization, "delete"), {"post": "yes"})
    speaker.refresh_from_db()
    assert (speaker.organization, Organization.objects.filter(pk=organization.pk).exists()) == (
        None,
        False,
    )
    latest = speaker.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Organization deleted"


# Kept valid changes are recorded, whoever makes them and however


def test_a_change_form_save_is_recorded_with_who_and_why(client, program, organizer):
    post_change(client, program["room"], name_en="Hall A (west)")
    latest = program["room"].history.order_by("-history_date", "-history_id").first()
    assert (latest.name_en, latest.history_user, latest.history_change_reason) == (
        "Hall A (west)",
        organizer,
        "Edited",
    )


def test_the_lists_editable_order_goes_through_the_services(client, program, organizer):
    track = program["track"]
    response = client.get(admin_url(track, "changelist"))
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(track.pk),
        "form-0-order": "42",
        "_save": "Save",
    }
    assert response.status_code == 200
    client.post(admin_url(track, "changelist"), data)
    track.refresh_from_db()
    latest = track.history.order_by("-history_date", "-history_id").first()
    assert (track.order, latest.history_user, latest.history_change_reason) == (
        42,
        organizer,
        "Edited",
    )


def test_a_tracks_inline_topic_moved_away_is_refused(client, program):
    """The track page's topic rows save through the services too: a topic renamed there is kept
    with history, while the same form cannot take a topic off sessions by deleting it."""
    before = state()
    url = admin_url(program["track"])
    data = as_posted(client.get(url))
    prefix = next(name for name in data if name.endswith("-0-id")).removesuffix("-0-id")
    data[f"{prefix}-0-DELETE"] = "on"
    response = client.post(url, data, follow=True)
    assert shown(response) == ["“Clinics” is used by these sessions: “Opening”. Change them first."]
    assert state() == before


def test_an_added_room_is_recorded_as_added(client, program, organizer):
    url = admin_url(program["room"], "add")
    data = as_posted(
        client.get(url),
        conference=program["conference"].pk,
        name_en="Hall C",
        slug="hall-c",
        order="3",
    )
    client.post(url, data)
    room = Room.objects.get(slug="hall-c")
    record = room.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        organizer,
        "Added",
    )


def test_an_edition_whose_days_still_hold_every_session_is_saved(client, program):
    post_change(client, program["conference"], end_date="2014-12-17")
    program["conference"].refresh_from_db()
    assert program["conference"].end_date == datetime.date(2014, 12, 17)


def test_restoring_a_track_to_a_version_in_another_edition_is_refused(client, program, organizer):
    track = program["track"]
    Session.objects.filter(track=track).delete()
    track.conference = program["other_edition"]
    track.save()  # a version in 2015, when the track had no sessions
    moved = track.history.order_by("-history_date", "-history_id").first()
    track.conference = program["conference"]
    track.save()
    make_session(program["conference"], title="Back home", slug="back-home", track=track)
    before = state()
    url = reverse("admin:tracks_track_simple_history", args=[track.pk, moved.history_id])
    response = client.post(url, as_posted(client.get(url)), follow=True)
    assert shown(response) == [
        f"Track “Health” has sessions in {EDITION_2014}: “Back home”. A track stays in its "
        "edition; move those sessions to another track first."
    ]
    assert state() == before


def test_a_refusal_reads_in_spanish(client, program):
    url = admin_url(program["room"])
    response = client.post(
        url,
        as_posted(client.get(url), conference=program["other_edition"].pk),
        follow=True,
        headers={"accept-language": "es"},
    )
    assert shown(response) == [
        f"La sala “Hall A” tiene sesiones de {EDITION_2014}: “Opening”. Una sala se queda en su "
        "edición; mueva primero esas sesiones a otra sala."
    ]
