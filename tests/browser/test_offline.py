"""Offline at the venue (issue 21): after one online visit, the current edition reads offline in
the visitor's language, each stored page saying it is a copy and since when; a page never
stored gets the offline page; an online visitor still sees each released change at once; the
site installs as an app (manifest, icons, a service worker that controls the page); a new
deployment replaces the stored copy."""

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import transaction
from playwright.sync_api import expect

from niic import offline
from sessions import services
from sessions.models import Session
from speakers.models import Speaker
from tests.browser.test_accessibility import AXE_OPTIONS, report
from tests.factories import make_organizer
from tracks.models import Conference

pytestmark = pytest.mark.browser

# Keeping the whole of NIIC 2014 (about 70 pages) takes a few seconds; a loaded machine more.
READY_MS = 90_000
NOTE = {"en": "Offline copy from", "es": "Copia sin conexión"}
# For people to look at (issue 21's closing note): the offline schedule on a phone.
NOTES_SHOTS = Path("/tmp/notes/shots-offline")  # noqa: S108 (the team's notes folder)


def open_online_once(page, path):
    """One visit with a network, until the service worker controls the page and has kept the
    whole edition (offline.js marks <html data-offline-ready> as the worker reports)."""
    page.goto(path)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=READY_MS)
    expect(page.locator("html")).to_have_attribute(
        "data-offline-ready", "complete", timeout=READY_MS
    )


def stored_urls(page):
    """Every URL in the service worker's caches."""
    return page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )


def in_language(session, language):
    """The session's title as its pages show it in `language` (whatever the capitals)."""
    return re.compile(re.escape(getattr(session, f"title_{language}") or session.title_en), re.I)


@pytest.mark.parametrize("language", ["en", "es"])
def test_after_one_visit_the_edition_reads_offline_with_the_note(
    new_page, program, screenshot, language
):
    page = new_page(viewport={"width": 360, "height": 800}, service_workers="allow")
    asked = []
    page.context.on("request", lambda request: asked.append(request.url))
    open_online_once(page, f"/{language}/")
    conference = Conference.objects.get(slug="niic-2014")
    session = Session.objects.filter(conference=conference, panel__isnull=False).last()
    speaker = Speaker.objects.filter(panel_memberships__session=session).first()
    # A star, with a network: the agenda's new address is kept too.
    page.goto(f"/{language}/schedule/?day={conference.start_date:%Y-%m-%d}")
    starred = page.locator("article").first
    starred_title = starred.locator("h3").inner_text()
    starred.locator("button").click()
    page.wait_for_timeout(500)

    page.context.set_offline(True)

    page.goto(f"/{language}/schedule/")
    expect(page.locator(".day-tabs")).to_be_visible()
    note = page.locator("[data-offline-note]")
    expect(note).to_be_visible()
    NOTES_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshot(page, f"offline-schedule-360-{language}"), NOTES_SHOTS)
    expect(note).to_contain_text(NOTE[language])
    expect(note).to_contain_text(":")  # the time the copy was made, "10:42 AM"
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, report(violations)
    for day in conference.days:
        page.goto(f"/{language}/editions/niic-2014/schedule/?day={day:%Y-%m-%d}")
        expect(note).to_be_visible()
        first = Session.objects.public().filter(conference=conference).order_by("starts_at")
        on_that_day = [
            each for each in first if each.starts_at.astimezone(conference.tzinfo).date() == day
        ]
        expect(page.locator("main")).to_contain_text(in_language(on_that_day[0], language))
    page.goto(f"/{language}/program/")
    expect(note).to_be_visible()
    expect(page.locator("main")).to_contain_text(in_language(session, language))
    # Never opened before: fetched ahead.
    page.goto(session.get_absolute_url().replace("/en/", f"/{language}/", 1))
    expect(note).to_be_visible()
    expect(page.locator("h1")).to_contain_text(in_language(session, language))
    page.goto(f"/{language}/speakers/{speaker.slug}/")
    expect(note).to_be_visible()
    expect(page.locator("h1")).to_contain_text(speaker.name)
    page.goto(f"/{language}/editions/niic-2014/rooms/{session.room.slug}/")
    expect(note).to_be_visible()
    # My agenda, from the menu: this browser's stars.
    page.locator("[data-agenda-link]").first.click()
    expect(note).to_be_visible()
    expect(page.locator("[data-agenda-list]")).to_contain_text(starred_title)

    # Never stored: the offline page, linking to what is.
    page.goto(f"/{language}/search/?q=never-asked")
    expect(page.locator("[data-offline-missing]")).to_be_visible()
    expect(page.locator(".offline-kept a").first).to_be_visible()
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, report(violations)

    # Nothing but the site was asked for, the pages fetched ahead by the worker included; and
    # nothing of the other language, of the admin or personal was stored.
    origin = urlsplit(program.url).netloc
    assert {urlsplit(url).netloc for url in asked} == {origin}
    assert any(session.slug in url for url in asked)
    other = "es" if language == "en" else "en"
    urls = stored_urls(page)
    assert not [url for url in urls if f"/{other}/" in url or "/admin/" in url]


def test_a_released_change_reaches_an_online_visitor_and_the_stored_copy(new_page, program):
    page = new_page(service_workers="allow")
    open_online_once(page, "/en/")
    session = Session.objects.get(slug="opening-plenary")
    page.goto(session.get_absolute_url())
    expect(page.locator("h1")).to_contain_text(session.title)

    with transaction.atomic():
        session.title = "Opening plenary, moved to the ballroom"
        services.session_save(user=make_organizer(), session=session)
    page.goto(session.get_absolute_url())
    expect(page.locator("h1")).to_contain_text("moved to the ballroom")
    expect(page.locator("[data-offline-note]")).to_be_hidden()

    page.context.set_offline(True)
    page.goto(session.get_absolute_url())
    expect(page.locator("[data-offline-note]")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("moved to the ballroom")


def test_the_site_installs_as_an_app_and_a_new_deployment_replaces_the_copy(
    new_page, program, monkeypatch
):
    page = new_page(service_workers="allow")
    open_online_once(page, "/es/")
    # Installability, as Chromium checks it: a manifest with a name, a start URL, standalone
    # display, icons of 192 and 512 px (and a maskable one) that load; a service worker that
    # controls the page.
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.evaluate(f"() => fetch('{href}').then((response) => response.json())")
    assert manifest["name"]
    assert manifest["short_name"]
    assert manifest["lang"] == "es"
    assert manifest["start_url"] == "/es/schedule/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == offline.theme_colour()
    assert (
        page.locator("meta[name=theme-color]").get_attribute("content") == manifest["theme_color"]
    )
    sizes = {}
    for icon in manifest["icons"]:
        if icon["type"] != "image/png":
            continue
        sizes[(icon["sizes"], icon["purpose"])] = page.evaluate(
            """(src) => new Promise((resolve, reject) => {
                const image = new Image();
                image.onload = () => resolve(`${image.naturalWidth}x${image.naturalHeight}`);
                image.onerror = reject;
                image.src = src;
            })""",
            icon["src"],
        )
    assert sizes == {
        ("192x192", "any"): "192x192",
        ("512x512", "any"): "512x512",
        ("512x512", "maskable"): "512x512",
    }
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")

    before = set(stored_urls(page))
    names = page.evaluate("() => caches.keys()")
    assert all(offline.deployment_version() in name for name in names)

    # A new deployment: its worker takes over, stores the edition anew and drops the old copy.
    monkeypatch.setattr(offline, "deployment_version", lambda: "next-deployment")
    page.evaluate("() => navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_function(
        """async () => {
            const names = await caches.keys();
            return names.length > 0 && names.every((name) => name.includes("next-deployment"));
        }""",
        timeout=READY_MS,
    )
    page.reload()
    expect(page.locator("html")).to_have_attribute(
        "data-offline-ready", "complete", timeout=READY_MS
    )
    assert set(stored_urls(page)) >= {
        url for url in before if "/es/" in url and "offline-state" not in url
    }
