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

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

import tablib
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
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
    decomposed = unicodedata.normalize("NFKD", str(text))
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
    """The rows of a CSV or XLSX file, chosen by its extension, as a tablib Dataset."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    try:
        if extension == "xlsx":
            dataset = tablib.Dataset().load(content, format="xlsx")
        elif extension in ("csv", "txt"):
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
            dataset = tablib.Dataset().load(text, format="csv")
        else:
            raise FileError(_("Upload a CSV or an XLSX file (its name ends in .csv or .xlsx)."))
    except FileError:
        raise
    except Exception as error:  # tablib and openpyxl raise many kinds
        raise FileError(
            _("This file could not be read as %(format)s. Save it again as CSV (UTF-8) or XLSX.")
            % {"format": extension.upper()}
        ) from error
    if dataset.height > MAX_ROWS:
        raise FileError(
            _("This file has %(count)d rows; import at most %(limit)d at a time.")
            % {"count": dataset.height, "limit": MAX_ROWS}
        )
    return dataset


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


def read_table(dataset, columns, *, aliases=None, more_problems=None):
    """The rows of `dataset` as dicts of cells keyed by column. The headers are matched without
    regard to case or accents, old names read as new ones (`aliases`); a file whose columns are
    not the sheet's (header_problems, and what `more_problems(headers)` finds) is refused
    whole, with every problem in one FileError."""
    headers = [normalized(cell_text(header)) for header in dataset.headers or []]
    headers = with_aliases(headers, aliases or {})
    problems = header_problems(headers, columns)
    for index, header in enumerate(headers):
        if not header and any(cell_text(value) for value in dataset.get_col(index)):
            problems.append(
                _("Column %(number)s has values but no header.") % {"number": index + 1}
            )
    problems.extend(more_problems(headers) if more_problems else [])
    if problems:
        raise FileError(" ".join(problems))
    return [dict(zip(headers, values, strict=False)) for values in dataset]


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

    def add_error(self, column, message):
        self.errors.setdefault(column, []).append(str(message))

    def cell(self, column, read, *args):
        """The cell read by `read`; None, and an error on the row, if it cannot be read."""
        try:
            return read(self.cells.get(column), *args)
        except CellError as error:
            self.add_error(column, error)
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
