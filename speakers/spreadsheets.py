"""Spreadsheet cells, written safely and read back: what the admin's exports and imports share
(sessions and speakers).

A text cell that starts with =, +, -, @, a tab or a carriage return is a formula to Excel and
LibreOffice when the file is opened (a title "=HYPERLINK(…)" would become a live link, or worse):
such a cell is written behind a single quote, which spreadsheets show as text, and the quote is
dropped again when the file is read. Control characters, which the models refuse but older data
may hold (and which XLSX cannot store at all), are left out."""

import datetime
import re

from import_export.formats import base_formats

FORMULA_START = re.compile(r"^[=+\-@\t\r]")
QUOTED_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(text):
    text = CONTROL_CHARACTERS.sub("", text)
    return f"'{text}" if FORMULA_START.match(text) else text


def unquoted(text):
    """A cell as written by safe_text, back as it was."""
    return QUOTED_FORMULA.sub("", text)


def safe_cell(value, *, typed):
    """A cell for a file: text made safe; a date or time kept as such where the format has
    date and time cells (typed), else written as 2014-12-15 and 13:30."""
    if isinstance(value, str):
        return safe_text(value)
    if typed or not isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    return value.isoformat()


def safe_dataset(dataset, *, typed):
    safe = dataset.__class__(title=dataset.title, headers=dataset.headers)
    for row in dataset:
        safe.append([safe_cell(value, typed=typed) for value in row])
    return safe


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(safe_dataset(dataset, typed=False), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(safe_dataset(dataset, typed=True), **kwargs)


SPREADSHEET_FORMATS = [SafeCSV, SafeXLSX]
