"""What the import page offers besides the upload: a sheet to fill in (the columns, one example
row, and in the XLSX a second sheet of the valid values), and the valid values of the editions a
file names, listed beside its preview. The example uses the current edition's own names."""

import tablib
from django.utils.translation import gettext as _

from speakers import resources as speaker_sheet
from speakers.models import Speaker
from tracks.models import Conference, Topic, Track

from .. import importing as session_sheet
from ..models import Language, PanelMembership, Room, Session


def choice_values(choices):
    return [f"{choice.value} ({choice.label})" for choice in choices]


def edition_choices(edition):
    """[(what, [values])] an edition's rows may use."""
    return [
        (_("Edition"), [f"{edition.slug} ({edition.name})"]),
        (_("Days"), [day.isoformat() for day in edition.days]),
        (_("Rooms"), [room.name for room in Room.objects.filter(conference=edition)]),
        (_("Tracks"), [track.name for track in Track.objects.filter(conference=edition)]),
        (
            _("Topics"),
            [topic.name for topic in Topic.objects.filter(track__conference=edition)],
        ),
        (_("Formats"), choice_values(Session.Format)),
        (_("Statuses"), choice_values(Session.Status)),
        (_("Panel roles"), choice_values(PanelMembership.Role)),
        (
            _("Languages"),
            [f"{language.code} ({language.name})" for language in Language.objects.all()],
        ),
    ]


def session_choices(rows):
    """The valid values of the editions the rows name (the current one if they name none)."""
    editions = {row.session.conference for row in rows if getattr(row, "session", None)}
    if not editions:
        current = Conference.objects.current()
        editions = {current} if current else set()
    return [
        (edition, edition_choices(edition))
        for edition in sorted(editions, key=lambda edition: edition.start_date)
    ]


def session_template(file_format):
    """The session sheet's columns, an example row of the current edition, and (XLSX) the
    valid values on a second sheet."""
    edition = Conference.objects.current() or Conference.objects.first()
    sheet = tablib.Dataset(headers=session_sheet.COLUMNS, title=_("Sessions"))
    if edition is not None:
        room = Room.objects.filter(conference=edition).first()
        track = Track.objects.filter(conference=edition).first()
        topic = Topic.objects.filter(track=track).first() if track else None
        speaker = Speaker.objects.order_by("name").first()
        example = {
            "edition": edition.slug,
            "slug": "",
            session_sheet.ENGLISH_TITLE: _("Example: replace this row with your session"),
            "track": track.name if track else "",
            "topics": topic.name if topic else "",
            "format": Session.Format.PANEL.value,
            "status": Session.Status.DRAFT.value,
            "day": edition.start_date.isoformat(),
            "start": "10:30",
            "end": "11:45",
            "room": room.name if room else "",
            "languages": "en",
            "interpretation": "es",
            "cart": "no",
            "asl": "no",
            "panel": f"{speaker.name} (moderator)" if speaker else "",
        }
        sheet.append([example.get(column, "") for column in session_sheet.COLUMNS])
    if file_format != "xlsx":
        return sheet
    valid = edition_choices(edition) if edition else []
    return with_values(sheet, valid)


def speaker_template(file_format):
    sheet = tablib.Dataset(headers=speaker_sheet.COLUMNS, title=_("Speakers"))
    example = {
        "slug": "example-speaker",
        "name": _("Example: replace this row with a speaker"),
        "pronouns": "she/her",
        speaker_sheet.JOB_TITLES[0]: "Director",
        "website": "https://example.org/",
    }
    sheet.append([example.get(column, "") for column in speaker_sheet.COLUMNS])
    return sheet


def with_values(sheet, valid):
    """A workbook of `sheet` and a second sheet listing each kind of valid value in a column."""
    values = tablib.Dataset(headers=[str(what) for what, _names in valid], title=_("Valid values"))
    longest = max((len(names) for _what, names in valid), default=0)
    for index in range(longest):
        values.append([names[index] if index < len(names) else "" for _what, names in valid])
    return tablib.Databook([sheet, values])


def session_differences(row):
    """[(what, before, after)] of a row that updates a stored session: each changed field, and
    the panel, topics and languages item by item."""
    session, original = row.session, row.original
    if original is None or row.action != "update":
        return []
    found = []
    for label, read in (
        (_("Title"), lambda each: each.title),
        (_("Status"), lambda each: each.get_status_display()),
        (_("Format"), lambda each: each.get_format_display()),
        (_("Track"), lambda each: each.track.name if each.track_id else ""),
        (_("When"), lambda each: each.slot_label if each.starts_at and each.ends_at else ""),
        (_("Room"), lambda each: each.room.name if each.room_id else ""),
    ):
        before, after = read(original), read(session)
        if before != after:
            found.append((label, before, after))
    if original.description != session.description:
        found.append((_("Description"), _("(as before)"), _("(changed)")))
    for label, part, name in (
        (_("Topics"), "topics", lambda each: each.name),
        (_("Languages"), "languages", lambda each: each.code),
        (_("Interpretation"), "interpretation", lambda each: each.code),
        (
            _("Panel"),
            "panel",
            lambda seat: f"{seat.speaker.name} ({PanelMembership.Role(seat.role).label})",
        ),
    ):
        wanted = getattr(row.related, part)
        if wanted is None:
            continue
        before = [name(each) for each in getattr(row.stored, part)]
        after = [name(each) for each in wanted]
        if sorted(before) != sorted(after):
            found.append((label, "; ".join(before), "; ".join(after)))
    return found
