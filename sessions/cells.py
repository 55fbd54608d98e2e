"""What a spreadsheet cell says, read as organizers type it: lists, choices (by value or by
label in the admin's language), yes/no, a day, a clock time, and the moment they make on an
edition's own clock. Each refusal is a CellError whose words say how to write it."""

import datetime
import functools
import re

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from speakers.spreadsheets import CellError, cell_text, normalized, quoted

YES = {"yes", "y", "true", "1", "sí", "si", "x"}
NO = {"no", "n", "false", "0", ""}
DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?(?::(?P<second>\d{2}))?\s*"
    r"(?P<half>a\.?\s?m\.?|p\.?\s?m\.?)?$",
    re.IGNORECASE,
)


def split_list(value):
    return [part.strip() for part in cell_text(value).split(";") if part.strip()]


@functools.lru_cache
def choice_names(choices, language):
    """{value or label in `language`, normalized: value} of a TextChoices class."""
    names = {normalized(choice.label): choice.value for choice in choices}
    return {**names, **{choice.value: choice.value for choice in choices}}


def parse_choice(value, choices, what, names=None):
    """The value of the choice `value` names; `names`: choice_names(choices, language)."""
    text = cell_text(value)
    one_of = ", ".join(choices.values)
    if not text:
        raise CellError(_("Required: one of %(choices)s.") % {"choices": one_of})
    if names is None:
        names = choice_names(choices, get_language())
    found = names.get(normalized(text))
    if found is not None:
        return found
    raise CellError(
        _("%(value)s is not a %(what)s; use one of %(choices)s.")
        % {"value": quoted(text), "what": what, "choices": one_of}
    )


def parse_yes_no(value):
    if isinstance(value, bool):
        return value
    text = normalized(cell_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("%(value)s is neither yes nor no.") % {"value": quoted(cell_text(value))})


def parse_day(value):
    if isinstance(value, datetime.datetime):  # an XLSX date cell
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        raise CellError(_("Required: the day, as YYYY-MM-DD."))
    if DATE.match(text):
        year, month, day = (int(part) for part in text.split("-"))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass
    raise CellError(
        _("%(value)s is not a date; write it as YYYY-MM-DD, e.g. 2014-12-15.")
        % {"value": quoted(text)}
    )


def parse_clock(value):
    """13:30, 13:30:00, 1:30 pm, 1:30PM, 1 p.m., 9.30 or a time cell."""
    if isinstance(value, datetime.datetime):  # an XLSX cell holding a date and time
        return value.time().replace(microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0, tzinfo=None)
    text = cell_text(value)
    if not text:
        raise CellError(_("Required: a time, as 13:30 or 1:30 pm."))
    match = CLOCK.match(text)
    if match:
        hour, minute = int(match["hour"]), int(match["minute"] or 0)
        half = (match["half"] or "").lower().replace(".", "").replace(" ", "")
        if half and not 1 <= hour <= 12:
            hour = 99  # "13 pm" is no time
        elif half == "am":
            hour = 0 if hour == 12 else hour
        elif half == "pm":
            hour = 12 if hour == 12 else hour + 12
        try:
            return datetime.time(hour, minute, int(match["second"] or 0))
        except ValueError:
            pass
    raise CellError(
        _("%(value)s is not a time of day; write it as 13:30 or 1:30 pm.") % {"value": quoted(text)}
    )


def local_datetime(day, clock, conference):
    """The moment `day` at `clock` on the edition's own clock; a time the clocks skip (when
    daylight saving time begins) does not exist and is refused."""
    zone = conference.tzinfo
    moment = datetime.datetime.combine(day, clock, tzinfo=zone)
    round_trip = moment.astimezone(datetime.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise CellError(
            _("%(clock)s does not exist on %(day)s in %(zone)s: the clocks skip it.")
            % {"clock": f"{clock:%H:%M}", "day": day, "zone": conference.time_zone}
        )
    return moment
