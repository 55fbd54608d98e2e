"""Speaker photos are served by the site itself in the embedded default (no bucket), DEBUG off:
only real JPEG, PNG or WebP files of at most 2 MB directly under MEDIA_ROOT/speakers, with their
true content type, nosniff and cache headers; to visitors only the resized copies, the uploaded
originals to staff only."""

import io

import pytest
from PIL import Image

from speakers.validators import MAX_PHOTO_BYTES


def image_bytes(kind):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


@pytest.fixture
def photos(settings):
    folder = settings.MEDIA_ROOT / "speakers"
    folder.mkdir(parents=True)
    return folder


def test_a_copy_is_served_to_anyone_with_its_type_nosniff_and_cache_headers(client, photos):
    (photos / "ana-1f2e-jpg-320.webp").write_bytes(image_bytes("WEBP"))
    response = client.get("/media/speakers/ana-1f2e-jpg-320.webp")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_bytes("WEBP")
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response.cookies == {}
    again = client.get(
        "/media/speakers/ana-1f2e-jpg-320.webp", headers={"if-none-match": response["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [
        ("ana.jpg", "JPEG", "image/jpeg"),
        ("ana.png", "PNG", "image/png"),
        ("ana.webp", "WEBP", "image/webp"),
    ],
)
def test_an_original_is_served_to_staff_only_kept_private(
    client, photos, organizer, name, kind, content_type
):
    (photos / name).write_bytes(image_bytes(kind))
    assert client.get(f"/media/speakers/{name}").status_code == 404
    client.force_login(organizer)
    response = client.get(f"/media/speakers/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_bytes(kind)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"


def test_a_name_starting_with_a_dot_is_refused_and_logged(client, photos, caplog):
    (photos / ".ana-png-320.webp").write_bytes(image_bytes("WEBP"))
    assert client.get("/media/speakers/.ana-png-320.webp").status_code == 404
    assert [r.getMessage() for r in caplog.records if r.name == "niic.media"] == [
        "Photo '.ana-png-320.webp' refused: the site never stores a name starting with a dot."
    ]


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/media/speakers/page-320.webp", b"<html><script>alert(1)</script></html>"),
        ("/media/speakers/page.html", b"<html></html>"),
        ("/media/speakers/huge-640.webp", b"RIFF\0\0\0\0WEBP" + b"0" * MAX_PHOTO_BYTES),
        ("/media/speakers/missing-320.webp", None),
        ("/media/speakers/..%2F..%2Fsecret-320.webp", None),
        ("/media/other/ana-320.webp", None),
    ],
)
def test_anything_but_an_accepted_photo_under_speakers_is_a_404(client, photos, path, content):
    if content is not None:
        (photos / path.rsplit("/", 1)[1]).write_bytes(content)
    (photos.parent / "secret-320.webp").write_bytes(image_bytes("WEBP"))
    (photos.parent / "other").mkdir()
    (photos.parent / "other" / "ana-320.webp").write_bytes(image_bytes("WEBP"))
    assert client.get(path).status_code == 404


def test_a_post_to_a_photo_is_refused(client, photos):
    (photos / "ana-png-320.webp").write_bytes(image_bytes("WEBP"))
    assert client.post("/media/speakers/ana-png-320.webp").status_code == 405
