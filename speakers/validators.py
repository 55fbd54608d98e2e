from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
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
