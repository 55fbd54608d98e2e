"""The change log as attendees read it: accessible (axe, in English and Spanish) and readable
in a 360 px window, with two releases and the four kinds of change between them."""

import pytest
from axe_playwright_python.sync_playwright import Axe

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
