"""Speaker photos: the name the site stores an upload under, and the resized copies that pages
show instead of the original.

The copies are made once, when a new photo is saved (PhotoField.pre_save), in the storage the
original is in (MEDIA_ROOT or the bucket), so every app server finds them. Their names are
derived from the original's name, so showing them costs no query and no storage call."""

import logging
import secrets
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import ImageField, ImageFieldFile
from django.utils.text import slugify
from PIL import Image, ImageOps

from .validators import PHOTO_EXTENSIONS, check_photo_pixels

logger = logging.getLogger(__name__)

FOLDER = "speakers"
COPY_WIDTHS = (320, 640)
COPY_QUALITY = 82


def photo_name(speaker, filename):
    """speakers/<slug>-<random>.<extension>: nothing of the uploader's name but its extension,
    never a leading dot, and a new name for every upload (so a day's caching is safe)."""
    extension = filename.rpartition(".")[2].lower()
    extension = {"jpeg": "jpg"}.get(extension, extension)
    if extension not in PHOTO_EXTENSIONS:
        extension = "img"  # not served: speakers.validators refuses it before any save
    stem = slugify(speaker.slug or speaker.name)[:40].strip("-_") or "speaker"
    return f"{FOLDER}/{stem}-{secrets.token_hex(4)}.{extension}"


def copy_name(name, width):
    """The copy of the photo stored as `name` that is `width` pixels wide: speakers/ana-1f2e-jpg
    -320.webp for speakers/ana-1f2e.jpg (the extension is kept so that ana.jpg and ana.png, named
    before the site chose names, do not share copies; a leading dot is dropped)."""
    base = PurePosixPath(name).name.replace(".", "-").lstrip("-") or "photo"
    return f"{FOLDER}/{base}-{width}.webp"


def is_copy_name(name):
    return any(name.endswith(f"-{width}.webp") for width in COPY_WIDTHS)


def resized_copies(storage, name):
    """Write the 320 and 640 px wide WebP copies of the photo stored as `name` into `storage`,
    upright and without EXIF or any other metadata. A photo narrower than a copy is not
    enlarged. Copies already there are kept: they are made once."""
    missing = [width for width in COPY_WIDTHS if not storage.exists(copy_name(name, width))]
    if not missing:
        return
    with storage.open(name, "rb") as original:
        check_photo_pixels(original)  # a photo stored before the limit is never decoded
        with Image.open(original) as image:
            image.draft("RGB", (max(missing), max(missing)))  # JPEG: decode at a smaller scale
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in ("RGBA", "LA") or "transparency" in upright.info
            upright = upright.convert("RGBA" if has_alpha else "RGB")
            for width in missing:
                storage.save(copy_name(name, width), ContentFile(webp(upright, width)))


def webp(image, width):
    width = min(width, image.width)
    height = max(1, round(image.height * width / image.width))
    copy = image.resize((width, height), Image.Resampling.LANCZOS)
    copy.info = {}  # no EXIF, XMP or ICC profile carried over
    out = BytesIO()
    copy.save(out, format="WEBP", quality=COPY_QUALITY, method=4)
    return out.getvalue()


class PhotoFieldFile(ImageFieldFile):
    """speaker.photo in templates: `small_url` and `srcset` point at the copies."""

    def copy_url(self, width):
        return self.storage.url(copy_name(self.name, width))

    @property
    def small_url(self):
        return self.copy_url(COPY_WIDTHS[0])

    @property
    def srcset(self):
        return ", ".join(f"{self.copy_url(width)} {width}w" for width in COPY_WIDTHS)


class PhotoFormField(forms.ImageField):
    # The model field's validate_photo_extension says it better than Pillow's list of 70 types.
    default_validators = []

    def to_python(self, data):
        # Before the image field opens the file: Pillow's own bomb check would otherwise be
        # reported as "not an image".
        if data:
            check_photo_pixels(data)
        return super().to_python(data)


class PhotoField(ImageField):
    attr_class = PhotoFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})

    def pre_save(self, model_instance, add):
        photo = getattr(model_instance, self.attname)
        uploaded = bool(photo) and not photo._committed
        photo = super().pre_save(model_instance, add)
        if uploaded:
            try:
                resized_copies(photo.storage, photo.name)
            except (OSError, SyntaxError, ValueError, ValidationError):
                # Checked as an image, yet not decodable to the end (a truncated stream): the
                # photo is kept, as any upload is; its page shows no picture (the img is alt="").
                logger.warning("No copies made of the speaker photo %s.", photo.name, exc_info=True)
        return photo
