"""WCAG 2.2 contrast arithmetic for track colours, which are always drawn on white."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# WCAG 2.2 success criterion 1.4.3 (AA) for normal-size text.
MINIMUM_CONTRAST_ON_WHITE = 4.5


def relative_luminance(hex_colour):
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(hex_colour):
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def validate_colour_on_white(value):
    if not HEX_COLOUR.match(value):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, e.g. #1d4ed8."), code="invalid"
        )
    ratio = contrast_with_white(value)
    if ratio < MINIMUM_CONTRAST_ON_WHITE:
        raise ValidationError(
            _(
                "%(colour)s has a contrast of %(ratio).2f:1 on white; text needs at least 4.5:1 "
                "(WCAG AA). Choose a darker colour."
            ),
            code="low_contrast",
            params={"colour": value, "ratio": ratio},
        )
