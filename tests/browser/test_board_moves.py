"""The schedule board's moves in a real browser (issue 22): a dragged card keeps the point at
which it was grabbed, so that straight across it keeps its start; a card's bottom edge, or Shift
with the arrows, changes its length; a card goes to another day by its tab or by Page Down;
the last move is undone by a button or Control+Z; after a refusal, the nearest free slots are
buttons that move it there. Every move goes through the move URL, so through the services.
Screenshots of the board at 1280 and 360 px, in English and Spanish, and after a refusal."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from niic.roles import ORGANIZERS, setup_roles
from sessions.models import Session
from tests.browser.test_admin import record_problems
from tracks.models import Conference

pytestmark = pytest.mark.browser

PASSWORD = "a-long-pass-phrase"
MONDAY = "2014-12-15"
BOARD = f"/admin/program/session/board/?edition=niic-2014&day={MONDAY}"
# Monday in the sample schedule: Room A, B and C hold panels 09:00–10:15 and 10:45–12:00; the
# main hall the morning break (10:15–10:45) and lunch (12:00–13:30), and nothing before 10:15.
BREAK = "Morning break"
ROOM_A_PANEL = "building economic power for immigrant workers"
ROOM_C_LATE = "Sample session for the track “from naturalization to full citizenship”"


@pytest.fixture
def page(new_page):
    """Tall enough for Monday's grid down to 14:00 to be in view: Chromium starts no drag when
    the page scrolls under a pressed mouse."""
    return new_page(viewport={"width": 1440, "height": 1400})


def log_in(page, username="organizer"):
    setup_roles()
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
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
    column = page.locator("[data-board] thead th[data-room]").evaluate_all(
        "(headers, room) => headers.findIndex((header) => header.textContent.trim() === room)",
        room,
    )
    return page.locator(f'tr[data-starts="{day}T{clock}"] td[data-column="{column}"]')


def status(page):
    return page.locator("[data-board-status]")


def place(title):
    session = Session.objects.get(title=title)
    zone = session.conference.tzinfo
    return (
        session.room.name if session.room else None,
        f"{session.starts_at.astimezone(zone):%Y-%m-%d %H:%M}",
        f"{session.ends_at.astimezone(zone):%H:%M}",
    )


def test_a_card_grabbed_below_its_top_and_dragged_straight_across_keeps_its_start(page):
    problems = record_problems(page)
    log_in(page)
    page.goto(BOARD)
    panel = card(page, ROOM_A_PANEL)
    box = panel.bounding_box()
    # Grabbed at four fifths of its height (about 09:45), dropped on the main hall at that
    # height: it starts at 09:00 there, clear of the 10:15 break, instead of at 09:45.
    grab_y = box["y"] + box["height"] * 0.8
    hall = page.locator("[data-board] thead th[data-room]").first.bounding_box()

    page.mouse.move(box["x"] + 10, grab_y)
    page.mouse.down()
    page.mouse.move(hall["x"] + 20, grab_y, steps=6)
    page.mouse.up()

    expect(status(page)).to_contain_text("moved: Main hall, Mon, Dec 15, 09:00–10:15 PST.")
    assert place(Session.objects.get(title__startswith=ROOM_A_PANEL).title) == (
        "Main hall",
        "2014-12-15 09:00",
        "10:15",
    )
    # On the redrawn board the card fills its span: as tall as the five quarters it lasts.
    moved = card(page, ROOM_A_PANEL)
    first, last = cell(page, "Room A", "09:00"), cell(page, "Room A", "10:00")
    expected = last.bounding_box()["y"] + last.bounding_box()["height"] - first.bounding_box()["y"]
    assert abs(moved.bounding_box()["height"] - expected) < 3
    assert problems == [], "\n".join(problems)


def test_a_length_changes_by_the_bottom_edge_and_by_shift_and_the_arrows(page):
    problems = record_problems(page)
    log_in(page)
    page.goto(BOARD)
    # Pointed at, a short card shows all of itself: its edge is then where it is grabbed.
    card(page, BREAK).hover()
    edge = card(page, BREAK).locator(".program-resize")
    box = edge.bounding_box()
    row = cell(page, "Room A", "10:15").bounding_box()["height"]

    # Two quarters down: 10:15–10:45 becomes 10:15–11:15.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 2 * row, steps=8)
    expect(status(page)).to_have_text(
        "Length of “Morning break”: 10:15–11:15. Release to keep it, or press Escape."
    )
    page.mouse.up()

    expect(status(page)).to_contain_text(
        "“Morning break” moved: Main hall, Mon, Dec 15, 10:15–11:15 PST."
    )
    assert place(BREAK) == ("Main hall", "2014-12-15 10:15", "11:15")

    move = card(page, "Lunch").get_by_role("button", name="Move “Lunch”")
    move.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    expect(status(page)).to_have_text("Main hall, 12:00–13:00")
    page.keyboard.press("Enter")

    expect(status(page)).to_contain_text("“Lunch” moved: Main hall, Mon, Dec 15, 12:00–13:00 PST.")
    assert place("Lunch") == ("Main hall", "2014-12-15 12:00", "13:00")
    expect(card(page, "Lunch").get_by_role("button", name="Move “Lunch”")).to_be_focused()
    assert problems == [], "\n".join(problems)


def test_a_card_goes_to_another_day_by_page_down_or_by_its_tab(page):
    problems = record_problems(page)
    log_in(page)
    page.goto(BOARD)

    move = card(page, ROOM_C_LATE).get_by_role("button", name=re.compile("^Move"))
    move.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("PageDown")
    expect(status(page)).to_have_text("Tuesday, December 16: Room C, 10:45")
    expect(page.locator(".program-day-tabs a.program-target")).to_have_text("Tuesday, December 16")
    page.keyboard.press("Enter")

    expect(status(page)).to_contain_text("moved: Room C, Tue, Dec 16, 10:45–12:00 PST.")
    assert place(ROOM_C_LATE) == ("Room C", "2014-12-16 10:45", "12:00")
    expect(card(page, ROOM_C_LATE)).to_have_count(0)  # no longer on Monday's board

    card(page, BREAK).drag_to(page.get_by_role("link", name="Sunday, December 14"))

    expect(status(page)).to_contain_text(
        "“Morning break” moved: Main hall, Sun, Dec 14, 10:15–10:45 PST."
    )
    assert place(BREAK) == ("Main hall", "2014-12-14 10:15", "10:45")
    assert problems == [], "\n".join(problems)


def test_the_last_move_is_undone_by_its_button_and_by_control_z(page):
    problems = record_problems(page)
    log_in(page)
    page.goto(BOARD)

    # Grabbed by its top, so that its top lands on 12:00.
    card(page, BREAK).drag_to(
        cell(page, "Room C", "12:00"),
        source_position={"x": 20, "y": 4},
        target_position={"x": 20, "y": 4},
    )
    expect(status(page)).to_contain_text("“Morning break” moved: Room C, Mon, Dec 15, 12:00–12:30")
    assert place(BREAK) == ("Room C", "2014-12-15 12:00", "12:30")

    page.get_by_role("button", name="Undo the move of “Morning break”").click()

    expect(status(page)).to_have_text(
        "Undone: “Morning break” moved: Main hall, Mon, Dec 15, 10:15–10:45 PST."
    )
    assert place(BREAK) == ("Main hall", "2014-12-15 10:15", "10:45")
    expect(card(page, BREAK).get_by_role("button", name="Move “Morning break”")).to_be_focused()

    # The same with the keyboard only: a move, then Control+Z.
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text(
        "“Morning break” moved: Main hall, Mon, Dec 15, 10:30–11:00"
    )
    page.keyboard.press("Control+z")
    expect(status(page)).to_have_text(
        "Undone: “Morning break” moved: Main hall, Mon, Dec 15, 10:15–10:45 PST."
    )
    assert place(BREAK) == ("Main hall", "2014-12-15 10:15", "10:45")
    page.keyboard.press("Control+z")
    expect(status(page)).to_have_text("There is no move to undo.")
    assert problems == [], "\n".join(problems)


def test_a_refusal_offers_the_nearest_free_slots_and_one_moves_it_there(page, screenshot):
    problems = record_problems(page)
    refused = "the server responded with a status of 409 (Conflict)"
    log_in(page)
    page.goto(BOARD)
    move = card(page, BREAK).get_by_role("button", name="Move “Morning break”")

    # With the keyboard, onto Room A at 10:00, which a published panel holds until 10:15.
    move.focus()
    page.keyboard.press("Enter")
    for key in ["ArrowRight", "ArrowUp"]:
        page.keyboard.press(key)
    expect(status(page)).to_have_text("Room A, 10:00")
    page.keyboard.press("Enter")

    refusal = page.locator("[data-board-alert]")
    expect(refusal).to_contain_text(f"Room “Room A” is already taken by “{ROOM_A_PANEL}")
    expect(refusal).to_contain_text("Free for “Morning break” at the same length:")
    offers = refusal.get_by_role("button")
    expect(offers).to_have_text(
        [
            "Move it to Main hall, Mon, Dec 15, 10:00–10:30 PST",
            "Move it to Room A, Mon, Dec 15, 10:15–10:45 PST",
            "Move it to Room B, Mon, Dec 15, 10:15–10:45 PST",
        ]
    )
    # The keyboard is on the first offer.
    expect(offers.first).to_be_focused()
    screenshot(page, "board-refusal-free-slots-1440-en")
    assert place(BREAK) == ("Main hall", "2014-12-15 10:15", "10:45")

    page.keyboard.press("Enter")

    expect(status(page)).to_contain_text(
        "“Morning break” moved: Main hall, Mon, Dec 15, 10:00–10:30"
    )
    assert place(BREAK) == ("Main hall", "2014-12-15 10:00", "10:30")
    # The browser logs the refusal's 409, and nothing else.
    assert [problem for problem in problems if refused not in problem] == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_the_board(new_page, screenshot, language, width):
    page = new_page(
        viewport={"width": width, "height": 900}, extra_http_headers={"Accept-Language": language}
    )
    problems = record_problems(page)
    log_in(page)
    page.goto(BOARD)
    # The admin's language is chosen per user (a switch in the header) over the browser's.
    switch = page.locator("#header").get_by_role("button", name="Español")
    if language == "es" and switch.count():
        switch.click()
        page.goto(BOARD)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".program-board.program-laid-out")).to_have_count(1)
    # Every room keeps a readable width; a narrow window scrolls the grid, not the page.
    widths = page.locator("[data-board] thead th[data-room]").evaluate_all(
        "(headers) => headers.map((header) => header.getBoundingClientRect().width)"
    )
    assert min(widths) >= 8.5 * 16 - 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    screenshot(page, f"board-{width}-{language}")
    assert problems == [], "\n".join(problems)
