import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from niic.generated_program import generate_program
from sessions import rules, services
from sessions.forms import SessionForm
from sessions.models import PanelMembership, Session
from tests.factories import (
    la_time,
    make_conference,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db


def error_messages(excinfo, field):
    return excinfo.value.message_dict[field]


def test_session_ending_before_it_starts_is_refused_by_the_database(conference):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(conference, starts_at=la_time(15, "10:00"), ends_at=la_time(15, "09:00"))


def test_session_ending_before_it_starts_gets_a_message_from_full_clean(conference):
    session = Session(
        conference=conference,
        title="Backwards",
        slug="backwards",
        starts_at=la_time(15, "10:00"),
        ends_at=la_time(15, "10:00"),
    )
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    assert excinfo.value.messages == ["A session must end after it starts."]


def test_session_outside_the_edition_days_is_refused(conference):
    # 16:30 on December 13 in Los Angeles is already December 14 in UTC: the day is the
    # conference's own, not the server's.
    session = Session(
        conference=conference,
        title="Too early",
        slug="too-early",
        starts_at=la_time(13, "16:30"),
        ends_at=la_time(13, "17:30"),
    )
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    assert error_messages(excinfo, "starts_at") == [
        "A session must take place within National Immigrant Integration Conference 2014, "
        "Dec 14 to Dec 16, 2014 (America/Los_Angeles)."
    ]


def test_session_late_on_the_last_day_is_inside_the_edition(conference):
    # 23:00 on December 16 in Los Angeles is December 17 in UTC.
    session = Session(
        conference=conference,
        title="Late",
        slug="late",
        starts_at=la_time(16, "22:00"),
        ends_at=la_time(16, "23:00"),
    )
    session.full_clean()


def test_room_of_another_edition_is_refused(conference):
    other_edition = make_conference(
        year=2015, start_date=datetime.date(2015, 12, 14), end_date=datetime.date(2015, 12, 16)
    )
    foreign_room = make_room(other_edition, name="Hall 2015")
    session = Session(
        conference=conference,
        title="Misplaced",
        slug="misplaced",
        starts_at=la_time(15, "10:00"),
        ends_at=la_time(15, "11:00"),
        room=foreign_room,
    )
    with pytest.raises(ValidationError) as excinfo:
        session.full_clean()
    assert error_messages(excinfo, "room") == [
        "Room “Hall 2015” belongs to National Immigrant Integration Conference 2015, "
        "not to National Immigrant Integration Conference 2014."
    ]


def test_topic_of_another_track_is_refused_and_nothing_is_saved(conference, organizer):
    track = make_track(conference, name="Economic opportunity")
    other_topic = make_topic(make_track(conference), name="Citizenship drives")
    session = make_session(conference, track=track)
    with pytest.raises(ValidationError) as excinfo:
        services.session_save(
            user=organizer, session=session, related=services.Related(topics=[other_topic])
        )
    assert excinfo.value.messages == [
        "“Citizenship drives”: not a topic of the track “Economic opportunity”."
    ]
    assert list(session.topics.all()) == []


def test_session_form_refuses_a_topic_of_another_track(conference):
    track = make_track(conference)
    other_topic = make_topic(make_track(conference), name="Stray topic")
    form = SessionForm(
        data={
            "conference": conference.pk,
            "track": track.pk,
            "topics": [other_topic.pk],
            "title": "A panel",
            "slug": "a-panel",
            "format": "panel",
            "starts_at": "2014-12-15 10:00",
            "ends_at": "2014-12-15 11:00",
            "status": "draft",
        }
    )
    assert form.errors["topics"] == [
        "“Stray topic”: not a topic of the track “" + track.name + "”."
    ]


def publish(session, user):
    session.status = Session.Status.PUBLISHED
    return services.session_save(user=user, session=session)


def test_publishing_into_an_occupied_room_is_refused_naming_the_other_session(
    conference, organizer
):
    room = make_room(conference, name="Room A")
    make_session(conference, title="Building alliances", room=room)
    clashing = make_session(
        conference,
        room=room,
        status=Session.Status.DRAFT,
        starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"),
    )
    with pytest.raises(ValidationError) as excinfo:
        publish(clashing, organizer)
    assert error_messages(excinfo, "room") == [
        "Room “Room A” is already taken by “Building alliances” (Mon, Dec 15, 10:00–11:15 PST)."
    ]
    clashing.refresh_from_db()
    assert clashing.status == Session.Status.DRAFT


def test_drafts_may_share_a_room_while_organizers_shuffle_them(conference):
    room = make_room(conference)
    make_session(conference, room=room)
    draft = make_session(conference, room=room, status=Session.Status.DRAFT)
    draft.full_clean()
    assert rules.room_clashes(draft).count() == 1


def test_a_cancelled_session_frees_its_room(conference, organizer):
    room = make_room(conference)
    make_session(conference, room=room, status=Session.Status.CANCELLED)
    replacement = make_session(conference, room=room, status=Session.Status.DRAFT)
    publish(replacement, organizer)
    assert replacement.status == Session.Status.PUBLISHED


def test_back_to_back_sessions_in_one_room_do_not_clash(conference, organizer):
    room = make_room(conference)
    make_session(conference, room=room, ends_at=la_time(15, "11:00"))
    following = make_session(
        conference,
        room=room,
        status=Session.Status.DRAFT,
        starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"),
    )
    publish(following, organizer)
    assert following.status == Session.Status.PUBLISHED


def test_publishing_a_session_whose_speaker_is_elsewhere_is_refused(conference, organizer):
    speaker = make_speaker(name="Eva Millona")
    seat(make_session(conference, title="Closing plenary"), speaker)
    clashing = make_session(conference, status=Session.Status.DRAFT)
    seat(clashing, speaker)
    with pytest.raises(ValidationError) as excinfo:
        publish(clashing, organizer)
    assert error_messages(excinfo, "panel") == [
        "Eva Millona is already on “Closing plenary” (Mon, Dec 15, 10:00–11:15 PST)."
    ]


def test_adding_a_busy_speaker_to_a_published_session_is_refused(conference, organizer):
    speaker = make_speaker(name="Julien Ross")
    seat(make_session(conference, title="Morning panel"), speaker)
    published = make_session(
        conference, starts_at=la_time(15, "11:00"), ends_at=la_time(15, "12:00")
    )
    with pytest.raises(ValidationError) as excinfo:
        services.panel_seat_save(
            user=organizer, seat=PanelMembership(session=published, speaker=speaker)
        )
    assert error_messages(excinfo, "panel") == [
        "Julien Ross is already on “Morning panel” (Mon, Dec 15, 10:00–11:15 PST)."
    ]
    assert published.panel.count() == 0


def test_a_speaker_sits_on_a_panel_once(conference):
    session = make_session(conference)
    speaker = make_speaker()
    seat(session, speaker)
    with pytest.raises(IntegrityError), transaction.atomic():
        seat(session, speaker, role=PanelMembership.Role.MODERATOR)


def test_panel_lists_the_moderator_first_then_the_set_order(conference):
    session = make_session(conference)
    seat(session, make_speaker(name="Second"), order=2)
    seat(session, make_speaker(name="First"), order=1)
    seat(session, make_speaker(name="Chair"), role=PanelMembership.Role.MODERATOR, order=9)
    names = [seat.speaker.name for seat in session.panel.in_panel_order()]
    assert names == ["Chair", "First", "Second"]


def test_published_and_public_querysets(conference):
    published = make_session(conference)
    cancelled = make_session(conference, status=Session.Status.CANCELLED)
    make_session(conference, status=Session.Status.DRAFT)
    assert list(Session.objects.published()) == [published]
    assert set(Session.objects.public()) == {published, cancelled}


def test_for_edition_keeps_other_editions_out(conference):
    other_edition = make_conference(year=2015)
    mine = make_session(conference)
    make_session(other_edition, starts_at=la_time(15, "10:00"))
    assert list(Session.objects.for_edition(conference)) == [mine]


@pytest.mark.parametrize("session_count", [20, 200])
def test_program_data_loads_in_a_constant_number_of_queries(
    session_count, django_assert_num_queries
):
    program = generate_program(sessions=session_count, speakers=session_count, seed=3)
    # One query for sessions with track, room and edition, one each for topics, languages,
    # interpretation languages and the panel with speakers and organizations.
    with django_assert_num_queries(5):
        sessions = list(
            Session.objects.published().for_edition(program.conference).with_program_data()
        )
        shown = [
            (
                session.title,
                session.track.name if session.track else "",
                session.room.name,
                [topic.name for topic in session.topics.all()],
                [language.code for language in session.languages.all()],
                [language.code for language in session.interpretation_languages.all()],
                [
                    (seat.speaker.name, seat.speaker.organization.name, seat.role)
                    for seat in session.panel.all()
                ],
            )
            for session in sessions
        ]
    assert len(shown) == session_count


def test_a_track_with_sessions_cannot_be_deleted_but_its_edition_can(conference):
    track = make_track(conference)
    make_session(conference, track=track)
    with pytest.raises(RestrictedError), transaction.atomic():
        track.delete()
    conference.delete()
    assert Session.objects.count() == 0
