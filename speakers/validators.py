from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_PHOTO_BYTES = 2 * 1024 * 1024
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
