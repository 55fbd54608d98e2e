"""The whole program printed as a pocket program (static/niic/print.css): an edition of 1,000
sessions fits in 30 Letter pages that start with the program, and every printed card reads
title first, then time and room, track, speakers, with nothing of the site's chrome."""

import re

import pytest
from playwright.sync_api import expect

from niic.generated_program import generate_program
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

# As the issue measured it: 1,000 sessions in 18 rooms over 3 days.
THOUSAND_SESSIONS = {"sessions": 1000, "speakers": 600, "rooms": 18, "days": 3, "seed": 7}
MOST_LETTER_PAGES = 30
TRACK = "Economic opportunity, inclusion, and stability"
LETTER_WIDTH_PX = 816  # 8.5 in at 96 CSS pixels an inch
EIGHT_POINTS_PX = 8 * 96 / 72

OBJECT = re.compile(rb"(\d+) 0 obj\b(.*?)\bendobj", re.DOTALL)
KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
REFERENCE = re.compile(rb"(\d+) 0 R")
TITLE = re.compile(rb"/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)")
DESTINATION = re.compile(rb"/Dest\s*\[\s*(\d+) 0 R")


def pdf_objects(pdf):
    """{object number: its text up to endobj} (a stream's bytes included, never searched)."""
    return {int(number): body for number, body in OBJECT.findall(pdf)}


def pdf_pages(pdf):
    """The PDF's page objects, in reading order, from its page tree."""
    objects = pdf_objects(pdf)
    parents = {
        number
        for number, body in objects.items()
        if re.search(rb"/Type\s*/Pages\b", body) and not re.search(rb"/Parent\b", body)
    }
    assert len(parents) == 1, "one page tree"

    def leaves(number):
        body = objects[number]
        if re.search(rb"/Type\s*/Pages\b", body):
            kids = KIDS.search(body).group(1)
            return [page for kid in REFERENCE.findall(kids) for page in leaves(int(kid))]
        return [number]

    return leaves(parents.pop())


def pdf_string(literal):
    """The text of a PDF string: (literal) with escapes, or <hex>, UTF-16 when it says so."""
    if literal.startswith(b"<"):
        raw = bytes.fromhex(re.sub(rb"\s", b"", literal[1:-1]).decode())
    else:
        raw = re.sub(rb"\\([()\\])", rb"\1", literal[1:-1])
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    return raw.decode("latin-1")


def outline_pages(pdf):
    """{heading text: the number (from 1) of the page it is printed on}, from the outline
    Chromium builds from the page's headings."""
    page_numbers = {page: index for index, page in enumerate(pdf_pages(pdf), start=1)}
    printed_on = {}
    for body in pdf_objects(pdf).values():
        title, destination = TITLE.search(body), DESTINATION.search(body)
        if title and destination:
            printed_on[pdf_string(title.group(1))] = page_numbers[int(destination.group(1))]
    return printed_on


@pytest.fixture
def thousand_sessions(program):
    return generate_program(**THOUSAND_SESSIONS).conference


def test_a_thousand_sessions_print_on_at_most_30_letter_pages_from_page_one(
    new_page, thousand_sessions
):
    page = new_page(viewport={"width": LETTER_WIDTH_PX, "height": 1056})
    page.goto(f"/en/editions/{thousand_sessions.slug}/program/")
    titles = page.locator("main article h4").all_inner_texts()
    assert len(titles) == THOUSAND_SESSIONS["sessions"]

    pdf = page.pdf(format="Letter", outline=True, tagged=True)
    # Kept, like the screenshots, for people to look at.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "pocket-program-1000-letter.pdf").write_bytes(pdf)

    pages = pdf_pages(pdf)
    assert len(pages) <= MOST_LETTER_PAGES, f"{len(pages)} Letter pages"
    printed_on = outline_pages(pdf)
    # Every session is printed, and the first page starts the program: its first day and
    # its first sessions, not the page's title alone.
    assert set(titles) <= set(printed_on)
    assert printed_on["Monday, October 7"] == 1
    assert printed_on[titles[0]] == 1
    assert sum(printed_on[title] == 1 for title in titles) >= 20
    # Each later day starts a page of its own.
    assert printed_on["Tuesday, October 8"] > printed_on[titles[0]]


def test_a_printed_card_reads_title_time_and_room_track_speakers(page, screenshot):
    page.set_viewport_size({"width": LETTER_WIDTH_PX, "height": 1056})
    page.goto("/en/program/")
    page.emulate_media(media="print")

    for chrome in [".site-header", ".site-footer", ".filters", ".breadcrumbs", ".page-links"]:
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("main button:visible")).to_have_count(0)
    # The page's title, then straight into the first day, in two columns.
    expect(page.locator(".program-day").first).to_have_css("column-count", "2")
    # The time zone, said once under each day's heading.
    expect(page.locator(".day-zone:visible")).to_have_text(
        ["All times are local to the conference: America/Los_Angeles (PST)."] * 3
    )

    plenary = page.locator(".card-list article").filter(has_text="Opening plenary")
    title, when_where = plenary.locator("h4"), plenary.locator("p").first
    speakers = plenary.locator(".who")
    for line in (title, when_where, speakers):
        expect(line).to_be_visible()
    tops = [line.bounding_box()["y"] for line in (title, when_where, speakers)]
    assert tops[0] < tops[1] < tops[2], "title, then time and room, then speakers"
    expect(speakers).to_have_text("Angelica Salas")
    # The track is printed, after the time and room.
    in_track = page.locator(".card-list article").filter(has_text=TRACK).first
    track = in_track.locator("h4 + p")
    expect(track).to_be_visible()
    expect(track).to_have_text(f"{TRACK} · Panel")
    assert track.bounding_box()["y"] >= in_track.locator("p").first.bounding_box()["y"]

    def points(locator):
        return float(locator.evaluate("line => getComputedStyle(line).fontSize")[:-2])

    assert points(title) >= points(when_where)
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('main *')]
            .filter(element => element.checkVisibility() && [...element.childNodes]
                .some(node => node.nodeType === Node.TEXT_NODE && node.data.trim()))
            .map(element => parseFloat(getComputedStyle(element).fontSize)))"""
    )
    assert smallest >= EIGHT_POINTS_PX - 0.01
    screenshot(page, "print-whole-program-816")
