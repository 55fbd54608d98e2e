"""Speakers to and from a spreadsheet (speakers.resources.SpeakerResource)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX

from speakers.models import Organization, Speaker
from speakers.resources import SpeakerResource
from tests.factories import make_organization

pytestmark = pytest.mark.django_db

COLUMNS = [
    "slug", "name", "pronouns", "job_title_en", "job_title_es", "organization", "website",
    "bio_en", "bio_es",
]  # fmt: skip
CHIRLA = "Coalition for Human Immigrant Rights Los Angeles"
NPNA = "National Partnership for New Americans"


def dataset(rows, headers=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return CSV(encoding="utf-8").create_dataset(out.getvalue())


def import_rows(rows, dry_run=False):
    return SpeakerResource().import_data(dataset(rows), dry_run=dry_run)


def errors_of(result):
    return [(row.number, row.error_dict) for row in result.invalid_rows]


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

    assert exported.headers == COLUMNS
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


@pytest.mark.parametrize("file_format", [CSV, XLSX], ids=["csv", "xlsx"])
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

    fmt = file_format(encoding="utf-8") if file_format is CSV else file_format()
    result = SpeakerResource().import_data(
        fmt.create_dataset(data.encode("utf-8") if file_format is CSV else data), dry_run=False
    )

    assert (result.has_errors(), result.has_validation_errors()) == (False, False)
    assert result.totals["new"] == 5
    assert snapshot() == before
    assert Organization.objects.count() == 2


def test_reimporting_an_unchanged_export_skips_every_row_and_writes_no_history(niic):
    exported = SpeakerResource().export()
    history = Speaker.history.count()

    result = SpeakerResource().import_data(exported, dry_run=False)

    assert (result.totals["skip"], result.totals["update"], result.totals["new"]) == (4, 0, 0)
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
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
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
    assert eva.history.first().history_change_reason == "Imported from a spreadsheet"


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

    assert errors_of(preview) == [(2, {"website": ["Enter a valid URL."]})]
    assert errors_of(result) == [(2, {"website": ["Enter a valid URL."]})]
    assert (result.totals["new"], result.totals["update"]) == (0, 0)
    assert snapshot() == before
    assert Organization.objects.count() == organizations


def test_import_ambiguous_acronym_is_an_error_for_that_row(niic):
    make_organization(name="Welcoming America", acronym="WA", slug="welcoming-america")
    make_organization(name="Washington Advocates", acronym="WA", slug="washington-advocates")

    result = import_rows([speaker_row(organization="wa")])

    assert errors_of(result) == [
        (
            1,
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
            2,
            {
                "slug": [
                    "Row 1 of this file already has the speaker “maria-lopez”; each speaker may "
                    "appear only once."
                ]
            },
        )
    ]
    assert not Speaker.objects.filter(slug="maria-lopez").exists()


def test_import_without_a_slug_or_name_is_refused_with_the_models_messages(niic):
    result = import_rows([speaker_row(slug="", name="")])

    assert errors_of(result) == [
        (1, {"slug": ["This field cannot be blank."], "name": ["This field cannot be blank."]})
    ]


# Through the admin: forged confirmations and unreadable files are 400s without tracebacks


def speakers_file(rows, headers=COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("speakers.csv", out.getvalue().encode(), "text/csv")


@pytest.mark.parametrize(
    "forged",
    [
        {"import_file_name": "../../etc/passwd", "format": "0"},
        {"import_file_name": "0" * 32, "format": "0"},
        {"format": "7"},
        {"format": "csv"},
    ],
    ids=["path", "nothing waiting", "format index", "format name"],
)
def test_a_forged_import_confirmation_answers_400_and_imports_nothing(admin_client, forged):
    preview = admin_client.post(
        reverse("admin:speakers_speaker_import"),
        {"resource": "0", "format": "0", "import_file": speakers_file([speaker_row()])},
    )
    confirm = {**preview.context["confirm_form"].initial, **forged}
    response = admin_client.post(reverse("admin:speakers_speaker_process_import"), confirm)
    assert response.status_code == 400
    assert not Speaker.objects.filter(slug="maria-lopez").exists()


def test_an_unreadable_speakers_file_shows_a_message_and_no_traceback(admin_client):
    response = admin_client.post(
        reverse("admin:speakers_speaker_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": speakers_file([{"slug": "x"}], headers=["slug", "naem"]),
        },
    )
    assert response.status_code == 200
    assert "Unknown columns: “naem”." in response.text
    assert "Traceback" not in response.text
    assert "site-packages" not in response.text
