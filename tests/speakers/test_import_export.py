"""Speakers to and from a spreadsheet: the export (speakers.resources.SpeakerResource), the
import (speakers.resources.read_rows read by sessions.services.speakers_import, the pipeline the
session import uses), and the admin's import page."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from sessions import services
from speakers.models import Organization, Speaker
from speakers.resources import COLUMNS, SpeakerResource, read_rows
from speakers.spreadsheets import FileError, SafeCSV, SafeXLSX, read_dataset
from tests.factories import make_chair, make_organization, make_organizer, make_track

pytestmark = pytest.mark.django_db

SHEET = [
    "slug", "name", "pronouns", "job_title_en", "job_title_es", "organization", "website",
    "bio_en", "bio_es",
]  # fmt: skip
CHIRLA = "Coalition for Human Immigrant Rights Los Angeles"
NPNA = "National Partnership for New Americans"


def csv_text(rows, headers=SHEET):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def importer():
    """The organizer who imports the files of these tests."""
    return User.objects.filter(username="importer").first() or make_organizer(username="importer")


def import_file(content, name="speakers.csv", dry_run=False, user=None):
    rows = read_rows(read_dataset(content, name))
    return services.speakers_import(user=user or importer(), rows=rows, dry_run=dry_run)


def import_rows(rows, dry_run=False, headers=SHEET):
    return import_file(csv_text(rows, headers).encode(), dry_run=dry_run)


def errors_of(rows):
    return [(row.number, row.errors) for row in rows if row.errors]


def actions_of(rows):
    return [row.action for row in rows]


def speaker_row(**cells):
    row = {
        "slug": "maria-lopez",
        "name": "María López",
        "pronouns": "she/her",
        "job_title_en": "Organizer",
        "organization": "CHIRLA",
        "website": "https://example.org/maria",
        "bio_en": "Organizes in **Boyle Heights**.\n\nSpeaks English and Spanish.",
    }
    row.update(cells)
    return row


def snapshot():
    return [
        {
            "slug": speaker.slug,
            "name": speaker.name,
            "pronouns": speaker.pronouns,
            "job_title_en": speaker.job_title,
            "organization": speaker.organization.slug if speaker.organization else None,
            "website": speaker.website,
            "bio_en": speaker.bio,
        }
        for speaker in Speaker.objects.select_related("organization").order_by("slug")
    ]


def test_export_gives_each_speaker_with_the_organization_name(niic):
    exported = SpeakerResource().export()

    assert exported.headers == SHEET == COLUMNS
    assert exported.dict[0] == {
        "slug": "angelica-salas",
        "name": "Angelica Salas",
        "pronouns": "",
        "job_title_en": "",
        "job_title_es": "",
        "organization": CHIRLA,
        "website": "",
        "bio_en": "",
        "bio_es": "",
    }
    assert [row["organization"] for row in exported.dict] == [CHIRLA, NPNA, NPNA, NPNA]


@pytest.mark.parametrize("file_format", [SafeCSV, SafeXLSX], ids=["csv", "xlsx"])
def test_round_trip_export_delete_import_gives_back_the_same_speakers(niic, file_format):
    Speaker.objects.filter(slug="eva-millona").update(
        pronouns="she/her",
        job_title="Executive Director",
        website="https://example.org/eva",
        bio="Leads **MIRA**.\n\nSecond paragraph, with “quotes”; and a semicolon.",
    )
    Speaker.objects.create(name="No Organization", slug="no-organization")
    before = snapshot()
    data = file_format().export_data(SpeakerResource().export())
    Speaker.objects.all().delete()

    name = "speakers.csv" if file_format is SafeCSV else "speakers.xlsx"
    rows = import_file(data.encode() if isinstance(data, str) else data, name)

    assert errors_of(rows) == []
    assert actions_of(rows) == ["new"] * 5
    assert snapshot() == before
    assert Organization.objects.count() == 2


def test_reimporting_an_unchanged_export_skips_every_row_and_writes_no_history(niic):
    exported = SafeXLSX().export_data(SpeakerResource().export())
    history = Speaker.history.count()

    rows = import_file(exported, "speakers.xlsx")

    assert actions_of(rows) == ["unchanged"] * 4
    assert Speaker.history.count() == history


def test_import_creates_and_updates_speakers_by_slug(niic):
    result = import_rows(
        [
            speaker_row(),
            {
                "slug": "eva-millona",
                "name": "Eva A. Millona",
                "pronouns": "",
                "job_title_en": "Executive Director",
                "organization": NPNA,
                "website": "",
                "bio_en": "",
            },
        ]
    )

    assert errors_of(result) == []
    assert actions_of(result) == ["new", "update"]
    maria = Speaker.objects.get(slug="maria-lopez")
    assert (maria.name, maria.pronouns, maria.job_title, maria.organization.slug) == (
        "María López",
        "she/her",
        "Organizer",
        "chirla",
    )
    assert maria.website == "https://example.org/maria"
    assert maria.bio == "Organizes in **Boyle Heights**.\n\nSpeaks English and Spanish."
    eva = Speaker.objects.get(slug="eva-millona")
    assert (eva.name, eva.job_title, eva.organization.slug) == (
        "Eva A. Millona",
        "Executive Director",
        "national-partnership-for-new-americans",
    )
    record = eva.history.first()
    assert (record.history_change_reason, record.history_user, record.history_type) == (
        "Imported from a spreadsheet",
        importer(),
        "~",
    )
    assert maria.history.first().history_type == "+"


def test_import_creates_a_missing_organization_once_with_a_slug_from_its_name(niic):
    result = import_rows(
        [
            speaker_row(organization="Asian Americans Advancing Justice"),
            speaker_row(
                slug="li-wei", name="Li Wei", organization="asian americans advancing justice"
            ),
            speaker_row(slug="sam-roe", name="Sam Roe", organization="Welcoming America (WA)"),
        ]
    )

    assert errors_of(result) == []
    created = Organization.objects.exclude(
        slug__in=["chirla", "national-partnership-for-new-americans"]
    )
    assert sorted(created.values_list("slug", "name", "acronym")) == [
        ("asian-americans-advancing-justice", "Asian Americans Advancing Justice", ""),
        ("welcoming-america", "Welcoming America", "WA"),
    ]
    assert sorted(
        Speaker.objects.filter(organization__slug="asian-americans-advancing-justice").values_list(
            "slug", flat=True
        )
    ) == ["li-wei", "maria-lopez"]


def test_import_finds_an_organization_written_as_the_admin_shows_it(niic):
    result = import_rows([speaker_row(organization=f"{CHIRLA} (CHIRLA)")])

    assert errors_of(result) == []
    assert Speaker.objects.get(slug="maria-lopez").organization.slug == "chirla"
    assert Organization.objects.count() == 2


def test_import_new_organization_slug_avoids_one_already_taken(niic):
    make_organization(name="Something else", slug="welcoming-america")

    result = import_rows([speaker_row(organization="Welcoming America")])

    assert errors_of(result) == []
    assert Speaker.objects.get(slug="maria-lopez").organization.slug == "welcoming-america-2"


def test_import_file_with_one_bad_row_changes_nothing_and_names_the_row(niic):
    before, organizations = snapshot(), Organization.objects.count()
    rows = [
        speaker_row(organization="A Brand New Organization"),
        speaker_row(slug="bad-one", name="Bad One", website="not a web address"),
    ]

    preview = import_rows(rows, dry_run=True)
    result = import_rows(rows)

    assert errors_of(preview) == [(3, {"website": ["Enter a valid URL."]})]
    assert errors_of(result) == [(3, {"website": ["Enter a valid URL."]})]
    assert snapshot() == before
    assert Organization.objects.count() == organizations


def test_import_ambiguous_acronym_is_an_error_for_that_row(niic):
    make_organization(name="Welcoming America", acronym="WA", slug="welcoming-america")
    make_organization(name="Washington Advocates", acronym="WA", slug="washington-advocates")

    result = import_rows([speaker_row(organization="wa")])

    assert errors_of(result) == [
        (
            2,
            {
                "organization": [
                    "Several organizations are called “wa” (washington-advocates, "
                    "welcoming-america); write the slug of the one you mean."
                ]
            },
        )
    ]


def test_import_speaker_twice_in_one_file_is_refused(niic):
    result = import_rows([speaker_row(), speaker_row(name="María L.")])

    assert errors_of(result) == [
        (
            3,
            {
                "slug": [
                    "Row 2 of this file already has the speaker “maria-lopez”; each speaker may "
                    "appear only once."
                ]
            },
        )
    ]
    assert not Speaker.objects.filter(slug="maria-lopez").exists()


def test_import_without_a_slug_or_name_is_refused_with_the_models_messages(niic):
    result = import_rows([speaker_row(slug="", name="")])

    assert errors_of(result) == [
        (2, {"slug": ["This field cannot be blank."], "name": ["This field cannot be blank."]})
    ]


def test_import_empty_cells_leave_untranslated_texts_as_they_are_and_clear_others(niic):
    Speaker.objects.filter(slug="eva-millona").update(job_title_en="Director", job_title_es=None)
    row = {"slug": "eva-millona", "name": "Eva Millona", "job_title_en": "", "job_title_es": ""}

    rows = import_rows([row], headers=["slug", "name", "job_title_en", "job_title_es"])

    assert actions_of(rows) == ["update"]
    eva = Speaker.objects.get(slug="eva-millona")
    assert (eva.job_title_en, eva.job_title_es) == ("", None)


def test_import_of_a_file_with_only_some_columns_leaves_the_others_as_they_are(niic):
    before = {row["slug"]: row for row in snapshot()}

    rows = import_rows(
        [{"slug": "eva-millona", "pronouns": "she/her"}], headers=["slug", "pronouns"]
    )

    assert actions_of(rows) == ["update"]
    after = {row["slug"]: row for row in snapshot()}
    assert after == {**before, "eva-millona": {**before["eva-millona"], "pronouns": "she/her"}}


def test_a_file_without_a_slug_column_is_refused_as_a_whole(niic):
    with pytest.raises(FileError) as refusal:
        import_rows([{"name": "Somebody"}], headers=["name"])
    assert str(refusal.value) == "The column slug is required: it says which speaker each row is."


def test_a_track_chair_may_not_import_speakers_even_past_the_admin(niic):
    chair = make_chair(make_track(niic, slug="mine", name="Mine"))

    with pytest.raises(PermissionDenied):
        import_file(csv_text([speaker_row()]).encode(), user=chair)

    assert not Speaker.objects.filter(slug="maria-lopez").exists()


@pytest.mark.parametrize("size", [20, 200])
def test_a_speaker_import_costs_the_same_queries_whatever_its_length(niic, size):
    rows = [
        speaker_row(slug=f"speaker-{number}", name=f"Speaker {number}", organization=NPNA)
        for number in range(size)
    ]
    rows[0]["organization"] = "A Brand New Organization"
    content = csv_text(rows).encode()
    importer()

    with CaptureQueriesContext(connection) as captured:
        result = import_file(content)

    assert actions_of(result) == ["new"] * size
    # The speakers named and every organization; the user's rights; the new organization and
    # its history; the speakers and their history, in bulk.
    assert len(captured) == SPEAKER_QUERIES_PER_IMPORT[connection.vendor]


SPEAKER_QUERIES_PER_IMPORT = {"sqlite": 11, "postgresql": 11}


# Through the admin: the same page as the sessions', upload, preview, confirm


def upload(rows, headers=SHEET, name="speakers.csv"):
    return SimpleUploadedFile(name, csv_text(rows, headers).encode(), "text/csv")


def test_admin_speaker_import_is_saved_once_confirmed(admin_client, niic):
    preview = admin_client.post(
        reverse("admin:speakers_speaker_import"), {"spreadsheet": upload([speaker_row()])}
    )
    assert preview.status_code == 200
    assert actions_of(preview.context["rows"]) == ["new"]
    assert not Speaker.objects.filter(slug="maria-lopez").exists()

    confirmed = admin_client.post(
        reverse("admin:speakers_speaker_import"), {"token": preview.context["token"]}
    )

    assert (confirmed.status_code, confirmed["Location"]) == (
        302,
        reverse("admin:speakers_speaker_changelist"),
    )
    assert Speaker.objects.get(slug="maria-lopez").organization.slug == "chirla"


def test_admin_speaker_import_preview_of_a_bad_file_offers_only_the_valid_rows(admin_client, niic):
    rows = [speaker_row(), speaker_row(slug="bad-one", name="Bad One", website="nope")]

    response = admin_client.post(
        reverse("admin:speakers_speaker_import"), {"spreadsheet": upload(rows)}
    )

    assert response.status_code == 200
    assert errors_of(response.context["rows"]) == [(3, {"website": ["Enter a valid URL."]})]
    assert "Enter a valid URL." in response.text
    # No button imports the whole file; one imports the valid row only.
    assert "Import 2 changes" not in response.text
    assert 'name="valid_only"' in response.text
    assert "Import the 1 valid row only" in response.text
    assert not Speaker.objects.filter(slug="maria-lopez").exists()

    imported = admin_client.post(
        reverse("admin:speakers_speaker_import"),
        {"token": response.context["token"], "valid_only": "1"},
    )

    assert imported.status_code == 302
    assert list(
        Speaker.objects.filter(slug__in=["maria-lopez", "bad-one"]).values_list("slug", flat=True)
    ) == ["maria-lopez"]


@pytest.mark.parametrize(
    "forged",
    [{"token": "../../etc/passwd"}, {"token": "0" * 32}],
    ids=["path", "nothing waiting"],
)
def test_a_forged_import_confirmation_answers_400_and_imports_nothing(admin_client, niic, forged):
    admin_client.post(
        reverse("admin:speakers_speaker_import"), {"spreadsheet": upload([speaker_row()])}
    )

    response = admin_client.post(reverse("admin:speakers_speaker_import"), forged)

    assert response.status_code == 400
    assert "This upload cannot be found" in response.text
    assert not Speaker.objects.filter(slug="maria-lopez").exists()


def test_a_session_upload_cannot_be_confirmed_on_the_speaker_page(admin_client, niic):
    from tests.sessions.test_import_export import csv_text as sessions_csv

    preview = admin_client.post(
        reverse("admin:program_session_import"),
        {
            "spreadsheet": SimpleUploadedFile(
                "program.csv", sessions_csv([{"edition": "niic-2014"}], ["edition"]).encode()
            )
        },
    )

    response = admin_client.post(
        reverse("admin:speakers_speaker_import"), {"token": preview.context["token"]}
    )

    assert response.status_code == 400


def test_an_upload_can_be_confirmed_only_by_whoever_made_it(admin_client, client, niic):
    preview = admin_client.post(
        reverse("admin:speakers_speaker_import"), {"spreadsheet": upload([speaker_row()])}
    )
    client.force_login(make_organizer(username="colleague"))

    response = client.post(
        reverse("admin:speakers_speaker_import"), {"token": preview.context["token"]}
    )

    assert response.status_code == 400
    assert not Speaker.objects.filter(slug="maria-lopez").exists()


def test_an_unreadable_speakers_file_shows_a_message_and_no_traceback(admin_client):
    response = admin_client.post(
        reverse("admin:speakers_speaker_import"),
        {"spreadsheet": upload([{"slug": "x"}], headers=["slug", "naem"])},
    )
    assert response.status_code == 400
    assert "Unknown columns: “naem”." in response.text
    assert "Traceback" not in response.text
    assert "site-packages" not in response.text


def test_the_speaker_list_links_to_the_import_for_organizers_only(admin_client, client, niic):
    link = f'href="{reverse("admin:speakers_speaker_import")}"'
    chair = make_chair(make_track(niic, slug="mine", name="Mine"))
    client.force_login(chair)

    organizer_page = admin_client.get(reverse("admin:speakers_speaker_changelist"))
    chair_page = client.get(reverse("admin:speakers_speaker_changelist"))

    assert (organizer_page.text.count(link), chair_page.text.count(link)) == (1, 0)
    assert client.get(reverse("admin:speakers_speaker_import")).status_code == 403


def test_a_speaker_sheet_from_before_reads_the_same_from_a_spanish_admin(niic):
    """Which column a text lands in depends on the file, never on the admin's language."""
    row = {
        "slug": "maria-lopez",
        "name": "María López",
        "job_title": "Organizer",  # a sheet from before: "job_title" is the English
        "job_title_es": "Organizadora",
        "organization": CHIRLA,
        "bio": "Organizes in **Boyle Heights**.",
    }

    with translation.override("es"):
        rows = import_rows([row], headers=list(row))

    assert errors_of(rows) == []
    maria = Speaker.objects.get(slug="maria-lopez")
    assert (maria.job_title_en, maria.job_title_es) == ("Organizer", "Organizadora")
    assert (maria.bio_en, maria.bio_es) == ("Organizes in **Boyle Heights**.", None)
    assert maria.organization.slug == "chirla"
