"""The schedule of a conference with 18 rooms at once: only the grid scrolls sideways, the room
names and the times stay in view, rows follow the clock, and a phone gets a list."""

import datetime

import pytest
from playwright.sync_api import expect

from sessions.models import Session
from tracks.models import Conference

pytestmark = pytest.mark.browser


def schedule_path(conference):
    return f"/en/editions/{conference.slug}/schedule/?day={conference.start_date}"


def test_the_large_edition_has_a_room_per_column(page, large_edition):
    page.goto(schedule_path(large_edition))
    assert page.locator(".timetable thead th").count() - 1 >= 17


@pytest.mark.parametrize("width", [360, 1280])
def test_only_the_grid_scrolls_sideways(new_page, large_edition, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(schedule_path(large_edition))
    expect(page.locator("[data-results] article").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == width
    if width == 1280:
        grid = page.locator(".timetable-scroll")
        assert grid.evaluate("box => box.scrollWidth > box.clientWidth + 1000")


def test_room_names_and_times_stay_in_view_when_the_grid_scrolls(new_page, large_edition):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(schedule_path(large_edition))
    grid = page.locator(".timetable-scroll")
    grid.scroll_into_view_if_needed()
    grid.evaluate("box => { box.scrollLeft = 2000; box.scrollTop = 600; }")
    page.wait_for_timeout(100)
    box = grid.bounding_box()

    # The card in the middle of the box (or the first below the middle, when the middle falls
    # between two cards): its room's name is at the top of the box, and the time column at its
    # left edge.
    found = page.evaluate(
        """([x, y]) => {
            let card = null;
            for (let down = 0; !card && down < 400; down += 10) {
                card = document.elementFromPoint(x, y + down)?.closest("article");
            }
            return {title: card.querySelector("h3").textContent,
                    place: card.querySelector("p").textContent};
        }""",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    room = found["place"].split(" · ")[-1]
    header = page.locator(".timetable thead th", has_text=room).first
    header_box = header.bounding_box()
    assert abs(header_box["y"] - box["y"]) <= 2, (header_box, box)
    assert box["x"] <= header_box["x"]
    assert header_box["x"] + header_box["width"] <= box["x"] + box["width"] + 1
    visible_times = page.evaluate(
        """box => [...document.querySelectorAll(".timetable tbody th")]
            .map(th => th.getBoundingClientRect())
            .filter(rect => rect.top >= box.y + 30 && rect.bottom <= box.y + box.height)
            .map(rect => rect.left)""",
        box,
    )
    assert visible_times, "no time label in view"
    assert all(abs(left - box["x"] - 1) <= 2 for left in visible_times), (visible_times, box)


def test_rows_follow_the_clock_so_a_longer_session_is_a_taller_card(new_page, program):
    conference = Conference.objects.get(slug="niic-2014")
    track = conference.tracks.first()
    for title, room, ends in [("Short", "room-a", "13:30"), ("Long", "room-b", "15:00")]:
        Session.objects.create(
            conference=conference, track=track, title=title, slug=title.lower(),
            room=conference.rooms.get(slug=room), status=Session.Status.PUBLISHED,
            starts_at=datetime.datetime(2014, 12, 16, 13, tzinfo=conference.tzinfo),
            ends_at=datetime.datetime.combine(
                datetime.date(2014, 12, 16), datetime.time.fromisoformat(ends),
                tzinfo=conference.tzinfo,
            ),
        )  # fmt: skip
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/en/schedule/?day=2014-12-16")

    def height(title):
        return page.locator(".timetable article", has_text=title).bounding_box()["height"]

    # Two hours are four times half an hour; rows grow where a short card's words need more
    # room, so the proportion is not exact, but the difference shows.
    assert height("Long") > 2.5 * height("Short"), (height("Long"), height("Short"))
    # And the short card ends where the row of its end time begins.
    ends = page.locator(".timetable tbody th", has_text="1:30 p.m.").bounding_box()["y"]
    short = page.locator(".timetable article", has_text="Short").bounding_box()
    assert abs(short["y"] + short["height"] - ends) <= 6, (short, ends)


def test_on_a_phone_each_card_names_its_room_and_the_first_is_in_view(new_page, large_edition):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto(schedule_path(large_edition))
    cards = page.locator("[data-results] article")
    assert cards.first.bounding_box()["y"] + 80 <= 800
    places = cards.evaluate_all("cards => cards.map(card => card.querySelector('p').textContent)")
    assert len(places) >= 100
    assert all(" · Room " in place for place in places)


def test_with_one_room_the_time_column_stays_narrow(new_page, program):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/en/schedule/?room=room-a&day=2014-12-15")
    widths = page.evaluate(
        """() => [...document.querySelectorAll(".timetable thead th")]
            .map(th => th.getBoundingClientRect().width)"""
    )
    assert len(widths) == 2
    assert widths[0] / sum(widths) < 0.12, widths


IRREGULAR_DAY = [
    # title, room, starts, ends, status
    # Published sessions never share a room (PostgreSQL refuses it): those that run into
    # another in its room are cancelled ones.
    ("Starts at eight past", "room-a", "10:08", "10:55", "cancelled"),
    ("Right after", "room-a", "10:55", "11:40", "published"),
    ("Runs into the next", "room-b", "12:29", "13:46", "published"),
    ("Starts inside the last", "room-b", "13:16", "14:03", "cancelled"),
    ("Called off", "room-a", "12:29", "13:16", "cancelled"),
    ("Held instead", "room-a", "12:29", "13:16", "published"),
]


@pytest.fixture
def irregular_day(program):
    """NIIC 2014's second day with sessions at any minute, two of them overlapping in a room and
    a cancelled session with its replacement in the same room and time."""
    conference = Conference.objects.get(slug="niic-2014")
    track = conference.tracks.first()
    day = datetime.date(2014, 12, 16)
    for title, room, starts, ends, status in IRREGULAR_DAY:
        Session.objects.create(
            conference=conference, track=track, title=title, slug=title.lower().replace(" ", "-"),
            room=conference.rooms.get(slug=room), status=status,
            starts_at=datetime.datetime.combine(
                day, datetime.time.fromisoformat(starts), tzinfo=conference.tzinfo
            ),
            ends_at=datetime.datetime.combine(
                day, datetime.time.fromisoformat(ends), tzinfo=conference.tzinfo
            ),
        )  # fmt: skip
    return {
        str(session.pk): session.starts_at.astimezone(conference.tzinfo).isoformat()
        for session in conference.sessions.exclude(status=Session.Status.DRAFT)
        if session.starts_at.astimezone(conference.tzinfo).date() == day
    }


@pytest.mark.parametrize("width", [1280, 1440])
def test_no_two_cards_overlap_whatever_the_times(new_page, irregular_day, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto("/en/schedule/?day=2014-12-16")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll(".timetable article")].map(card => {
            const box = card.getBoundingClientRect();
            return [card.querySelector("h3").textContent, box.left, box.top, box.right,
                    box.bottom];
        })"""
    )
    assert len(boxes) == len(irregular_day)
    overlapping = [
        (one[0], other[0])
        for number, one in enumerate(boxes)
        for other in boxes[number + 1 :]
        if min(one[3], other[3]) - max(one[1], other[1]) > 0.5
        and min(one[4], other[4]) - max(one[2], other[2]) > 0.5
    ]
    assert overlapping == []
    # A card begins at the row of its start: the cancelled session and its replacement side by
    # side, level with each other.
    called_off = page.locator(".timetable article", has_text="Called off").bounding_box()
    held = page.locator(".timetable article", has_text="Held instead").bounding_box()
    assert abs(called_off["y"] - held["y"]) <= 1
    assert held["x"] + held["width"] <= called_off["x"]


def test_on_a_phone_each_card_sits_under_its_own_start(new_page, irregular_day):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto("/en/schedule/?day=2014-12-16")
    cards = page.evaluate(
        """() => [...document.querySelectorAll(".timetable article")].map(card => {
            const heading = card.closest("tr").querySelector("th time");
            return {ref: card.querySelector("h3").id.slice(1),
                    visible: heading !== null && heading.checkVisibility(),
                    heading: heading && heading.getAttribute("datetime"),
                    above: heading !== null
                        && heading.getBoundingClientRect().bottom
                           <= card.getBoundingClientRect().top + 1};
        })"""
    )
    assert len(cards) == len(irregular_day)
    misplaced = [
        card
        for card in cards
        if not (card["visible"] and card["above"])
        or datetime.datetime.fromisoformat(card["heading"])
        != datetime.datetime.fromisoformat(irregular_day[card["ref"]])
    ]
    assert misplaced == []
