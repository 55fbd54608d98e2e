"""Offline at the venue (issue 21), server side: the list of pages the service worker keeps
(the released program of the current edition, in one language, nothing private), the service
worker itself (at the root, never kept without asking, new with each deployment), the manifest
and what every public page carries for them. The browser side is tests/browser/test_offline.py."""

import json
import re

import pytest
from django.test import Client

from niic import offline
from sessions.models import Session
from sessions.services import program_release
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


@pytest.fixture
def gated(organizer):
    """The current edition, behind the release step: Civic Voices (Ana on its panel) released,
    then a second session published but not released, and a draft."""
    conference = make_conference(slug="gated", publishes_at_once=False, is_current=True)
    track = make_track(conference, slug="rights")
    make_topic(track, slug="voting")
    hall = make_room(conference, slug="hall")
    civic = make_session(conference, slug="civic", title="Civic Voices", track=track, room=hall)
    seat(civic, make_speaker(slug="ana-ruiz", name="Ana Ruiz"))
    program_release(user=organizer, conference=conference, name="v1")
    later = make_session(
        conference,
        slug="not-yet-released",
        track=track,
        room=hall,
        starts_at=la_time(16, "10:00"),
        ends_at=la_time(16, "11:00"),
    )
    seat(later, make_speaker(slug="ben-ode", name="Ben Ode"))
    make_session(conference, slug="a-draft", status=Session.Status.DRAFT, track=track)
    return conference


def kept(language="en"):
    response = Client().get(f"/{language}/offline/pages.json")
    assert response.status_code == 200
    return response.json()


def test_the_list_keeps_the_released_edition_in_the_visitors_language(gated):
    listed = kept("es")
    edition = "/es/editions/gated"
    assert listed["pages"] == [
        f"{edition}/sessions/civic/",
        "/es/speakers/ana-ruiz/",
        f"{edition}/tracks/rights/",
        f"{edition}/tracks/rights/voting/",
        f"{edition}/rooms/hall/",
    ]
    days = ["2014-12-14", "2014-12-15", "2014-12-16"]
    assert listed["core"] == [
        "/es/",
        "/es/schedule/",
        *(f"/es/schedule/?day={day}" for day in days),
        f"{edition}/schedule/",
        *(f"{edition}/schedule/?day={day}" for day in days),
        "/es/program/",
        f"{edition}/program/",
        "/es/tracks/",
        f"{edition}/tracks/",
        "/es/speakers/",
        "/es/agenda/",
        "/es/changes.json",
        "/es/offline/",
        "/es/manifest.webmanifest",
        "/track-colours.css",
    ]
    assert "/static/niic/site.css" in listed["static"]
    assert "/static/niic/offline.js" in listed["static"]
    assert "/static/niic/sw.js" not in listed["static"]
    assert listed["time_zone"] == "America/Los_Angeles"


def test_the_list_names_no_private_page_and_each_page_it_names_is_public(gated):
    listed = kept()
    client = Client()
    for path in listed["core"] + listed["pages"]:
        assert not path.startswith(("/admin/", "/en/speaker/", "/preview/")), path
        response = client.get(path)
        assert response.status_code == 200, path
        assert "public" in response["Cache-Control"], path
        assert not response.cookies, path


def test_the_list_takes_a_release_at_once(gated, organizer, django_capture_on_commit_callbacks):
    assert "/en/editions/gated/sessions/not-yet-released/" not in kept()["pages"]
    with django_capture_on_commit_callbacks(execute=True):
        program_release(user=organizer, conference=gated, name="v2")
    assert "/en/editions/gated/sessions/not-yet-released/" in kept()["pages"]
    assert "/en/speakers/ben-ode/" in kept()["pages"]


def test_the_stored_copy_is_bounded_by_the_edition(gated):
    """At most one language of one edition: a page per session, speaker, track, topic and
    room, and the core pages (figures at 1,000 sessions in the report of issue 21)."""
    listed = kept()
    assert len(listed["pages"]) == 5
    # Home, the schedule and its three days twice (/schedule/ and the edition's own), the whole
    # program and tracks twice, speakers, agenda, the agenda's changes.json, the offline page,
    # the manifest and the tracks' colours.
    assert len(listed["core"]) == 1 + 2 * (1 + 3) + 2 * 2 + 6


def test_the_service_worker_is_served_at_the_root_and_never_kept_without_asking(gated):
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    assert not response.has_header("ETag")  # not from the page cache, where it would outlive
    # a deployment
    source = response.content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*?\});", source).group(1))
    assert config["deployment"] == offline.deployment_version()
    assert config["lists"] == {"en": "/en/offline/pages.json", "es": "/es/offline/pages.json"}
    assert config["offlinePages"] == {"en": "/en/offline/", "es": "/es/offline/"}
    assert {"/admin/", "/en/speaker/", "/es/speaker/"} <= set(config["neverStored"])


def test_a_new_deployment_is_a_new_service_worker(gated, monkeypatch):
    before = Client().get("/sw.js").content
    monkeypatch.setattr(offline, "deployment_version", lambda: "the-next-one")
    after = Client().get("/sw.js").content
    assert before != after
    assert b'"deployment": "the-next-one"' in after


def test_the_deployment_version_follows_the_code_and_may_be_named(settings):
    offline.deployment_version.cache_clear()
    assert re.fullmatch(r"[0-9a-f]{16}", offline.deployment_version())
    settings.NIIC_DEPLOYMENT_VERSION = "2026-12-07.1"
    offline.deployment_version.cache_clear()
    assert offline.deployment_version() == "2026-12-07.1"
    offline.deployment_version.cache_clear()


@pytest.mark.parametrize(("language", "name"), [("en", "NIIC program"), ("es", None)])
def test_the_manifest_makes_the_site_an_app_in_the_pages_language(gated, language, name):
    response = Client().get(f"/{language}/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    if name:
        assert manifest["name"] == name
    assert manifest["lang"] == language
    assert manifest["start_url"] == f"/{language}/schedule/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    # The design tokens' brand colour (static/niic/site.css).
    assert manifest["theme_color"] == "#0b3a5b"
    assert {(icon["sizes"], icon.get("purpose")) for icon in manifest["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
        ("any", None),
    }
    for icon in manifest["icons"]:
        assert (offline.STATIC_FOLDER / icon["src"].rsplit("/", 1)[1]).exists()


def test_the_icons_are_the_sizes_the_manifest_says():
    for name, size in [("icon-192", 192), ("icon-512", 512), ("icon-maskable-512", 512)]:
        header = (offline.STATIC_FOLDER / f"{name}.png").read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20]) == size
        assert int.from_bytes(header[20:24]) == size


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_public_page_links_the_manifest_and_the_offline_script(gated, language):
    body = Client().get(f"/{language}/schedule/").content.decode()
    assert f'<link rel="manifest" href="/{language}/manifest.webmanifest">' in body
    assert '<meta name="theme-color" content="#0b3a5b">' in body
    assert '<meta name="niic-service-worker" content="/sw.js">' in body
    assert '<script type="module" src="/static/niic/offline.js"></script>' in body
    # The note is there for the service worker's copy, hidden on the page itself.
    assert re.search(r"<aside class=\"offline-note\"[^>]* hidden>", body)


def test_the_offline_page_links_to_what_is_kept(gated):
    body = Client().get("/es/offline/").content.decode()
    core = kept("es")["core"]
    edition = "/es/editions/gated"
    for path in [
        "/es/",
        f"{edition}/schedule/",
        f"{edition}/schedule/?day=2014-12-14",
        f"{edition}/schedule/?day=2014-12-16",
        f"{edition}/program/",
        f"{edition}/tracks/",
        "/es/speakers/",
        "/es/agenda/",
    ]:
        assert f'href="{path}"' in body, path
        assert path in core, path
