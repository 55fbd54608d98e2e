"""The organizers' admin: every page answers, rules bite on every save, and track chairs are
held to their tracks on the server."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from niic.generated_program import generate_program
from niic.roles import ORGANIZERS, TRACK_CHAIRS, setup_roles
from sessions.models import PanelMembership, Room, Session
from speakers.models import Speaker
from tests.factories import la_time, make_room, make_session, make_speaker, make_track, seat
from tests.sessions.admin_forms import (
    add_panelist,
    change_url,
    form_data,
    message_texts,
    run_action,
)
from tracks.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizer_client(client, db):
    """A member of the Organizers group, not a superuser: what setup_roles grants is enough."""
    setup_roles()
    user = User.objects.create_user(
        "organizer", "org@example.org", "a-long-pass-phrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    client.force_login(user)
    return client


@pytest.fixture
def chair(db):
    setup_roles()
    user = User.objects.create_user(
        "chair", "chair@example.org", "a-long-pass-phrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name=TRACK_CHAIRS))
    return user


# Every page answers


ADMIN_LISTS = [
    "tracks_conference", "tracks_track", "tracks_topic", "speakers_speaker",
    "speakers_organization", "program_room", "program_session", "program_panelmembership",
    "program_language",
]  # fmt: skip


@pytest.mark.parametrize("model", ADMIN_LISTS)
def test_every_changelist_and_add_page_answers(organizer_client, niic, model):
    assert organizer_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert organizer_client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize(
    ("model", "lookup"),
    [
        ("tracks_conference", lambda: niic_object("conference")),
        ("tracks_track", lambda: Track.objects.get(slug="engaging-receiving-communities")),
        ("speakers_speaker", lambda: Speaker.objects.get(slug="angelica-salas")),
        ("program_room", lambda: Room.objects.get(slug="main-hall")),
        ("program_session", lambda: Session.objects.get(slug="opening-plenary")),
        ("program_panelmembership", lambda: PanelMembership.objects.first()),
    ],
)
def test_every_change_delete_and_history_page_answers(organizer_client, niic, model, lookup):
    obj = lookup()
    for view in ("change", "delete", "history"):
        url = reverse(f"admin:{model}_{view}", args=[obj.pk])
        assert organizer_client.get(url).status_code == 200


def niic_object(kind):
    return Session.objects.get(slug="opening-plenary").conference


@pytest.mark.parametrize("name", ["program_session_conflicts", "program_session_board"])
def test_the_conflicts_page_and_the_board_answer(organizer_client, niic, name):
    assert organizer_client.get(reverse(f"admin:{name}")).status_code == 200


@pytest.mark.parametrize("name", ["program_session_import", "program_session_export"])
def test_organizers_may_import_and_export(organizer_client, niic, name):
    assert organizer_client.get(reverse(f"admin:{name}")).status_code == 200


def test_session_changelist_runs_the_same_queries_for_50_and_500_sessions(admin_client):
    counts = []
    for size, seed in ((50, 31), (500, 32)):
        conference = generate_program(sessions=size, speakers=size, seed=seed).conference
        url = (
            reverse("admin:program_session_changelist") + f"?conference__id__exact={conference.pk}"
        )
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_session_changelist_lists_by_day_and_time_with_panel_size(admin_client, niic):
    response = admin_client.get(reverse("admin:program_session_changelist"))
    sessions = list(response.context["cl"].result_list)
    assert [s.title for s in sessions[:2]] == ["Opening plenary", "Afternoon break"]
    assert sessions[0].panel_count == 1
    # The day and the times, each kept whole, so that a narrow list wraps between them.
    assert (
        '<td class="field-when"><span class="program-when-part">Mon, Dec 15</span> '
        '<span class="program-when-part">09:00–10:15</span></td>'
    ) in response.text
    assert "Times are shown in America/Los_Angeles, the edition's own time zone." in response.text


def test_session_changelist_filters_by_day_in_the_edition_zone(admin_client, niic, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    response = admin_client.get(reverse("admin:program_session_changelist") + "?day=2014-12-16")
    assert [s.title for s in response.context["cl"].result_list] == [
        "Sample session for the track “protecting our rights and expanding our freedoms”",
        "Closing plenary",
    ]


def test_session_search_finds_sessions_by_speaker_name(admin_client, niic):
    response = admin_client.get(reverse("admin:program_session_changelist") + "?q=Millona")
    assert [s.title for s in response.context["cl"].result_list] == ["Closing plenary"]


# Times are entered in the edition's zone


def test_times_are_entered_in_the_edition_zone_whatever_the_server_zone(
    admin_client, conference, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    session = make_session(conference, status="draft")
    response = admin_client.get(change_url(session))
    assert 'name="start_time" value="10:00"' in response.text
    assert "Times are on the edition’s clock, America/Los_Angeles." in response.text
    data = form_data(session, start_time="09:00", end_time="09:45")
    assert admin_client.post(change_url(session), data).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == datetime.datetime(2014, 12, 15, 17, 0, tzinfo=datetime.UTC)


# Conflicts on save


def test_a_draft_that_clashes_is_saved_with_a_warning_linking_the_other(admin_client, conference):
    room = make_room(conference, name="Room A")
    other = make_session(conference, title="Building alliances", room=room)
    draft = make_session(conference, title="Draft", room=room, status="draft")
    response = admin_client.post(change_url(draft), form_data(draft, title="Draft v2"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Draft v2"
    assert (
        f'Room “Room A” is also used by “<a href="{change_url(other)}">Building alliances</a>” '
        "(Mon, Dec 15, 10:00–11:15 PST): publishing will be refused until one of them moves."
    ) in message_texts(response)


def test_publishing_into_a_room_clash_is_refused_with_a_link(admin_client, conference):
    room = make_room(conference, name="Room A")
    other = make_session(conference, title="Building alliances", room=room)
    draft = make_session(conference, title="Draft", room=room, status="draft")
    response = admin_client.post(change_url(draft), form_data(draft, status="published"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["room"] == [
        f'Room “Room A” is already taken by “<a href="{change_url(other)}">Building alliances</a>” '
        "(Mon, Dec 15, 10:00–11:15 PST)."
    ]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_adding_a_busy_panelist_to_a_published_session_is_refused(admin_client, conference):
    speaker = make_speaker(name="Eva Millona")
    seat(make_session(conference, title="Closing plenary"), speaker)
    session = make_session(conference, title="Other", starts_at=la_time(15, "10:30"))
    data = add_panelist(form_data(session), speaker)
    response = admin_client.post(change_url(session), data)
    assert response.status_code == 200
    assert "Eva Millona is already on" in response.text
    assert session.panel.count() == 0


def test_a_session_outside_the_edition_days_gets_a_message_not_a_500(admin_client, conference):
    session = make_session(conference, status="draft")
    response = admin_client.post(change_url(session), form_data(session, day="2014-12-20"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["day"] == [
        "A session must take place within National Immigrant Integration Conference 2014, "
        "Dec 14 to Dec 16, 2014 (America/Los_Angeles)."
    ]


def test_a_malformed_date_gets_a_message_not_a_500(admin_client, conference):
    session = make_session(conference, status="draft")
    response = admin_client.post(change_url(session), form_data(session, day="banana"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["day"] == ["Enter a valid date."]


def test_topics_offered_to_a_chair_are_those_of_their_tracks(client, chair, niic):
    session = Session.objects.get(slug__startswith="building-alliances")
    session.track.chairs.add(chair)
    client.force_login(chair)
    form = client.get(change_url(session)).context["adminform"].form
    assert [topic.track.slug for topic in form.fields["topics"].queryset] == [
        "engaging-receiving-communities"
    ] * 4


# Two organizers at once


def test_the_second_of_two_concurrent_saves_is_refused_and_the_first_survives(
    admin_client, conference
):
    session = make_session(conference, title="Original", status="draft")
    stale = form_data(session, title="Second organizer's title")
    first = admin_client.post(change_url(session), form_data(session, title="First organizer's"))
    assert first.status_code == 302
    second = admin_client.post(change_url(session), stale)
    assert second.status_code == 200
    assert second.context["adminform"].form.non_field_errors() == [
        "“First organizer's” was changed by someone else after you opened it; your changes "
        "were not saved. Reload the page to see the current version, then make your changes again."
    ]
    session.refresh_from_db()
    assert (session.title, session.version) == ("First organizer's", 2)


# Actions


def test_publish_action_previews_each_session_and_publishes_all_or_nothing(
    admin_client, conference
):
    room = make_room(conference, name="Room A")
    other = make_session(conference, title="Taken", room=room)
    fine = make_session(
        conference,
        title="Fine",
        status="draft",
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    clashing = make_session(conference, title="Clashing", room=room, status="draft")
    preview = run_action(admin_client, "publish", [fine, clashing], apply=False)
    assert [
        (row["session"].title, [str(message) for message in row["messages"]])
        for row in preview.context["rows"]
    ] == [
        (
            "Clashing",
            [
                f'Room “Room A” is already taken by “<a href="{change_url(other)}">Taken</a>” '
                "(Mon, Dec 15, 10:00–11:15 PST)."
            ],
        ),
        ("Fine", []),
    ]
    run_action(admin_client, "publish", [fine, clashing])
    assert dict(Session.objects.values_list("title", "status")) == {
        "Taken": "published", "Fine": "draft", "Clashing": "draft",
    }  # fmt: skip
    response = run_action(admin_client, "publish", [fine])
    assert message_texts(response) == ["1 session published."]
    fine.refresh_from_db()
    assert fine.status == "published"


def test_return_to_draft_and_cancel_actions(admin_client, conference):
    first, second = (
        make_session(conference),
        make_session(conference, starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00")),
    )
    run_action(admin_client, "return_to_draft", [first])
    run_action(admin_client, "cancel", [second], confirm="1", note="Moved to Friday")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("draft", "cancelled")
    assert second.cancellation_note == "Moved to Friday"


def test_duplicate_action_makes_a_draft_copy_with_its_panel(admin_client, conference):
    original = make_session(conference, title="Panel")
    seat(original, make_speaker(name="Julien Ross"), role="moderator")
    run_action(admin_client, "duplicate", [original])
    copy = Session.objects.get(slug=f"{original.slug}-copy")
    assert (copy.title, copy.status) == ("Panel (copy)", "draft")
    assert [(s.speaker.name, s.role) for s in copy.panel.all()] == [("Julien Ross", "moderator")]
    original.refresh_from_db()
    assert original.status == "published"


def test_move_to_track_asks_for_the_track_then_moves_and_clears_topics(admin_client, niic):
    session = Session.objects.get(slug__startswith="building-alliances")
    target = Track.objects.get(slug="from-naturalization-to-full-citizenship")
    page = run_action(admin_client, "move_to_track", [session], apply=False)
    assert "Move sessions to another track" in page.text
    run_action(admin_client, "move_to_track", [session], confirm="1", track=target.pk)
    session.refresh_from_db()
    assert (session.track, list(session.topics.all())) == (target, [])


# Drafts are previewed only by staff


def test_view_on_site_previews_a_draft_for_staff_only(admin_client, client, conference):
    draft = make_session(conference, title="Under wraps", status="draft")
    preview = reverse("admin:program_session_preview", args=[draft.pk])
    response = admin_client.get(preview)
    assert response.status_code == 200
    assert (
        "Preview for organizers: this session is “Draft” and is not on the public site."
        in response.text
    )
    assert client.get(preview).status_code == 302
    assert client.get(draft.get_absolute_url()).status_code == 404


# History


def test_history_records_who_changed_what_and_a_past_version_can_be_restored(
    admin_client, admin_user, conference
):
    session = make_session(conference, title="First title", status="draft")
    admin_client.post(change_url(session), form_data(session, title="Second title"))
    records = list(session.history.order_by("history_date"))
    assert [(r.title, r.history_user) for r in records] == [
        ("First title", None),
        ("Second title", admin_user),
    ]
    session.refresh_from_db()
    revert_url = reverse(
        "admin:program_session_simple_history", args=[session.pk, records[0].history_id]
    )
    form = admin_client.get(revert_url)
    assert form.status_code == 200
    restored = admin_client.post(revert_url, form_data(session, title="First title"))
    assert restored.status_code == 302
    session.refresh_from_db()
    assert session.title == "First title"


# Track chairs


@pytest.fixture
def chaired_program(conference, chair):
    mine = make_track(conference, name="Mine", slug="mine")
    theirs = make_track(conference, name="Theirs", slug="theirs")
    mine.chairs.add(chair)
    my_session = make_session(conference, title="My session", track=mine, status="draft")
    their_session = make_session(
        conference,
        title="Their session",
        track=theirs,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    return {"mine": mine, "theirs": theirs, "my": my_session, "their": their_session}


def test_a_track_chair_lists_only_the_sessions_of_their_tracks(client, chair, chaired_program):
    client.force_login(chair)
    response = client.get(reverse("admin:program_session_changelist"))
    assert [s.title for s in response.context["cl"].result_list] == ["My session"]


def test_a_track_chair_cannot_open_change_or_delete_another_track_session(
    client, chair, chaired_program
):
    client.force_login(chair)
    theirs = chaired_program["their"]
    # Published: it opens to be read, saying whom to ask (tests/sessions/test_chairs.py).
    response = client.get(change_url(theirs))
    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
    assert client.get(reverse("admin:program_session_delete", args=[theirs.pk])).status_code == 403
    response = client.post(change_url(theirs), form_data(theirs, title="Hijacked"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Their session"


def test_a_track_chair_edits_and_publishes_in_their_track_only(client, chair, chaired_program):
    client.force_login(chair)
    mine = chaired_program["my"]
    response = client.post(change_url(mine), form_data(mine, status="published"))
    assert response.status_code == 302
    moved = client.post(
        change_url(mine),
        form_data(Session.objects.get(pk=mine.pk), track=chaired_program["theirs"].pk),
    )
    assert moved.context["adminform"].form.errors["track"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    run_action(client, "publish", [chaired_program["their"]])
    assert Session.objects.get(pk=chaired_program["their"].pk).status == "published"
    mine.refresh_from_db()
    assert mine.status == "published"


def test_a_track_chair_cannot_publish_outside_their_tracks(client, chair, chaired_program):
    client.force_login(chair)
    theirs = chaired_program["their"]
    Session.objects.filter(pk=theirs.pk).update(status="draft")
    run_action(client, "publish", [theirs])
    theirs.refresh_from_db()
    assert theirs.status == "draft"


def test_a_track_chair_may_add_speakers_but_not_delete_tracks_rooms_or_editions(
    client, chair, chaired_program, conference
):
    client.force_login(chair)
    assert client.get(reverse("admin:speakers_speaker_add")).status_code == 200
    room = make_room(conference)
    for url in (
        reverse("admin:tracks_track_delete", args=[chaired_program["mine"].pk]),
        reverse("admin:program_room_delete", args=[room.pk]),
        reverse("admin:tracks_conference_delete", args=[conference.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.get(reverse("admin:program_session_import")).status_code == 403


def test_setup_roles_is_idempotent(db):
    call_command("setup_roles", verbosity=0)
    first = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    call_command("setup_roles", verbosity=0)
    again = {
        g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()
    }
    assert first == again
    assert "delete_session" not in first["Track chairs"]
    assert "delete_track" in first["Organizers"]


# Speakers


def test_a_track_chair_cannot_import_speakers_either(client, chair):
    client.force_login(chair)
    assert client.get(reverse("admin:speakers_speaker_import")).status_code == 403


def test_history_shows_times_in_the_edition_zone(admin_client, conference, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    session = make_session(conference, status="draft")
    admin_client.post(change_url(session), form_data(session, title="Renamed"))
    admin_client.post(
        change_url(session),
        form_data(session, title="Renamed", start_time="11:00", end_time="12:00", loaded_version=2),
    )
    record = session.history.order_by("history_date")[1]
    url = reverse("admin:program_session_simple_history", args=[session.pk, record.history_id])
    differences = admin_client.get(url).context["differences"]
    assert [(str(label), now, then) for label, now, then in differences] == [
        ("start", "Dec. 15, 2014, 11 a.m.", "Dec. 15, 2014, 10 a.m."),
        ("end", "Dec. 15, 2014, noon", "Dec. 15, 2014, 11:15 a.m."),
    ]


def test_only_the_export_page_loosens_the_content_security_policy(organizer_client, niic):
    export = organizer_client.get(reverse("admin:program_session_export"))
    assert "style-src 'self' 'unsafe-inline'" in export["Content-Security-Policy"]
    change_list = organizer_client.get(reverse("admin:program_session_changelist"))
    assert "unsafe-inline" not in change_list["Content-Security-Policy"]
