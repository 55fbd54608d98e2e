"""The organizers' tools beside the admin's forms, wired in SessionAdmin.get_urls(): every conflict
of an edition; one day of an edition as a board of rooms by time, drafts included, to move
sessions on; the move itself, which goes through sessions.services like every change;
releasing the program or withdrawing a release.

The conflicts and the board show only the sessions `model_admin.get_queryset(request)` lets this
user see (a track
chair's board also marks the rooms other tracks' published sessions hold, as "in use by another
track", without their content), and run the same few queries however large the program."""

import datetime
from itertools import groupby

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tracks.models import Conference

from .. import released, releases, services
from ..conflicts import Kind, hidden_clashes, load, survey
from ..models import Release, Session
from .messages import message_list

NO_ROOM = None
STATUS_ORDER = {
    Session.Status.PUBLISHED: 0,
    Session.Status.DRAFT: 1,
    Session.Status.CANCELLED: 2,
}


# How a session of the working program stands against the released one (release_state).
RELEASED = "released"
NOT_RELEASED = "not-released"
CHANGED = "changed"
RELEASE_STATE_LABELS = {
    RELEASED: _lazy("released"),
    NOT_RELEASED: _lazy("not released"),
    CHANGED: _lazy("changed since release"),
}


def release_state(session):
    """How `session` (annotated with released_version, sessions.released.released_versions())
    stands against the program attendees see: RELEASED (they see it as it is), NOT_RELEASED (a
    public session they do not see yet), CHANGED (they see another version of it, or still see
    it though it is no longer public), or None (a draft they never saw)."""
    copied = getattr(session, "released_version", None)
    if session.status in Session.PUBLIC_STATUSES:
        if copied is None:
            return NOT_RELEASED
        return RELEASED if copied == session.version else CHANGED
    return None if copied is None else CHANGED


def release_url(edition):
    return f"{reverse('admin:program_session_release')}?edition={edition.slug}"


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


# The conflicts page lists this many conflicts at a time.
CONFLICTS_PER_PAGE = 50


def _conflict_filters(request):
    """{kind, day, session_id} as ?kind=, ?day= and ?session= ask (each None when not)."""
    kind, day, session_id = (request.GET.get(name) or None for name in ("kind", "day", "session"))
    try:
        return {
            "kind": Kind(kind) if kind else None,
            "day": datetime.date.fromisoformat(day) if day else None,
            "session_id": int(session_id) if session_id else None,
        }
    except ValueError:
        raise Http404(_("No such list of conflicts.")) from None


def conflicts(request, model_admin):
    """The conflicts of one edition among the sessions this user may see: how many, by day and
    kind, then 50 at a time, those in the published program first, then by day and time. The
    edition is surveyed in two light queries and only the page shown is loaded
    (sessions.conflicts.survey), so the page costs the same at any size."""
    _require_view_permission(request, model_admin)
    editions, edition = _editions_and_edition(request)
    context = _context(
        request,
        model_admin,
        title=_("Conflicts — %(edition)s") % {"edition": edition} if edition else _("Conflicts"),
        edition=edition,
        editions=editions,
    )
    if edition is None:
        return TemplateResponse(request, "admin/program/session/conflicts.html", context)
    visible = model_admin.get_queryset(request).filter(conference=edition)
    surveyed = survey(visible, edition)
    chosen = _conflict_filters(request)
    page = Paginator(surveyed.filtered(**chosen), CONFLICTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    found = load(page.object_list, visible)
    zone = edition.tzinfo
    days = [
        (day, list(items))
        for day, items in groupby(
            found, key=lambda conflict: timezone.localtime(conflict.starts_at, zone).date()
        )
    ]
    context.update(
        # A chair's speakers and rooms booked meanwhile on sessions they cannot see.
        hidden_clashes=[]
        if services.is_organizer(request.user)
        else hidden_clashes(visible, edition),
        conflicts=found,
        days=days,
        page=page,
        total_count=len(surveyed),
        blocking_count=surveyed.blocking_count,
        warning_count=surveyed.warning_count,
        summary=_conflict_summary(surveyed),
        is_filtered=any(value is not None for value in chosen.values()),
        **chosen,
    )
    return TemplateResponse(request, "admin/program/session/conflicts.html", context)


def _conflict_summary(surveyed):
    """(kinds, rows): the kinds of conflict present, and per day (day, [(kind, blocking,
    warnings)] in the order of `kinds`), for the table of counts."""
    counts = surveyed.by_day_and_kind
    kinds = sorted({kind for _day, kind, _blocks in counts}, key=list(Kind).index)
    days = sorted({day for day, _kind, _blocks in counts})
    rows = [
        (day, [(kind, counts[day, kind, True], counts[day, kind, False]) for kind in kinds])
        for day in days
    ]
    return kinds, rows


# The schedule board: one day of an edition, rooms by time, to move sessions on.


class ReleaseForm(forms.Form):
    """A release's name and its note for attendees in each site language: `note` in the
    default language (the one the others fall back to), `note_<code>` in each other."""

    name = forms.CharField(
        label=_lazy("Name"),
        max_length=40,
        help_text=_lazy("What apps and the change log call this version, e.g. v3."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _name in settings.LANGUAGES:
            # Django's catalogue names the language in the admin's language.
            language = _lazy(get_language_info(code)["name"])
            self.fields[self.note_field(code)] = forms.CharField(
                label=format_lazy(
                    _lazy("Note for attendees in {language} (optional)"), language=language
                ),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": code}),
                help_text=_lazy("Shown in the public change log, e.g. why sessions moved.")
                if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE
                else _lazy("Readers of this language see the other when it is empty."),
            )

    @staticmethod
    def note_field(code):
        return "note" if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE else f"note_{code}"

    def notes(self):
        """{language: note} as entered."""
        return {
            code: self.cleaned_data[self.note_field(code)] for code, _name in settings.LANGUAGES
        }


def release(request, model_admin):
    """“Release the program”: what changed since the edition's release in force, how many
    sessions differ from what attendees see, then, once confirmed, a new release
    (sessions.services.program_release); the past releases, and a button that withdraws the
    latest one in force (release_withdraw). Organizers only."""
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
                note=form.notes(),
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
            return HttpResponseRedirect(release_url(edition))
    previous, changes = services.release_preview(user=request.user, conference=edition)
    past = list(edition.releases.for_log().select_related("released_by", "withdrawn_by"))
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
                    "past": past,
                    "differing_count": None
                    if edition.publishes_at_once
                    else len(released.pending(edition)),
                    "withdrawable": None if edition.publishes_at_once else previous,
                    "put_back": _release_before(past, previous),
                },
            )
        )


def _release_before(past, release):
    """The release in force before `release` (of `past`, newest first): what attendees would
    see again were it withdrawn; None: no program."""
    if release is None:
        return None
    return next(
        (each for each in past if each.number < release.number and each.withdrawn_at is None),
        None,
    )


def release_withdraw(request, release_id, model_admin):
    """Withdraw a release (POST, from the release page's button): attendees see the release
    before it again, or no program. The outcome, or why it was refused, as a message on the
    release page. Organizers only."""
    if not services.may_release(request.user):
        raise PermissionDenied
    release = Release.objects.select_related("conference").filter(pk=release_id).first()
    if release is None:
        raise Http404(_("No such release."))
    edition = release.conference
    if request.method != "POST":
        return HttpResponseRedirect(release_url(edition))
    try:
        services.release_withdraw(user=request.user, release=release)
    except (ValidationError, PermissionDenied) as error:
        model_admin.message_user(request, message_list(error, request.user), messages.ERROR)
        return HttpResponseRedirect(release_url(edition))
    now_in_force = Release.objects.latest_for(edition)
    if now_in_force is None:
        text = _("“%(name)s” is withdrawn: attendees see no program until the next release.") % {
            "name": release.name
        }
    else:
        text = _("“%(name)s” is withdrawn: attendees see “%(previous)s” again.") % {
            "name": release.name,
            "previous": now_in_force.name,
        }
    model_admin.message_user(request, text, messages.SUCCESS)
    return HttpResponseRedirect(release_url(edition))


def rendered(response):
    """Render now, while the edition's time zone is active."""
    response.render()
    return response
