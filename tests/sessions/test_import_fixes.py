"""Issue 22: imports that take the sheets organizers have, and say how to fix them: no 500 on
the commonest edits, names in every site language whatever the admin's, US and written dates,
every error of a row with its likely cure (one click accepts it), headers in either language,
a template, only the valid rows imported and the others downloaded with their errors."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from sessions import services
from sessions.models import Session
from speakers.models import Speaker, SpreadsheetUpload
from tests.factories import la_time, make_organizer, make_speaker
from tests.sessions.test_import_export import (
    CLOSING_PLENARY,
    csv_text,
    errors_of,
    import_rows,
    new_session_row,
)
from tests.sessions.test_spreadsheets import upload

pytestmark = pytest.mark.django_db

IMPORT = "admin:program_session_import"


def preview_of(client, rows, headers=None, **extra):
    content = csv_text(rows, headers) if headers else csv_text(rows)
    response = client.post(reverse(IMPORT), {"spreadsheet": upload(content.encode())}, **extra)
    assert response.status_code == 200, response.text[:3000]
    return response


def confirm(client, preview, **data):
    return client.post(reverse(IMPORT), {"token": preview.context["token"], **data})


def panel_of(slug):
    session = Session.objects.get(slug=slug)
    return [(seat.speaker.slug, seat.role) for seat in session.panel.in_panel_order()]


# No 500


def test_a_panel_gaining_an_existing_and_a_new_speaker_previews_and_imports(admin_client, niic):
    changed = {**CLOSING_PLENARY, "panel": "Eva Millona (moderator); Somebody Brand New"}

    preview = preview_of(admin_client, [changed])
    confirmed = confirm(admin_client, preview)

    assert errors_of(preview.context["rows"]) == []
    assert confirmed.status_code == 302
    assert panel_of("closing-plenary") == [
        ("eva-millona", "moderator"),
        ("somebody-brand-new", "panelist"),
    ]


def test_a_sheet_naming_a_since_merged_speaker_offers_the_kept_one(admin_client, niic):
    keep = Speaker.objects.get(name="Eva Millona")
    duplicate = make_speaker(name="Eva Milona", slug="eva-milona")
    sheet = {**CLOSING_PLENARY, "panel": "Eva Milona (panelist); Julien Ross (panelist)"}
    services.speakers_merge(user=make_organizer(), keep=keep, duplicates=[duplicate])

    preview = preview_of(admin_client, [sheet])
    accepted = confirm(admin_client, preview, accept="2:panel")
    confirmed = confirm(admin_client, accepted)

    assert preview.context["rows"][0].suggestions == {
        "panel": "Eva Millona (panelist); Julien Ross (panelist)"
    }
    assert errors_of(accepted.context["rows"]) == []
    assert confirmed.status_code == 302
    assert panel_of("closing-plenary") == [("eva-millona", "panelist"), ("julien-ross", "panelist")]
    assert not Speaker.objects.filter(name="Eva Milona").exists()


def test_one_new_speaker_on_two_rows_at_once_is_a_clash_not_a_500(admin_client, niic):
    rows = [
        new_session_row(slug="one", title_en="One", panel="Brand New", room="room-a"),
        new_session_row(slug="two", title_en="Two", panel="Brand New", room="room-b"),
    ]

    preview = preview_of(admin_client, rows)

    assert errors_of(preview.context["rows"]) == [
        (3, {"panel": ["Brand New is already on “One” (Tue, Dec 16, 13:00–14:00 PST)."]})
    ]


# Names in every site language, whatever the admin's


SPANISH_NAMES = {
    "room": "Sala C",
    "format": "Taller",
    "status": "Publicada",
    "languages": "Inglés; Español",
    "panel": "Angelica Salas (Facilitadora)",
}


@pytest.mark.parametrize("admin_language", ["en", "es"])
@pytest.mark.parametrize("names", ["english", "spanish"])
def test_the_same_sheet_imports_alike_from_an_english_and_a_spanish_admin(
    admin_client, niic, admin_language, names
):
    row = new_session_row(
        **(SPANISH_NAMES if names == "spanish" else {"room": "Room C", "format": "Workshop"})
    )
    preview = preview_of(admin_client, [row], HTTP_ACCEPT_LANGUAGE=admin_language)

    assert errors_of(preview.context["rows"]) == []
    assert confirm(admin_client, preview).status_code == 302
    caucus = Session.objects.get(slug="caucus-on-small-business")
    assert (caucus.room.slug, caucus.format, caucus.status) == ("room-c", "workshop", "published")


def test_a_spanish_admin_reads_english_role_room_and_language_names(niic):
    with translation.override("es"):
        rows = import_rows(
            [
                new_session_row(
                    room="Main hall", panel="Angelica Salas (Moderator)", languages="Spanish"
                )
            ]
        )

    assert errors_of(rows) == []
    caucus = Session.objects.get(slug="caucus-on-small-business")
    assert (caucus.room.slug, [language.code for language in caucus.languages.all()]) == (
        "main-hall",
        ["es"],
    )
    assert panel_of("caucus-on-small-business") == [("angelica-salas", "moderator")]


# Dates as organizers write them


@pytest.mark.parametrize(
    "day",
    ["12/16/2014", "16/12/2014", "Dec 16, 2014", "December 16, 2014", "16 dic 2014", "12/16/14"],
)
def test_us_and_written_dates_are_read_when_the_edition_decides(niic, day):
    rows = import_rows([new_session_row(day=day)])

    assert errors_of(rows) == []
    assert Session.objects.get(slug="caucus-on-small-business").starts_at == la_time(16, "13:00")


def test_a_date_that_neither_order_puts_in_the_edition_names_its_days(niic):
    rows = import_rows([new_session_row(day="03/04/2014")], dry_run=True)

    assert errors_of(rows) == [
        (
            2,
            {
                "day": [
                    "“03/04/2014” is neither of National Immigrant Integration Conference "
                    "2014's days (Dec. 14, 2014, Dec. 15, 2014, Dec. 16, 2014), read month "
                    "first or day first."
                ]
            },
        )
    ]


# Every error of a row, with its cure


def test_one_wrong_cell_does_not_hide_the_others_of_its_row(niic):
    rows = import_rows(
        [new_session_row(track="no-such-track", topics="no-such-topic", room="ballroom")],
        dry_run=True,
    )

    assert sorted(rows[0].errors) == ["room", "topics", "track"]


def test_a_typo_gets_a_suggestion_which_one_click_accepts(admin_client, niic):
    sheet = [new_session_row(room="Room  Cc", panel="Angelica Salsa (facilitator)")]

    preview = preview_of(admin_client, sheet)
    accepted = confirm(admin_client, preview, accept_all="1")
    confirmed = confirm(admin_client, accepted)

    assert preview.context["rows"][0].suggestions == {
        "room": "Room C",
        "panel": "Angelica Salas (facilitator)",
    }
    assert "did you mean Angelica Salas?" in preview.text
    assert 'name="accept" value="2:panel"' in preview.text
    assert errors_of(accepted.context["rows"]) == []
    assert confirmed.status_code == 302
    assert panel_of("caucus-on-small-business") == [("angelica-salas", "facilitator")]
    assert not Speaker.objects.filter(name="Angelica Salsa").exists()


def test_a_name_close_to_a_speakers_may_be_confirmed_as_a_new_person(admin_client, niic):
    preview = preview_of(admin_client, [new_session_row(panel="Angelica Salsa")])
    taken = confirm(admin_client, preview, new_speaker="Angelica Salsa")
    confirmed = confirm(admin_client, taken)

    assert confirmed.status_code == 302
    assert panel_of("caucus-on-small-business") == [("angelica-salsa", "panelist")]


def test_someone_elses_upload_cannot_be_corrected_or_confirmed(client, admin_client, niic):
    preview = preview_of(admin_client, [new_session_row(room="Room Cc")])
    client.force_login(make_organizer())

    answers = [
        confirm(client, preview, accept="2:room").status_code,
        confirm(client, preview).status_code,
    ]

    assert answers == [400, 400]
    assert SpreadsheetUpload.objects.get().replacements == {}


# Headers, the preview, the template, the valid rows only


def test_headers_in_spanish_are_read(niic):
    rows = import_rows(
        [{"Edición": "niic-2014", "Título": "Nueva", "Fecha": "12/16/2014", "Inicio": "16:00",
          "Fin": "17:00", "Sala": "Sala C", "Ponentes": "Eva Millona", "Estado": "borrador"}],
        headers=["Edición", "Título", "Fecha", "Inicio", "Fin", "Sala", "Ponentes", "Estado"],
    )  # fmt: skip

    assert errors_of(rows) == []
    assert panel_of("nueva") == [("eva-millona", "panelist")]


def test_the_preview_shows_status_drafts_before_and_after(admin_client, niic):
    rows = [
        {**CLOSING_PLENARY, "room": "room-c", "panel": "Eva Millona (moderator)"},
        new_session_row(status="draft"),
    ]

    preview = preview_of(admin_client, rows)

    assert preview.context["draft_count"] == 1
    assert "1 new session will arrive as a draft" in preview.text
    assert preview.context["rows"][0].differences == [
        ("Room", "Main hall", "Room C"),
        (
            "Panel",
            "Joshua Hoyt (Panelist); Julien Ross (Panelist); Eva Millona (Panelist)",
            "Eva Millona (Moderator)",
        ),
    ]


def test_only_the_valid_rows_are_imported_and_the_others_downloaded_with_errors(admin_client, niic):
    rows = [new_session_row(), new_session_row(slug="bad", title_en="Bad", start="25:00")]
    preview = preview_of(admin_client, rows)
    token = preview.context["token"]

    only_errors = admin_client.get(reverse(IMPORT), {"token": token, "only": "errors"})
    refused = admin_client.get(reverse(IMPORT), {"token": token, "download": "refused"})
    imported = confirm(admin_client, preview, valid_only="1")

    assert [row.number for row in only_errors.context["shown_rows"]] == [3]
    refused_rows = list(csv.DictReader(io.StringIO(refused.content.decode())))
    assert [(row["slug"], row["errors"]) for row in refused_rows] == [
        ("bad", "start: “25:00” is not a time of day; write it as 13:30 or 1:30 pm.")
    ]
    assert imported.status_code == 302
    assert list(Session.objects.filter(slug__in=["caucus-on-small-business", "bad"]).values_list(
        "slug", flat=True)) == ["caucus-on-small-business"]  # fmt: skip
    # The refused rows, corrected, go back in with their errors column ignored.
    corrected = [{**refused_rows[0], "start": "15:00", "end": "16:00"}]
    again = preview_of(admin_client, corrected, headers=list(refused_rows[0]))
    assert [row.action for row in again.context["rows"]] == ["new"]


def test_the_template_has_the_columns_an_example_and_the_valid_values(admin_client, niic):
    xlsx = admin_client.get(reverse(IMPORT), {"template": "xlsx"})
    csv_file = admin_client.get(reverse(IMPORT), {"template": "csv"})

    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sessions, values = book.worksheets
    header, example = list(sessions.iter_rows(values_only=True))
    cells = dict(zip(header, example, strict=True))
    assert (cells["edition"], cells["status"]) == ("niic-2014", "draft")
    assert cells["title_en"].startswith("Example")
    assert "Rooms" in next(values.iter_rows(values_only=True))
    assert csv_file.content.decode().splitlines()[0].startswith("edition,slug,title_en")
    # The example row, as it is, imports as a draft.
    assert errors_of(import_rows([dict(cells)], dry_run=True, headers=list(header))) == []
