"""Speaker photos are served by the site itself in the embedded default (no bucket), DEBUG off:
only real JPEG, PNG or WebP files of at most 2 MB directly under MEDIA_ROOT/speakers, with their
true content type, nosniff and cache headers."""

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


@pytest.mark.parametrize(
    ("name", "kind", "content_type"),
    [
        ("ana.jpg", "JPEG", "image/jpeg"),
        ("ana.png", "PNG", "image/png"),
        ("ana.webp", "WEBP", "image/webp"),
    ],
)
def test_a_photo_is_served_with_its_type_nosniff_and_cache_headers(
    client, photos, name, kind, content_type
):
    (photos / name).write_bytes(image_bytes(kind))
    response = client.get(f"/media/speakers/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == image_bytes(kind)
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=86400"
    assert response.cookies == {}
    again = client.get(f"/media/speakers/{name}", headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/media/speakers/page.png", b"<html><script>alert(1)</script></html>"),
        ("/media/speakers/page.html", b"<html></html>"),
        ("/media/speakers/huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * MAX_PHOTO_BYTES),
        ("/media/speakers/missing.png", None),
        ("/media/speakers/..%2F..%2Fsecret.png", None),
        ("/media/other/ana.png", None),
    ],
)
def test_anything_but_an_accepted_photo_under_speakers_is_a_404(client, photos, path, content):
    if content is not None:
        (photos / path.rsplit("/", 1)[1]).write_bytes(content)
    (photos.parent / "secret.png").write_bytes(image_bytes("PNG"))
    assert client.get(path).status_code == 404


def test_a_post_to_a_photo_is_refused(client, photos):
    (photos / "ana.png").write_bytes(image_bytes("PNG"))
    assert client.post("/media/speakers/ana.png").status_code == 405
