"""Spreadsheets as organizers type them and as attackers write them: names instead of slugs,
12-hour times, blank slugs, new speakers; formulas and control characters in exported text;
imports whose query count does not grow with the file; malformed import requests."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from niic.generated_program import generate_program
from sessions.importing import COLUMNS
from sessions.models import Session
from speakers.models import Speaker
from speakers.spreadsheets import SafeCSV, SafeXLSX
from tests.factories import la_time, make_chair, make_track
from tests.sessions.test_import_export import (
    csv_text,
    errors_of,
    exported_file,
    import_file,
    import_rows,
    importer,
)

pytestmark = pytest.mark.django_db


def test_an_organizers_sheet_with_names_12_hour_times_blank_slugs_and_a_new_speaker(niic):
    rows = import_rows(
        [
            {
                "edition": "National Immigrant Integration Conference 2014",
                # A sheet from before there were titles per language: "title" is the English.
                "title": "Welcoming cities roundtable",
                "track": "Economic Opportunity, Inclusion, and Stability",
                "topics": "entrepreneurship as a component of integration in welcoming cities",
                "format": "Workshop",
                "status": "draft",
                "day": "2014-12-16",
                "start": "1:30 pm",
                "end": "2:45 PM",
                "room": "room c",
                "languages": "English; español",
                "panel": "Angélica Salas (moderator); Ana Pérez Nueva",
            }
        ],
        headers=[
            "edition",
            "title",
            "track",
            "topics",
            "format",
            "status",
            "day",
            "start",
            "end",
            "room",
            "languages",
            "panel",
        ],
    )

    assert errors_of(rows) == []
    assert [row.action for row in rows] == ["new"]
    session = Session.objects.get(slug="welcoming-cities-roundtable")
    assert (session.starts_at, session.ends_at) == (la_time(16, "13:30"), la_time(16, "14:45"))
    assert (session.track.slug, session.room.slug, session.format) == (
        "economic-opportunity-inclusion-and-stability",
        "room-c",
        "workshop",
    )
    assert [topic.name for topic in session.topics.all()] == [
        "entrepreneurship as a component of integration in welcoming cities"
    ]
    assert sorted(language.code for language in session.languages.all()) == ["en", "es"]
    assert [(seat.speaker.name, seat.role) for seat in session.panel.in_panel_order()] == [
        ("Angelica Salas", "moderator"),
        ("Ana Pérez Nueva", "panelist"),
    ]
    assert Speaker.objects.get(name="Ana Pérez Nueva").slug == "ana-perez-nueva"


def test_the_preview_lists_new_speakers_and_a_second_import_finds_the_row_by_its_title(niic):
    row = {
        "edition": "niic-2014",
        "title_en": "A new caucus",
        "format": "caucus",
        "status": "draft",
        "day": "2014-12-16",
        "start": "16:00",
        "end": "17:00",
        "panel": "Somebody New",
    }
    headers = list(row)
    preview = import_rows([row], dry_run=True, headers=headers)
    assert [speaker.name for speaker in preview[0].new_speakers] == ["Somebody New"]
    assert not Speaker.objects.filter(name="Somebody New").exists()

    import_rows([row], headers=headers)
    again = import_rows([{**row, "end": "17:30"}], headers=headers)

    assert [each.action for each in again] == ["update"]
    assert Session.objects.filter(title="A new caucus").count() == 1
    assert Speaker.objects.filter(name="Somebody New").count() == 1


def test_two_published_sessions_swap_rooms_in_one_file(niic):
    closing = Session.objects.get(slug="closing-plenary")
    other = Session.objects.exclude(room=closing.room).filter(room__isnull=False).first()
    Session.objects.filter(pk=other.pk).update(starts_at=closing.starts_at, ends_at=closing.ends_at)
    rows = [
        {"edition": "niic-2014", "slug": closing.slug, "room": other.room.slug},
        {"edition": "niic-2014", "slug": other.slug, "room": closing.room.slug},
    ]

    result = import_rows(rows, headers=["edition", "slug", "room"])

    assert errors_of(result) == []
    closing_room, other_room = closing.room, other.room
    closing.refresh_from_db()
    other.refresh_from_db()
    assert (closing.room, other.room) == (other_room, closing_room)


@pytest.mark.parametrize("size", [30, 300])
def test_an_import_costs_the_same_queries_whatever_its_length(
    size, django_capture_on_commit_callbacks
):
    program = generate_program(sessions=size, speakers=size, seed=5)
    sessions = Session.objects.filter(conference=program.conference)
    exported = exported_file(sessions, SafeXLSX)
    sessions.delete()
    importer()  # made beforehand: the roles it is given are not the import's queries
    # Its commit included: the program version's bump runs then.
    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        rows = import_file(exported, "program.xlsx")
    assert errors_of(rows) == []
    assert len(rows) == size
    # Lookups, the program checked against, the bulk writes and their history: a fixed number.
    assert len(captured) == QUERIES_PER_IMPORT[connection.vendor]


# Three more since sessions keep their identities (sessions.identity): the deleted sessions'
# identities the new rows may take back, the guids other sessions hold, the public ids written.
# One more in the commit's version bump: the editions' days it records (niic.program_version).
QUERIES_PER_IMPORT = {"sqlite": 37, "postgresql": 40}


# Exports that a spreadsheet cannot turn against whoever opens them


HOSTILE = {
    "title_en": '=HYPERLINK("http://evil.example","click")',
    "description_en": "+cmd|' /C calc'!A0\nthen more",
}


def test_exports_write_formulas_as_text_and_read_them_back_as_they_were(niic, organizer):
    session = Session.objects.get(slug="closing-plenary")
    Session.objects.filter(pk=session.pk).update(**HOSTILE)

    rows = list(
        openpyxl.load_workbook(
            io.BytesIO(exported_file(Session.objects.filter(pk=session.pk), SafeXLSX))
        ).active.iter_rows(values_only=True)
    )
    csv_rows = exported_file(Session.objects.filter(pk=session.pk), SafeCSV)

    title = rows[1][COLUMNS.index("title_en")]
    assert title == "'" + HOSTILE["title_en"]
    assert "'+cmd|" in csv_rows
    Session.objects.filter(pk=session.pk).update(title="Changed", description="")
    result = import_file(csv_rows.encode())
    assert errors_of(result) == []
    session.refresh_from_db()
    assert (session.title, session.description) == (HOSTILE["title_en"], HOSTILE["description_en"])


def test_an_xlsx_export_has_date_and_time_cells_and_a_named_sheet(niic):
    workbook = openpyxl.load_workbook(
        io.BytesIO(exported_file(Session.objects.filter(slug="closing-plenary"), SafeXLSX))
    )
    sheet = workbook.active
    header, row = list(sheet.iter_rows(values_only=True))
    cells = dict(zip(header, row, strict=True))
    assert sheet.title == "Sessions"
    assert (
        cells["day"].date().isoformat(),
        cells["start"].isoformat(),
        cells["end"].isoformat(),
    ) == (
        "2014-12-16",
        "10:30:00",
        "12:00:00",
    )


def test_control_characters_are_refused_at_input_and_left_out_of_old_data_on_export(niic):
    session = Session.objects.get(slug="closing-plenary")
    session.title = "Closing\x0bplenary"
    with pytest.raises(ValidationError) as refused:
        session.full_clean()
    assert refused.value.message_dict["title_en"] == [
        "Use one line of plain text: no line breaks, tabs or other control characters."
    ]
    Session.objects.filter(pk=session.pk).update(title="Closing\x0bplenary", description="A\x07B")
    workbook = openpyxl.load_workbook(
        io.BytesIO(exported_file(Session.objects.filter(pk=session.pk), SafeXLSX))
    )
    header, row = list(workbook.active.iter_rows(values_only=True))
    cells = dict(zip(header, row, strict=True))
    assert (cells["title_en"], cells["description_en"]) == ("Closingplenary", "AB")


# Malformed import requests: a 400 with a message, never a 500


def upload(content, name="program.csv"):
    return SimpleUploadedFile(name, content, "application/octet-stream")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        (
            {"spreadsheet": upload(b"PK\x03\x04garbage", "program.xlsx")},
            "could not be read as XLSX",
        ),
        ({"spreadsheet": upload(b"a,b\n1,2", "program.pdf")}, "Upload a CSV or an XLSX file"),
        ({"spreadsheet": upload(b"rooom\nx")}, "Unknown columns: “rooom”"),
        ({"token": "../../etc/passwd"}, "This upload cannot be found"),
        ({"token": "0" * 32}, "This upload cannot be found"),
    ],
    ids=["no file", "broken xlsx", "not a spreadsheet", "unknown column", "forged name", "unknown"],
)
def test_a_malformed_import_request_answers_400_with_a_message(admin_client, niic, data, message):
    response = admin_client.post(reverse("admin:program_session_import"), data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_upload_can_be_confirmed_only_by_whoever_made_it(admin_client, client, niic, organizer):
    preview = admin_client.post(
        reverse("admin:program_session_import"),
        {"spreadsheet": upload(csv_text([{"edition": "niic-2014"}], ["edition"]).encode())},
    )
    client.force_login(organizer)
    response = client.post(
        reverse("admin:program_session_import"), {"token": preview.context["token"]}
    )
    assert response.status_code == 400


def test_a_track_chair_cannot_open_the_import(client, niic):
    chair = make_chair(make_track(niic, slug="mine", name="Mine"))
    client.force_login(chair)
    assert client.get(reverse("admin:program_session_import")).status_code == 403
