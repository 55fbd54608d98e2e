"""Speaker photos through the admin, as organizers upload them: limited in pixels before any
decoding, stored under a name the site chooses, and shown to visitors only as 320 and 640 px
wide WebP copies made once, in the same storage, without EXIF."""

import io
import re
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from speakers.models import Speaker
from speakers.photos import copy_name, photo_name, resized_copies
from tests.factories import make_session, make_speaker, seat

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = (
    "This photo has too many pixels; the limit is 6000 pixels on a side and 16 megapixels."
)
STORED_NAME = re.compile(r"speakers/angelica-salas-[0-9a-f]{8}\.(jpg|png|webp)")


def png(size, mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG", optimize=True)
    return out.getvalue()


def jpeg_with_exif(size=(1600, 1200), orientation=1):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Camera Maker"  # Make
    exif[0x8825] = {0x0002: (34.0, 3.0, 0.0)}  # GPS latitude: where the photo was taken
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def stored_files():
    if not default_storage.exists("speakers"):
        return []
    return sorted(default_storage.listdir("speakers")[1])


def upload(client, content, filename="salas.jpg"):
    return client.post(
        reverse("admin:speakers_speaker_add"),
        {
            "name": "Angelica Salas",
            "slug": "angelica-salas",
            "preferred_language": "en",
            "photo": SimpleUploadedFile(filename, content),
        },
    )


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def panel(conference):
    return make_session(conference, slug="panel")


@pytest.fixture
def speaker_with_photo(organizer_client, panel):
    response = upload(organizer_client, jpeg_with_exif())
    assert response.status_code == 302
    organizer_client.logout()
    speaker = Speaker.objects.get(slug="angelica-salas")
    seat(panel, speaker)  # a speaker has a public page while on a public panel
    return speaker


@pytest.mark.parametrize("side", [12_000, 14_000])
def test_a_huge_png_of_a_few_kilobytes_is_refused_at_once_and_nothing_is_stored(
    organizer_client, side
):
    # 12,000² pixels is past Pillow's warning, 14,000² past its own bomb error: both are ours.
    content = png((side, side), mode="1")
    assert len(content) < 150_000
    assert organizer_client.get(reverse("admin:speakers_speaker_add")).status_code == 200
    start = time.perf_counter()
    response = upload(organizer_client, content, filename="poster.png")
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [TOO_MANY_PIXELS]
    assert elapsed < 1
    assert Speaker.objects.count() == 0
    assert stored_files() == []


@pytest.mark.parametrize(
    ("size", "refused"),
    [
        ((4032, 3024), False),
        ((4000, 4000), False),
        ((4000, 4001), True),
        ((6000, 10), False),
        ((6001, 10), True),
    ],
)
def test_the_pixel_limit_is_6000_on_a_side_and_16_megapixels(organizer_client, size, refused):
    response = upload(organizer_client, png(size, mode="1"), filename="salas.png")
    if refused:
        assert response.context["adminform"].form.errors["photo"] == [TOO_MANY_PIXELS]
    else:
        assert response.status_code == 302


def test_an_upload_is_stored_under_a_name_the_site_gives_with_two_copies(speaker_with_photo):
    name = speaker_with_photo.photo.name
    assert STORED_NAME.fullmatch(name)
    stem = name.removeprefix("speakers/").replace(".", "-")
    assert stored_files() == sorted(
        [name.removeprefix("speakers/"), f"{stem}-320.webp", f"{stem}-640.webp"]
    )


def test_the_copies_are_webp_320_and_640_wide_without_exif(speaker_with_photo):
    for width, height in [(320, 240), (640, 480)]:
        with default_storage.open(copy_name(speaker_with_photo.photo.name, width)) as copy:
            image = Image.open(copy)
            assert (image.format, image.size) == ("WEBP", (width, height))
            assert dict(image.getexif()) == {}
            # WebP's reader reports its animation defaults, nothing from the original.
            assert sorted(image.info) == ["background", "loop"]
            copy.seek(0)
            assert b"Camera Maker" not in copy.read()


def test_a_photo_taken_sideways_is_copied_upright(organizer_client):
    upload(organizer_client, jpeg_with_exif(size=(1600, 1200), orientation=6))
    name = Speaker.objects.get().photo.name
    with default_storage.open(copy_name(name, 320)) as copy:
        assert Image.open(copy).size == (320, 427)


def test_a_photo_narrower_than_a_copy_is_not_enlarged(organizer_client):
    upload(organizer_client, png((200, 100)), filename="salas.png")
    name = Speaker.objects.get().photo.name
    for width in (320, 640):
        with default_storage.open(copy_name(name, width)) as copy:
            assert Image.open(copy).size == (200, 100)


def test_copies_are_made_once(speaker_with_photo):
    name = copy_name(speaker_with_photo.photo.name, 320)
    before = default_storage.get_modified_time(name)
    resized_copies(default_storage, speaker_with_photo.photo.name)
    speaker_with_photo.save()
    assert default_storage.get_modified_time(name) == before
    assert len(stored_files()) == 3


def test_the_copies_are_served_with_the_photo_headers(client, speaker_with_photo):
    response = client.get(speaker_with_photo.photo.copy_url(640))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    with default_storage.open(copy_name(speaker_with_photo.photo.name, 640)) as copy:
        assert b"".join(response.streaming_content) == copy.read()


def test_the_original_is_sent_to_staff_only_and_never_to_a_shared_cache(
    client, organizer, speaker_with_photo
):
    assert client.get(speaker_with_photo.photo.url).status_code == 404
    client.force_login(organizer)
    response = client.get(speaker_with_photo.photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=86400"
    response.close()


def test_the_speaker_page_shows_the_copies_not_the_original(client, speaker_with_photo):
    photo = speaker_with_photo.photo
    page = client.get(f"/en/speakers/{speaker_with_photo.slug}/").content.decode()
    assert re.findall(r'<img class="speaker-photo"[^>]*>', page) == [
        f'<img class="speaker-photo" src="/media/{copy_name(photo.name, 320)}" '
        f'srcset="/media/{copy_name(photo.name, 320)} 320w, '
        f'/media/{copy_name(photo.name, 640)} 640w" sizes="160px" alt="" width="160" '
        'height="160">'
    ]
    assert photo.url not in page


def test_the_session_page_never_refers_to_the_original(client, conference, speaker_with_photo):
    page = client.get(f"/en/editions/{conference.slug}/sessions/panel/")
    assert page.status_code == 200
    assert "Angelica Salas" in page.content.decode()
    assert speaker_with_photo.photo.url not in page.content.decode()


def test_the_speaker_page_costs_the_same_queries_with_a_photo(
    client, panel, speaker_with_photo, django_assert_num_queries
):
    without = make_speaker(name="No Photo", slug="no-photo")
    seat(panel, without, order=1)
    with django_assert_num_queries(2):
        assert client.get(f"/en/speakers/{without.slug}/").status_code == 200
    with django_assert_num_queries(2):
        assert client.get(f"/en/speakers/{speaker_with_photo.slug}/").status_code == 200


@pytest.mark.parametrize(
    "filename", ["..png", "../../.htaccess.png", ".hidden.PNG", "photos/salas.png"]
)
def test_a_dot_name_or_a_path_from_the_uploader_is_never_stored(organizer_client, filename):
    response = upload(organizer_client, png((40, 40)), filename=filename)
    assert response.status_code == 302
    name = Speaker.objects.get().photo.name
    assert STORED_NAME.fullmatch(name)
    assert stored_files() == sorted(
        [name.removeprefix("speakers/"), copy_name(name, 320)[9:], copy_name(name, 640)[9:]]
    )


def test_a_name_that_is_only_an_extension_is_refused_and_nothing_is_stored(organizer_client):
    response = upload(organizer_client, png((40, 40)), filename=".png")
    assert response.context["adminform"].form.errors["photo"] == [
        "Upload a JPEG, PNG or WebP photo; “” files are not accepted."
    ]
    assert stored_files() == []


def test_the_stored_name_keeps_only_a_known_extension():
    speaker = Speaker(name="Ana", slug="")
    assert re.fullmatch(r"speakers/ana-[0-9a-f]{8}\.jpg", photo_name(speaker, "x.JPEG"))
    assert re.fullmatch(r"speakers/ana-[0-9a-f]{8}\.img", photo_name(speaker, "x.html"))


def test_a_dot_name_stored_before_is_shown_through_copies_without_a_dot(client):
    Speaker.objects.filter(pk=make_speaker(slug="legacy").pk).update(photo="speakers/.salas.png")
    default_storage.save("speakers/.salas.png", io.BytesIO(png((400, 400))))
    speaker = Speaker.objects.get(slug="legacy")
    resized_copies(default_storage, speaker.photo.name)
    assert copy_name(speaker.photo.name, 320) == "speakers/salas-png-320.webp"
    response = client.get(speaker.photo.small_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    response.close()


def test_a_photo_that_cannot_be_decoded_is_kept_without_copies_and_logged(caplog):
    truncated = png((400, 400), mode="RGB")[:-40] + png((1, 1))[-12:]  # IDAT cut, IEND kept
    speaker = make_speaker(slug="ana")
    speaker.photo = SimpleUploadedFile("ana.png", truncated)
    speaker.save()
    assert stored_files() == [speaker.photo.name.removeprefix("speakers/")]
    assert [r.getMessage() for r in caplog.records if r.name == "speakers.photos"] == [
        f"No copies made of the speaker photo {speaker.photo.name}."
    ]
