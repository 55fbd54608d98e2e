import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_login_uses_django_sessions_and_reaches_our_program_app(client):
    # django.contrib.sessions and our sessions/ app (label "program") live side by side.
    call_command("load_niic", sample_schedule=True, verbosity=0)
    User.objects.create_superuser("organizer", "organizer@example.org", "a-long-pass-phrase")
    login = client.post(
        reverse("admin:login"),
        {"username": "organizer", "password": "a-long-pass-phrase", "next": "/admin/"},
    )
    assert (login.status_code, login["Location"]) == (302, "/admin/")
    assert "sessionid" in client.cookies

    changelist = client.get(reverse("admin:program_session_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 22
    assert "Opening plenary" in changelist.text


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:tracks_conference_changelist",
        "admin:tracks_track_changelist",
        "admin:tracks_topic_changelist",
        "admin:speakers_speaker_changelist",
        "admin:speakers_organization_changelist",
        "admin:program_room_changelist",
        "admin:program_session_changelist",
        "admin:program_session_add",
        "admin:program_panelmembership_changelist",
        "admin:program_language_changelist",
    ],
)
def test_every_model_is_in_the_admin(admin_client, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200
