"""Text that reaches calendars, spreadsheets and feeds holds no control characters: a vertical
tab breaks an XLSX export and an Atom feed, a bare carriage return a calendar file, a line break
a response header. Every CharField and TextField a person types into carries one of the two
(sessions' models take them from here).

speakers/validators.py holds the same two: tracks and speakers import nothing of ours, and the
rule is two Django RegexValidators, not code. tests/sessions/test_control_characters.py checks
that the two modules' validators are equal and refuse the same characters, so a change to one
that is not made to the other fails the tests."""

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
