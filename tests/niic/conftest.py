"""Fixtures of the admin-wide tests (two tracks, one chaired by the attacker) and of the tests
that serve a site prepared as `make run` prepares it."""

import shutil
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group, User

from sessions import services
from sessions.models import Language, PanelMembership, Release, Room, Session
from speakers.models import Message, Organization, Speaker
from tests.factories import (
    la_time,
    make_chair,
    make_organization,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.servers import PROJECT, base_environment
from tracks.models import Conference, Topic

SECRET = "SECRET-B"


@pytest.fixture
def two_tracks(conference):
    """Track A, chaired by the attacker; track B, with a draft nobody outside it may read."""
    organizer = make_organizer(username="organizer")
    track_a = make_track(conference, name="Track A", slug="track-a")
    track_b = make_track(conference, name="Track B", slug="track-b")
    chair = make_chair(track_a, username="chair-a")
    make_chair(track_b, username="chair-b")
    topic_b = make_topic(track_b, name="Topic B", slug="topic-b")
    room = make_room(conference, name="Hall", slug="hall")
    organization = make_organization(name="Org of B", slug="org-of-b")
    speaker_b = make_speaker(name="Only On B", slug="only-on-b", organization=organization)
    draft_b = make_session(
        conference,
        title=f"{SECRET} plan",
        slug="secret-b-plan",
        track=track_b,
        room=room,
        description=f"{SECRET} details",
        status=Session.Status.DRAFT,
    )
    services.session_save(
        user=organizer,
        session=draft_b,
        related=services.Related(
            topics=[topic_b], panel=[services.Seat(speaker=speaker_b, role="moderator")]
        ),
    )
    draft_b.title = f"{SECRET} plan, second version"
    services.session_save(user=organizer, session=draft_b)
    speaker_b.bio = "Bio"
    speaker_b.save()
    mine = make_session(
        conference,
        title="My own draft",
        slug="my-own-draft",
        track=track_a,
        status=Session.Status.DRAFT,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    seat(mine, make_speaker(name="Mine", slug="mine"))
    objects_of_b = {
        Language: Language.objects.create(code="es", name="Español"),
        Topic: topic_b,
        Room: room,
        Session: draft_b,
        PanelMembership: draft_b.panel.get(),
        Speaker: speaker_b,
        Organization: organization,
        Conference: conference,
        User: organizer,
        Group: Group.objects.get(name="Organizers"),
        # Organizers only read the e-mail to speakers.
        Message: Message.objects.create(
            speaker=speaker_b,
            kind=Message.Kind.INVITATION,
            to="only-on-b@example.org",
            language="en",
            subject=f"{SECRET} invitation",
            body=f"{SECRET} plan: {Message.LINK_PLACEHOLDER}",
        ),
        # Organizers only may change a release (sessions.services.release_change).
        Release: Release.objects.create(
            conference=conference, number=1, name="v1", released_at=la_time(14, "09:00")
        ),
    }
    return {
        "chair": chair,
        "organizer": organizer,
        "track_a": track_a,
        "track_b": track_b,
        "draft_b": draft_b,
        "objects": objects_of_b,
    }


PASSWORD = "a-long-pass-phrase-for-two-workers"


def manage(environment, *arguments):
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT,
        env={**base_environment(), **environment},
        check=True,
        timeout=300,
        capture_output=True,
    )


@pytest.fixture(scope="session")
def prepared_site(tmp_path_factory):
    """A SQLite file as `make run` prepares it: migrated, with its cache table, the NIIC
    program and an organizer. Made once; each test serves a copy of it."""
    database = tmp_path_factory.mktemp("prepared-site") / "db.sqlite3"
    environment = {"DATABASE_URL": f"sqlite:///{database}"}
    manage(environment, "migrate", "--noinput")
    manage(environment, "createcachetable")
    manage(environment, "setup_roles")
    manage(environment, "load_niic", "--sample-schedule")
    manage(
        {
            **environment,
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_USERNAME": "organizer",
            "DJANGO_SUPERUSER_EMAIL": "organizer@example.org",
        },
        "createsuperuser",
        "--noinput",
    )
    return database


@pytest.fixture
def site(prepared_site, tmp_path):
    """The environment of a site on its own copy of the prepared SQLite file."""
    database = tmp_path / "db.sqlite3"
    shutil.copyfile(prepared_site, database)
    return {"DATABASE_URL": f"sqlite:///{database}"}
