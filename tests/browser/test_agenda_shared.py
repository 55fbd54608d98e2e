"""The agenda in a real browser: removing a session can be undone without the keyboard's place
being lost; "Get a link to this agenda" gives a link that a second device opens to see and edit
the same agenda, stars included; the link is shared, copied or selected, whichever the browser
can; and the page passes axe in English and Spanish, with screenshots to look at."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sessions.models import Session, SharedAgenda
from tests.browser.test_accessibility import AXE_OPTIONS, report

pytestmark = pytest.mark.browser

ADD = "Add to my agenda"
REMOVE = "In my agenda — remove"
TITLES = ["Opening plenary", "Afternoon break", "Closing plenary"]
TOKEN_PAGE = re.compile(r"/(en|es)/agenda/[-\w]{22}/(#agenda-link)?$")


def star(page, title, state):
    return page.get_by_role("button", name=f"{state} {title}", exact=True)


def card_titles(page):
    return page.locator("main article h3")


def focused(page):
    return page.evaluate(
        "document.activeElement === document.body ? 'BODY' : document.activeElement.outerHTML"
    )


def scripted(page):
    """Waits for agenda.js to have run (it shows the copy button): a click before that is the
    page without JavaScript, which works too but is another test's."""
    page.locator("[data-agenda-share]:visible").wait_for()


def starred_in_this_browser(page, titles, language="en"):
    ids = [Session.objects.get(title=title).pk for title in titles]
    page.goto(f"/{language}/schedule/")
    page.evaluate(f"localStorage.setItem('niic-agenda', JSON.stringify({ids}))")
    return ids


def open_my_agenda_with_a_link(page, language="en"):
    """Stars three sessions, opens My agenda and asks for its link."""
    starred_in_this_browser(page, TITLES, language)
    page.goto(f"/{language}/agenda/")
    expect(card_titles(page)).to_have_count(3)
    page.locator("form[action$='/agenda/link/'] button").click()
    expect(page).to_have_url(TOKEN_PAGE)
    scripted(page)
    return page.url.split("#")[0]


def test_undo_after_removal_keeps_the_focus_and_restores_the_session(page):
    ids = starred_in_this_browser(page, TITLES)
    # No link asked for: the stars never leave the browser.
    sent = []
    page.on("request", lambda request: request.method != "GET" and sent.append(request.url))
    page.goto("/en/agenda/")
    scripted(page)
    expect(card_titles(page)).to_have_text(TITLES)

    star(page, "Afternoon break", REMOVE).focus()
    page.keyboard.press("Enter")

    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    expect(undo).to_have_accessible_description("“Afternoon break” removed from your agenda.")
    expect(page.locator("[data-agenda-status]")).to_have_text("Removed from your agenda.")
    expect(card_titles(page)).to_have_text(["Opening plenary", "Closing plenary"])
    assert page.evaluate("JSON.parse(localStorage.getItem('niic-agenda'))") == [ids[0], ids[2]]

    page.keyboard.press("Enter")

    expect(card_titles(page)).to_have_text(TITLES)
    expect(star(page, "Afternoon break", REMOVE)).to_be_focused()
    expect(page.locator("[data-agenda-status]")).to_have_text(
        "“Afternoon break” is back in your agenda."
    )
    assert sorted(page.evaluate("JSON.parse(localStorage.getItem('niic-agenda'))")) == sorted(ids)
    export = page.get_by_role("link", name="Download this agenda (.ics)")
    expect(export).to_have_attribute("href", re.compile(rf"sessions={ids[0]},{ids[2]},{ids[1]}$"))
    assert sent == []


def test_removing_every_session_never_drops_the_focus_to_the_page(page):
    starred_in_this_browser(page, TITLES[:2])
    page.goto("/en/agenda/")
    scripted(page)
    for title in TITLES[:2]:
        star(page, title, REMOVE).click()
        assert focused(page) != "BODY"
        expect(page.get_by_role("button", name="Undo").last).to_be_focused()
    expect(page.get_by_text("Your agenda is empty.")).to_be_visible()


def test_a_second_device_opens_the_link_and_edits_the_same_agenda(new_page):
    laptop = new_page()
    link = open_my_agenda_with_a_link(laptop)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert laptop.evaluate("localStorage.getItem('niic-agenda-token')") == token
    subscribe = laptop.get_by_role("link", name="Subscribe in a calendar app")
    expect(subscribe).to_have_attribute(
        "href", re.compile(rf"^webcal://[^/]+/en/agenda/{token}\.ics$")
    )

    # The phone has a star of its own: it is offered, not sent.
    phone = new_page()
    starred_in_this_browser(phone, ["Lunch"])
    phone.goto(link + ").")  # as a chat app hands it over
    expect(phone).to_have_url(link)
    scripted(phone)
    expect(card_titles(phone)).to_have_text(TITLES)
    expect(phone.get_by_text("One other session is starred in this browser.")).to_be_visible()
    with phone.expect_response(lambda response: response.request.method == "POST") as removal:
        star(phone, "Opening plenary", REMOVE).click()
    assert removal.value.status == 200
    expect(phone.get_by_role("button", name="Undo")).to_be_focused()
    phone.get_by_role("button", name="Add them to this agenda").click()
    expect(card_titles(phone)).to_have_text(["Afternoon break", "Lunch", "Closing plenary"])
    stored = SharedAgenda.objects.get(token=token).session_ids
    assert sorted(stored) == sorted(
        Session.objects.get(title=title).pk for title in [*TITLES[1:], "Lunch"]
    )

    # Back on the laptop, the schedule's stars show what the phone did.
    laptop.goto("/en/schedule/?day=2014-12-14")
    expect(star(laptop, "Opening plenary", ADD)).to_be_visible()
    laptop.goto("/en/schedule/?day=2014-12-15")
    expect(star(laptop, "Lunch", REMOVE)).to_be_visible()
    # And the menu's "My agenda" opens the stored agenda.
    laptop.get_by_role("navigation", name="Main").get_by_role("link", name="My agenda").click()
    expect(laptop).to_have_url(link)


def test_the_stored_agenda_is_edited_without_javascript(new_page):
    link = open_my_agenda_with_a_link(new_page())
    page = new_page(java_script_enabled=False)
    page.goto(link)
    star(page, "Afternoon break", REMOVE).click()
    expect(page).to_have_url(link)
    expect(card_titles(page)).to_have_text(["Opening plenary", "Closing plenary"])
    # Without the script the link is there to select and copy; the copy button is not.
    expect(page.get_by_label("Link to this agenda")).to_have_value(link)
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()


def test_the_link_is_shared_where_the_browser_can(new_page):
    page = new_page()
    page.add_init_script(
        "navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };"
    )
    link = open_my_agenda_with_a_link(page)
    page.get_by_role("button", name="Share link").click()
    page.wait_for_function("window.sharedData !== undefined")
    assert page.evaluate("window.sharedData.url") == link


def test_the_link_is_copied_or_else_selected(browser, program):
    context = browser.new_context(base_url=program.url, locale="en-US")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.add_init_script("delete Navigator.prototype.share;")
        link = open_my_agenda_with_a_link(page)
        copy = page.get_by_role("button", name="Copy link")
        copy.click()
        expect(page.locator("[data-agenda-status]")).to_have_text("Link copied.")
        assert page.evaluate("navigator.clipboard.readText()") == link

        # A browser that refuses the clipboard: the link is selected for its own copy command.
        page.evaluate(
            "() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }"
        )
        copy.click()
        field = page.get_by_label("Link to this agenda")
        expect(field).to_be_focused()
        assert page.evaluate(
            "(({selectionStart, selectionEnd, value}) => selectionEnd - selectionStart"
            " === value.length)(document.activeElement)"
        )
        expect(page.locator("[data-agenda-status]")).to_have_text(
            "The link is selected: copy it with your device’s copy command."
        )
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_on_the_agenda_pages(new_page, screenshot, language):
    axe = Axe()
    found = {}
    for width in (360, 1280):
        page = new_page(viewport={"width": width, "height": 900})
        starred_in_this_browser(page, TITLES, language)
        page.goto(f"/{language}/agenda/")
        scripted(page)
        expect(card_titles(page)).to_have_count(3)
        screenshot(page, f"agenda-{language}-{width}")
        pages = {"my agenda": page.url}
        page.locator("form[action$='/agenda/link/'] button").click()
        expect(page).to_have_url(TOKEN_PAGE)
        scripted(page)
        pages["agenda's own link"] = page.url.split("#")[0]
        screenshot(page, f"agenda-link-{language}-{width}")
        page.locator("main article button").nth(1).click()  # removed, with its Undo line
        expect(page.locator(".agenda-removed button")).to_be_focused()
        screenshot(page, f"agenda-undo-{language}-{width}")
        for name, state in [("after a removal", None), *pages.items()]:
            if state is not None:
                page.goto(state)
                expect(card_titles(page).first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                found[f"{name} ({language}, {width} px)"] = report(violations)
    assert not found, "\n\n".join(f"{name}: {text}" for name, text in found.items())
