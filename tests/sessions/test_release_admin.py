"""The admin's side of the released program: the release page (how many sessions differ from
what attendees see, past releases, withdrawing the latest one), the index's "changes wait for a
release", the session list's and the board's marks, and a withdrawn release in the change log."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sessions import services
from sessions.admin.views import release_state
from sessions.models import PublicSession, Release, Session
from tests.factories import la_time, make_conference, make_room, make_session, make_track
from tests.sessions.admin_forms import message_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(db):
    """An edition whose changes wait for a release."""
    return make_conference(publishes_at_once=False)


@pytest.fixture
def track(edition):
    return make_track(edition, name="Health")


@pytest.fixture
def opening(edition, track):
    return make_session(
        edition,
        title="Opening",
        slug="opening",
        track=track,
        room=make_room(edition, name="Hall"),
        starts_at=la_time(15, "09:00"),
        ends_at=la_time(15, "10:00"),
    )


def retitle(session, title, organizer):
    session = Session.objects.get(pk=session.pk)
    session.title = title
    services.session_save(user=organizer, session=session)
    return session


@pytest.fixture
def two_releases(edition, opening, organizer):
    """v1 with "Opening", v2 with "Opening keynote"."""
    v1 = services.program_release(user=organizer, conference=edition, name="v1")
    retitle(opening, "Opening keynote", organizer)
    v2 = services.program_release(user=organizer, conference=edition, name="v2")
    return v1, v2


def release_url(edition):
    return f"{reverse('admin:program_session_release')}?edition={edition.slug}"


def withdraw_url(release):
    return reverse("admin:program_session_release_withdraw", args=[release.pk])


def session_page(edition, session):
    return f"/en/editions/{edition.slug}/sessions/{session.slug}/"


def public_title(session):
    return PublicSession.objects.get(pk=session.pk).title


# The release page and withdrawing


def test_the_release_page_offers_to_withdraw_the_release_in_force(
    client, edition, two_releases, organizer
):
    v2 = two_releases[1]
    client.force_login(organizer)
    page = client.get(release_url(edition)).text
    assert "Attendees see “v2”." in page
    assert "Every session is as attendees see it." in page
    assert f'action="{withdraw_url(v2)}"' in page
    assert "Withdraw “v2”</button>" in page
    assert "puts “v1” back" in page
    assert "In force: attendees see it" in page
    assert "Replaced by a later release" in page


def test_withdrawing_puts_the_release_before_back_on_the_public_pages(
    client, edition, opening, two_releases, organizer, django_capture_on_commit_callbacks
):
    v2 = two_releases[1]
    anonymous = client.__class__()
    assert "Opening keynote" in anonymous.get(session_page(edition, opening)).text
    client.force_login(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(v2))
    assert response.status_code == 302
    assert response.url == release_url(edition)
    assert message_texts(response) == ["“v2” is withdrawn: attendees see “v1” again."]
    v2.refresh_from_db()
    assert (v2.withdrawn_by, v2.withdrawn_at is not None) == (organizer, True)
    assert public_title(opening) == "Opening"
    public = anonymous.get(session_page(edition, opening)).text
    assert "Opening keynote" not in public
    assert "<h1" in public
    assert "Opening" in public
    # The working program keeps its change, which now waits for the next release.
    page = client.get(release_url(edition)).text
    assert "Attendees see “v1”." in page
    assert "1 session differs from what attendees see" in page
    assert "Withdraw “v1”</button>" in page
    assert "Withdrawn</strong> on" in page
    assert f"by {organizer.username}" in page


def test_withdrawing_the_only_release_leaves_no_program(
    client, edition, opening, organizer, django_capture_on_commit_callbacks
):
    v1 = services.program_release(user=organizer, conference=edition, name="v1")
    client.force_login(organizer)
    assert (
        "leaves attendees, feeds and apps with no program" in client.get(release_url(edition)).text
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(withdraw_url(v1))
    assert message_texts(response) == [
        "“v1” is withdrawn: attendees see no program until the next release."
    ]
    assert not PublicSession.objects.filter(conference=edition).exists()
    assert client.__class__().get(session_page(edition, opening)).status_code == 404
    page = client.get(release_url(edition)).text
    assert "Attendees see no program: no release is in force." in page
    assert "Withdraw “" not in page


def test_a_refused_withdrawal_is_a_message_not_an_error(client, edition, two_releases, organizer):
    v1 = two_releases[0]
    client.force_login(organizer)
    response = client.post(withdraw_url(v1))
    assert response.status_code == 302
    assert message_texts(response) == ["Only the latest release in force can be withdrawn."]
    assert Release.objects.filter(withdrawn_at__isnull=False).count() == 0
    assert public_title(Session.objects.get(slug="opening")) == "Opening keynote"


def test_a_get_withdraws_nothing(client, edition, two_releases, organizer):
    v2 = two_releases[1]
    client.force_login(organizer)
    response = client.get(withdraw_url(v2))
    assert (response.status_code, response.url) == (302, release_url(edition))
    assert not Release.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_track_chair_cannot_withdraw(client, edition, track, two_releases, chair_of):
    v2 = two_releases[1]
    client.force_login(chair_of(track))
    assert client.post(withdraw_url(v2)).status_code == 403
    assert client.get(release_url(edition)).status_code == 403
    assert not Release.objects.filter(withdrawn_at__isnull=False).exists()
    assert public_title(Session.objects.get(slug="opening")) == "Opening keynote"


def test_an_edition_publishing_at_once_says_so_and_offers_no_withdrawal(client, organizer):
    at_once = make_conference(publishes_at_once=True)
    make_session(at_once, title="Opening", slug="opening", room=make_room(at_once))
    services.program_release(user=organizer, conference=at_once, name="v1")
    client.force_login(organizer)
    page = client.get(release_url(at_once)).text
    assert "This edition publishes each change at once" in page
    assert "Withdraw “v1”" not in page
    assert "differ from what attendees see" not in page


# The index, the session list and the board


def test_the_index_says_how_many_changes_wait_for_a_release(
    client, edition, opening, two_releases, organizer
):
    client.force_login(organizer)
    index = client.get(reverse("admin:index")).text
    assert "for a release" not in index
    retitle(opening, "Opening, moved", organizer)
    make_session(edition, title="Closing", slug="closing", room=opening.room)
    index = client.get(reverse("admin:index")).text
    assert (
        f'<a href="{release_url(edition)}">National Immigrant Integration Conference 2014: 2 '
        "changes wait for a release.</a>"
    ) in index


def test_a_track_chair_sees_the_count_without_the_link(
    client, edition, opening, track, two_releases, organizer, chair_of
):
    retitle(opening, "Opening, moved", organizer)
    client.force_login(chair_of(track))
    index = client.get(reverse("admin:index")).text
    assert (
        "<li>National Immigrant Integration Conference 2014: 1 change waits for a release.</li>"
        in (index)
    )


def release_column(response):
    return {session.title: release_state(session) for session in response.context["cl"].result_list}


def test_the_session_list_marks_sessions_that_differ_from_the_release(
    client, edition, opening, two_releases, organizer
):
    retitle(opening, "Opening, moved", organizer)
    room = opening.room
    make_session(
        edition,
        title="Closing",
        slug="closing",
        room=room,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    make_session(edition, title="Idea", slug="idea", status=Session.Status.DRAFT)
    client.force_login(organizer)
    url = f"{reverse('admin:program_session_changelist')}?conference__id__exact={edition.pk}"
    response = client.get(url)
    assert release_column(response) == {
        "Opening, moved": "changed",
        "Closing": "not-released",
        "Idea": None,
    }
    text = response.text
    assert '<span class="program-release-changed">changed since release</span>' in text
    assert '<span class="program-release-not-released">not released</span>' in text
    services.program_release(user=organizer, conference=edition, name="v3")
    response = client.get(url)
    assert set(release_column(response).values()) == {"released", None}
    assert '<span class="program-release-released">released</span>' in response.text


def test_an_edition_publishing_at_once_has_no_release_column(client, organizer):
    at_once = make_conference(publishes_at_once=True)
    make_session(at_once, title="Opening", slug="opening", room=make_room(at_once))
    client.force_login(organizer)
    url = f"{reverse('admin:program_session_changelist')}?conference__id__exact={at_once.pk}"
    assert "column-release_state" not in client.get(url).text


def test_a_session_returned_to_draft_still_shows_until_the_next_release(
    client, edition, opening, two_releases, organizer
):
    Session.objects.filter(pk=opening.pk).update(status=Session.Status.DRAFT)
    client.force_login(organizer)
    url = f"{reverse('admin:program_session_changelist')}?conference__id__exact={edition.pk}"
    assert release_column(client.get(url))["Opening keynote"] == "changed"


def test_the_changelist_runs_as_many_queries_with_the_release_column(
    client, edition, opening, two_releases, organizer
):
    client.force_login(organizer)
    url = f"{reverse('admin:program_session_changelist')}?conference__id__exact={edition.pk}"
    counts = []
    for number in range(2):
        if number:
            for hour in range(11, 17):
                make_session(
                    edition,
                    room=opening.room,
                    starts_at=la_time(15, f"{hour}:00"),
                    ends_at=la_time(15, f"{hour}:30"),
                )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def board_url(edition):
    return f"{reverse('admin:program_session_board')}?edition={edition.slug}&day=2014-12-15"


def test_the_board_marks_a_session_edited_after_the_release(
    client, edition, opening, two_releases, organizer
):
    client.force_login(organizer)
    assert "program-release-badge" not in client.get(board_url(edition)).text
    retitle(opening, "Opening, moved", organizer)
    make_session(
        edition,
        title="Late",
        slug="late",
        room=opening.room,
        starts_at=la_time(15, "14:00"),
        ends_at=la_time(15, "15:00"),
    )
    text = client.get(board_url(edition)).text
    assert '<p class="program-badge program-release-badge">changed since release</p>' in text
    assert '<p class="program-badge program-release-badge">not released</p>' in text


# The public change log


def test_the_change_log_says_a_release_was_withdrawn_and_what_attendees_see(
    client, edition, opening, two_releases, organizer
):
    v2 = two_releases[1]
    services.release_withdraw(user=organizer, release=v2)
    html = client.get(f"/en/editions/{edition.slug}/changes/").text
    v2_section = html.split('<section id="release-2"', 1)[1].split("</section>", 1)[0]
    assert "· withdrawn</span>" in v2_section
    assert "Withdrawn on " in v2_section
    assert ": attendees see “v1” again." in v2_section
    v1_section = html.split('<section id="release-1"', 1)[1].split("</section>", 1)[0]
    assert "Withdrawn" not in v1_section


def test_the_change_log_names_the_release_put_back_past_withdrawn_ones(
    client, edition, opening, organizer, django_capture_on_commit_callbacks
):
    """v1; v2, withdrawn (v1 back); v3, then withdrawn: attendees see v1 again, not v2."""
    services.program_release(user=organizer, conference=edition, name="v1")
    retitle(opening, "Opening 2", organizer)
    v2 = services.program_release(user=organizer, conference=edition, name="v2")
    services.release_withdraw(user=organizer, release=v2)
    retitle(opening, "Opening 3", organizer)
    v3 = services.program_release(user=organizer, conference=edition, name="v3")
    services.release_withdraw(user=organizer, release=v3)
    assert public_title(opening) == "Opening"
    html = client.get(f"/en/editions/{edition.slug}/changes/").text
    v3_section = html.split('<section id="release-3"', 1)[1].split("</section>", 1)[0]
    assert ": attendees see “v1” again." in v3_section
    assert "“v2”" not in v3_section
    with django_capture_on_commit_callbacks(execute=True):  # the page cache moves on
        services.release_withdraw(user=organizer, release=Release.objects.get(name="v1"))
    html = client.get(f"/en/editions/{edition.slug}/changes/").text
    v1_section = html.split('<section id="release-1"', 1)[1].split("</section>", 1)[0]
    assert ": attendees see no program until the next release." in v1_section


# Release notes in every site language


def test_the_release_page_takes_a_note_in_each_language(client, edition, opening, organizer):
    client.force_login(organizer)
    url = reverse("admin:program_session_release") + f"?edition={edition.slug}"
    page = client.get(url)
    assert [(name, str(field.label)) for name, field in page.context["form"].fields.items()] == [
        ("name", "Name"),
        ("note", "Note for attendees in English (optional)"),
        ("note_es", "Note for attendees in Spanish (optional)"),
    ]
    response = client.post(
        url, {"name": "v1", "note": "Rooms settled.", "note_es": "Salas definidas."}
    )
    assert response.status_code == 302
    release = Release.objects.get()
    assert (release.note_en, release.note_es) == ("Rooms settled.", "Salas definidas.")


def test_a_release_note_falls_back_to_the_other_language(edition, opening, organizer):
    only_spanish = services.program_release(
        user=organizer, conference=edition, name="v1", note={"en": "", "es": "Salas definidas."}
    )
    with translation.override("en"):
        assert only_spanish.note == "Salas definidas."
    with translation.override("es"):
        assert only_spanish.note == "Salas definidas."
    services.release_change(
        user=organizer, release=only_spanish, name="v1", note={"en": "Rooms settled.", "es": ""}
    )
    only_english = Release.objects.get()
    with translation.override("es"):
        assert only_english.note == "Rooms settled."
