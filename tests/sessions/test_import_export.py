"""Sessions to and from a spreadsheet: the export (sessions.resources.SessionResource), the
import (sessions.importing read by sessions.services.sessions_import), and the admin's pages."""

import csv
import datetime
import io

import pytest
import tablib
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from niic.sample_schedule import PLENARY_NOTE, PLENARY_NOTE_ES
from sessions import services
from sessions.admin import imports as import_pages
from sessions.admin.imports import SESSIONS, unpacked
from sessions.importing import COLUMNS, FileError, read_dataset, read_rows
from sessions.models import PanelMembership, Room, Session
from sessions.resources import SessionResource
from speakers.models import Speaker, SpreadsheetUpload
from speakers.spreadsheets import SafeCSV, SafeXLSX
from tests.factories import la_time, make_conference, make_organizer, make_session, make_track

pytestmark = pytest.mark.django_db

CLOSING_PLENARY = {
    "edition": "niic-2014",
    "slug": "closing-plenary",
    "title_en": "Closing plenary",
    "title_es": "Plenaria de clausura",
    "track": "",
    "topics": "",
    "format": "plenary",
    "status": "published",
    "day": "2014-12-16",
    "start": "10:30",
    "end": "12:00",
    "room": "main-hall",
    "languages": "en",
    "interpretation": "es",
    "cart": "yes",
    "asl": "yes",
    "panel": "Joshua Hoyt (panelist); Julien Ross (panelist); Eva Millona (panelist)",
    "description_en": PLENARY_NOTE,
    "description_es": PLENARY_NOTE_ES,
}
ECONOMIC = "economic-opportunity-inclusion-and-stability"
FINANCIAL = "building-financial-capability-in-immigrant-and-refugee-communities"
ENTREPRENEURSHIP = "entrepreneurship-as-a-component-of-integration-in-welcoming-cities"
ALLIANCES = "building-alliances-between-african-americans-and-immigrants"
EDITION_NAME = "National Immigrant Integration Conference 2014"


def closing_plenary_row():
    """CLOSING_PLENARY as exported: with the session's guid, which a re-import keeps."""
    return {**CLOSING_PLENARY, "guid": str(Session.objects.get(slug="closing-plenary").guid)}


def csv_text(rows, headers=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def importer():
    """The organizer who imports the files of these tests."""
    return User.objects.filter(username="importer").first() or make_organizer(username="importer")


def import_file(content, name="program.csv", dry_run=False):
    rows = read_rows(read_dataset(content, name))
    return services.sessions_import(user=importer(), rows=rows, dry_run=dry_run)


def import_rows(rows, dry_run=False, headers=COLUMNS):
    return import_file(csv_text(rows, headers).encode(), dry_run=dry_run)


def exported_rows(sessions=None):
    return SessionResource().export(sessions).dict


def exported_file(sessions, file_format):
    return file_format().export_data(SessionResource().export(sessions))


def new_session_row(**cells):
    """A published caucus on the last afternoon, when nothing else runs."""
    row = {
        "edition": "niic-2014",
        "slug": "caucus-on-small-business",
        "title_en": "Caucus on small business",
        "track": ECONOMIC,
        "topics": f"{ENTREPRENEURSHIP}; {FINANCIAL}",
        "format": "caucus",
        "status": "published",
        "day": "2014-12-16",
        "start": "13:00",
        "end": "14:00",
        "room": "room-c",
        "languages": "en; es",
        "interpretation": "",
        "cart": "no",
        "asl": "TRUE",
        "panel": "Angelica Salas (facilitator)",
        "description_en": "Bring your questions.\n\n*All welcome.*",
    }
    row.update(cells)
    return row


def errors_of(rows):
    return [(row.number, row.errors) for row in rows if row.errors]


def actions_of(rows):
    return [row.action for row in rows]


def snapshot(conference):
    """The edition's program, every session as plain values."""
    return [
        {
            "slug": session.slug,
            "title_en": session.title,
            "track": session.track.slug if session.track else None,
            "topics": sorted(topic.slug for topic in session.topics.all()),
            "format": session.format,
            "status": session.status,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "room": session.room.slug if session.room else None,
            "languages": sorted(language.code for language in session.languages.all()),
            "interpretation": sorted(
                language.code for language in session.interpretation_languages.all()
            ),
            "cart": session.has_cart,
            "asl": session.has_asl,
            "panel": [
                (seat.speaker.slug, seat.role, seat.order)
                for seat in session.panel.in_panel_order().select_related("speaker")
            ],
            "description_en": session.description,
        }
        for session in Session.objects.filter(conference=conference)
        .select_related("track", "room")
        .order_by("slug")
    ]


def counts():
    return (Session.objects.count(), PanelMembership.objects.count(), Speaker.objects.count())


# Export


@pytest.mark.parametrize("server_zone", ["UTC", "Asia/Tokyo"])
def test_export_closing_plenary_is_on_the_editions_clock_whatever_the_server_zone(
    niic, settings, server_zone
):
    settings.TIME_ZONE = server_zone

    exported = exported_file(Session.objects.filter(conference=niic), SafeCSV)

    rows = list(csv.DictReader(io.StringIO(exported)))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 22
    closing = [row for row in rows if row["slug"] == "closing-plenary"]
    assert closing == [closing_plenary_row()]


def test_export_lists_the_panel_moderator_first_then_by_order(niic):
    closing = Session.objects.get(conference=niic, slug="closing-plenary")
    PanelMembership.objects.filter(session=closing, speaker__slug="eva-millona").update(
        role=PanelMembership.Role.MODERATOR, order=7
    )

    (row,) = exported_rows(Session.objects.filter(pk=closing.pk))

    assert row["panel"] == "Eva Millona (moderator); Joshua Hoyt (panelist); Julien Ross (panelist)"


def test_export_names_a_speaker_by_slug_when_two_speakers_share_the_name(niic):
    Speaker.objects.create(name="Eva Millona", slug="eva-millona-2")

    (row,) = exported_rows(Session.objects.filter(conference=niic, slug="closing-plenary"))

    assert row["panel"] == "Joshua Hoyt (panelist); Julien Ross (panelist); eva-millona (panelist)"


# Round trip


@pytest.mark.parametrize("file_format", [SafeCSV, SafeXLSX], ids=["csv", "xlsx"])
def test_round_trip_export_delete_import_gives_back_the_same_program(niic, file_format):
    before = snapshot(niic)
    sessions = Session.objects.filter(conference=niic)
    data = exported_file(sessions, file_format)
    sessions.delete()
    assert (Session.objects.count(), PanelMembership.objects.count()) == (0, 0)

    name = "program.csv" if file_format is SafeCSV else "program.xlsx"
    rows = import_file(data.encode() if isinstance(data, str) else data, name)

    assert errors_of(rows) == []
    assert actions_of(rows) == ["new"] * 22
    assert snapshot(niic) == before
    assert len(before) == 22


def test_reimporting_an_unchanged_export_skips_every_row_and_writes_no_history(niic):
    exported = exported_file(Session.objects.filter(conference=niic), SafeXLSX)
    versions = sorted(Session.objects.values_list("slug", "version"))
    history = (Session.history.count(), PanelMembership.history.count())

    rows = import_file(exported, "program.xlsx")

    assert actions_of(rows) == ["unchanged"] * 22
    assert sorted(Session.objects.values_list("slug", "version")) == versions
    assert (Session.history.count(), PanelMembership.history.count()) == history


# A good file


def test_import_good_file_creates_and_updates_what_it_says(niic):
    changed_closing = {
        **CLOSING_PLENARY,
        "title_en": "Closing plenary: what comes next",
        "start": "11:00",
        "end": "12:30",
        "interpretation": "",
        "asl": "no",
        "panel": "Julien Ross (moderator); Eva Millona; joshua-hoyt (Panelist)",
    }

    rows = import_rows([changed_closing, new_session_row()])

    assert errors_of(rows) == []
    assert actions_of(rows) == ["update", "new"]
    closing = Session.objects.get(conference=niic, slug="closing-plenary")
    assert closing.title == "Closing plenary: what comes next"
    assert (closing.starts_at, closing.ends_at) == (la_time(16, "11:00"), la_time(16, "12:30"))
    assert list(closing.interpretation_languages.all()) == []
    assert (closing.has_cart, closing.has_asl) == (True, False)
    assert [
        (seat.speaker.slug, seat.role, seat.order) for seat in closing.panel.in_panel_order()
    ] == [
        ("julien-ross", "moderator", 0),
        ("eva-millona", "panelist", 1),
        ("joshua-hoyt", "panelist", 2),
    ]
    caucus = Session.objects.get(conference=niic, slug="caucus-on-small-business")
    assert (caucus.title, caucus.format, caucus.status) == (
        "Caucus on small business",
        "caucus",
        "published",
    )
    assert (caucus.track.slug, caucus.room.slug) == (ECONOMIC, "room-c")
    assert sorted(topic.slug for topic in caucus.topics.all()) == [FINANCIAL, ENTREPRENEURSHIP]
    assert (caucus.starts_at, caucus.ends_at) == (la_time(16, "13:00"), la_time(16, "14:00"))
    assert sorted(language.code for language in caucus.languages.all()) == ["en", "es"]
    assert list(caucus.interpretation_languages.all()) == []
    assert (caucus.has_cart, caucus.has_asl) == (False, True)
    assert [(seat.speaker.slug, seat.role) for seat in caucus.panel.all()] == [
        ("angelica-salas", "facilitator")
    ]
    assert caucus.description == "Bring your questions.\n\n*All welcome.*"
    assert caucus.history.first().history_change_reason == "Imported from a spreadsheet"


def test_import_reads_times_on_the_editions_clock_when_the_server_is_in_tokyo(niic, settings):
    settings.TIME_ZONE = "Asia/Tokyo"

    rows = import_rows([new_session_row(start="09:30", end="10:00", status="draft")])

    assert errors_of(rows) == []
    caucus = Session.objects.get(slug="caucus-on-small-business")
    assert caucus.starts_at == datetime.datetime(2014, 12, 16, 17, 30, tzinfo=datetime.UTC)
    assert caucus.ends_at == la_time(16, "10:00")


def test_import_of_a_file_with_only_some_columns_leaves_the_others_as_they_are(niic):
    before = {row["slug"]: row for row in snapshot(niic)}

    rows = import_rows(
        [{"edition": "niic-2014", "slug": "closing-plenary", "status": "draft"}],
        headers=["edition", "slug", "status"],
    )

    assert errors_of(rows) == []
    after = {row["slug"]: row for row in snapshot(niic)}
    assert after["closing-plenary"] == {**before["closing-plenary"], "status": "draft"}
    assert {slug: row for slug, row in after.items() if slug != "closing-plenary"} == {
        slug: row for slug, row in before.items() if slug != "closing-plenary"
    }


def test_import_accepts_native_xlsx_cells_dates_times_and_booleans(niic):
    row = new_session_row(status="draft")
    native = tablib.Dataset(headers=COLUMNS)
    native.append(
        [
            *(row.get(column, "") for column in COLUMNS[: COLUMNS.index("day")]),
            datetime.datetime(2014, 12, 16),
            datetime.time(13, 0),
            datetime.time(14, 15),
            row["room"],
            row["languages"],
            None,
            False,
            1,
            row["panel"],
            None,
            None,
            None,  # guid
        ]
    )

    rows = services.sessions_import(user=importer(), rows=read_rows(native))

    assert errors_of(rows) == []
    caucus = Session.objects.get(slug="caucus-on-small-business")
    assert (caucus.starts_at, caucus.ends_at) == (la_time(16, "13:00"), la_time(16, "14:15"))
    assert (caucus.has_cart, caucus.has_asl, caucus.description) == (False, True, "")


def test_import_skips_blank_rows(niic):
    blank = dict.fromkeys(COLUMNS, "")

    rows = import_rows([new_session_row(), blank])

    assert errors_of(rows) == []
    assert actions_of(rows) == ["new"]


# A bad row: nothing changes, and the dry run says which row and why

BAD_ROWS = {
    "room clash": (
        {"start": "11:00", "end": "11:30", "room": "main-hall"},
        {
            "room": [
                "Room “Main hall” is already taken by “Closing plenary” "
                "(Tue, Dec 16, 10:30–12:00 PST)."
            ]
        },
    ),
    "speaker clash": (
        {"start": "11:00", "end": "11:30", "panel": "Eva Millona (panelist)"},
        {"panel": ["Eva Millona is already on “Closing plenary” (Tue, Dec 16, 10:30–12:00 PST)."]},
    ),
    "unknown track": (
        {"track": "no-such-track", "topics": ""},
        {"track": [f"{EDITION_NAME} has no track called “no-such-track”."]},
    ),
    "hour 25": (
        {"start": "25:00"},
        {"start": ["“25:00” is not a time of day; write it as 13:30 or 1:30 pm."]},
    ),
    "malformed day": (
        {"day": "2014-13-45"},
        {
            "day": [
                "“2014-13-45” is not a date; write it as YYYY-MM-DD (2014-12-15), 12/15/2014 "
                "or Dec 15, 2014."
            ]
        },
    ),
    "end before start": (
        {"start": "14:00", "end": "13:00"},
        {"end": ["The session must end after it starts: it starts at 14:00 and ends at 13:00."]},
    ),
    "day after the edition": (
        {"day": "2014-12-17"},
        {
            "day": [
                "A session must take place within National Immigrant Integration Conference "
                "2014, Dec 14 to Dec 16, 2014 (America/Los_Angeles)."
            ]
        },
    ),
    "unknown edition": (
        {"edition": "niic-2099"},
        {"edition": ["There is no edition “niic-2099”."]},
    ),
    "unknown room": (
        {"room": "ballroom"},
        {"room": [f"{EDITION_NAME} has no room called “ballroom”."]},
    ),
    "topic of another track": (
        {"topics": ALLIANCES},
        {
            "topics": [
                "“building alliances between African Americans and immigrants”: not a topic of "
                "the track “economic opportunity, inclusion, and stability”."
            ]
        },
    ),
    "unknown topic": (
        {"topics": "no-such-topic"},
        {"topics": [f"{EDITION_NAME} has no topic called “no-such-topic”."]},
    ),
    "unknown role": (
        {"panel": "Jane Doe (panelist); Eva Millona (chair)"},
        {
            "panel": [
                "In “Eva Millona (chair)”: “chair” is not a panel role; use one of moderator, "
                "panelist, presenter, keynote, facilitator."
            ]
        },
    ),
    "unknown language": (
        {"languages": "en; xx"},
        {"languages": ["No language is called “xx”; the codes are: en, es."]},
    ),
    "unknown format and status": (
        {"format": "lecture", "status": "maybe", "cart": "perhaps"},
        {
            "format": [
                "“lecture” is not a format; use one of plenary, keynote, panel, workshop, "
                "breakout, caucus, reception, break."
            ],
            "status": ["“maybe” is not a status; use one of draft, published, cancelled."],
            "cart": ["“perhaps” is neither yes nor no."],
        },
    ),
    "no title": ({"title_en": ""}, {"title_en": ["This field cannot be blank."]}),
}


@pytest.mark.parametrize(("cells", "expected"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_import_file_with_one_bad_row_changes_nothing_and_names_the_row(niic, cells, expected):
    good = {**CLOSING_PLENARY, "description_en": "Changed.", "panel": "Eva Millona (moderator)"}
    rows = [good, new_session_row(**cells)]
    before, before_counts = snapshot(niic), counts()

    preview = import_rows(rows, dry_run=True)
    result = import_rows(rows)

    assert errors_of(preview) == [(3, expected)]
    assert errors_of(result) == [(3, expected)]
    assert counts() == before_counts
    assert snapshot(niic) == before


def test_import_looks_up_tracks_in_the_rows_own_edition_only(niic):
    other = make_conference(slug="niic-2015", year=2015)
    make_track(other, slug="newcomers", name="Newcomers")

    result = import_rows([new_session_row(track="newcomers", topics="")], dry_run=True)

    assert errors_of(result) == [
        (2, {"track": [f"{EDITION_NAME} has no track called “newcomers”."]})
    ]


def test_import_file_naming_a_session_twice_is_refused(niic):
    rows = [new_session_row(), new_session_row(title_en="Again")]

    result = import_rows(rows)

    assert errors_of(result) == [
        (
            3,
            {
                "slug": [
                    "Row 2 of this file already has the session “caucus-on-small-business” of "
                    "niic-2014; each session may appear only once."
                ]
            },
        )
    ]
    assert not Session.objects.filter(slug="caucus-on-small-business").exists()


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            [column for column in COLUMNS if column != "edition"],
            "The column edition is required: it says which edition each row is of.",
        ),
        (
            [*COLUMNS, "rooom"],
            "Unknown columns: “rooom”. The columns are: " + ", ".join(COLUMNS) + ".",
        ),
        (
            [column for column in COLUMNS if column != "end"],
            "The columns day, start and end go together: give all three or none.",
        ),
    ],
    ids=["no edition", "unknown column", "day without end"],
)
def test_a_file_with_wrong_columns_is_refused_as_a_whole(niic, headers, message):
    row = {column: value for column, value in new_session_row().items() if column in headers}
    with pytest.raises(FileError) as refusal:
        import_rows([row], headers=headers)
    assert str(refusal.value) == message


def test_import_refuses_a_room_an_earlier_row_of_the_same_file_takes(niic):
    first = new_session_row()
    second = new_session_row(slug="second-caucus", title_en="Second caucus", panel="")

    result = import_rows([first, second], dry_run=True)

    assert errors_of(result) == [
        (
            3,
            {
                "room": [
                    "Room “Room C” is already taken by “Caucus on small business” "
                    "(Tue, Dec 16, 13:00–14:00 PST)."
                ]
            },
        )
    ]


# Through the admin


def upload(rows, name="program.csv"):
    return SimpleUploadedFile(name, csv_text(rows).encode("utf-8"), "text/csv")


def test_admin_import_preview_of_a_bad_file_shows_the_row_errors_and_offers_no_confirm(
    admin_client, niic
):
    before = snapshot(niic)
    rows = [CLOSING_PLENARY, new_session_row(start="25:00")]

    response = admin_client.post(
        reverse("admin:program_session_import"), {"spreadsheet": upload(rows)}
    )

    assert response.status_code == 200
    assert errors_of(response.context["rows"]) == [(3, BAD_ROWS["hour 25"][1])]
    assert "“25:00” is not a time of day" in response.text
    assert 'name="token"' not in response.text
    assert snapshot(niic) == before


def test_admin_import_of_a_good_file_is_saved_once_confirmed(admin_client, niic):
    preview = admin_client.post(
        reverse("admin:program_session_import"), {"spreadsheet": upload([new_session_row()])}
    )
    assert preview.status_code == 200
    assert not Session.objects.filter(slug="caucus-on-small-business").exists()

    confirmed = admin_client.post(
        reverse("admin:program_session_import"), {"token": preview.context["token"]}
    )

    assert confirmed.status_code == 302
    caucus = Session.objects.get(conference=niic, slug="caucus-on-small-business")
    assert (caucus.room.slug, caucus.starts_at) == ("room-c", la_time(16, "13:00"))


def test_admin_import_confirms_what_the_preview_read_without_reading_the_file_again(
    admin_client, niic, monkeypatch
):
    preview = admin_client.post(
        reverse("admin:program_session_import"), {"spreadsheet": upload([new_session_row()])}
    )
    token = preview.context["token"]
    stored = SpreadsheetUpload.objects.get(token=token)
    # The database holds the file's cells, compressed, bound to the uploader, for an hour.
    assert (stored.file_name, stored.user, stored.sheet) == (
        "program.csv",
        preview.wsgi_request.user,
        SESSIONS.key,
    )
    assert (
        unpacked(stored.cells).dict
        == read_dataset(csv_text([new_session_row()]).encode(), "x.csv").dict
    )

    def read_again(*args):
        raise AssertionError("the confirmation read the file again")

    monkeypatch.setattr(import_pages, "read_dataset", read_again)
    confirmed = admin_client.post(reverse("admin:program_session_import"), {"token": token})

    assert confirmed.status_code == 302
    assert Session.objects.filter(conference=niic, slug="caucus-on-small-business").exists()
    assert not SpreadsheetUpload.objects.filter(token=token).exists()


def test_admin_import_confirmed_after_the_program_changed_saves_nothing(admin_client, niic):
    preview = admin_client.post(
        reverse("admin:program_session_import"), {"spreadsheet": upload([new_session_row()])}
    )
    # Between the preview and the confirmation, someone publishes a session in that room.
    make_session(
        niic,
        slug="taken-meanwhile",
        title="Taken meanwhile",
        room=Room.objects.get(conference=niic, slug="room-c"),
        starts_at=la_time(16, "13:30"),
        ends_at=la_time(16, "14:30"),
    )

    confirmed = admin_client.post(
        reverse("admin:program_session_import"), {"token": preview.context["token"]}
    )

    assert confirmed.status_code == 200
    assert errors_of(confirmed.context["rows"]) == [
        (
            2,
            {
                "room": [
                    "Room “Room C” is already taken by “Taken meanwhile” "
                    "(Tue, Dec 16, 13:30–14:30 PST)."
                ]
            },
        )
    ]
    assert not Session.objects.filter(slug="caucus-on-small-business").exists()


def test_admin_export_follows_the_changelist_filter(admin_client, niic):
    other = make_conference(slug="niic-2015", year=2015)
    make_session(other, slug="elsewhere", status="draft")
    url = reverse("admin:program_session_export") + f"?conference__id__exact={niic.pk}"
    form_page = admin_client.get(url)
    assert form_page.status_code == 200
    selected = {
        name: "on"
        for name, field in form_page.context["form"].fields.items()
        if name.startswith("sessionresource_")
    }

    response = admin_client.post(url, {"resource": "0", "format": "0", **selected})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    exported = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(exported[0]) == COLUMNS
    assert sorted(row["slug"] for row in exported) == sorted(
        Session.objects.filter(conference=niic).values_list("slug", flat=True)
    )
    assert [row for row in exported if row["slug"] == "closing-plenary"] == [closing_plenary_row()]


def test_export_of_an_edition_takes_a_fixed_handful_of_queries(niic, django_assert_num_queries):
    with django_assert_num_queries(7):
        SessionResource().export(Session.objects.filter(conference=niic))


def test_import_panel_of_an_existing_session_with_an_existing_and_a_new_speaker(niic):
    changed = {**CLOSING_PLENARY, "panel": "Eva Millona (moderator); Somebody Brand New"}

    rows = import_rows([changed])

    assert errors_of(rows) == []
    assert actions_of(rows) == ["update"]
    closing = Session.objects.get(conference=niic, slug="closing-plenary")
    assert [
        (seat.speaker.slug, seat.role, seat.order) for seat in closing.panel.in_panel_order()
    ] == [("eva-millona", "moderator", 0), ("somebody-brand-new", "panelist", 1)]
    assert closing.history.first().related_snapshot["panel"] == [
        {
            "speaker": Speaker.objects.get(slug="eva-millona").pk,
            "name": "Eva Millona",
            "role": "moderator",
            "order": 0,
        },
        {
            "speaker": Speaker.objects.get(slug="somebody-brand-new").pk,
            "name": "Somebody Brand New",
            "role": "panelist",
            "order": 1,
        },
    ]


# What the import holds against other organizers' changes (issue 25)


def test_an_import_writes_only_its_columns_even_when_the_program_changed_since_it_was_read(niic):
    plenary = Session.objects.get(conference=niic, slug="closing-plenary")
    rows = read_rows(
        read_dataset(
            csv_text(
                [{"edition": "niic-2014", "slug": "closing-plenary", "title_en": "Farewell"}],
                headers=["edition", "slug", "title_en"],
            ).encode(),
            "program.csv",
        )
    )
    # Written meanwhile by a path that leaves the version as it is: only the version check
    # would not see it, so only writing the file's columns alone keeps it.
    elsewhere = Room.objects.get(conference=niic, slug="room-c")
    Session.objects.filter(pk=plenary.pk).update(room=elsewhere, has_asl=False)

    done = services.sessions_import(user=importer(), rows=rows)

    plenary.refresh_from_db()
    assert (actions_of(done), plenary.title_en, plenary.room, plenary.has_asl) == (
        ["update"],
        "Farewell",
        elsewhere,
        False,
    )


def test_a_confirmation_after_a_board_move_refuses_the_row_naming_who_moved_it(admin_client, niic):
    mover = make_organizer(username="ana", first_name="Ana", last_name="Alvarez")
    preview = admin_client.post(
        reverse("admin:program_session_import"),
        {"spreadsheet": upload([{**CLOSING_PLENARY, "title_en": "Farewell plenary"}])},
    )
    assert preview.context["rows"][0].action == "update"
    plenary = Session.objects.get(conference=niic, slug="closing-plenary")
    services.session_move(
        user=mover,
        session=plenary,
        room=Room.objects.get(conference=niic, slug="room-c"),
        starts_at=plenary.starts_at,
        ends_at=plenary.ends_at,
    )
    before = snapshot(niic)

    confirmed = admin_client.post(
        reverse("admin:program_session_import"), {"token": preview.context["token"]}
    )

    assert confirmed.status_code == 200
    assert errors_of(confirmed.context["rows"]) == [
        (
            2,
            {
                "slug": [
                    "“Closing plenary” was changed by Ana Alvarez (Moved on the schedule board) "
                    "after this file was checked. Nothing was imported: upload the file again "
                    "to check it against the program as it is now."
                ]
            },
        )
    ]
    assert 'name="token"' not in confirmed.text
    assert snapshot(niic) == before
    assert Session.objects.get(pk=plenary.pk).room.slug == "room-c"


def test_a_preview_over_a_clash_already_in_the_program_shows_no_error_for_other_rows(
    admin_client, niic
):
    # Two published sessions that share a speaker at one time, written past the rules.
    first, second = Session.objects.filter(conference=niic, status="published")[:2]
    Session.objects.filter(pk=second.pk).update(
        starts_at=first.starts_at, ends_at=first.ends_at, room=None
    )
    speaker = Speaker.objects.get(name="Eva Millona")
    for session in (first, second):
        PanelMembership.objects.get_or_create(session=session, speaker=speaker)

    response = admin_client.post(
        reverse("admin:program_session_import"),
        {"spreadsheet": upload([{**CLOSING_PLENARY, "title_en": "Farewell plenary"}])},
    )

    assert response.status_code == 200
    assert (actions_of(response.context["rows"]), errors_of(response.context["rows"])) == (
        ["update"],
        [],
    )
