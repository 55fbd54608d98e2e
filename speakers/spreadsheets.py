"""Spreadsheets, written safely and read back: what the admin's exports and imports of sessions
and speakers share. speakers imports nothing of ours, so both sheets can use what is here.

Writing: a text cell that starts with =, +, -, @, a tab or a carriage return is a formula to
Excel and LibreOffice when the file is opened (a title "=HYPERLINK(…)" would become a live link,
or worse): such a cell is written behind a single quote, which spreadsheets show as text, and
the quote is dropped again when the file is read. Control characters, which the models refuse
but older data may hold (and which XLSX cannot store at all), are left out.

Reading: a CSV or XLSX file (read_dataset) becomes one dict of cells per row, keyed by its
headers, which are matched without regard to case or accents, old names read as new ones, and
any column the sheet does not know refused (read_table); a Row carries a row's number, its
cells and its errors (by column, in words) from the reader through the services to the
preview page."""

import csv
import datetime
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

import tablib
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

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


# Reading

MAX_ROWS = 5000


class FileError(ValueError):
    """The file as a whole cannot be read: its format, its size, its headers."""


class CellError(ValueError):
    """A cell that cannot be read; the message says why and what is expected."""


def cell_text(value):
    """A cell as one line of text: CSV gives strings, XLSX also numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquoted(str(value).strip().strip("\ufeff\u200b").strip())


def long_text(value):
    """A cell kept as written (Markdown, several lines); an empty cell is an empty string."""
    return "" if value is None else unquoted(str(value))


def normalized(text):
    """For comparing names: no case, no accents, single spaces."""
    return _normalized(str(text))


@functools.lru_cache(maxsize=65536)  # a file names the same few things on every row
def _normalized(text):
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(bare.casefold().split())


def quoted(text, limit=60):
    """A value from the file, quoted in a message; a long one is cut short."""
    text = str(text)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def same_value(wanted, current):
    # A text not yet translated is stored as NULL or as "": an empty cell leaves it so.
    return wanted == current or (wanted in (None, "") and current in (None, ""))


def names_used_twice(queryset, field="name"):
    """The names (lower-cased) that more than one row of queryset has: an export writes those
    rows' slugs, so that the import finds each one again."""
    return set(
        queryset.annotate(key=Lower(field))
        .values("key")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("key", flat=True)
    )


def read_dataset(content, file_name):
    """The rows of a CSV or XLSX file, chosen by its extension, as a tablib Dataset (the first
    row its headers). Every limit is checked while the file is read, before anything large is
    held: the file's size; for an XLSX, the sizes its zip declares (a zip bomb, or one huge
    shared text, is refused unopened) and the sheet's declared dimensions; then, in either
    format, rows (reading stops at the first one past the limit), columns and cell lengths. A
    file past a limit is a FileError that says which."""
    if len(content) > MAX_FILE_BYTES:
        raise FileError(
            _("This file is too large; import at most %(limit)s MB at a time.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in ("xlsx", "csv", "txt"):
        raise FileError(_("Upload a CSV or an XLSX file (its name ends in .csv or .xlsx)."))
    reader = _xlsx_rows if extension == "xlsx" else _csv_rows
    try:
        rows = _bounded(reader(content))
        headers = next(rows, [])
        width = len(headers)
        table = []
        for cells in rows:
            width = max(width, len(cells))
            table.append(cells)
    except FileError:
        raise
    except Exception as error:  # csv, zipfile and openpyxl raise many kinds
        raise FileError(
            _("This file could not be read as %(format)s. Save it again as CSV (UTF-8) or XLSX.")
            % {"format": extension.upper()}
        ) from error
    dataset = tablib.Dataset(headers=_padded(headers, width))
    for cells in table:
        dataset.append(_padded(cells, width))
    return dataset


# Limits of a file, checked as it is read (read_dataset). A real sheet of 5,000 sessions with
# two long descriptions each stays far within them.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 60
MAX_CELL_CHARACTERS = 50_000
# What an XLSX may unpack to: its parts together, and its shared texts (which openpyxl holds in
# memory whole); a part packed tighter than MAX_RATIO is a zip bomb.
MAX_UNPACKED_BYTES = 80 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024
MAX_RATIO = 200
# What a packed part may hold before its ratio counts: small parts of any file pack tightly.
RATIO_FROM_BYTES = 1024 * 1024


def too_many_rows(count):
    return FileError(
        _("This file has more than %(limit)d rows; import at most %(limit)d at a time.")
        % {"limit": MAX_ROWS}
        if count is None
        else _("This file has %(count)d rows; import at most %(limit)d at a time.")
        % {"count": count, "limit": MAX_ROWS}
    )


def too_many_columns(count):
    return FileError(
        _("This sheet has %(count)d columns; a sheet has at most %(limit)d.")
        % {"count": count, "limit": MAX_COLUMNS}
    )


def too_large_unpacked():
    return FileError(
        _(
            "This XLSX file unpacks to more than a spreadsheet of %(limit)d rows can hold; "
            "save the sheet again, or as CSV (UTF-8)."
        )
        % {"limit": MAX_ROWS}
    )


def _bounded(rows):
    """The rows (headers first) with trailing empty cells dropped, refusing the first row past
    MAX_ROWS, the first cell past MAX_COLUMNS and the first cell longer than
    MAX_CELL_CHARACTERS, as they come."""
    for number, cells in enumerate(rows, start=1):
        if number > MAX_ROWS + 1:
            raise too_many_rows(None)
        cells = list(cells)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if len(cells) > MAX_COLUMNS:
            raise too_many_columns(len(cells))
        for column, value in enumerate(cells, start=1):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                raise FileError(
                    _(
                        "Row %(row)d, column %(column)d holds %(count)d characters; a cell holds "
                        "at most %(limit)d."
                    )
                    % {
                        "row": number,
                        "column": column,
                        "count": len(value),
                        "limit": MAX_CELL_CHARACTERS,
                    }
                )
        yield cells


def _padded(cells, width):
    return [*cells, *([None] * (width - len(cells)))]


def _csv_rows(content):
    """A CSV file's rows, read a line at a time; an empty line is no row (as tablib reads)."""
    lines = (
        io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig", newline="")
        if isinstance(content, bytes)
        else io.StringIO(content, newline="")
    )
    reader = csv.reader(lines)
    try:
        for cells in reader:
            if cells:
                yield cells
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise FileError(
                _("Row %(row)d holds a cell longer than %(limit)d characters.")
                % {"row": reader.line_num, "limit": MAX_CELL_CHARACTERS}
            ) from error
        raise


def _xlsx_rows(content):
    """An XLSX file's first sheet, a row at a time (openpyxl's read-only mode), once its zip's
    declared sizes and the sheet's declared dimensions are within the limits."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise too_large_unpacked()
        for member in members:
            too_tight = member.file_size > RATIO_FROM_BYTES and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            )
            shared = member.filename.lower().endswith("sharedstrings.xml")
            if too_tight or (shared and member.file_size > MAX_SHARED_STRINGS_BYTES):
                raise too_large_unpacked()
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    # What load_workbook does, but for its worksheets: openpyxl sizes every sheet as it loads
    # it, and a sheet that declares no dimension is then parsed whole.
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)  # which cells are dates
    try:
        found = (
            (sheet, relation)
            for sheet, relation in reader.parser.find_sheets()
            if relation.target in reader.valid_files and "chartsheet" not in relation.Type
        )
        sheet, relation = next(found)
        sheet = BoundedSheet(reader.wb, sheet.name, relation.target, reader.shared_strings)
        # The dimension the sheet declares, if it declares one: checked before a cell is read.
        if sheet.max_row is not None and sheet.max_row > MAX_ROWS + 1:
            raise too_many_rows(sheet.max_row - 1)
        if sheet.max_column is not None and sheet.max_column > MAX_COLUMNS:
            raise too_many_columns(sheet.max_column)
        # Whatever it declares, reading stops past the limits: one row past the last one
        # allowed, one column past the last (a row of thousands of cells costs no more).
        yield from sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1, values_only=True)
    finally:
        reader.archive.close()


class BoundedSheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, sized by the dimension it declares before its cells, if it
    declares one; openpyxl would otherwise parse the whole sheet to look for it."""

    def _get_size(self):
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == f"{{{SHEET_MAIN_NS}}}dimension":
                    bounds = range_boundaries(element.get("ref", ""))
                    self._min_column, self._min_row, self._max_column, self._max_row = bounds
                    return
                if element.tag == f"{{{SHEET_MAIN_NS}}}sheetData":
                    return


def header_problems(headers, known):
    """What is wrong with a file's columns: a column we do not know is refused rather than
    ignored, since a misspelt header would otherwise leave that column unimported without a
    word; a column given twice is refused too."""
    problems = []
    unknown = [header for header in headers if header and header not in known]
    if unknown:
        problems.append(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(map(quoted, unknown)), "known": ", ".join(known)}
        )
    repeated = sorted({header for header in headers if header and headers.count(header) > 1})
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    return problems


def with_aliases(headers, aliases):
    """The headers with each old name ("title") read as its new one ("title_en"), unless the
    file also has the new one."""
    return [
        aliases[header] if header in aliases and aliases[header] not in headers else header
        for header in headers
    ]


ERRORS_COLUMNS = {"errors", "errores"}


def read_table(dataset, columns, *, aliases=None, more_problems=None):
    """The rows of `dataset` as dicts of cells keyed by column. The headers are matched without
    regard to case or accents, old names read as new ones (`aliases`); a file whose columns are
    not the sheet's (header_problems, and what `more_problems(headers)` finds) is refused
    whole, with every problem in one FileError."""
    headers = [normalized(cell_text(header)) for header in dataset.headers or []]
    headers = with_aliases(headers, aliases or {})
    # The column the import page adds to the rows it refused, for a file sent back corrected.
    ignored = {index for index, header in enumerate(headers) if header in ERRORS_COLUMNS}
    headers = ["" if index in ignored else header for index, header in enumerate(headers)]
    problems = header_problems(headers, columns)
    for index, header in enumerate(headers):
        if (
            not header
            and index not in ignored
            and any(cell_text(value) for value in dataset.get_col(index))
        ):
            problems.append(
                _("Column %(number)s has values but no header.") % {"number": index + 1}
            )
    problems.extend(more_problems(headers) if more_problems else [])
    if problems:
        raise FileError(" ".join(problems))
    return [
        {header: value for header, value in zip(headers, values, strict=False) if header}
        for values in dataset
    ]


@dataclass
class Corrections:
    """What an organizer corrected on a preview, kept with the upload: cells replaced
    ({"row:column": text}, a row numbered as the spreadsheet shows it) and names confirmed as
    new people though close to someone's."""

    cells: dict = field(default_factory=dict)
    new_speakers: list = field(default_factory=list)

    @classmethod
    def from_json(cls, value):
        value = value or {}
        return cls(cells=dict(value.get("cells", {})), new_speakers=list(value.get("new", [])))

    def as_json(self):
        return {"cells": self.cells, "new": self.new_speakers}

    def replace(self, number, column, text):
        self.cells[f"{number}:{column}"] = text

    def apply(self, rows):
        """Each corrected cell put in its row (`rows`: dicts of cells, the first numbered 2)."""
        for key, text in self.cells.items():
            number, _colon, column = key.partition(":")
            index = int(number) - 2 if number.isdigit() else -1
            if 0 <= index < len(rows) and column in rows[index]:
                rows[index][column] = text


def is_blank(cells):
    """Spreadsheets often end with empty rows."""
    return not any(cell_text(value) for value in cells.values())


@dataclass
class Row:
    """One row of a file: its number as the spreadsheet shows it (the headers are row 1), its
    cells by column, and the errors of its cells in words, by column. The services set what
    the row changes (`changes`, by part) and so its `action`: "new", "update", "unchanged" or
    "error"."""

    number: int
    cells: dict
    errors: dict = field(default_factory=dict)
    blank: bool = False
    changes: dict = field(default_factory=dict)
    action: str = ""
    # {column: the cell as it was probably meant}: a refusal's likely cure, which the preview
    # offers to accept with a click.
    suggestions: dict = field(default_factory=dict)

    def add_error(self, column, message):
        self.errors.setdefault(column, []).append(str(message))

    def cell(self, column, read, *args):
        """The cell read by `read`; None, and an error on the row, if it cannot be read."""
        try:
            return read(self.cells.get(column), *args)
        except CellError as error:
            self.add_error(column, error)
            replacement = getattr(error, "replacement", None)
            if replacement is not None:
                self.suggestions[column] = replacement
            return None

    def settle(self, *, subject, is_new, changes):
        """The row's action, once its subject (the object it writes, None if it cannot) and
        its errors are known."""
        self.changes = changes if subject is not None and not self.errors else {}
        if self.errors or subject is None:
            self.action = "error"
        elif is_new:
            self.action = "new"
        else:
            self.action = "update" if any(self.changes.values()) else "unchanged"


def counts(rows):
    """How many rows of each action, as the preview and the confirmation tell them."""
    return {
        action: sum(row.action == action for row in rows)
        for action in ("new", "update", "unchanged", "error")
    }
