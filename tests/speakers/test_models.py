import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.template import Context, Template
from PIL import Image

from speakers.models import Speaker

pytestmark = pytest.mark.django_db

SpeakerForm = modelform_factory(Speaker, fields=["name", "slug", "photo"])


def png_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def submit_photo(name, content, content_type="image/png"):
    return SpeakerForm(
        data={"name": "Angelica Salas", "slug": "angelica-salas"},
        files={"photo": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_a_small_png_photo_is_accepted():
    form = submit_photo("salas.png", png_bytes())
    assert form.errors == {}
    speaker = form.save()
    # A name the site chooses: the speaker's slug, a random part, the upload's extension only.
    assert re.fullmatch(rf"speakers/{speaker.slug}-[0-9a-f]{{8}}\.png", speaker.photo.name)


def test_an_oversized_photo_is_refused_and_nothing_is_saved():
    # A real PNG padded past the limit: the content is an image, only its size is wrong.
    oversized = png_bytes() + b"\0" * (3 * 1024 * 1024)
    form = submit_photo("big.png", oversized)
    assert form.errors["photo"] == ["This photo is 3.0\xa0MB; the limit is 2.0\xa0MB."]
    assert Speaker.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused():
    form = submit_photo("cv.png", b"%PDF-1.4 not an image")
    assert form.errors["photo"] == [
        "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    ]


def test_an_image_of_another_type_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="GIF")
    form = submit_photo("salas.gif", buffer.getvalue(), content_type="image/gif")
    assert form.errors["photo"] == [
        "Upload a JPEG, PNG or WebP photo; “gif” files are not accepted."
    ]


def render_markdown(text):
    return Template("{% load markup %}{{ text|markdown }}").render(Context({"text": text}))


def test_a_script_tag_in_a_bio_never_reaches_the_page():
    html = render_markdown('Organizer in **Los Angeles**.<script>alert("x")</script>')
    assert html == "<p>Organizer in <strong>Los Angeles</strong>.</p>"


def test_links_in_a_bio_keep_only_safe_schemes():
    html = render_markdown("[site](https://chirla.org) [bad](javascript:alert(1))")
    assert html == (
        '<p><a href="https://chirla.org" rel="noopener noreferrer nofollow">site</a> '
        '<a rel="noopener noreferrer nofollow">bad</a></p>'
    )
