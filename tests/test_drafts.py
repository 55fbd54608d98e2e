"""Drafts never leak: an unpublished session appears on no public page, feed, search result,
agenda or speaker page, and a speaker seen only on drafts has no public page."""

import pytest

from sessions import services
from sessions.models import Session
from tests.factories import (
    la_time,
    make_organization,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(conference):
    conference.is_current = True
    conference.save()
    track = make_track(conference, slug="rights", name="Rights")
    topic = make_topic(track, slug="due-process", name="Due process")
    room = make_room(conference, slug="hall", name="Hall")
    published = make_session(conference, title="Announced panel", track=track, room=room)
    published.topics.set([topic])
    seat(published, make_speaker(name="Public Person", slug="public-person"))
    draft = make_session(
        conference,
        title="Secret draft",
        slug="secret-draft",
        track=track,
        room=room,
        description="Secret plans",
        status=Session.Status.DRAFT,
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    draft.topics.set([topic])
    hidden_org = make_organization(name="Hidden Org", slug="hidden-org")
    seat(draft, make_speaker(name="Draft Person", slug="draft-person", organization=hidden_org))
    # Two releases with the draft beside them: neither may mention it.
    organizer = make_organizer()
    services.program_release(user=organizer, conference=conference, name="v1")
    published.title = "Announced panel, retitled"
    services.session_save(user=organizer, session=published)
    draft.title = "Secret draft, retitled"
    services.session_save(user=organizer, session=draft)
    services.program_release(user=organizer, conference=conference, name="v2")
    return {"conference": conference, "draft": draft, "published": published}


PUBLIC_PAGES = [
    "/en/",
    "/en/schedule/?day=2014-12-15",
    "/en/schedule/?day=2014-12-16",
    "/en/schedule/?q=Secret",
    "/en/schedule/?speaker=Draft",
    "/en/tracks/",
    "/en/editions/{slug}/tracks/rights/",
    "/en/editions/{slug}/tracks/rights/due-process/",
    "/en/editions/{slug}/rooms/hall/",
    "/en/editions/{slug}/sessions/{published_slug}/",
    "/en/editions/{slug}/schedule.ics",
    "/en/editions/{slug}/tracks/rights/calendar.ics",
    "/en/speakers/",
    "/en/search/?q=Secret",
    "/en/search/?q=Person",
    "/en/agenda/?sessions={draft_id},{published_id}",
    "/en/agenda.ics?sessions={draft_id},{published_id}",
    "/en/editions/{slug}/schedule.xml",
    "/en/editions/{slug}/schedule.json",
    "/en/editions/{slug}/schedule.xcs",
    "/en/editions/{slug}/schedule.csv",
    "/en/editions/{slug}/schedule-excel.csv",
    "/en/editions/{slug}/apps/",
    "/en/editions/{slug}/changes/",
    "/en/editions/{slug}/changes.atom",
    "/en/changes.json",
    "/en/speakers/public-person/calendar.ics",
    "/en/sitemap.xml",
    "/es/sitemap.xml",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_or_feed_shows_a_draft(client, program, path):
    path = path.format(
        slug=program["conference"].slug,
        published_slug=program["published"].slug,
        draft_id=program["draft"].pk,
        published_id=program["published"].pk,
    )
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Secret draft" not in body
    assert "secret-draft" not in body
    assert "Secret plans" not in body
    assert "Draft Person" not in body
    assert "Hidden Org" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/en/editions/{slug}/sessions/secret-draft/",
        "/en/editions/{slug}/sessions/secret-draft/calendar.ics",
        "/en/speakers/draft-person/",
        "/en/speakers/draft-person/calendar.ics",
        "/en/organizations/hidden-org/",
    ],
)
def test_a_draft_and_the_people_only_on_drafts_have_no_public_page(client, program, path):
    response = client.get(path.format(slug=program["conference"].slug))
    assert response.status_code == 404


def test_publishing_the_draft_makes_its_speaker_public(client, program, organizer):
    services.sessions_publish(user=organizer, sessions=[program["draft"]])
    assert client.get("/en/speakers/draft-person/").status_code == 200
