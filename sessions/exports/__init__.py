"""An edition's public program in the formats that conference apps, calendars and spreadsheets
read: the frab/Pentabarf schedule.xml (frab), the c3voc schedule.json (c3voc), xCal (RFC 6321,
xcal) and CSV (spreadsheet).

Every export is made from the same few queries (program.load_program), whatever the size of the
program, and written here as plain strings: no serializer library is fast enough for a whole
edition in well under 250 ms (`make bench`). The test suite validates each against its published
schema (tests/formats/).

What apps key on stays put (fields):
- an event's `id` is the session's public id and its `guid` the session's guid, both fixed
  when the session is created and kept through retitles, slug edits, track moves and a
  deletion and re-import (sessions.identity);
- a person's `id` is the speaker's id, their `guid` derived from the speaker's slug;
- `version` is the name of the edition's latest release (Release), "unreleased" before one.
Drafts are never read. A cancelled session stays in every export, marked: its title starts
with "Cancelled:" in schedule.xml and schedule.json, its STATUS is CANCELLED in xCal, and the
CSV has a status column."""

from .c3voc import c3voc_json
from .frab import frab_xml
from .program import load_program
from .spreadsheet import program_csv, program_csv_for_excel
from .xcal import xcal, xcal_stamp

__all__ = [
    "c3voc_json",
    "frab_xml",
    "load_program",
    "program_csv",
    "program_csv_for_excel",
    "xcal",
    "xcal_stamp",
]
