"""The session list at a 1,280 px laptop's width, in Chromium: every column, Conflicts and When
included, is inside the list's box (nothing clipped, no sideways scroll), for an organizer and
for a track chair, in English and in Spanish, with the widest columns showing (the release
column of an edition with the release step, the speakers' answers once they are invited, a
conflict's words)."""

import pytest
from django.conf import settings

from niic.roles import translator_group
from sessions.models import PanelMembership, Session
from tests.factories import make_chair, make_organizer
from tracks.models import Conference

pytestmark = pytest.mark.browser

PASSWORD = "a-long-pass-phrase"

# The right edge of the table, of its box, and of each heading.
EDGES = """() => {
    const table = document.querySelector('#result_list');
    const box = table.parentElement.getBoundingClientRect();
    return {
        box: Math.round(box.right),
        table: Math.round(table.getBoundingClientRect().right),
        page: document.documentElement.scrollWidth,
        headings: [...table.querySelectorAll('thead th')].map(
            (th) => [th.className, Math.round(th.getBoundingClientRect().right)]
        ),
    };
}"""


@pytest.fixture
def widest_list(program):
    """NIIC 2014 with the release step, a seat invited (the answers column) and a draft in a
    published session's room and time (the conflicts column has words)."""
    Conference.objects.filter(slug="niic-2014").update(publishes_at_once=False)
    seat = PanelMembership.objects.select_related("session").first()
    PanelMembership.objects.filter(pk=seat.pk).update(answer=PanelMembership.Answer.INVITED)
    clash = Session.objects.filter(track__isnull=False).order_by("starts_at").first()
    other = Session.objects.exclude(pk=clash.pk).filter(track=clash.track).first()
    # A draft: PostgreSQL refuses two published sessions in one room at once.
    Session.objects.filter(pk=other.pk).update(
        starts_at=clash.starts_at,
        ends_at=clash.ends_at,
        room=clash.room,
        status=Session.Status.DRAFT,
    )
    return clash.track


def log_in(page, username):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    # The live server shares one SQLite connection between its threads: let the home's own
    # requests (the favicon, each with the session's query) end before the next page asks.
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", ["organizer", "chair"])
def test_every_column_of_the_session_list_fits_at_1280_px(
    new_page, program, widest_list, screenshot, role, language
):
    if role == "organizer":
        user = make_organizer(username="org", password=PASSWORD)
    else:
        user = make_chair(widest_list, username="chair", password=PASSWORD)
        # A chair who also translates sees every public session: the longest list.
        user.groups.add(translator_group("es"))
    page = new_page(viewport={"width": 1280, "height": 900})
    # The browser's language decides for a user who chose none (Django's language cookie).
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": program.url}]
    )
    log_in(page, user.username)
    page.goto("/admin/program/session/?o=1")
    edges = page.evaluate(EDGES)
    screenshot(page, f"session-list-1280-{role}-{language}")
    columns = [
        next(each for each in name.split() if each.startswith("column-"))
        for name, _right in edges["headings"][1:]
    ]
    assert columns[-6:] == [
        "column-format",
        "column-panel_size",
        "column-panel_answers",
        "column-release_state",
        "column-to_translate",
        "column-conflicts",
    ]
    assert "column-when" in columns
    assert edges["table"] <= edges["box"], edges
    assert [name for name, right in edges["headings"] if right > edges["box"]] == []
    assert edges["page"] == 1280
