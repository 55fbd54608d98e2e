import pytest
from django.core.management import CommandError, call_command

from niic.generated_program import generate_program
from sessions.conflicts import find_conflicts
from sessions.models import PanelMembership, Session

pytestmark = pytest.mark.django_db


def timetable(conference):
    return [
        (
            session.title,
            session.starts_at,
            session.ends_at,
            session.room.name,
            session.track.name if session.track else None,
            [seat.speaker.name for seat in session.panel.all()],
        )
        for session in Session.objects.for_edition(conference).with_program_data().order_by("pk")
    ]


def test_the_same_seed_gives_the_same_program():
    first = timetable(generate_program(sessions=60, speakers=80, seed=7).conference)
    second = timetable(generate_program(sessions=60, speakers=80, seed=7).conference)
    other_seed = timetable(generate_program(sessions=60, speakers=80, seed=8).conference)
    assert first == second
    assert first != other_seed


def test_generated_program_obeys_every_scheduling_rule():
    program = generate_program(sessions=300, speakers=150, seed=2)
    sessions = Session.objects.for_edition(program.conference).select_related("conference")
    assert sessions.count() == 300
    assert set(sessions.values_list("status", flat=True)) == {Session.Status.PUBLISHED}
    for session in sessions:
        session.full_clean()
        assert 1 <= session.panel.count() <= 4
    assert find_conflicts(sessions) == []


def test_rooms_are_added_when_the_sessions_would_not_fit():
    # 3 days of 6 slots in 12 rooms hold 216 sessions; 500 need 28 rooms.
    program = generate_program(sessions=500, speakers=400, seed=1)
    assert (program.rooms, program.conference.rooms.count()) == (28, 28)


def test_every_panel_seat_goes_to_a_generated_speaker():
    program = generate_program(sessions=40, speakers=30, seed=4)
    seats = PanelMembership.objects.filter(session__conference=program.conference)
    assert seats.count() == program.panel_seats
    assert set(seats.values_list("speaker__is_sample", flat=True)) == {True}


def test_command_refuses_too_few_speakers_with_a_clear_message():
    with pytest.raises(CommandError) as excinfo:
        call_command("generate_program", sessions=100, speakers=3, seed=1)
    assert str(excinfo.value) == (
        "100 sessions over 3 days put 6 sessions in one time slot, each with at least one "
        "panelist: that needs at least 6 speakers."
    )
    assert Session.objects.count() == 0
