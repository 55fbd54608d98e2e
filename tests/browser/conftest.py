import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from niic.generated_program import generate_program
from tests.browser import SKIP_REASON, find_chromium
from tests.factories import publishing_at_once
from tests.services import skip_unless
from tracks.models import Conference

# Screenshots are test artifacts, looked at by people and never compared pixel by pixel; the
# folder is git-ignored. NIIC_SCREENSHOTS puts them elsewhere (a CI artifact folder).
SCREENSHOTS = Path(os.environ.get("NIIC_SCREENSHOTS", Path(__file__).parent / "screenshots"))
# A conference the size of a real one: 18 rooms at once (324 sessions over three days).
LARGE_EDITION = {"sessions": 324, "speakers": 300, "rooms": 18, "days": 3, "seed": 5}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Each step (a page load, a wait for results) against the local server takes well under a
# second; past this, a test fails fast instead of waiting Playwright's default 30 s.
TIMEOUT_MS = 10_000
# The same bound for expect()'s retries, whose own default (5 s) a machine busy with the
# suite's other worker can exceed while a page lays itself out.
expect.set_options(timeout=TIMEOUT_MS)


# One Chromium for the whole browser suite. Package scope rather than session scope: it is
# still launched once per run, and it is closed as soon as the last browser test is done, so
# the tests that run after these never see Playwright's event loop.
@pytest.fixture(scope="package")
def browser():
    chromium = find_chromium()
    skip_unless(chromium, SKIP_REASON)
    # Playwright's sync API leaves an asyncio loop marked as running in this thread, and Django
    # refuses database calls from a thread with a running loop. The calls made here (loading the
    # program, flushing the test database) are plain synchronous code in the main greenlet, never
    # inside a coroutine, so they are safe; this lets them through for the browser tests only.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture
def program(browser, live_server):
    """The live server, serving NIIC 2014 with its sample schedule, publishing each change at
    once (tests/factories.publishing_at_once)."""
    call_command("load_niic", sample_schedule=True, verbosity=0, stdout=io.StringIO())
    publishing_at_once(Conference.objects.get(slug="niic-2014"))
    return live_server


@pytest.fixture
def new_page(browser, program):
    """Opens a page in a fresh browser context (own storage, own cache) on the live server;
    keyword arguments go to browser.new_context (viewport, java_script_enabled, …). The
    service worker is blocked unless a test allows it (service_workers="allow",
    tests/browser/test_offline.py): it fetches the whole edition ahead, which other tests
    would see as requests of their own, on a live server whose threads share one SQLite
    connection."""
    contexts = []

    def open_page(**options):
        options.setdefault("service_workers", "block")
        context = browser.new_context(base_url=program.url, locale="en-US", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def large_edition(program):
    """A generated edition with 18 rooms in use at once, next to NIIC 2014."""
    return generate_program(**LARGE_EDITION).conference


@pytest.fixture
def screenshot():
    """Saves the page as SCREENSHOTS/<name>.png (the whole page unless told otherwise)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name, *, full_page=True):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save
