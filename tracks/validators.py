"""Text that reaches calendars, spreadsheets and feeds holds no control characters: a vertical
tab breaks an XLSX export, a bare carriage return a calendar file. (speakers/validators.py keeps
the same two validators: apps do not import each other.)"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

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
