"""axe-core on every kind of public page, after the page's own scripts have run: WCAG 2.0, 2.1
and 2.2 A and AA, plus axe's best practices. And every page reflows into a 360 px window."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from sessions.models import Session

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
EDITION = "/en/editions/niic-2014"
TRACK = f"{EDITION}/tracks/engaging-receiving-communities"
AGENDA_SESSIONS = ["opening-plenary", "building-alliances-between-african-americans-and-immigrants"]
PAGES = {
    "home": "/en/",
    "schedule": "/en/schedule/",
    "session": f"{EDITION}/sessions/opening-plenary/",
    "track list": f"{EDITION}/tracks/",
    "track": f"{TRACK}/",
    "topic": f"{TRACK}/building-alliances-between-african-americans-and-immigrants/",
    "room": f"{EDITION}/rooms/room-a/",
    "speakers": "/en/speakers/",
    "speaker": "/en/speakers/angelica-salas/",
    "organization": "/en/organizations/chirla/",
    "search results": "/en/search/?q=immigrant",
    "agenda with sessions": "/en/agenda/?sessions={agenda}",
    "editions": "/en/editions/",
    "use in your app": f"{EDITION}/apps/",
    "change log": f"{EDITION}/changes/",
    "schedule in Spanish": "/es/schedule/",
    "session in Spanish": "/es/editions/niic-2014/sessions/opening-plenary/",
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


def page_path(name):
    agenda = ",".join(
        str(pk)
        for pk in Session.objects.filter(slug__in=AGENDA_SESSIONS).values_list("pk", flat=True)
    )
    return PAGES[name].format(agenda=agenda)


def visit(page, name):
    response = page.goto(page_path(name))
    assert response is not None
    assert response.status == 200, f"{name}: HTTP {response.status}"
    if name == "agenda with sessions":
        # agenda.js reveals the star buttons; make sure the list is there before checking.
        page.locator("article.session-card").first.wait_for()


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


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(page, axe, name):
    visit(page, name)

    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]

    assert not violations, report(violations)


def test_every_page_reflows_into_360_px(new_page):
    page = new_page(viewport={"width": 360, "height": 800})
    too_wide = {}
    for name in PAGES:
        visit(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[name] = width
    assert too_wide == {}, f"pages wider than the 360 px window (CSS px): {too_wide}"
