"""The side paths of the admin keep the rules and the roles, as the main forms do: history,
cancelling, merging, a panel edited while publishing, actions, and what a chair may learn of
other tracks. (The walk over every admin URL is tests/niic/test_admin_confinement.py; the
rule × path table is test_rules_on_every_path.py; races are test_publishing_races.py.)"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from sessions import services
from sessions.models import Language, Session
from speakers.models import Speaker
from tests.factories import (
    la_time,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.sessions.admin_forms import change_url, form_data, message_texts, run_action
from tracks.models import Track

pytestmark = pytest.mark.django_db


def history_url(obj, record):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


# 1. History: a chair neither reads nor restores other tracks' versions


def test_a_chair_cannot_read_or_restore_another_tracks_session_history(
    client, conference, organizer, chair_of
):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = chair_of(mine)
    draft = make_session(conference, title="Their draft", track=theirs, status="draft")
    draft.title = "Their draft, renamed"
    services.session_save(user=organizer, session=draft)
    first = draft.history.order_by("history_id").first()
    client.force_login(chair)
    assert client.get(reverse("admin:program_session_history", args=[draft.pk])).status_code == 404
    assert client.get(history_url(draft, first)).status_code == 404
    assert client.post(history_url(draft, first), {"track": mine.pk}).status_code == 404
    draft.refresh_from_db()
    assert (draft.title, draft.track) == ("Their draft, renamed", theirs)


def test_a_chair_cannot_restore_a_track_or_a_speaker(client, conference, chair_of):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = chair_of(mine)
    other_chair = chair_of(theirs)
    theirs.name = "Theirs, renamed"
    theirs.save()
    speaker = make_speaker(name="Eva Millona", bio="Her own words")
    speaker.bio = "Edited"
    speaker.save()
    client.force_login(chair)
    for obj in (theirs, speaker):
        first = obj.history.order_by("history_id").first()
        response = client.post(history_url(obj, first), {"name": "Hijacked", "chairs": [chair.pk]})
        assert response.status_code == 403
    theirs.refresh_from_db()
    speaker.refresh_from_db()
    assert (theirs.name, list(theirs.chairs.all())) == ("Theirs, renamed", [other_chair])
    assert speaker.bio == "Edited"


def test_malformed_history_addresses_are_not_found(admin_client, conference):
    session = make_session(conference)
    for path in (f"{session.pk}/history/abc/", "abc/history/", "abc/history/1/"):
        response = admin_client.get(f"/admin/program/session/{path}")
        assert response.status_code == 404, path


# 4. Cancelling a draft would make it public: refused, and a cancellation carries a note


def test_cancelling_a_draft_is_refused_and_it_stays_private(client, admin_client, conference):
    conference.is_current = True
    conference.save()
    draft = make_session(conference, title="Never announced", status="draft")
    preview = run_action(admin_client, "cancel", [draft], apply=False, confirm="1")
    [row] = preview.context["rows"]
    assert [str(message) for message in row["messages"]] == [
        "Only a published session can be cancelled: attendees never saw this draft. Leave it "
        "as a draft, or delete it."
    ]
    run_action(admin_client, "cancel", [draft], confirm="1")
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_cancellation_asks_for_confirmation_and_keeps_its_note(admin_client, conference):
    session = make_session(conference, title="Announced")
    first = run_action(admin_client, "cancel", [session], apply=False)
    assert "Note for attendees (optional)" in first.text
    assert first.context["rows"] == []
    run_action(admin_client, "cancel", [session], confirm="1", note="Join the plenary instead.")
    session.refresh_from_db()
    assert (session.status, session.cancellation_note) == ("cancelled", "Join the plenary instead.")


# 5. Merging keeps the speaker clash rule


def test_merging_speakers_who_sit_on_overlapping_published_sessions_is_refused(
    admin_client, conference
):
    keep = make_speaker(name="Angelica Salas", slug="angelica-salas")
    duplicate = make_speaker(name="Angélica Salas", slug="angelica-salas-2")
    seat(make_session(conference, title="One"), keep)
    seat(make_session(conference, title="Two", starts_at=la_time(15, "11:00")), duplicate)
    response = admin_client.post(
        reverse("admin:speakers_speaker_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [keep.pk, duplicate.pk],
            "keep": keep.pk,
            "apply": keep.pk,
        },
        follow=True,
    )
    assert message_texts(response) == [
        'Not merged: Angelica Salas is already on “<a href="'
        + change_url(Session.objects.get(title="One"))
        + '">One</a>” (Mon, Dec 15, 10:00–11:15 PST).'
    ]
    assert Speaker.objects.count() == 2


# 6. The panel as submitted is what the rules read


def test_publishing_while_removing_the_clashing_panelist_is_accepted(admin_client, conference):
    busy = make_speaker(name="Eva Millona")
    seat(make_session(conference, title="Closing plenary"), busy)
    draft = make_session(conference, title="Draft", status="draft", starts_at=la_time(15, "10:30"))
    seat(draft, busy)
    data = form_data(draft, status="published")
    data["panel-0-DELETE"] = "on"
    response = admin_client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.panel.count()) == ("published", 0)


def test_a_clashing_panelist_is_named_once_on_their_own_row(admin_client, conference):
    busy = make_speaker(name="Eva Millona")
    seat(make_session(conference, title="Closing plenary"), busy)
    draft = make_session(conference, title="Draft", status="draft", starts_at=la_time(15, "10:30"))
    seat(draft, busy)
    seat(draft, make_speaker(name="Free Person"))
    response = admin_client.post(change_url(draft), form_data(draft, status="published"))
    assert response.status_code == 200
    [panel] = response.context["inline_admin_formsets"]
    row_errors = [dict(form.errors) for form in panel.formset.forms]
    assert row_errors == [
        {
            "speaker": [
                'Eva Millona is already on “<a href="'
                + change_url(Session.objects.get(title="Closing plenary"))
                + '">Closing plenary</a>” (Mon, Dec 15, 10:00–11:15 PST).'
            ]
        },
        {},
    ]
    assert response.context["adminform"].form.errors == {}


# 7. History records and restores the panel, topics and languages, with a reason


def test_restoring_a_version_brings_back_its_panel_topics_and_languages(
    admin_client, admin_user, conference
):
    track = make_track(conference, name="Track")
    topic = make_topic(track, name="Topic")
    spanish = Language.objects.create(code="es", name="Español")
    moderator, panelist = make_speaker(name="Julien Ross"), make_speaker(name="Eva Millona")
    session = make_session(conference, title="Panel", track=track, status="draft")
    services.session_save(
        user=admin_user,
        session=session,
        related=services.Related(
            topics=[topic],
            languages=[spanish],
            panel=[
                services.Seat(speaker=moderator, role="moderator"),
                services.Seat(speaker=panelist, order=1),
            ],
        ),
    )
    kept = session.history.order_by("-history_id").first()
    session.title = "Panel, changed"
    services.session_save(
        user=admin_user,
        session=session,
        related=services.Related(topics=[], languages=[], panel=[]),
    )
    history = admin_client.get(reverse("admin:program_session_history", args=[session.pk]))
    assert "Julien Ross (Moderator), Eva Millona (Panelist)" in history.text
    assert "Edited" in history.text
    page = admin_client.get(history_url(session, kept))
    assert [(str(label), now, then) for label, now, then in page.context["differences"]] == [
        ("title [en]", "Panel, changed", "Panel"),
        ("panel", "—", "Julien Ross (Moderator), Eva Millona (Panelist)"),
        ("topics", "—", "Topic"),
        ("languages", "—", "Español"),
    ]
    admin_client.post(history_url(session, kept))
    session.refresh_from_db()
    assert session.title == "Panel"
    assert [(s.speaker.name, s.role) for s in session.panel.in_panel_order()] == [
        ("Julien Ross", "moderator"),
        ("Eva Millona", "panelist"),
    ]
    assert (list(session.topics.all()), list(session.languages.all())) == ([topic], [spanish])
    latest = session.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Restored from an earlier version"


def test_a_version_saved_before_panels_were_recorded_says_what_will_not_come_back(
    admin_client, conference
):
    session = make_session(conference, title="Old", status="draft")
    old = session.history.get()
    session.title = "New"
    session.save()
    page = admin_client.get(history_url(session, old))
    assert "restoring it keeps the panel as it is now" in page.text


# 8. Actions: all or nothing whatever the order, and a stale copy is a message, not a 500


def test_bulk_publish_of_drafts_that_clash_with_each_other_publishes_none(admin_client, conference):
    room = make_room(conference)
    drafts = [
        make_session(conference, title=f"Draft {n}", room=room, status="draft") for n in (1, 2, 3)
    ]
    for order in (drafts, drafts[::-1]):
        preview = run_action(admin_client, "publish", order, apply=False)
        assert [bool(row["messages"]) for row in preview.context["rows"]] == [False, True, True]
        run_action(admin_client, "publish", order)
        assert set(Session.objects.values_list("status", flat=True)) == {"draft"}


def test_a_change_based_on_a_stale_copy_is_refused_with_a_message(organizer, conference):
    session = make_session(conference, title="Shared", status="draft")
    stale = Session.objects.get(pk=session.pk)
    session.title = "Saved first"
    services.session_save(user=organizer, session=session)
    with pytest.raises(services.Refused) as refusal:
        services.sessions_publish(user=organizer, sessions=[stale])
    [outcome] = refusal.value.outcomes
    assert [str(error.message) for error in outcome.errors] == [
        "“Shared” was changed by someone else after you opened it; your changes were not "
        "saved. Reload the page to see the current version, then make your changes again."
    ]


# 9. What a chair may learn of other tracks


def test_a_chair_learns_nothing_of_other_tracks_drafts_from_speakers_and_warnings(
    client, conference, chair_of
):
    mine, theirs = make_track(conference, name="Mine"), make_track(conference, name="Theirs")
    chair = chair_of(mine)
    room = make_room(conference, name="Room A")
    speaker = make_speaker(name="Shared Speaker")
    their_draft = make_session(
        conference, title="Their secret draft", track=theirs, room=room, status="draft"
    )
    seat(their_draft, speaker)
    their_public = make_session(
        conference,
        title="Their public talk",
        track=theirs,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    seat(their_public, speaker)
    my_draft = make_session(conference, title="Mine", track=mine, room=room, status="draft")
    seat(my_draft, speaker)
    client.force_login(chair)
    speaker_page = client.get(reverse("admin:speakers_speaker_change", args=[speaker.pk]))
    assert "Their public talk" in speaker_page.text
    assert "Their secret draft" not in speaker_page.text
    saved = client.post(change_url(my_draft), form_data(my_draft, title="Mine, renamed"))
    assert saved.status_code == 302
    assert not any("Their secret draft" in text for text in message_texts(saved))


# Accounts: organizers manage people within the two groups


def test_staff_status_follows_the_program_groups(client, organizer):
    client.force_login(organizer)
    newcomer = User.objects.create_user("newcomer")
    url = reverse("admin:auth_user_change", args=[newcomer.pk])
    fields = client.get(url).context["adminform"].form.fields
    assert sorted(fields) == [
        "email", "first_name", "groups", "is_active", "last_name", "password", "username",
    ]  # fmt: skip
    assert [group.name for group in fields["groups"].queryset.order_by("name")] == [
        "Organizers",
        "Track chairs",
        "Translators (en)",
        "Translators (es)",
    ]
    chairs = fields["groups"].queryset.get(name="Track chairs")
    data = {"username": "newcomer", "is_active": "on", "groups": [chairs.pk], "is_superuser": "on"}
    assert client.post(url, data).status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.is_staff, newcomer.is_superuser) == (True, False)


def test_an_organizer_cannot_open_a_superuser_account(client, organizer, admin_user):
    client.force_login(organizer)
    for view in ("change", "password_change"):
        url = reverse(f"admin:auth_user_{view}", args=[admin_user.pk])
        assert client.get(url).status_code in (302, 404), view
    password = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    client.post(password, {"password1": "Takeover-pass-1234", "password2": "Takeover-pass-1234"})
    admin_user.refresh_from_db()
    assert not admin_user.check_password("Takeover-pass-1234")


def test_moving_sessions_to_a_track_offers_only_the_chairs_tracks(client, conference, chair_of):
    mine = make_track(conference, name="Mine")
    other_mine = make_track(conference, name="Also mine")
    make_track(conference, name="Theirs")
    chair = chair_of(mine, other_mine)
    session = make_session(conference, title="Mine", track=mine, status="draft")
    client.force_login(chair)
    page = run_action(client, "move_to_track", [session], apply=False)
    assert sorted(track.name for track in page.context["form"].fields["track"].queryset) == [
        "Also mine",
        "Mine",
    ]
    assert Track.objects.count() == 3


def test_attendees_read_the_note_of_a_cancellation_on_the_session_page_and_in_calendars(
    client, admin_client, conference
):
    session = make_session(conference, title="Announced", slug="announced")
    run_action(admin_client, "cancel", [session], confirm="1", note="Join the plenary instead.")
    page = client.get(f"/en/editions/{conference.slug}/sessions/announced/")
    feed = client.get(f"/en/editions/{conference.slug}/sessions/announced/calendar.ics")
    assert '<p class="cancellation-note">Join the plenary instead.</p>' in page.text
    assert "STATUS:CANCELLED" in feed.text
    assert "DESCRIPTION:Join the plenary instead." in feed.text
