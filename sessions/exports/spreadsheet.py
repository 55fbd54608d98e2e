"""The public program as CSV, one session a row, for spreadsheets."""

import csv
import io

from django.utils.translation import gettext

# What Excel needs first in a CSV to read it as UTF-8 (without it, Excel on Windows reads the
# file in the system's code page: "Café" becomes "CafÃ©"). Scripts' CSV readers take it for
# part of the first column's name, so only the download meant for Excel carries it.
EXCEL_BYTE_ORDER_MARK = "\ufeff"

# A cell a spreadsheet would run as a formula (OWASP "CSV injection") is prefixed with '.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def program_csv(program):
    conference = program.conference
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            gettext("id"),
            gettext("guid"),
            gettext("day"),
            gettext("start"),
            gettext("end"),
            gettext("time zone"),
            gettext("title"),
            gettext("status"),
            gettext("track"),
            gettext("room"),
            gettext("format"),
            gettext("languages"),
            gettext("panel"),
            gettext("page"),
        ]
    )
    for session in program.sessions:
        writer.writerow(
            [
                session.public_id,
                session.guid,
                session.local_start.date().isoformat(),
                f"{session.local_start:%H:%M}",
                f"{session.local_end:%H:%M}",
                conference.time_zone,
                csv_cell(session.title),
                session.status_label,
                csv_cell(session.track_label),
                csv_cell(session.room_label),
                session.format_label,
                " ".join(session.language_codes),
                csv_cell(session.panel_text),
                session.url,
            ]
        )
    return out.getvalue()


def program_csv_for_excel(program):
    """The same CSV, opened by the byte-order mark Excel reads UTF-8 by."""
    return EXCEL_BYTE_ORDER_MARK + program_csv(program)
