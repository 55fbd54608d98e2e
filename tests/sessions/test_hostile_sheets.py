"""Spreadsheets written to exhaust the server: each is refused while it is read, with a message
that says why, in under 2 seconds and within a bounded amount of memory, never with a 500.

The files are built here, a part at a time, so that building one holds little in memory: an
XLSX declaring every cell a sheet can have, one holding a shared text of 120 MB, 400,000 rows
(in CSV and in XLSX, with and without a declared dimension), a zip bomb, a cell too long."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from speakers.spreadsheets import MAX_ROWS, FileError, read_dataset

SECONDS = 2
# Peak memory Python allocates while a file is refused: the file itself (at most 5 MB) and
# openpyxl's parts, never what the file unpacks to.
PEAK_BYTES = 30 * 1024 * 1024


def skeleton():
    """The parts of an XLSX as openpyxl writes one, but for its sheet and shared texts."""
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "edition"
    out = io.BytesIO()
    workbook.save(out)
    with zipfile.ZipFile(out) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if name not in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
        }


SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def inline_row(number, *values):
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def xlsx(*, dimension=None, rows=(), shared_strings=None):
    """An XLSX whose sheet is written from the `rows` iterable of XML pieces, and whose shared
    texts are written from the `shared_strings` iterable, each a chunk at a time."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, part in skeleton().items():
            archive.writestr(name, part)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for piece in rows:
                sheet.write(piece.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode())
            for chunk in shared_strings or [b"edition"]:
                strings.write(chunk)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


def refused(content, name):
    """read_dataset's refusal of the file: (message, seconds, peak bytes allocated)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(FileError) as refusal:
            read_dataset(content, name)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(refusal.value), seconds, peak


def declared_everywhere():
    return xlsx(dimension="A1:XFD1048576", rows=[inline_row(1, "edition"), inline_row(2, "x")])


def one_huge_shared_text():
    chunk = b"A" * (1024 * 1024)
    return xlsx(
        rows=['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'],
        shared_strings=(chunk for _megabyte in range(120)),
    )


def rows_of_xlsx(count, *, dimension):
    rows = (inline_row(number, "niic-2014") for number in range(1, count + 1))
    return xlsx(dimension=f"A1:A{count}" if dimension else None, rows=rows)


def rows_of_csv(count):
    return b"edition\n" + b"niic-2014\n" * (count - 1)


def zip_bomb():
    zeros = "0" * (1024 * 1024)
    return xlsx(rows=(f"<!--{zeros}-->" for _megabyte in range(60)))


TOO_MANY_ROWS = f"This file has more than {MAX_ROWS} rows; import at most {MAX_ROWS} at a time."
TOO_LARGE_UNPACKED = (
    f"This XLSX file unpacks to more than a spreadsheet of {MAX_ROWS} rows can hold; save the "
    "sheet again, or as CSV (UTF-8)."
)
HOSTILE = {
    "declared A1:XFD1048576": (
        declared_everywhere,
        "program.xlsx",
        "This file has 1048575 rows; import at most 5000 at a time.",
    ),
    "a shared text of 120 MB": (one_huge_shared_text, "program.xlsx", TOO_LARGE_UNPACKED),
    "400,000 rows of XLSX, declared": (
        lambda: rows_of_xlsx(400_000, dimension=True),
        "program.xlsx",
        "This file has 399999 rows; import at most 5000 at a time.",
    ),
    "400,000 rows of XLSX, undeclared": (
        lambda: rows_of_xlsx(400_000, dimension=False),
        "program.xlsx",
        TOO_MANY_ROWS,
    ),
    "400,000 rows of CSV": (lambda: rows_of_csv(400_000), "program.csv", TOO_MANY_ROWS),
    "zip bomb": (zip_bomb, "program.xlsx", TOO_LARGE_UNPACKED),
    "a cell of 60,000 characters": (
        lambda: b"edition,title_en\nniic-2014," + b"x" * 60_000 + b"\n",
        "program.csv",
        "Row 2, column 2 holds 60000 characters; a cell holds at most 50000.",
    ),
    "61 columns": (
        lambda: ",".join(f"c{number}" for number in range(61)).encode() + b"\n",
        "program.csv",
        "This sheet has 61 columns; a sheet has at most 60.",
    ),
    "a CSV cell past the csv module's limit": (
        lambda: b'edition\n"' + b"x" * 200_000 + b'"\n',
        "program.csv",
        "Row 2 holds a cell longer than 50000 characters.",
    ),
}


@pytest.fixture(scope="module", params=HOSTILE.values(), ids=HOSTILE.keys())
def hostile(request):
    build, name, message = request.param
    return build(), name, message


def test_a_hostile_file_is_refused_at_once_in_bounded_memory_with_a_message(hostile):
    content, name, message = hostile
    assert len(content) < 5 * 1024 * 1024
    said, seconds, peak = refused(content, name)
    assert said == message
    assert seconds < SECONDS, f"{seconds:.2f} s"
    assert peak < PEAK_BYTES, f"{peak / 1024 / 1024:.1f} MB"


@pytest.mark.django_db
def test_the_import_page_answers_a_hostile_file_with_400_and_its_message(admin_client, hostile):
    content, name, message = hostile
    page = admin_client.get(reverse("admin:program_session_import"))  # signed in, templates read
    assert page.status_code == 200
    started = time.perf_counter()
    response = admin_client.post(
        reverse("admin:program_session_import"),
        {"spreadsheet": SimpleUploadedFile(name, content, "application/octet-stream")},
    )
    assert (response.status_code, response.context["form"].errors["spreadsheet"]) == (
        400,
        [message],
    )
    assert time.perf_counter() - started < SECONDS


def test_a_sheet_of_the_largest_size_allowed_is_read_whole():
    rows = [
        inline_row(number, "edition" if number == 1 else "niic-2014") for number in range(1, 5002)
    ]
    dataset = read_dataset(xlsx(dimension="A1:A5001", rows=rows), "program.xlsx")
    assert (dataset.headers, dataset.height, dataset[4999]) == (["edition"], 5000, ("niic-2014",))
