"""The organizer's workbench in a real browser: sessions dragged on the schedule board, or moved
with the keyboard, land where they were put, on the board and on the public schedule; a clash
is marked at once and publishing it is refused; a track chair moves only their own sessions;
axe finds nothing on the board and the session form. Everything runs under the site's strict
Content-Security-Policy: a blocked script or style would be a console error here."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from niic.roles import ORGANIZERS, TRACK_CHAIRS, setup_roles
from sessions.models import Room, Session
from tests.browser.test_accessibility import AXE_OPTIONS, report
from tests.browser.test_admin import record_problems
from tracks.models import Conference, Track

pytestmark = pytest.mark.browser

PASSWORD = "a-long-pass-phrase"
MONDAY = "2014-12-15"
BOARD = f"/admin/program/session/board/?edition=niic-2014&day={MONDAY}"
# Monday in the sample schedule: Room A, B and C hold panels 09:00–10:15 and 10:45–12:00; the
# main hall the morning break (10:15–10:45) and lunch (12:00–13:30). Room C is free from 12:00.
BREAK = "Morning break"
ROOM_A_PANEL = "building economic power for immigrant workers"


@pytest.fixture
def page(new_page):
    """A window the size the workbench is made for, tall enough for each card and cell dragged
    here to be in view (Chromium starts no drag when the page scrolls under a pressed mouse;
    a quarter hour of the board is 2rem tall, so that a card's height says its length)."""
    return new_page(viewport={"width": 1440, "height": 1400})


def log_in(page, group, username):
    setup_roles()
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return user


def local(clock, day=MONDAY):
    conference = Conference.objects.get(slug="niic-2014")
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time.fromisoformat(clock), conference.tzinfo
    )


def card(page, title):
    return page.locator("[data-board-area] article.program-card", has_text=title)


def cell(page, room, clock, day=MONDAY):
    """The board's cell of a room at a quarter hour (an empty one, or one starting there)."""
    column = page.locator("[data-board] thead th[data-room]").evaluate_all(
        "(headers, room) => headers.findIndex((header) => header.textContent.trim() === room)",
        room,
    )
    return page.locator(f'tr[data-starts="{day}T{clock}"] td[data-column="{column}"]')


def status(page):
    return page.locator("[data-board-status]")


def test_a_session_dragged_to_another_room_and_time_moves_on_the_public_schedule(page):
    problems = record_problems(page)
    log_in(page, ORGANIZERS, "organizer")
    page.goto(BOARD)

    # Grabbed by its top, which lands where it is dropped (a card keeps its grab offset).
    card(page, BREAK).drag_to(
        cell(page, "Room C", "12:00"),
        source_position={"x": 20, "y": 4},
        target_position={"x": 20, "y": 4},
    )

    expect(status(page)).to_have_text(
        "“Morning break” moved: Room C, Mon, Dec 15, 12:00–12:30 PST."
    )
    expect(cell(page, "Room C", "12:00").locator("article", has_text=BREAK)).to_have_count(1)
    session = Session.objects.get(title=BREAK)
    assert (session.room.name, session.starts_at, session.ends_at) == (
        "Room C",
        local("12:00"),
        local("12:30"),
    )

    page.goto(f"/en/schedule/?day={MONDAY}")
    public = page.locator("article", has=page.get_by_role("link", name=BREAK))
    expect(public.locator("p").first).to_have_text("noon–12:30 p.m. · Room C")
    assert problems == [], "\n".join(problems)


def test_a_draft_dragged_into_a_clash_is_marked_at_once_and_cannot_be_published(page):
    problems = record_problems(page)
    log_in(page, ORGANIZERS, "organizer")
    draft = Session.objects.create(
        conference=Conference.objects.get(slug="niic-2014"),
        title="Draft without a room",
        slug="draft-without-a-room",
        starts_at=local("16:00"),
        ends_at=local("17:00"),
        status=Session.Status.DRAFT,
    )
    page.goto(BOARD)
    unscheduled = page.locator(".program-unscheduled")
    expect(unscheduled.locator("article", has_text=draft.title)).to_have_count(1)

    # From the unscheduled drafts onto Room A at 09:00, which a published panel holds.
    target = cell(page, "Room A", "09:00")
    card(page, draft.title).drag_to(target, target_position={"x": 20, "y": 4})

    clash = cell(page, "Room A", "09:00")
    expect(clash).to_have_class(re.compile(r"\bprogram-clash\b"))
    moved = clash.locator(f"#program-card-{draft.pk}")
    expect(moved).to_have_class(re.compile(r"\bprogram-has-conflict\b"))
    expect(moved.locator(".program-notes summary")).to_have_text("1 conflict")
    expect(status(page)).to_contain_text("publishing will be refused until one of them moves")
    draft.refresh_from_db()
    assert (draft.room.name, draft.starts_at) == ("Room A", local("09:00"))

    # Publishing it is refused, with the refusal at the top of the form, linked to the room.
    moved.get_by_role("link", name=draft.title).click()
    page.locator("#id_status").select_option("published")
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".program-error-summary")
    expect(summary).to_contain_text("Room “Room A” is already taken by")
    summary.get_by_role("link", name="Room").click()
    expect(page).to_have_url(re.compile(r"#id_room$"))
    draft.refresh_from_db()
    assert draft.status == Session.Status.DRAFT
    assert problems == [], "\n".join(problems)


def test_a_published_session_dragged_into_a_taken_room_stays_put_and_says_why(page):
    log_in(page, ORGANIZERS, "organizer")
    page.goto(BOARD)

    card(page, BREAK).drag_to(cell(page, "Room A", "09:00"), target_position={"x": 20, "y": 4})

    expect(page.locator("[data-board-alert]")).to_contain_text(
        f"Not moved:Room “Room A” is already taken by “{ROOM_A_PANEL}"
    )
    session = Session.objects.get(title=BREAK)
    assert (session.room.name, session.starts_at) == ("Main hall", local("10:15"))


def test_a_card_moves_with_the_keyboard(page):
    problems = record_problems(page)
    log_in(page, ORGANIZERS, "organizer")
    page.goto(BOARD)
    move = card(page, BREAK).get_by_role("button", name=f"Move “{BREAK}”")

    move.focus()
    page.keyboard.press("Enter")
    expect(move).to_have_attribute("aria-pressed", "true")
    expect(status(page)).to_have_text(
        "Moving “Morning break”: choose a room and a time with the arrow keys, then press Enter "
        "to move it there, or Escape to cancel. Main hall, 10:15"
    )
    page.keyboard.press("Escape")
    expect(status(page)).to_have_text("Not moved.")

    move.focus()
    page.keyboard.press("Enter")
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowDown", "ArrowDown"]:
        page.keyboard.press(key)
    expect(status(page)).to_have_text("Room C, 10:45")
    for key in ["ArrowDown"] * 5:
        page.keyboard.press(key)
    expect(status(page)).to_have_text("Room C, 12:00")
    page.keyboard.press("Enter")

    expect(status(page)).to_have_text(
        "“Morning break” moved: Room C, Mon, Dec 15, 12:00–12:30 PST."
    )
    # The board is drawn again, and the keyboard is back on the card that moved.
    moved = cell(page, "Room C", "12:00").get_by_role("button", name=f"Move “{BREAK}”")
    expect(moved).to_be_focused()
    session = Session.objects.get(title=BREAK)
    assert (session.room.name, session.starts_at) == ("Room C", local("12:00"))
    assert problems == [], "\n".join(problems)


def test_a_track_chair_cannot_drag_another_tracks_session(page):
    chair = log_in(page, TRACK_CHAIRS, "chair")
    track = Track.objects.get(slug="engaging-receiving-communities")
    track.chairs.add(chair)
    page.goto(BOARD)

    # Their own track's sessions can be moved; the rest of the day is only "in use".
    own = page.locator("[data-board-area] article.program-card")
    expect(own).to_have_count(2)
    expect(own.get_by_role("button", name=re.compile("^Move"))).to_have_count(2)
    occupied = page.locator("[data-board-area] .program-occupied")
    expect(occupied.first).to_have_text(re.compile("In use by another track"))
    edition = track.conference
    others = Session.objects.published().on_day(edition, datetime.date.fromisoformat(MONDAY))
    assert occupied.count() == others.exclude(track=track).count() == 9
    expect(page.locator(".program-occupied[draggable=true]")).to_have_count(0)
    expect(page.locator(".program-occupied button")).to_have_count(0)

    before = list(Session.objects.order_by("pk").values_list("room", "starts_at"))
    room_c_panel = cell(page, "Room C", "09:00").locator(".program-occupied")
    room_c_panel.drag_to(cell(page, "Room C", "12:00"))
    page.wait_for_timeout(300)
    assert list(Session.objects.order_by("pk").values_list("room", "starts_at")) == before
    expect(page.locator("[data-board-status]")).to_have_text("")


def test_panel_rows_are_ordered_with_the_arrows_and_topics_follow_the_track(page):
    log_in(page, ORGANIZERS, "organizer")
    page.goto("/admin/program/session/add/")
    topics = page.locator("#id_topics")
    expect(topics).to_contain_text("Choose a track to see its topics.")
    expect(topics.locator("input:visible")).to_have_count(0)
    page.locator("#id_track").select_option(label="engaging receiving communities")
    expect(topics.locator("input:visible")).to_have_count(4)
    expect(topics.locator("label", has_text="Building alliances between")).to_be_visible()
    expect(topics.locator("label", has_text="Building financial capability")).to_be_hidden()

    rows = page.locator("#panel-group tbody tr.form-row:not(.empty-form)")
    expect(rows).to_have_count(4)
    expect(page.locator("#id_panel-0-order")).to_be_hidden()
    rows.nth(1).get_by_role("button", name="Move up").click()
    expect(rows.first).to_have_id("panel-1")
    expect(page.locator("[data-session-form-status]")).to_have_text("Row moved to position 1.")


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize(
    "path",
    [
        BOARD,
        "/admin/program/session/add/",
        "/admin/program/session/?conference__id__exact={edition}",
        "/admin/",
    ],
)
def test_axe_finds_no_violation_on_the_board_the_form_the_list_and_the_index(page, axe, path):
    log_in(page, ORGANIZERS, "organizer")
    edition = Conference.objects.get(slug="niic-2014")
    Session.objects.create(
        conference=edition,
        title="Clashing draft",
        slug="clashing-draft",
        room=Room.objects.get(conference=edition, slug="room-a"),
        starts_at=local("09:00"),
        ends_at=local("10:00"),
        status=Session.Status.DRAFT,
    )
    page.goto(path.format(edition=edition.pk))
    page.wait_for_load_state("networkidle")

    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]

    assert not violations, report(violations)


def test_axe_finds_no_violation_on_a_refused_form(page, axe):
    log_in(page, ORGANIZERS, "organizer")
    session = Session.objects.get(title=BREAK)
    page.goto(f"/admin/program/session/{session.pk}/change/")
    page.locator("#id_end_time").fill("10:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".program-error-summary")).to_contain_text(
        "A session must end after it starts."
    )

    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]

    assert not violations, report(violations)


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_column_of_the_session_list_shows_at_1440_px(new_page, language):
    page = new_page(
        viewport={"width": 1440, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    setup_roles()
    user = User.objects.create_user("lister", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    page.goto("/admin/login/")
    page.locator("#id_username").fill("lister")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto("/admin/program/session/")

    list_width, visible_width = page.evaluate(
        "() => [document.querySelector('#result_list').scrollWidth,"
        " document.querySelector('#changelist .results').clientWidth]"
    )
    assert list_width <= visible_width
    expect(page.locator("#result_list th.column-to_translate")).to_be_in_viewport()
    expect(page.locator("#result_list th.column-conflicts")).to_be_in_viewport()
