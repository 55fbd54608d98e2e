"""Admin pages for organizers, wired in SessionAdmin.get_urls(): every conflict of an edition,
one day of an edition as a board of rooms by time, drafts included, and releasing the program.

The first two show only the sessions `model_admin.get_queryset(request)` lets this user see (a track
chair's board also marks the rooms other tracks' published sessions hold, as "in use by another
track", without their content), and run the same few queries however large the program."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tracks.models import Conference

from . import releases, rules, services
from .conflicts import find_conflicts, prepare
from .models import Release, Room, Session

NO_ROOM = None
STATUS_ORDER = {
    Session.Status.PUBLISHED: 0,
    Session.Status.DRAFT: 1,
    Session.Status.CANCELLED: 2,
}


def _require_view_permission(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied


def _editions_and_edition(request):
    """All editions (for the switcher, newest first) and the one asked for by ?edition=<slug>;
    by default the current edition, else the latest. Editions are few: one query."""
    editions = list(Conference.objects.order_by("-start_date", "slug"))
    slug = request.GET.get("edition")
    if slug:
        for edition in editions:
            if edition.slug == slug:
                return editions, edition
        raise Http404(_("No edition with this slug."))
    current = next((edition for edition in editions if edition.is_current), None)
    return editions, current or (editions[0] if editions else None)


def _admin_url(name):
    """The URL of one of our admin pages, or None while SessionAdmin.get_urls() lacks it."""
    try:
        return reverse(f"admin:{name}")
    except NoReverseMatch:
        return None


def _context(request, model_admin, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "conflicts_url": _admin_url("program_session_conflicts"),
        "board_url": _admin_url("program_session_board"),
        **extra,
    }


def conflicts(request, model_admin):
    """Every conflict of one edition among the sessions this user may see, by day and time."""
    _require_view_permission(request, model_admin)
    editions, edition = _editions_and_edition(request)
    days = []
    found = []
    if edition is not None:
        found = find_conflicts(model_admin.get_queryset(request).filter(conference=edition))
        zone = edition.tzinfo
        days = [
            (day, list(items))
            for day, items in groupby(
                found, key=lambda conflict: timezone.localtime(conflict.starts_at, zone).date()
            )
        ]
    blocking = sum(conflict.blocks_publishing for conflict in found)
    context = _context(
        request,
        model_admin,
        title=_("Conflicts — %(edition)s") % {"edition": edition} if edition else _("Conflicts"),
        edition=edition,
        editions=editions,
        conflicts=found,
        days=days,
        blocking_count=blocking,
        warning_count=len(found) - blocking,
    )
    return TemplateResponse(request, "admin/program/session/conflicts.html", context)


@dataclass
class BoardEntry:
    session: Session
    notes: list = field(default_factory=list)
    # A session of another track that this user may not open: the room is in use, nothing more.
    is_occupied_only: bool = False

    @property
    def is_draft(self):
        return self.session.status == Session.Status.DRAFT

    @property
    def is_cancelled(self):
        return self.session.status == Session.Status.CANCELLED


@dataclass
class BoardCell:
    room: object
    entries: list = field(default_factory=list)

    @property
    def has_clash(self):
        """Two sessions that occupy the room start here together."""
        return sum(not entry.is_cancelled for entry in self.entries) > 1

    @property
    def is_free(self):
        return not self.entries


@dataclass
class BoardRow:
    starts_at: datetime.datetime
    cells: list


def _note(conflict, session):
    """What the card of `session` says about one of its conflicts."""
    if conflict.other is None:
        return conflict.message
    other = conflict.other if conflict.session.pk == session.pk else conflict.session
    params = {"other": other, "slot": rules.Slot(other)}
    if conflict.speaker is not None:
        return str(rules.SPEAKER_ALSO_ON) % {**params, "speaker": conflict.speaker}
    return str(rules.ROOM_ALSO_USED) % {**params, "room": other.room}


def _parse_day(request, edition):
    value = request.GET.get("day")
    if not value:
        return edition.days[0]
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404(_("The day must be written YYYY-MM-DD.")) from None
    if day not in edition.days:
        raise Http404(_("This day is not one of the edition’s days."))
    return day


def board(request, model_admin):
    """One day of an edition as a table: a column per room, a row per start time, every
    session this user may see in it, drafts and cancelled sessions included and marked."""
    _require_view_permission(request, model_admin)
    editions, edition = _editions_and_edition(request)
    context = _context(
        request,
        model_admin,
        title=_("Schedule board — %(edition)s") % {"edition": edition}
        if edition
        else _("Schedule board"),
        edition=edition,
        editions=editions,
    )
    if edition is None:
        return TemplateResponse(request, "admin/program/session/board.html", context)
    day = _parse_day(request, edition)
    visible = model_admin.get_queryset(request).filter(conference=edition)
    sessions = list(
        prepare(visible.on_day(edition, day)).order_by("starts_at", "room__order", "title", "pk")
    )
    found = find_conflicts(sessions)
    notes = {}
    for conflict in found:
        for session in conflict.sessions:
            notes.setdefault(session.pk, []).append(_note(conflict, session))
    # Rooms that other tracks' published sessions hold, which this user's sessions cannot take.
    occupied = list(
        Session.objects.published()
        .for_edition(edition)
        .on_day(edition, day)
        .exclude(pk__in=visible.values("pk"))
        .exclude(room=None)
        .select_related("conference", "room")
        .order_by("starts_at", "pk")
    )

    rooms = list(Room.objects.filter(conference=edition).order_by("order", "name", "pk"))
    known = {room.pk for room in rooms}
    for session in sessions:
        # A room of another edition (a conflict of its own) still gets its column.
        if session.room_id is not None and session.room_id not in known:
            known.add(session.room_id)
            rooms.append(session.room)
    if any(session.room_id is None for session in sessions):
        rooms.append(NO_ROOM)
    column_of = {(room.pk if room else None): index for index, room in enumerate(rooms)}

    entries = [BoardEntry(session=session, notes=notes.get(session.pk, [])) for session in sessions]
    entries += [
        BoardEntry(session=session, is_occupied_only=True)
        for session in occupied
        if session.room_id in column_of
    ]
    entries.sort(key=lambda entry: (entry.session.starts_at, entry.session.pk))
    rows = []
    for starts_at, group in groupby(entries, key=lambda entry: entry.session.starts_at):
        row = BoardRow(starts_at=starts_at, cells=[BoardCell(room=room) for room in rooms])
        for entry in group:
            row.cells[column_of[entry.session.room_id]].entries.append(entry)
        for cell in row.cells:
            # The published session holding the room first, then drafts, then cancelled ones.
            cell.entries.sort(key=lambda entry: STATUS_ORDER[entry.session.status])
        rows.append(row)

    counts = dict.fromkeys(Session.Status, 0)
    for session in sessions:
        counts[session.status] += 1
    context.update(
        subtitle=formats.date_format(day, "l, F j, Y"),
        day=day,
        days=edition.days,
        rooms=rooms,
        rows=rows,
        session_count=len(sessions),
        published_count=counts[Session.Status.PUBLISHED],
        draft_count=counts[Session.Status.DRAFT],
        cancelled_count=counts[Session.Status.CANCELLED],
        conflict_count=len(found),
    )
    return TemplateResponse(request, "admin/program/session/board.html", context)


class ReleaseForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Name"),
        max_length=40,
        help_text=_lazy("What apps and the change log call this version, e.g. v3."),
    )
    note = forms.CharField(
        label=_lazy("Note for attendees (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Shown in the public change log, e.g. why sessions moved."),
    )


def release(request, model_admin):
    """“Release the program”: what changed since the edition's last release, then, once
    confirmed, a new release (sessions.services.program_release). Organizers only."""
    if not services.may_release(request.user):
        raise PermissionDenied
    editions, edition = _editions_and_edition(request)
    context = _context(
        request,
        model_admin,
        title=_("Release the program — %(edition)s") % {"edition": edition}
        if edition
        else _("Release the program"),
        edition=edition,
        editions=editions,
    )
    if edition is None:
        return TemplateResponse(request, "admin/program/session/release.html", context)
    form = ReleaseForm(
        request.POST if request.method == "POST" else None,
        initial={"name": services.next_release_name(edition)},
    )
    if form.is_valid():
        try:
            made = services.program_release(
                user=request.user,
                conference=edition,
                name=form.cleaned_data["name"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            by_field = getattr(error, "error_dict", None) or {None: error.error_list}
            for name, errors in by_field.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            model_admin.message_user(
                request,
                _("%(edition)s: “%(name)s” is released; the change log and the exports show it.")
                % {"edition": edition, "name": made.name},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{request.path}?edition={edition.slug}")
    previous, changes = services.release_preview(user=request.user, conference=edition)
    with timezone.override(edition.tzinfo):
        return rendered(
            TemplateResponse(
                request,
                "admin/program/session/release.html",
                {
                    **context,
                    "form": form,
                    "previous": previous,
                    "pending": Release(changes=changes),
                    "changes": releases.shown_changes(changes, edition),
                    "has_changes": releases.has_changes(changes),
                    "past": list(edition.releases.for_log().select_related("released_by")),
                },
            )
        )


def rendered(response):
    """Render now, while the edition's time zone is active."""
    response.render()
    return response
