import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from sessions.conflicts import find_conflicts
from sessions.models import PanelMembership, PublicSession, Release, Room, Session
from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

pytestmark = pytest.mark.django_db

ARTICLE_TRACKS = [
    "economic opportunity, inclusion, and stability",
    "education services and systems: strengthening the cornerstone for integration",
    "healthy families and healthy communities",
    "arts, culture, mass media, and the immigrant experience",
    "from naturalization to full citizenship",
    "global migration and international models for integration",
    "engaging receiving communities",
    "strengthening our nation through workforce development",
    "protecting our rights and expanding our freedoms",
]


def snapshot():
    """Every row the loader writes, with its values, to compare two runs."""
    return {
        model.__name__: sorted(model.objects.values_list(), key=str)
        for model in (Conference, Track, Topic, Organization, Speaker, Room, Session)
    } | {
        "panel": sorted(PanelMembership.objects.values_list(), key=str),
        "topics": sorted(Session.topics.through.objects.values_list(), key=str),
        "releases": sorted(Release.objects.values_list("conference", "number", "name")),
        "released": sorted(PublicSession.objects.values_list("pk", "title", "starts_at")),
    }


def test_load_niic_states_the_conference_as_the_article_does():
    call_command("load_niic", verbosity=0)
    conference = Conference.objects.get()
    assert (
        conference.name,
        conference.short_name,
        conference.ordinal,
        conference.year,
        conference.city,
        conference.start_date,
        conference.end_date,
        conference.time_zone,
        conference.organizer,
        conference.is_current,
        conference.is_sample,
    ) == (
        "National Immigrant Integration Conference",
        "NIIC",
        7,
        2014,
        "Los Angeles, California",
        datetime.date(2014, 12, 14),
        datetime.date(2014, 12, 16),
        "America/Los_Angeles",
        "National Partnership for New Americans",
        True,
        False,
    )
    assert list(conference.tracks.values_list("name", flat=True)) == ARTICLE_TRACKS


def test_load_niic_gives_the_two_quoted_track_descriptions_and_their_topics():
    call_command("load_niic", verbosity=0)
    described = Track.objects.exclude(description="").order_by("order")
    assert [track.name for track in described] == [
        "economic opportunity, inclusion, and stability",
        "engaging receiving communities",
    ]
    assert described[0].description.startswith(
        "“access to economic opportunity is essential to ensure the financial success"
    )
    assert described[1].description.startswith(
        "“successful immigrant integration requires support from and engagement"
    )
    topics = {track.name: list(track.topics.values_list("name", flat=True)) for track in described}
    assert topics == {
        "economic opportunity, inclusion, and stability": [
            "building financial capability in immigrant and refugee communities",
            "immigration and the states: advancing state policy priorities in immigration",
            "building economic power for immigrant workers: union organizing, apprenticeships "
            "and collective bargaining",
            "entrepreneurship as a component of integration in welcoming cities",
            "creating a sustainable economy for all: common sense economics",
        ],
        "engaging receiving communities": [
            "what works: overcoming backlash and fostering greater understanding in today’s "
            "volatile environment",
            "promoting greater Arab, Middle Eastern, Muslim and South Asian community inclusion",
            "how to communicate about changing demographics and address unconscious prejudice",
            "building alliances between African Americans and immigrants",
        ],
    }
    assert Topic.objects.count() == 9


def test_load_niic_names_the_people_with_their_organizations():
    call_command("load_niic", verbosity=0)
    people = [
        (speaker.name, speaker.organization.name, speaker.organization.acronym)
        for speaker in Speaker.objects.select_related("organization")
    ]
    assert people == [
        ("Angelica Salas", "Coalition for Human Immigrant Rights Los Angeles", "CHIRLA"),
        ("Eva Millona", "National Partnership for New Americans", ""),
        ("Joshua Hoyt", "National Partnership for New Americans", ""),
        ("Julien Ross", "National Partnership for New Americans", ""),
    ]


def test_without_the_flag_no_schedule_is_invented():
    call_command("load_niic", verbosity=0)
    assert Session.objects.count() == 0
    assert Room.objects.count() == 0


def test_load_niic_releases_the_sample_schedule_once_for_attendees(client):
    call_command("load_niic", sample_schedule=True, verbosity=0)
    conference = Conference.objects.get(slug="niic-2014")
    assert list(conference.releases.values_list("name", flat=True)) == ["v1"]
    assert not conference.publishes_at_once
    public = Session.objects.public().filter(conference=conference)
    assert set(PublicSession.objects.values_list("pk", flat=True)) == set(
        public.values_list("pk", flat=True)
    )
    page = client.get("/en/editions/niic-2014/sessions/opening-plenary/")
    assert page.status_code == 200


def test_running_load_niic_twice_changes_nothing():
    call_command("load_niic", sample_schedule=True, verbosity=0)
    first = snapshot()
    call_command("load_niic", sample_schedule=True, verbosity=0)
    assert snapshot() == first


def test_load_niic_leaves_another_current_edition_current():
    call_command("load_niic", verbosity=0)
    niic = Conference.objects.get()
    niic.is_current = False
    niic.save()
    later = Conference.objects.create(
        name="Later edition", short_name="NIIC", ordinal=8, year=2015, slug="niic-2015",
        city="Somewhere", start_date=datetime.date(2015, 11, 1),
        end_date=datetime.date(2015, 11, 3), time_zone="America/New_York",
        organizer="Someone", is_current=True,
    )  # fmt: skip
    call_command("load_niic", verbosity=0)
    assert Conference.objects.current() == later


def test_sample_schedule_is_marked_sample_and_obeys_every_rule():
    call_command("load_niic", sample_schedule=True, verbosity=0)
    sessions = Session.objects.select_related("conference", "room", "track")
    assert sessions.count() == 22
    assert {(session.is_sample, session.status) for session in sessions} == {(True, "published")}
    assert set(Room.objects.values_list("is_sample", flat=True)) == {True}
    for session in sessions:
        session.full_clean()
    assert find_conflicts(Session.objects.all()) == []
    # Every topic the article lists has its session, titled after the topic, in its track.
    for topic in Topic.objects.select_related("track"):
        assert list(topic.sessions.values_list("title", "track__name")) == [
            (topic.name, topic.track.name)
        ]
    # Each of the nine tracks can be browsed.
    assert Track.objects.filter(sessions__isnull=True).count() == 0


def test_sample_schedule_times_are_local_to_los_angeles(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    call_command("load_niic", sample_schedule=True, verbosity=0)
    opening = Session.objects.get(title="Opening plenary")
    local = timezone.localtime(opening.starts_at, opening.conference.tzinfo)
    assert (local.date(), local.strftime("%H:%M %Z")) == (datetime.date(2014, 12, 14), "13:00 PST")
    assert [seat.speaker.name for seat in opening.panel.all()] == ["Angelica Salas"]
