"""Track chairs among their colleagues: another track's published session opens read-only and
says whom to ask; another track's draft stays invisible; the conflicts page says when a clash
involves a session they cannot see; chairs correct the speakers of their tracks' panels."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from sessions import services
from sessions.models import Session
from speakers.models import Speaker
from tests.factories import la_time, make_organization, make_session, make_speaker, make_track, seat
from tests.sessions.admin_forms import change_url, message_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracks(conference):
    return make_track(conference, name="Health"), make_track(conference, name="Education")


@pytest.fixture
def health_chair(tracks, chair_of):
    return chair_of(tracks[0], username="hana", first_name="Hana", last_name="Ito")


@pytest.fixture
def education_chair(tracks, chair_of):
    return chair_of(
        tracks[1], username="eli", first_name="Eli", last_name="Ruiz", email="eli@example.org"
    )


# A colleague's session


def test_a_colleagues_published_session_opens_read_only_saying_whom_to_ask(
    client, conference, tracks, health_chair, education_chair
):
    theirs = make_session(conference, track=tracks[1], title="Schools")
    client.force_login(health_chair)
    page = client.get(change_url(theirs))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert message_texts(page) == [
        "This session belongs to the track “Education”; ask its chair, Eli Ruiz "
        "(eli@example.org), to change it. You can read it here."
    ]
    assert "Schools" in page.text
    # No link to its history, which stays closed to them (their own sessions have one).
    assert reverse("admin:program_session_history", args=[theirs.pk]) not in page.text
    mine = make_session(conference, track=tracks[0], title="Clinics", slug="clinics")
    own_page = client.get(change_url(mine))
    assert reverse("admin:program_session_history", args=[mine.pk]) in own_page.text
    assert client.post(change_url(theirs), {"title_en": "Hacked"}).status_code == 403
    assert Session.objects.get(pk=theirs.pk).title_en == "Schools"


def test_a_colleagues_draft_stays_invisible(client, conference, tracks, health_chair):
    draft = make_session(conference, track=tracks[1], status=Session.Status.DRAFT)
    client.force_login(health_chair)
    response = client.get(change_url(draft), follow=True)
    assert [message for message in message_texts(response) if "exist" in message] == [
        f"session with ID “{draft.pk}” doesn’t exist. Perhaps it was deleted?"
    ]
    history = reverse("admin:program_session_history", args=[draft.pk])
    assert client.get(history).status_code == 404


def test_a_colleagues_published_sessions_history_stays_closed(
    client, conference, tracks, health_chair
):
    """Its history may hold versions from before it was published."""
    theirs = make_session(conference, track=tracks[1])
    client.force_login(health_chair)
    history = reverse("admin:program_session_history", args=[theirs.pk])
    assert client.get(history).status_code == 404


def test_a_session_common_to_all_tracks_says_organizers_change_it(client, conference, health_chair):
    plenary = make_session(conference, title="Opening plenary")
    client.force_login(health_chair)
    page = client.get(change_url(plenary))
    assert page.status_code == 200
    assert message_texts(page) == [
        "This session is common to all tracks: only organizers change it. You can read it here."
    ]


def test_a_chairs_own_session_opens_to_change_with_no_message(
    client, conference, tracks, health_chair
):
    own = make_session(conference, track=tracks[0])
    client.force_login(health_chair)
    page = client.get(change_url(own))
    assert (page.status_code, page.context["has_change_permission"]) == (200, True)
    assert message_texts(page) == []


# Correcting the speakers of their panels


def test_a_chair_corrects_a_speaker_of_their_tracks_panel(conference, tracks, health_chair):
    speaker = make_speaker(name="Eva Milona", job_title="Director")
    seat(make_session(conference, track=tracks[0]), speaker)
    organization = make_organization(name="ISANA")
    speaker.name = "Eva Millona"
    speaker.job_title_es = "Directora"
    speaker.bio_en = "Leads ISANA."
    speaker.organization = organization
    services.program_object_save(user=health_chair, obj=speaker)
    stored = Speaker.objects.get(pk=speaker.pk)
    assert (stored.name, stored.job_title_es, stored.bio_en, stored.organization) == (
        "Eva Millona",
        "Directora",
        "Leads ISANA.",
        organization,
    )


def test_a_chair_changes_no_speaker_of_other_tracks_only(conference, tracks, health_chair):
    speaker = make_speaker(name="Eva Millona")
    seat(make_session(conference, track=tracks[1]), speaker)
    speaker.name = "Hacked"
    with pytest.raises(PermissionDenied) as refusal:
        services.program_object_save(user=health_chair, obj=speaker)
    assert str(refusal.value) == "You are not allowed to change speakers."
    assert Speaker.objects.get(pk=speaker.pk).name == "Eva Millona"


def test_a_chair_changes_no_private_field_of_their_speaker(conference, tracks, health_chair):
    speaker = make_speaker(name="Eva Millona", email="eva@example.org")
    seat(make_session(conference, track=tracks[0]), speaker)
    speaker.email = "someone@example.org"
    with pytest.raises(PermissionDenied) as refusal:
        services.program_object_save(user=health_chair, obj=speaker)
    assert str(refusal.value) == (
        "As a track chair you may correct a speaker's name, job title, biography, organization, "
        "photo and website. Not changed: e-mail address."
    )


def test_a_chair_corrects_a_speaker_in_the_admin(client, conference, tracks, health_chair):
    speaker = make_speaker(name="Eva Milona", email="eva@example.org")
    seat(make_session(conference, track=tracks[0]), speaker)
    client.force_login(health_chair)
    url = reverse("admin:speakers_speaker_change", args=[speaker.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert sorted(page.context["adminform"].form.fields) == sorted(
        [
            "name",
            "pronouns",
            "organization",
            "photo",
            "website",
            "job_title_en",
            "job_title_es",
            "bio_en",
            "bio_es",
        ]
    )
    data = {
        "name": "Eva Millona",
        "pronouns": "",
        "organization": "",
        "website": "",
        "job_title_en": "Director",
        "job_title_es": "Directora",
        "bio_en": "",
        "bio_es": "",
        "email": "forged@example.org",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    stored = Speaker.objects.get(pk=speaker.pk)
    assert (stored.name, stored.job_title_es, stored.email) == (
        "Eva Millona",
        "Directora",
        "eva@example.org",
    )


def test_a_chair_opens_a_speaker_of_other_tracks_only_to_read(
    client, conference, tracks, health_chair
):
    speaker = make_speaker(name="Eva Millona")
    seat(make_session(conference, track=tracks[1]), speaker)
    client.force_login(health_chair)
    url = reverse("admin:speakers_speaker_change", args=[speaker.pk])
    assert client.get(url).context["has_change_permission"] is False
    assert client.post(url, {"name": "Hacked"}).status_code == 403


# Conflicts with sessions a chair cannot see


def test_the_conflicts_page_tells_a_chair_of_a_clash_with_a_hidden_draft(
    client, conference, tracks, health_chair, education_chair
):
    eva = make_speaker(name="Eva Millona")
    own = make_session(conference, track=tracks[0], title="Clinics")
    seat(own, eva)
    hidden = make_session(
        conference,
        track=tracks[1],
        status=Session.Status.DRAFT,
        title="Secret draft",
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:30"),
    )
    seat(hidden, eva)
    client.force_login(health_chair)
    page = client.get(reverse("admin:program_session_conflicts"))
    assert page.status_code == 200
    assert [str(each) for each in page.context["hidden_clashes"]] == [
        "Eva Millona is also on a session of the track “Education” at that time (not visible "
        "to you); ask its chair, Eli Ruiz (eli@example.org)."
    ]
    assert "Secret draft" not in page.text
    assert "No room or speaker is double-booked" not in page.text
