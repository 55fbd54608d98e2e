"""How much work one ordinary session is in the admin: "a session with four panelists, two of
them new", from the admin's index to the saved draft, counted in a real browser: typed in the
add form, and started from an empty cell of the schedule board.

Counted: clicks (choosing from a native drop-down is two: open, pick), text typed into a box,
and page loads (popup windows included; a redirect and the page it leads to count once)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from sessions.models import Session
from tests.factories import make_organizer
from tracks.models import Conference

pytestmark = pytest.mark.browser

PASSWORD = "a-long-pass-phrase"
TITLE = "Building a welcoming economy together"
TRACK = "economic opportunity, inclusion, and stability"
TOPIC = "entrepreneurship as a component of integration in welcoming cities"
KNOWN = ["Eva Millona", "Joshua Hoyt"]
NEW = ["Ana Nueva", "Ben Newcomer"]


class Counted:
    """A page whose clicks, typed boxes and page loads (its popups' too) are counted."""

    def __init__(self, page):
        self.page = page
        self.clicks = self.fills = self.loads = 0
        page.context.on("response", self._answered)

    def _answered(self, response):
        # A page shown: a document answered with 200 (a redirect is not a page of its own).
        if response.request.resource_type == "document" and response.status == 200:
            self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def fill(self, locator, text):
        self.fills += 1
        locator.fill(text)

    def choose(self, locator, **option):
        """A native <select>: one click opens it, one picks."""
        self.clicks += 2
        locator.select_option(**option)

    def totals(self):
        return {"clicks": self.clicks, "fills": self.fills, "page loads": self.loads}


def log_in(page):
    make_organizer(username="organizer", password=PASSWORD)
    page.goto("/admin/login/")
    page.locator("#id_username").fill("organizer")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def pick_speaker(counted, row, name):
    page = counted.page
    counted.click(page.locator(f"#panel-{row} .select2-container"))
    counted.fill(page.locator(".select2-container--open .select2-search__field"), name.split()[0])
    option = page.locator(".select2-container--open .select2-results__option", has_text=name)
    expect(option).to_have_count(1)
    counted.click(option)


def new_speaker(counted, row, name):
    page = counted.page
    with page.expect_popup() as popup_info:
        counted.click(page.locator(f"#add_id_panel-{row}-speaker"))
    popup = popup_info.value
    popup.wait_for_load_state()
    counted.fill(popup.locator("#id_name"), name)
    with popup.expect_event("close"):
        counted.click(popup.get_by_role("button", name="Save", exact=True))
    expect(page.locator(f"#panel-{row} .select2-selection__rendered")).to_contain_text(name)


def fill_in_the_rest(counted, *, when=True):
    """Everything but the edition (preselected) and, from the board, the room and times."""
    page = counted.page
    counted.fill(page.locator("#id_title_en"), TITLE)
    counted.choose(page.locator("#id_track"), label=TRACK)
    counted.click(page.locator("#id_topics").get_by_label(TOPIC.capitalize(), exact=True))
    if when:
        counted.fill(page.locator("#id_day"), "2014-12-16")
        counted.fill(page.locator("#id_start_time"), "15:00")
        counted.fill(page.locator("#id_end_time"), "16:15")
        counted.choose(page.locator("#id_room"), label="Room C")
    counted.click(page.locator("#id_languages").get_by_label("English"))
    counted.click(page.locator("#id_interpretation_languages").get_by_label("Español"))

    # Four rows are ready; they are saved in the order they are in.
    pick_speaker(counted, 0, KNOWN[0])
    counted.choose(page.locator("#id_panel-0-role"), value="moderator")
    pick_speaker(counted, 1, KNOWN[1])
    new_speaker(counted, 2, NEW[0])
    new_speaker(counted, 3, NEW[1])

    counted.click(page.get_by_role("button", name="Save", exact=True))
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)


def test_a_session_with_four_panelists_two_of_them_new_from_the_index(page):
    """Before the workbench (measured on main at f55621e, with the add form as it was; the test
    is in commit 57a0def): 26 clicks, 12 typed boxes, 6 page loads."""
    niic = Conference.objects.get(slug="niic-2014")
    log_in(page)
    counted = Counted(page)
    counted.click(page.locator("tr.model-session a.addlink"))
    expect(page).to_have_url(re.compile(r"/admin/program/session/add/$"))
    expect(page.locator("#id_conference")).to_have_value(str(niic.pk))

    fill_in_the_rest(counted)

    check_saved(niic)
    assert counted.totals() == {"clicks": 19, "fills": 8, "page loads": 6}


def test_a_session_with_four_panelists_two_of_them_new_from_the_board(page):
    """From the board's empty cell: the edition, room, day and start come filled in."""
    niic = Conference.objects.get(slug="niic-2014")
    log_in(page)
    counted = Counted(page)
    counted.click(page.get_by_role("link", name="Schedule board"))
    counted.click(page.get_by_role("link", name="Tuesday, December 16"))
    counted.click(page.get_by_role("link", name="Add a session in Room C at 15:00"))
    expect(page.locator("#id_start_time")).to_have_value("15:00")
    counted.fill(page.locator("#id_end_time"), "16:15")

    fill_in_the_rest(counted, when=False)

    check_saved(niic)
    assert counted.totals() == {"clicks": 19, "fills": 6, "page loads": 8}


def check_saved(niic):
    session = Session.objects.get(title=TITLE)
    zone = niic.tzinfo
    assert (session.status, session.room.name, session.track.name) == ("draft", "Room C", TRACK)
    assert session.starts_at.astimezone(zone).replace(tzinfo=None) == datetime.datetime(
        2014, 12, 16, 15, 0
    )
    assert session.ends_at.astimezone(zone).replace(tzinfo=None) == datetime.datetime(
        2014, 12, 16, 16, 15
    )
    assert [topic.name for topic in session.topics.all()] == [TOPIC]
    assert [language.code for language in session.languages.all()] == ["en"]
    assert [language.code for language in session.interpretation_languages.all()] == ["es"]
    panel = session.panel.in_panel_order().select_related("speaker")
    assert [(seat.speaker.name, seat.role) for seat in panel] == [
        (KNOWN[0], "moderator"),
        (KNOWN[1], "panelist"),
        (NEW[0], "panelist"),
        (NEW[1], "panelist"),
    ]


# Importing a sheet: from upload to imported


def sheet_of_thirty_with_three_mistakes(path):
    """30 new draft sessions; a speaker's name misspelt, a US date, a room named in Spanish."""
    rows = [
        "edition,title_en,format,status,day,start,end,room,panel",
        *(
            f"niic-2014,Workshop {number},workshop,draft,2014-12-15,"
            f"{8 + number // 3:02d}:00,{8 + number // 3:02d}:45,"
            f"{['room-a', 'room-b', 'room-c'][number % 3]},"
            for number in range(27)
        ),
        "niic-2014,Typo in a name,panel,draft,2014-12-16,16:00,17:00,room-a,Eva Milona (moderator)",
        "niic-2014,A US date,panel,draft,12/16/2014,16:00,17:00,room-b,",
        "niic-2014,A room in Spanish,panel,draft,2014-12-16,16:00,17:00,Sala C,",
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_importing_a_thirty_row_sheet_with_three_mistakes_takes_one_upload(page, tmp_path):
    """Before issue 22: five uploads (the typo became a duplicate speaker, the US date and the
    Spanish room name were refused, each found one upload at a time). Now one upload (a click
    on "Check the file"), one click on the suggestion, one on Import; four pages: the import
    page, the preview, the preview corrected, the list."""
    sheet = sheet_of_thirty_with_three_mistakes(tmp_path / "program.csv")
    log_in(page)
    counted = Counted(page)
    uploads = 0
    page.goto("/admin/program/session/import/")
    page.locator("#id_spreadsheet").set_input_files(sheet)
    uploads += 1
    counted.click(page.get_by_role("button", name="Check the file"))
    expect(page.get_by_text("did you mean Eva Millona?")).to_be_visible()
    counted.click(page.get_by_role("button", name="Use “Eva Millona (moderator)” as panel"))
    counted.click(page.get_by_role("button", name="Import 30 changes"))
    expect(page.locator(".messagelist .success")).to_contain_text("30 new sessions")

    assert Session.objects.filter(title__in=["Typo in a name", "A US date"]).count() == 2
    typo = Session.objects.get(title="Typo in a name")
    assert [seat.speaker.name for seat in typo.panel.all()] == ["Eva Millona"]
    assert Session.objects.get(title="A room in Spanish").room.name == "Room C"
    assert (uploads, counted.totals()) == (1, {"clicks": 3, "fills": 0, "page loads": 4})
