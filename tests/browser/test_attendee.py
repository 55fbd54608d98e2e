"""What an attendee does with the program in a real browser: filter the schedule, keep an agenda
(with and without JavaScript), switch language, read it on a phone, print it; and that no page
calls a third party."""

import re
from itertools import pairwise
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from sessions.models import Session

pytestmark = pytest.mark.browser

TRACK = "engaging-receiving-communities"
TRACK_LABEL = "Engaging receiving communities · Panel"
# The sample schedule puts two of that track's sessions on its first day, Sunday 14 December.
TRACK_SESSIONS_ON_FIRST_DAY = [
    "What works: overcoming backlash and fostering greater understanding in today’s volatile "
    "environment",
    "Promoting greater Arab, Middle Eastern, Muslim and South Asian community inclusion",
]
SESSION_PAGE = "/en/editions/niic-2014/sessions/opening-plenary/"
ADD = "Add to my agenda"
REMOVE = "In my agenda — remove"


def cards(page):
    return page.locator("main article:not(.session-detail)")


def card_titles(page):
    return cards(page).locator("h3, h4")


def assert_only_the_track_is_shown(page):
    expect(card_titles(page)).to_have_text(TRACK_SESSIONS_ON_FIRST_DAY)
    expect(cards(page).locator("h3 + p")).to_have_text(
        [TRACK_LABEL] * len(TRACK_SESSIONS_ON_FIRST_DAY)
    )


def star(page, title, state=ADD):
    """A session's star, found by its accessible name: its state, then the session's title."""
    return page.get_by_role("button", name=f"{state} {title}", exact=True)


def fragment_requests(page):
    requests = []
    page.on(
        "request",
        lambda request: "fragment=results" in request.url and requests.append(request.url),
    )
    return requests


def test_filtering_by_track_updates_the_schedule_in_place(page):
    page.goto("/en/schedule/")
    expect(cards(page)).to_have_count(9)
    # Set on this document: a full reload would lose it.
    page.evaluate("window.stillTheSameDocument = true")

    # The filters start folded away on every screen.
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Track", exact=True).select_option(TRACK)

    expect(page).to_have_url(re.compile(rf"[?&]track={TRACK}(&|$)"))
    assert_only_the_track_is_shown(page)
    expect(page.locator("[data-results-status]")).to_have_text("Sessions shown: 2.")
    expect(page.locator("#results-heading")).to_be_focused()
    assert page.evaluate("window.stillTheSameDocument") is True


def test_filtering_by_track_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/en/schedule/")

    # Without the script the filters start folded away, on every screen.
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Track", exact=True).select_option(TRACK)
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(rf"/en/schedule/\?(.*&)?track={TRACK}(&|$)"))
    assert_only_the_track_is_shown(page)


def test_arrow_keys_on_a_closed_list_do_not_fetch_until_applied(page):
    page.goto("/en/schedule/")
    requests = fragment_requests(page)
    page.get_by_text("Filters", exact=True).click()
    track = page.get_by_label("Track", exact=True)
    track.focus()

    track.press("ArrowDown")
    track.press("ArrowDown")
    page.wait_for_timeout(1500)

    assert requests == []
    expect(cards(page)).to_have_count(9)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_be_focused()
    assert len(requests) == 1
    assert parse_qs(urlsplit(requests[0]).query)["track"] == [
        "education-services-and-systems-strengthening-the-cornerstone-for-integration"
    ]


def test_a_day_chosen_with_the_keyboard_keeps_focus_on_the_results(page):
    page.goto("/en/schedule/")
    page.get_by_role("link", name=re.compile("^Monday December 15")).focus()
    page.keyboard.press("Enter")

    heading = page.locator("#results-heading")
    expect(heading).to_have_text("Monday, December 15")
    expect(heading).to_be_focused()
    # The next Tab goes on into the day, not back to the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('[data-results]') !== null")


def test_the_skip_link_leads_to_the_sessions(page):
    page.goto("/en/schedule/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the sessions")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_focused()
    # From there, a few Tabs reach the first star, not thirty.
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('article > button')"):
            break
    assert page.evaluate("document.activeElement.matches('article > button')")


def test_the_star_button_says_its_state_in_words_and_name(page):
    page.goto("/en/schedule/")
    button = star(page, "Opening plenary")
    expect(button).to_have_text(ADD)

    button.click()

    expect(star(page, "Opening plenary", REMOVE)).to_have_text(REMOVE)
    expect(star(page, "Opening plenary")).to_have_count(0)
    star(page, "Opening plenary", REMOVE).click()
    expect(star(page, "Opening plenary")).to_have_text(ADD)


def test_starred_sessions_survive_a_reload_and_make_my_agenda(page):
    titles = ["Opening plenary", "Afternoon break"]
    page.goto("/en/schedule/")
    for title in titles:
        star(page, title).click()
        expect(star(page, title, REMOVE)).to_be_visible()

    page.reload()
    for title in titles:
        expect(star(page, title, REMOVE)).to_be_visible()
    expect(page.locator("article > button.on")).to_have_count(2)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My agenda").click()

    ids = [Session.objects.get(title=title).pk for title in titles]
    expect(page).to_have_url(re.compile(rf"/en/agenda/\?sessions={ids[0]},{ids[1]}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My agenda")
    expect(card_titles(page)).to_have_text(titles)
    expect(page.locator("[data-agenda-shared]")).to_be_hidden()


def test_unstarring_in_my_agenda_removes_the_session_from_the_list_and_the_export(page):
    titles = ["Opening plenary", "Afternoon break", "Closing plenary"]
    ids = [Session.objects.get(title=title).pk for title in titles]
    page.goto("/en/schedule/")
    page.evaluate(f"localStorage.setItem('niic-agenda', '{ids}')".replace(" ", ""))
    page.goto("/en/agenda/")
    expect(card_titles(page)).to_have_text(titles)

    star(page, "Afternoon break", REMOVE).click()

    expect(card_titles(page)).to_have_text(["Opening plenary", "Closing plenary"])
    kept = f"{ids[0]},{ids[2]}"
    export = page.get_by_role("link", name="Download this agenda (.ics)")
    expect(export).to_have_attribute("href", re.compile(rf"/en/agenda\.ics\?sessions={kept}$"))
    subscribe = page.get_by_role("link", name="Subscribe in a calendar app")
    expect(subscribe).to_have_attribute(
        "href", re.compile(rf"^webcal://[^/]+/en/agenda\.ics\?sessions={kept}$")
    )
    expect(page).to_have_url(re.compile(rf"/en/agenda/\?sessions={kept}$"))
    expect(page.locator("[data-agenda-status]")).to_have_text("Removed from your agenda.")

    page.reload()
    expect(card_titles(page)).to_have_text(["Opening plenary", "Closing plenary"])
    response = page.request.get(export.get_attribute("href"))
    assert response.text().count("BEGIN:VEVENT") == 2


def test_a_shared_agenda_says_so_and_can_be_added_to_mine(page):
    ids = [Session.objects.get(title=title).pk for title in ("Lunch", "Closing plenary")]
    page.goto(f"/en/agenda/?sessions={ids[0]},{ids[1]}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Shared agenda")
    expect(page).to_have_title("Shared agenda")
    expect(star(page, "Lunch")).to_be_visible()

    page.get_by_role("button", name="Add all to my agenda").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My agenda")
    expect(star(page, "Lunch", REMOVE)).to_be_visible()
    assert sorted(page.evaluate("JSON.parse(localStorage.getItem('niic-agenda'))")) == sorted(ids)


def test_an_agenda_is_built_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/en/schedule/?day=2014-12-16")

    star(page, "Closing plenary").click()

    closing = Session.objects.get(title="Closing plenary").pk
    expect(page).to_have_url(re.compile(rf"/en/agenda/\?sessions={closing}$"))
    expect(card_titles(page)).to_have_text(["Closing plenary"])

    page.get_by_role("link", name="Add more sessions from the schedule").click()
    page.get_by_role("link", name=re.compile("^Monday December 15")).click()
    star(page, "Lunch").click()

    lunch = Session.objects.get(title="Lunch").pk
    expect(page).to_have_url(re.compile(rf"/en/agenda/\?sessions={closing},{lunch}$"))
    expect(card_titles(page)).to_have_text(["Lunch", "Closing plenary"])

    star(page, "Lunch", REMOVE).click()
    expect(card_titles(page)).to_have_text(["Closing plenary"])


def test_the_language_switch_opens_the_same_page_in_spanish(page, program):
    page.goto("/en/editions/niic-2014/schedule/")

    page.locator("nav.language-switch").get_by_role("link", name="Español").click()

    expect(page).to_have_url(f"{program.url}/es/editions/niic-2014/schedule/")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_schedule_reads_as_a_list_by_time_on_a_360_px_phone(new_page):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto("/en/schedule/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.locator(".timetable thead")).to_be_hidden()
    boxes = [card.bounding_box() for card in cards(page).all()]
    assert len(boxes) == 9
    for box in boxes:
        assert box is not None, "a session card is not displayed"
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
    # One column: each card starts below the one before it, and says where it is.
    for upper, lower in pairwise(boxes):
        assert lower["y"] >= upper["y"] + upper["height"], (upper, lower)
    expect(cards(page).locator("p").first).to_have_text("1 p.m.–2:30 p.m. · Main hall")
    # The slots are headed by their time.
    expect(page.locator(".timetable tbody th:visible")).to_have_text(
        ["1 p.m.", "2:30 p.m.", "3 p.m.", "4:30 p.m.", "6 p.m."]
    )

    page.goto(SESSION_PAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("path", ["/en/schedule/", "/es/schedule/", "/en/program/"])
def test_on_a_phone_the_first_session_is_on_the_first_screen(new_page, path):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto(path)
    box = cards(page).first.bounding_box()
    # Its time, room and title are in view, without scrolling.
    assert box["y"] + 80 <= 800, box


def test_the_filters_fold_away_and_the_results_come_into_view_on_a_phone(new_page):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto("/en/schedule/")
    requests = fragment_requests(page)
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Track", exact=True).select_option(TRACK)
    page.wait_for_timeout(1000)
    # On a phone a choice waits for "Apply filters".
    assert requests == []

    page.get_by_role("button", name="Apply filters").click()

    heading = page.locator("#results-heading")
    expect(heading).to_be_focused()
    expect(page.locator("[data-filters-panel]")).not_to_have_attribute("open", "")
    expect(page.get_by_text("Filters (1 active)")).to_be_visible()
    box = heading.bounding_box()
    assert 0 <= box["y"] < 800
    assert_only_the_track_is_shown(page)


def test_pages_load_nothing_from_third_parties(page, program):
    requests = []
    statuses = {}
    errors = []
    page.on("request", lambda request: requests.append(request.url))
    page.on(
        "response",
        lambda response: statuses.setdefault(urlsplit(response.url).path, response.status),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto("/en/schedule/")
    page.get_by_role("link", name="Opening plenary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening plenary")
    page.wait_for_load_state("networkidle")

    server = urlsplit(program.url).netloc
    elsewhere = [url for url in requests if urlsplit(url).netloc != server]
    assert elsewhere == []
    for path in (
        "/static/niic/site.css",
        "/static/niic/agenda.js",
        "/static/niic/schedule.js",
        "/static/niic/favicon.svg",
        "/track-colours.css",
    ):
        assert statuses.get(path) == 200, f"{path}: {statuses.get(path)}"
    # A script blocked by the Content-Security-Policy, or failing, or a missing favicon,
    # shows up here.
    assert errors == []


def test_the_schedule_prints_its_day_as_a_list(new_page):
    # A6 paper is 105 mm wide: about 397 CSS pixels.
    page = new_page(viewport={"width": 397, "height": 560})
    page.goto("/en/schedule/?day=2014-12-15")
    page.emulate_media(media="print")
    for hidden in [".site-header", ".filters", ".day-tabs", ".site-footer"]:
        expect(page.locator(hidden)).to_be_hidden()
    expect(cards(page).locator("button").first).to_be_hidden()
    expect(cards(page)).to_have_count(11)
    expect(cards(page).first.locator("p").first).to_have_text("9 a.m.–10:15 a.m. · Room A")
    assert page.evaluate("document.documentElement.scrollWidth") <= 397


def test_the_whole_program_prints_as_a_pocket_program(new_page, screenshot):
    page = new_page(viewport={"width": 397, "height": 560})
    page.goto("/en/program/")
    page.emulate_media(media="print")

    for hidden in [".site-header", ".filters", ".site-footer", ".results-count"]:
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".program-day > h2")).to_have_text(
        ["Sunday, December 14", "Monday, December 15", "Tuesday, December 16"]
    )
    expect(cards(page)).to_have_count(22)
    expect(cards(page).locator("button:visible")).to_have_count(0)
    first = cards(page).first
    expect(first.locator("p").first).to_have_text("1 p.m.–2:30 p.m. · Main hall")
    expect(first.locator("h4")).to_have_text("Opening plenary")
    expect(first.locator(".who")).to_have_text("Angelica Salas")
    # No web address is printed after a link.
    after = page.evaluate(
        "getComputedStyle(document.querySelector('article a'), '::after').content"
    )
    assert after in ("none", "normal")
    assert "http" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 397
    screenshot(page, "print-whole-program-397")
