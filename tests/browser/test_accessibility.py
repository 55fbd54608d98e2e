"""axe-core on every kind of public page, in English and in Spanish, after the page's own
scripts have run: WCAG 2.0, 2.1 and 2.2 A and AA, plus axe's best practices. Every page reflows
into a 360 px window. And a screenshot of each main page at 360 and 1280 px, saved for people
to look at (tests/browser/screenshots/, git-ignored)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from niic.generated_program import generate_program
from sessions.models import Session
from tests.browser.conftest import LARGE_EDITION

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}
EDITION = "editions/niic-2014"
TRACK = f"{EDITION}/tracks/engaging-receiving-communities"
AGENDA_SESSIONS = ["opening-plenary", "building-alliances-between-african-americans-and-immigrants"]
# Every page type, without its language prefix; {large} is the 18-room generated edition.
PAGES = {
    "home": "",
    "schedule": "schedule/",
    "schedule of 18 rooms": "editions/{large}/schedule/?day=2030-10-07",
    "schedule filtered": "schedule/?track=engaging-receiving-communities",
    "schedule with a bad filter": "schedule/?track=nope",
    "whole program": "program/",
    "whole program of 18 rooms": "editions/{large}/program/",
    "session": f"{EDITION}/sessions/opening-plenary/",
    # Its texts are the article's, in English only: on a Spanish page, an English fallback.
    "session only in English": f"{EDITION}/sessions/{AGENDA_SESSIONS[1]}/",
    "track list": f"{EDITION}/tracks/",
    "track": f"{TRACK}/",
    "topic": f"{TRACK}/building-alliances-between-african-americans-and-immigrants/",
    "room": f"{EDITION}/rooms/room-a/",
    "speakers": "speakers/",
    "speaker": "speakers/angelica-salas/",
    "organization": "organizations/chirla/",
    "search results": "search/?q=immigrant",
    "search for a speaker": "search/?q=angélica",
    "search for a language": "search/?q=spanish",
    "shared agenda": "agenda/?sessions={agenda}",
    "empty agenda": "agenda/",
    "editions": "editions/",
    "use in your app": f"{EDITION}/apps/",
    "change log": f"{EDITION}/changes/",
    "page not found": "no-such-page/",
}
STATUSES = {"schedule with a bad filter": 400, "page not found": 404}
# Pages whose Spanish version shows English fallbacks (the article's texts, and every other
# session of the generated edition).
MIXED_LANGUAGE_PAGES = ["schedule", "schedule of 18 rooms", "session only in English", "track"]

# The pages to look at, at both widths.
SCREENSHOT_PAGES = [
    "home",
    "schedule",
    "schedule of 18 rooms",
    "whole program",
    "session",
    "session only in English",
    "track",
    "room",
    "speaker",
    "organization",
    "search for a speaker",
    "shared agenda",
    "page not found",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture
def large(program):
    return generate_program(**LARGE_EDITION).conference.slug


def page_path(name, language, large):
    agenda = ",".join(
        str(pk)
        for pk in Session.objects.filter(slug__in=AGENDA_SESSIONS).values_list("pk", flat=True)
    )
    return f"/{language}/" + PAGES[name].format(agenda=agenda, large=large)


def visit(page, name, language, large):
    response = page.goto(page_path(name, language, large))
    assert response is not None
    expected = STATUSES.get(name, 200)
    assert response.status == expected, f"{name}: HTTP {response.status}"
    if name == "shared agenda":
        # agenda.js names the agenda; make sure it has run before checking.
        page.locator("[data-agenda-shared]:visible").wait_for()


def report(violations):
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"\n{violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html']}")
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["en", "es"])
# One test per width, so that the suite's workers share them.
@pytest.mark.parametrize("width", [1280, 360])
def test_axe_finds_no_violation_on_any_page_type(new_page, axe, large, language, width):
    found = {}
    page = new_page(viewport={"width": width, "height": 900})
    for name in PAGES:
        visit(page, name, language, large)
        if language == "es" and name in MIXED_LANGUAGE_PAGES:
            # What is checked includes English texts inside a Spanish page.
            assert page.locator("main [lang=en]").count() > 0, name
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[f"{name} ({language}, {width} px)"] = report(violations)
    assert not found, "\n\n".join(f"{name}: {text}" for name, text in found.items())


def test_every_page_reflows_into_360_px(new_page, large):
    page = new_page(viewport={"width": 360, "height": 800})
    too_wide = {}
    for language in ("en", "es"):
        for name in PAGES:
            visit(page, name, language, large)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                too_wide[f"{name} ({language})"] = width
    assert too_wide == {}, f"pages wider than the 360 px window (CSS px): {too_wide}"


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_of_the_main_pages(new_page, large, screenshot, width):
    page = new_page(viewport={"width": width, "height": 800 if width == 360 else 900})
    saved = []
    for language in ("en", "es"):
        for name in SCREENSHOT_PAGES if language == "en" else ["schedule", "page not found"]:
            visit(page, name, language, large)
            slug = name.replace(" ", "-")
            # The first screen as a visitor sees it, and the whole page.
            saved.append(screenshot(page, f"{slug}-{language}-{width}", full_page=False))
            if name in ("schedule", "whole program", "session", "search for a speaker"):
                saved.append(screenshot(page, f"{slug}-{language}-{width}-full"))
    assert all(path.stat().st_size > 5000 for path in saved)
