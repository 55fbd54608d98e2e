"""What a spreadsheet cell says, read as organizers type it: lists, choices (by value or by
label in any site language, whatever the admin's), yes/no, a day (ISO, US or written, in
English or Spanish, read against the edition's days), a clock time, and the moment they make on
an edition's own clock. Each refusal is a CellError whose words say how to write it."""

import datetime
import difflib
import functools
import re

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from speakers.spreadsheets import CellError, cell_text, normalized, quoted

YES = {"yes", "y", "true", "1", "sí", "si", "x"}
NO = {"no", "n", "false", "0", ""}
DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
# 12/14/2014, 14/12/2014, 12-14-14, 14.12.2014: which number is the month, the edition decides.
NUMERIC_DATE = re.compile(r"^(?P<first>\d{1,2})[/.-](?P<second>\d{1,2})[/.-](?P<year>\d{2}|\d{4})$")
# Month names as organizers write them, in English and Spanish, without accents.
MONTHS = {
    **{name: number for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], start=1)},
    **{name: number for number, name in enumerate(
        ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"], start=1)},
    "sept": 9, "setiembre": 9,
}  # fmt: skip
MONTHS.update({name[:3]: number for name, number in list(MONTHS.items())})
# Words a written date may carry besides its day, month and year: weekdays, "de", "of".
DATE_FILLERS = {
    "of", "de", "del", "the",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lun", "mar", "mie", "jue", "vie", "sab", "dom",
}  # fmt: skip
GENDERED = re.compile(r"(\w+)/a\b")
ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|o|º)$")
CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2}))?(?::(?P<second>\d{2}))?\s*"
    r"(?P<half>a\.?\s?m\.?|p\.?\s?m\.?)?$",
    re.IGNORECASE,
)


def split_list(value):
    return [part.strip() for part in cell_text(value).split(";") if part.strip()]


@functools.lru_cache
def choice_names(choices):
    """{value, or label in any site language, normalized: value} of a TextChoices class: the
    same sheet reads the same from an English and a Spanish admin."""
    names = {}
    for language, _name in settings.LANGUAGES:
        with override(language):
            for choice in choices:
                label = normalized(choice.label)
                names[label] = choice.value
                # "Moderador/a" is written "Moderador" or "Moderadora".
                for word in GENDERED.findall(label):
                    names[label.replace(f"{word}/a", word)] = choice.value
                    names[label.replace(f"{word}/a", f"{word}a")] = choice.value
    return {**names, **{choice.value: choice.value for choice in choices}}


def close_match(text, names):
    """The one of `names` (normalized) closest to `text`, if one is close: a typo's cure."""
    found = difflib.get_close_matches(normalized(text), list(names), n=1, cutoff=0.75)
    return found[0] if found else None


class Suggested(CellError):
    """A refusal with a likely cure: the cell as it probably meant to be (`replacement`)."""

    def __init__(self, message, replacement):
        super().__init__(message)
        self.replacement = replacement


def parse_choice(value, choices, what):
    """The value of the choice `value` names, by value or by label in any site language."""
    text = cell_text(value)
    one_of = ", ".join(choices.values)
    if not text:
        raise CellError(_("Required: one of %(choices)s.") % {"choices": one_of})
    names = choice_names(choices)
    found = names.get(normalized(text))
    if found is not None:
        return found
    message = _("%(value)s is not a %(what)s; use one of %(choices)s.") % {
        "value": quoted(text),
        "what": what,
        "choices": one_of,
    }
    near = close_match(text, names)
    if near is not None:
        raise Suggested(message, names[near])
    raise CellError(message)


def parse_yes_no(value):
    if isinstance(value, bool):
        return value
    text = normalized(cell_text(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("%(value)s is neither yes nor no.") % {"value": quoted(cell_text(value))})


def parse_day(value, edition=None):
    """A day: a date cell; 2014-12-15; 12/15/2014 or 15/12/2014 (of the two orders, the one
    that falls within `edition`'s days, when only one does); or written out, "Dec 15, 2014",
    "December 15", "15 dic 2014", "lunes 15 de diciembre de 2014" (without a year, the
    edition's)."""
    if isinstance(value, datetime.datetime):  # an XLSX date cell
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    if not text:
        raise CellError(_("Required: the day, as YYYY-MM-DD."))
    if DATE.match(text):
        year, month, day = (int(part) for part in text.split("-"))
        found = real_dates([(year, month, day)])
    elif NUMERIC_DATE.match(text):
        found = numeric_dates(NUMERIC_DATE.match(text))
    else:
        found = written_dates(text, edition)
    if edition is not None and len(found) > 1:
        within = [day for day in found if day in edition.days]
        if len(within) == 1:
            return within[0]
        if not within:
            raise CellError(
                _(
                    "%(value)s is neither of %(edition)s's days (%(days)s), read month first "
                    "or day first."
                )
                % {"value": quoted(text), "edition": edition, "days": days_of(edition)}
            )
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise CellError(
            _("%(value)s could be %(dates)s; write it as YYYY-MM-DD.")
            % {
                "value": quoted(text),
                "dates": _(" or ").join(day.isoformat() for day in found),
            }
        )
    raise CellError(
        _(
            "%(value)s is not a date; write it as YYYY-MM-DD (2014-12-15), 12/15/2014 or "
            "Dec 15, 2014."
        )
        % {"value": quoted(text)}
    )


def days_of(edition):
    return ", ".join(formats.date_format(day, "DATE_FORMAT") for day in edition.days)


def real_dates(candidates):
    """The dates among (year, month, day) triples that exist, each once, in their order."""
    found = []
    for year, month, day in candidates:
        try:
            date = datetime.date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            continue
        if date not in found:
            found.append(date)
    return found


def numeric_dates(match):
    first, second, year = int(match["first"]), int(match["second"]), int(match["year"])
    return real_dates([(year, first, second), (year, second, first)])


def written_dates(text, edition):
    words = [
        word
        for word in re.split(r"[\s,./-]+", normalized(text))
        if word and word not in DATE_FILLERS
    ]
    month = [MONTHS[word] for word in words if word in MONTHS]
    numbers = []
    for word in words:
        ordinal = ORDINAL.match(word)
        if word.isdigit() or ordinal:
            numbers.append(int(ordinal[1] if ordinal else word))
        elif word not in MONTHS:
            return []
    if len(month) != 1 or not 1 <= len(numbers) <= 2:
        return []
    days = [number for number in numbers if number <= 31]
    years = [number for number in numbers if number > 31]
    if len(numbers) == 1 and days and edition is not None:
        # "December 15": the edition's year, or the year its days cross into.
        return real_dates(
            [(year, month[0], days[0]) for year in sorted({d.year for d in edition.days})]
        )
    if len(days) != 1 or len(years) != 1:
        return []
    return real_dates([(years[0], month[0], days[0])])


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
