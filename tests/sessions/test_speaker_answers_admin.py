"""Organizers see the speakers' answers and the e-mail sent to them: the session list's answers
column and filter, the panel rows' answers, the index's counts, the invitations sent from the
speaker and session lists (through sessions.services.invitations), and the read-only list of
messages to speakers."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import PanelMembership
from speakers.models import Message
from tests.factories import (
    make_chair,
    make_conference,
    make_organizer,
    make_session,
    make_speaker,
    make_track,
    seat,
)
from tests.sessions.admin_forms import message_texts

pytestmark = pytest.mark.django_db

Answer = PanelMembership.Answer
CHANGELIST = "admin:program_session_changelist"


@pytest.fixture
def edition(db):
    """An edition still to come (invitations are for editions not over), the current one."""
    start = timezone.localdate() + datetime.timedelta(days=30)
    return make_conference(
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
        year=start.year,
        is_current=True,
    )


def at(edition, clock, day=0):
    return datetime.datetime.combine(
        edition.start_date + datetime.timedelta(days=day),
        datetime.time.fromisoformat(clock),
        tzinfo=edition.tzinfo,
    )


def session_with_answers(edition, title, answers, track=None, clock="10:00"):
    """A published session in `edition` whose panel's seats have `answers`, in order."""
    session = make_session(
        edition,
        title=title,
        track=track,
        starts_at=at(edition, clock),
        ends_at=at(edition, clock) + datetime.timedelta(hours=1),
    )
    for order, answer in enumerate(answers):
        each = seat(session, make_speaker(name=f"{title} speaker {order}"), order=order)
        PanelMembership.objects.filter(pk=each.pk).update(answer=answer)
    return session


@pytest.fixture
def organizer_client(client, edition):
    client.force_login(make_organizer())
    return client


def answers_cells(response):
    """{session title: its answers cell} of the session list."""
    return {
        session.title: cell
        for session, cell in zip(
            response.context["cl"].result_list,
            re.findall(r'<td class="field-panel_answers">(.*?)</td>', response.text),
            strict=True,
        )
    }


# The session list


def test_the_session_list_says_each_panels_answers_in_words(organizer_client, edition):
    session_with_answers(
        edition,
        "Mixed",
        [Answer.CONFIRMED, Answer.DECLINED, Answer.INVITED, Answer.CONFIRMED, Answer.NOT_INVITED],
    )
    session_with_answers(edition, "Nobody yet", [], clock="12:00")
    response = organizer_client.get(reverse(CHANGELIST))
    assert answers_cells(response) == {
        "Mixed": "2 confirmed · 1 invited · 1 not invited · 1 declined",
        "Nobody yet": "—",
    }


def test_the_answers_column_costs_no_query_per_session(
    organizer_client, edition, django_assert_num_queries
):
    url = reverse(CHANGELIST) + f"?conference__id__exact={edition.pk}"
    session_with_answers(edition, "First", [Answer.CONFIRMED, Answer.DECLINED])
    # 19: the list's own, and one asking whether the edition's speakers were invited at all
    # (the column shows once they were).
    with django_assert_num_queries(19):
        organizer_client.get(url)
    for number in range(5):
        session_with_answers(
            edition, f"More {number}", [Answer.INVITED, Answer.CONFIRMED], clock=f"1{number}:00"
        )
    with django_assert_num_queries(19):
        response = organizer_client.get(url)
    assert len(answers_cells(response)) == 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("confirmed", ["All confirmed"]),
        ("unconfirmed", ["One not invited", "One invited"]),
        ("invited", ["One invited"]),
        ("declined", ["One declined"]),
        ("", ["All confirmed", "One not invited", "One invited", "One declined", "Empty"]),
    ],
)
def test_the_panel_answers_filter_finds_sessions_by_their_seats(
    organizer_client, edition, value, expected
):
    for number, (title, answers) in enumerate(
        [
            ("All confirmed", [Answer.CONFIRMED, Answer.CONFIRMED]),
            ("One not invited", [Answer.CONFIRMED, Answer.NOT_INVITED]),
            ("One invited", [Answer.CONFIRMED, Answer.INVITED]),
            ("One declined", [Answer.CONFIRMED, Answer.DECLINED]),
            ("Empty", []),
        ]
    ):
        session_with_answers(edition, title, answers, clock=f"1{number}:00")
    query = f"?answers={value}" if value else ""
    response = organizer_client.get(reverse(CHANGELIST) + query)
    assert [session.title for session in response.context["cl"].result_list] == expected


def test_the_panel_rows_show_each_answer_with_its_note_and_cannot_change_it(
    organizer_client, edition
):
    session = session_with_answers(edition, "Answered", [Answer.DECLINED, Answer.NOT_INVITED])
    answered = at(edition, "09:30", day=-20)
    PanelMembership.objects.filter(session=session, answer=Answer.DECLINED).update(
        answer_note="Travelling that week", answered_at=answered
    )
    response = organizer_client.get(reverse("admin:program_session_change", args=[session.pk]))
    cells = re.findall(r'<td class="field-speaker_answer">\s*<p>(.*?)</p>', response.text)
    when = answered.strftime("%b. %-d, %Y, %-I:%M %p").replace("AM", "a.m.").replace("PM", "p.m.")
    assert cells == [
        f"Declined ({when}): “Travelling that week”",
        "Not invited",
        "—",  # the empty row for a new seat
        "—",  # and the one the script copies to add more
    ]
    assert 'name="panel-0-answer"' not in response.text


# The index


# Invitations


def test_inviting_speakers_queues_one_invitation_each_and_names_those_without_address(
    organizer_client, edition
):
    session = session_with_answers(edition, "Invite us", [Answer.NOT_INVITED] * 3)
    with_address, also, without = (each.speaker for each in session.panel.order_by("order"))
    for speaker, address in ((with_address, "a@example.org"), (also, "b@example.org")):
        speaker.email = address
        speaker.save()
    response = organizer_client.post(
        reverse("admin:speakers_speaker_changelist"),
        {"action": "invite", "_selected_action": [with_address.pk, also.pk, without.pk]},
        follow=True,
    )
    assert message_texts(response) == [
        "2 invitations queued. 1 speaker has no e-mail address: add one to invite them."
    ]
    assert sorted(Message.objects.values_list("to", "kind", "status")) == [
        ("a@example.org", "invitation", "queued"),
        ("b@example.org", "invitation", "queued"),
    ]
    assert sorted(session.panel.values_list("answer", flat=True)) == [
        Answer.INVITED,
        Answer.INVITED,
        Answer.NOT_INVITED,
    ]


def test_inviting_the_speakers_of_selected_sessions(organizer_client, edition):
    first = session_with_answers(edition, "First", [Answer.NOT_INVITED, Answer.CONFIRMED])
    second = session_with_answers(edition, "Second", [Answer.NOT_INVITED], clock="12:00")
    for number, each in enumerate(PanelMembership.objects.order_by("pk")):
        each.speaker.email = f"speaker{number}@example.org"
        each.speaker.save()
    response = organizer_client.post(
        reverse(CHANGELIST),
        {"action": "invite_speakers", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert message_texts(response) == ["3 invitations queued."]
    assert Message.objects.count() == 3
    cells = answers_cells(organizer_client.get(reverse(CHANGELIST)))
    assert cells == {"First": "1 confirmed · 1 invited", "Second": "1 invited"}


def test_a_chair_inviting_another_tracks_speaker_gets_a_message_not_a_500(client, edition):
    mine, other = make_track(edition), make_track(edition)
    session = session_with_answers(edition, "Theirs", [Answer.NOT_INVITED], track=other)
    speaker = session.panel.get().speaker
    speaker.email = "theirs@example.org"
    speaker.save()
    client.force_login(make_chair(mine))
    response = client.post(
        reverse("admin:speakers_speaker_changelist"),
        {"action": "invite", "_selected_action": [speaker.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert message_texts(response) == [
        "You may invite only the speakers of the sessions of the tracks you chair, not: "
        "Theirs speaker 0."
    ]
    assert (Message.objects.count(), session.panel.get().answer) == (0, Answer.NOT_INVITED)


def test_only_organizers_may_revoke_sign_in_links(client, organizer_client, edition):
    track = make_track(edition)
    chair_client = client.__class__()
    chair_client.force_login(make_chair(track))
    url = reverse("admin:speakers_speaker_changelist")
    chair_actions = chair_client.get(url).context["action_form"].fields["action"].choices
    organizer_actions = organizer_client.get(url).context["action_form"].fields["action"].choices
    assert [name for name, _label in chair_actions if name] == ["invite"]
    assert "revoke_sign_in_links" in [name for name, _label in organizer_actions]


def test_the_speaker_form_has_the_private_address_language_and_sign_in(organizer_client, edition):
    speaker = make_speaker(name="Private Person")
    response = organizer_client.get(reverse("admin:speakers_speaker_change", args=[speaker.pk]))
    form = response.context["adminform"].form
    assert {"email", "preferred_language", "proposed_organization"} <= set(form.fields)
    sign_in = re.search(
        r'<div class="readonly">(No sign-in account yet.*?)</div>', response.text
    ).group(1)
    messages_url = (
        reverse("admin:speakers_message_changelist") + f"?speaker__id__exact={speaker.pk}"
    )
    assert sign_in == (
        "No sign-in account yet: one is made when the speaker is invited. "
        f'<a href="{messages_url}">0 messages</a>'
    )


# Messages to speakers


@pytest.fixture
def two_messages(edition):
    speaker = make_speaker(name="Written To", email="written@example.org")
    queued = Message.objects.create(
        speaker=speaker,
        kind=Message.Kind.INVITATION,
        to=speaker.email,
        language="es",
        subject="Invitación",
        body=f"Su página: {Message.LINK_PLACEHOLDER}",
    )
    sent = Message.objects.create(
        speaker=speaker,
        kind=Message.Kind.CHANGES,
        to=speaker.email,
        language="en",
        subject="Changes to your sessions",
        body="Moved.",
        status=Message.Status.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    return queued, sent


def test_organizers_list_queued_and_sent_messages_and_add_none(organizer_client, two_messages):
    response = organizer_client.get(reverse("admin:speakers_message_changelist"))
    listed = [(m.subject, m.get_status_display()) for m in response.context["cl"].result_list]
    assert listed == [("Changes to your sessions", "Sent"), ("Invitación", "Queued")]
    assert response.context["has_add_permission"] is False
    assert organizer_client.get(reverse("admin:speakers_message_add")).status_code == 403
    assert response.context["action_form"] is None  # no "delete selected"


def test_a_message_reads_as_stored_with_no_sign_in_link(organizer_client, two_messages):
    queued, _sent = two_messages
    response = organizer_client.get(reverse("admin:speakers_message_change", args=[queued.pk]))
    assert response.status_code == 200
    assert '<div class="readonly">Su página: {sign_in_link}</div>' in response.text
    assert "sesame" not in response.text
    assert (
        organizer_client.post(
            reverse("admin:speakers_message_delete", args=[queued.pk])
        ).status_code
        == 403
    )
    assert Message.objects.count() == 2


def test_a_chair_reads_no_message(client, edition, two_messages):
    queued, _sent = two_messages
    client.force_login(make_chair(make_track(edition)))
    assert client.get(reverse("admin:speakers_message_changelist")).status_code == 403
    change = reverse("admin:speakers_message_change", args=[queued.pk])
    assert client.get(change).status_code == 403
    assert "messages to speakers" not in client.get(reverse("admin:index")).text.lower()


def test_the_answers_column_shows_once_the_editions_speakers_are_invited(organizer_client, edition):
    url = reverse(CHANGELIST) + f"?conference__id__exact={edition.pk}"
    session_with_answers(edition, "Quiet", [Answer.NOT_INVITED])
    assert "field-panel_answers" not in organizer_client.get(url).text
    session_with_answers(edition, "Asked", [Answer.INVITED], clock="11:00")
    assert answers_cells(organizer_client.get(url)) == {
        "Quiet": "1 not invited",
        "Asked": "1 invited",
    }


# The board


def test_the_board_cards_say_the_panels_answers_in_words(organizer_client, edition):
    session_with_answers(edition, "Asked", [Answer.CONFIRMED, Answer.DECLINED])
    session_with_answers(edition, "Quiet", [Answer.NOT_INVITED], clock="12:00")
    board = reverse("admin:program_session_board")
    day = timezone.localtime(at(edition, "10:00"), edition.tzinfo).date()
    text = organizer_client.get(f"{board}?edition={edition.slug}&day={day}").text
    answers = re.findall(r'<p class="program-card-answers">(.*?)</p>', text)
    # A panel nobody was invited to says nothing: the board stays as it was before invitations.
    assert answers == ["1 confirmed · 1 declined"]
