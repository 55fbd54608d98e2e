"""The change log as attendees read it: accessible (axe, in English and Spanish) and readable
in a 360 px window, with two releases and the four kinds of change between them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from sessions import services
from sessions.models import Session
from tests.browser.test_accessibility import AXE_OPTIONS, report
from tests.factories import make_organizer
from tests.sessions.test_releases import release_four_changes

pytestmark = pytest.mark.browser


@pytest.fixture
def released(program):
    conference = Session.objects.get(slug="lunch").conference
    release_four_changes(conference, make_organizer())
    return program


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_change_log_has_no_axe_violation_and_fits_360_px(new_page, released, language):
    page = new_page(viewport={"width": 360, "height": 800})
    response = page.goto(f"/{language}/editions/niic-2014/changes/")
    assert response.status == 200
    assert page.locator("#release-2 h3").count() == 4
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, report(violations)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_my_agenda_flags_the_starred_sessions_that_changed_since_i_last_looked(new_page, program):
    conference = Session.objects.get(slug="lunch").conference
    organizer = make_organizer()
    services.program_release(user=organizer, conference=conference, name="v1", note="")
    lunch = Session.objects.get(slug="lunch")
    closing = Session.objects.get(slug="closing-plenary")
    page = new_page()
    page.goto("/en/agenda/")
    page.evaluate(f"localStorage.setItem('niic-agenda', '[{lunch.pk}, {closing.pk}]')")
    page.goto(f"/en/agenda/?sessions={lunch.pk},{closing.pk}")
    # The first look flags nothing: it remembers the newest release.
    expect(page.locator(".badge.changed")).to_have_count(0)
    assert page.evaluate("localStorage.getItem('niic-seen-release')") is not None

    lunch.title = "Lunch and networking"
    services.session_save(user=organizer, session=lunch)
    services.program_release(user=organizer, conference=conference, name="v2", note="")
    page.goto(f"/en/agenda/?sessions={lunch.pk},{closing.pk}")

    changed = page.locator(f"[data-agenda-item='{lunch.pk}'] .badge.changed")
    expect(changed).to_have_text("Changed since you last looked: retitled")
    expect(page.locator(f"[data-agenda-item='{closing.pk}'] .badge.changed")).to_have_count(0)
    expect(page.locator("[data-agenda-changes-count]")).to_have_text(
        "1 session of this agenda changed since you last looked."
    )
    # Looked at once, it is not flagged again.
    page.reload()
    expect(page.locator(".badge.changed")).to_have_count(0)
