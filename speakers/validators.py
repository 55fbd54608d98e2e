from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

MAX_PHOTO_BYTES = 2 * 1024 * 1024
# Decoding costs width × height × 4 bytes whatever the file's size: a 140 KB PNG can hold
# 12,000 × 12,000 pixels (576 MB). 16 megapixels is 64 MB at most, and lets a phone's 12 MP
# photo (4032 × 3024) through; the side limit refuses a thin strip of as many pixels.
MAX_PHOTO_SIDE = 6000
MAX_PHOTO_PIXELS = 16_000_000
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]

validate_photo_extension = FileExtensionValidator(
    allowed_extensions=PHOTO_EXTENSIONS,
    message=_("Upload a JPEG, PNG or WebP photo; “%(extension)s” files are not accepted."),
)


def validate_photo_size(photo):
    if photo.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("This photo is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(photo.size),
                "limit": filesizeformat(MAX_PHOTO_BYTES),
            },
        )


def photo_too_large():
    return ValidationError(
        _(
            "This photo has too many pixels; the limit is %(side)s pixels on a side and "
            "%(megapixels)s megapixels."
        ),
        code="too_many_pixels",
        params={"side": MAX_PHOTO_SIDE, "megapixels": MAX_PHOTO_PIXELS // 1_000_000},
    )


def photo_dimensions(photo):
    """(width, height) read from the image's header, without decoding its pixels; None for a
    file that is not an image (the image field says so). Raises the too-large error for an image
    that Pillow itself takes for a decompression bomb."""
    photo.seek(0)
    try:
        with Image.open(photo) as image:
            return image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise photo_too_large() from error
    except (OSError, SyntaxError, ValueError):
        return None
    finally:
        photo.seek(0)


def check_photo_pixels(photo):
    size = photo_dimensions(photo)
    if size is not None:
        width, height = size
        if max(width, height) > MAX_PHOTO_SIDE or width * height > MAX_PHOTO_PIXELS:
            raise photo_too_large()


def validate_photo_pixels(photo):
    # A stored photo was checked when it was uploaded: reading it back (from a bucket, on every
    # save of its speaker) would check nothing new.
    if getattr(photo, "_committed", False):
        return
    check_photo_pixels(photo)


# Text that reaches calendars, spreadsheets and feeds holds no control characters: the same two
# validators as tracks/validators.py, which says why they are written twice
# (tests/sessions/test_control_characters.py checks that they are equal).
validate_one_line = RegexValidator(
    r"[\x00-\x1f\x7f]",
    inverse_match=True,
    message=_("Use one line of plain text: no line breaks, tabs or other control characters."),
    code="control_character",
)
validate_text = RegexValidator(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]",
    inverse_match=True,
    message=_("Remove the control characters (invisible characters other than line breaks)."),
    code="control_character",
)
