"""Issue 20, items 8 and 9: on a wide screen the schedule's first screen shows sessions (filters
folded, counted in their summary), the grid takes the page's width, and its room names stay in
view however the page scrolls; on a phone the chosen day's tab is scrolled into its strip."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def schedule_path(conference, query=""):
    return f"/en/editions/{conference.slug}/schedule/?day={conference.start_date}{query}"


def rooms_in_view(page):
    """How many room headers of the grid are wholly inside its box."""
    return page.evaluate(
        """() => {
            const box = document.querySelector(".timetable-scroll").getBoundingClientRect();
            return [...document.querySelectorAll(".timetable thead th")].slice(1)
                .map(th => th.getBoundingClientRect())
                .filter(r => r.left >= box.left - 1 && r.right <= box.right + 1).length;
        }"""
    )


@pytest.mark.parametrize("width", [360, 1280, 1440])
def test_the_filters_start_folded_and_count_the_active_ones(new_page, large_edition, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(schedule_path(large_edition))
    panel = page.locator("[data-filters-panel]")
    assert not panel.evaluate("details => details.open")
    assert page.locator("[data-filters-panel] select").first.is_hidden()
    track = page.locator("#id_track option").nth(1).get_attribute("value")
    page.goto(schedule_path(large_edition, f"&track={track}&format=panel"))
    assert not panel.evaluate("details => details.open")
    expect(page.locator("[data-filters-panel] summary")).to_have_text("Filters (2 active)")


@pytest.mark.parametrize("width", [1280, 1440])
def test_the_grid_takes_the_page_width(new_page, large_edition, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(schedule_path(large_edition))
    box = page.locator(".timetable-scroll").bounding_box()
    # The page's side padding only, on either side.
    assert box["width"] >= width - 2 * 24, box
    assert page.evaluate("document.documentElement.scrollWidth") == width
    # 18 rooms: at 1280 px, 6 or more are whole in view (5 before), more at 1440 px.
    assert rooms_in_view(page) >= (6 if width == 1280 else 7)


def test_first_card_is_near_the_top_of_the_first_screen(new_page, large_edition):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(schedule_path(large_edition))
    first = page.locator(".timetable article").first.bounding_box()
    assert first["y"] <= 400, first  # was 638 with the filters open
    # And the whole grid box is on the first screen: nothing of it hides below the fold.
    box = page.locator(".timetable-scroll").bounding_box()
    assert box["y"] + box["height"] <= 800, box


def header_top(page):
    return page.locator(".timetable thead th").nth(1).bounding_box()["y"]


def test_room_names_stay_in_view_while_the_page_scrolls(new_page, large_edition):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(schedule_path(large_edition))
    grid = page.locator(".timetable-scroll").bounding_box()
    # The wheel over the grid, far past its last row, then the page to its very end.
    page.mouse.move(grid["x"] + grid["width"] / 2, grid["y"] + grid["height"] / 2)
    for _ in range(40):
        page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert page.locator(".timetable-scroll").evaluate("box => box.scrollTop") > 1000
    assert 0 <= header_top(page) <= 800
    page.keyboard.press("End")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    assert 0 <= header_top(page) <= 800 - 100
    # The last row's cards are then under the room names, not past the window's bottom.
    last = page.locator(".timetable tbody tr").last.bounding_box()
    assert last["y"] <= 800


def test_a_phone_day_tab_strip_shows_the_chosen_day(new_page, large_edition):
    page = new_page(viewport={"width": 360, "height": 800})
    last_day = large_edition.end_date
    # Filtered, each tab carries a count, and the strip overflows.
    page.goto(f"/en/editions/{large_edition.slug}/schedule/?day={last_day}&format=panel")
    strip = page.locator(".day-tabs ul")
    assert strip.evaluate("ul => ul.scrollWidth > ul.clientWidth")
    chosen = page.locator(".day-tabs a[aria-current=page]").bounding_box()
    shown = strip.bounding_box()
    assert strip.evaluate("ul => ul.scrollLeft") > 0
    assert shown["x"] - 1 <= chosen["x"]
    assert chosen["x"] + chosen["width"] <= shown["x"] + shown["width"] + 1
    # The strip moved, not the page.
    assert page.evaluate("window.scrollX") == 0
