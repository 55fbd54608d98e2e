"""What an attendee does with the program in a real browser: filter the schedule, star sessions
and find them again, switch language, read it on a phone; and that no page calls a third party."""

import re
from itertools import pairwise
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sessions.models import Session

pytestmark = pytest.mark.browser

TRACK = "engaging-receiving-communities"
TRACK_LABEL = "Engaging receiving communities"
# The sample schedule puts two of that track's sessions on its first day, Sunday 14 December.
TRACK_SESSIONS_ON_FIRST_DAY = [
    "What works: overcoming backlash and fostering greater understanding in today’s volatile "
    "environment",
    "Promoting greater Arab, Middle Eastern, Muslim and South Asian community inclusion",
]
SESSION_PAGE = "/en/editions/niic-2014/sessions/opening-plenary/"


def cards(page):
    return page.locator("[data-schedule-results] article.session-card")


def assert_only_the_track_is_shown(page):
    expect(cards(page).locator(".session-title")).to_have_text(TRACK_SESSIONS_ON_FIRST_DAY)
    expect(cards(page).locator(".track-label")).to_have_text(
        [TRACK_LABEL] * len(TRACK_SESSIONS_ON_FIRST_DAY)
    )


def test_filtering_by_track_updates_the_schedule_in_place(page):
    page.goto("/en/schedule/")
    expect(cards(page)).to_have_count(9)
    # Set on this document: a full reload would lose it.
    page.evaluate("window.stillTheSameDocument = true")

    page.get_by_label("Track").select_option(TRACK)

    expect(page).to_have_url(re.compile(rf"[?&]track={TRACK}(&|$)"))
    assert_only_the_track_is_shown(page)
    expect(page.locator("[data-schedule-status]")).to_have_text("Sessions shown: 2.")
    assert page.evaluate("window.stillTheSameDocument") is True


def test_filtering_by_track_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/en/schedule/")

    # Without the script the filters start folded away, on every screen.
    page.get_by_text("Filter the schedule").click()
    page.get_by_label("Track").select_option(TRACK)
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(rf"/en/schedule/\?(.*&)?track={TRACK}(&|$)"))
    assert_only_the_track_is_shown(page)
    # Starring needs the script: without it the buttons stay out of the way.
    expect(cards(page).locator("button[data-star]").first).to_be_hidden()


def star_button(page, title):
    """The star of a session, found by its accessible name: “In my agenda: <title>”."""
    return page.get_by_role("button", name=re.compile(rf"^In my agenda\s*: {re.escape(title)}$"))


def test_starred_sessions_survive_a_reload_and_make_my_agenda(page):
    titles = ["Opening plenary", "Afternoon break"]
    page.goto("/en/schedule/")
    for title in titles:
        star = star_button(page, title)
        star.click()
        expect(star).to_have_attribute("aria-pressed", "true")

    page.reload()
    for title in titles:
        expect(star_button(page, title)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button[data-star][aria-pressed=true]")).to_have_count(2)

    page.goto("/en/agenda/")

    ids = [Session.objects.get(title=title).pk for title in titles]
    expect(page).to_have_url(re.compile(rf"/en/agenda/\?sessions={ids[0]},{ids[1]}$"))
    expect(page.locator("article.session-card .session-title")).to_have_text(titles)


def test_the_language_switch_opens_the_same_page_in_spanish(page, program):
    page.goto("/en/editions/niic-2014/schedule/")

    page.locator("nav.language-switch").get_by_role("link", name="Español").click()

    expect(page).to_have_url(f"{program.url}/es/editions/niic-2014/schedule/")
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_schedule_reads_as_a_list_on_a_360_px_phone(new_page):
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
    # One column: each card starts below the one before it.
    for upper, lower in pairwise(boxes):
        assert lower["y"] >= upper["y"] + upper["height"], (upper, lower)

    page.goto(SESSION_PAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


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
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico")
            and errors.append(message.text)
        ),
    )

    page.goto("/en/schedule/")
    page.get_by_role("link", name="Opening plenary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening plenary")
    page.wait_for_load_state("networkidle")

    server = urlsplit(program.url).netloc
    elsewhere = [url for url in requests if urlsplit(url).netloc != server]
    assert elsewhere == []
    for path in ("/static/niic/site.css", "/static/niic/agenda.js", "/static/niic/schedule.js"):
        assert statuses.get(path) == 200, f"{path}: {statuses.get(path)}"
    # A script blocked by the Content-Security-Policy, or failing, shows up here.
    assert errors == []


def test_the_schedule_prints_as_a_pocket_program(new_page):
    # A6 paper is 105 mm wide: about 397 CSS pixels.
    page = new_page(viewport={"width": 397, "height": 560})
    page.goto("/en/schedule/?day=2014-12-15")
    page.emulate_media(media="print")
    for hidden in [".site-header", ".filters", ".day-tabs", ".site-footer"]:
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".star").first).to_be_hidden()
    expect(cards(page)).to_have_count(11)
    expect(cards(page).first.locator(".card-room")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 397
