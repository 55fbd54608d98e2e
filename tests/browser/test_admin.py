"""What a track chair does with the program in the admin, in a real browser: log in, find the
drafts of their own track, put a speaker on a panel through the autocomplete and publish; the
session then appears on the public schedule. The admin runs under the site's strict
Content-Security-Policy, so a script or style it blocks shows up as a console error here."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from niic.roles import TRACK_CHAIRS, setup_roles
from sessions.models import Room, Session
from speakers.models import Speaker
from tracks.models import Track

pytestmark = pytest.mark.browser

EDITION = "niic-2014"
TRACK = "engaging-receiving-communities"
PASSWORD = "a-long-pass-phrase"
DRAFT = "Chair's draft panel"
# Tuesday 16 December, Room B: free at 13:00 in the sample schedule. Eva Millona sits on the
# Closing plenary that morning (10:30–12:00), so publishing her here clashes with nothing.
DAY = datetime.date(2014, 12, 16)
SPEAKER = "Eva Millona"
# How Chromium words a blocked script, style, image or connection, old and new.
CSP_VIOLATION = re.compile(r"Refused to|Content Security Policy")


def make_track_chair():
    setup_roles()
    chair = User.objects.create_user("chair", password=PASSWORD, is_staff=True)
    chair.groups.add(Group.objects.get(name=TRACK_CHAIRS))
    track = Track.objects.get(slug=TRACK, conference__slug=EDITION)
    track.chairs.add(chair)
    return chair, track


def make_draft(track):
    conference = track.conference
    at = conference.tzinfo

    def local(clock):
        return datetime.datetime.combine(DAY, datetime.time.fromisoformat(clock), tzinfo=at)

    return Session.objects.create(
        conference=conference,
        track=track,
        title=DRAFT,
        slug="chairs-draft-panel",
        starts_at=local("13:00"),
        ends_at=local("14:00"),
        room=Room.objects.get(slug="room-b", conference=conference),
        status=Session.Status.DRAFT,
    )


def record_problems(page):
    """Console errors and uncaught exceptions. A CSP violation is a console error: “Executing
    inline script violates the following Content Security Policy directive…”."""
    problems = []
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.on(
        "console",
        lambda message: (
            (message.type == "error" or CSP_VIOLATION.search(message.text))
            and not message.location.get("url", "").endswith("/favicon.ico")
            and problems.append(f"{page.url}: {message.text}")
        ),
    )
    return problems


def test_a_track_chair_adds_a_panelist_and_publishes_a_draft(page):
    _, track = make_track_chair()
    draft = make_draft(track)
    assert Speaker.objects.filter(name=SPEAKER).exists()
    problems = record_problems(page)

    page.goto("/admin/login/")
    page.locator("#id_username").fill("chair")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/program/session/")
    results = page.locator("#result_list")
    expect(results.get_by_role("link", name=DRAFT, exact=True)).to_be_visible()
    # Only the chair's own track: the plenaries belong to no track, others to other chairs.
    expect(results.get_by_role("link", name="Opening plenary", exact=True)).to_have_count(0)
    expect(
        results.get_by_role("link", name=re.compile("^Sample session for the track"))
    ).to_have_count(0)

    results.get_by_role("link", name=DRAFT, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/admin/program/session/{draft.pk}/change/$"))

    # The panel is empty, so the inline's one extra row is the first empty one.
    page.locator("#panel-0 .select2-container").click()
    page.locator(".select2-container--open .select2-search__field").fill("Eva")
    # Opening the list already shows every speaker; pick from the search's answer, not from
    # that first list, which the answer replaces.
    options = page.locator(".select2-container--open .select2-results__option")
    expect(options).to_have_text([SPEAKER])
    options.get_by_text(SPEAKER, exact=True).click()
    expect(page.locator("#panel-0 .select2-selection__rendered")).to_have_text(re.compile(SPEAKER))
    page.locator("#id_status").select_option(Session.Status.PUBLISHED)
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(re.compile(r"/admin/program/session/(\?.*)?$"))
    expect(page.locator(".messagelist .success")).to_contain_text(
        re.compile(rf"{re.escape(DRAFT)}.*was changed successfully")
    )
    expect(page.locator(".messagelist .warning, .messagelist .error")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert problems == [], "\n".join(problems)

    draft.refresh_from_db()
    assert draft.status == Session.Status.PUBLISHED
    assert list(draft.panel.values_list("speaker__name", "role")) == [(SPEAKER, "panelist")]

    page.goto(f"/en/schedule/?day={DAY.isoformat()}")
    card = page.locator("[data-results] article").filter(has=page.locator("h3", has_text=DRAFT))
    expect(card).to_have_count(1)
    expect(card.locator(".who")).to_have_text(SPEAKER)
