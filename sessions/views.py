from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from tracks.models import Conference, Topic, Track

from . import identity, released, schema_org
from .calendar import calendar_response
from .cards import session_cards
from .filters import MAX_AGENDA_SESSIONS, ScheduleFilter, parse_session_ids
from .for_apps import open_to_apps
from .models import Language, Room, SharedAgenda
from .queries import (
    agenda_by_day,
    languages_of,
    sessions_by_day,
    sessions_by_day_and_slot,
    tracks_with_public_session_counts,
)
from .session_page import same_time_rows
from .timetable import build_timetable


def get_edition(slug=None):
    """The edition named in the URL, or the current one for the short URLs."""
    if slug is None:
        conference = Conference.objects.current()
        if conference is None:
            raise Http404("No edition is current.")
        return conference
    return get_object_or_404(Conference, slug=slug)


def render_in_edition_zone(request, conference, template, context, status=200):
    """Every time on a program page is shown in the edition's own zone, labelled."""
    with timezone.override(conference.tzinfo):
        return render(request, template, {"conference": conference, **context}, status=status)


def default_day(conference, counts):
    today = timezone.localdate(timezone=conference.tzinfo)
    if counts.get(today):
        return today
    return next((day for day in conference.days if counts.get(day)), conference.start_date)


def edition_is_on(conference, now):
    return conference.opens_at() <= now < conference.closes_at()


def filtered_program(request, conference, data=None):
    """The schedule's filters over the edition's public sessions; every choice they offer comes
    from the edition's tracks, rooms and languages, fetched here once."""
    tracks = list(conference.tracks.prefetch_related("topics"))
    rooms = list(conference.rooms.all())
    filterset = ScheduleFilter(
        request.GET if data is None else data,
        released.sessions().public().for_edition(conference),
        conference=conference,
        tracks=tracks,
        rooms=rooms,
        languages=list(Language.objects.all()),
    )
    return filterset, tracks, rooms


def results_template(request, template):
    """With ?fragment=results, only the results (schedule.js swaps them in place)."""
    if request.GET.get("fragment") == "results":
        return f"{template}#results"
    return template


def schedule(request, edition=None):
    conference = get_edition(edition)
    filterset, tracks, rooms = filtered_program(request, conference)
    context = {"filterset": filterset, "tracks": tracks}
    if not filterset.is_valid():
        context.update(days=[(day, None) for day in conference.days], timetable=None)
        return render_in_edition_zone(
            request, conference, "sessions/schedule.html", context, status=400
        )
    now = timezone.now()
    today = timezone.localdate(now, timezone=conference.tzinfo)
    # Today too, which default_day opens when sessions are on, even outside the edition's days.
    counts = filterset.qs.count_on_days(conference, sorted({*conference.days, today}))
    day = filterset.chosen_day or default_day(conference, counts)
    sessions = session_cards(
        filterset.qs.on_day(conference, day),
        conference=conference,
        tracks=tracks,
        rooms=rooms,
        agenda=filterset.agenda,
        relative_to=request.path,
    )
    is_on = edition_is_on(conference, now)
    context.update(
        has_sample_sessions=any(session.is_sample for session in sessions),
        day=day,
        days=[(each, counts.get(each, 0)) for each in conference.days],
        timetable=build_timetable(
            sessions, zone=conference.tzinfo, now=now if is_on and day == today else None
        ),
        # While the edition is on, a jump to what is on now (or next) from any day.
        now_day=today
        if is_on and filterset.qs.on_day(conference, today).filter(ends_at__gt=now).exists()
        else None,
        is_filtered=filterset.active_filter_count > 0,
        agenda_ids=",".join(str(pk) for pk in filterset.agenda),
        subscribe_url=webcal_url(
            request, reverse("program:edition-calendar", kwargs={"edition": conference.slug})
        ),
    )
    return render_in_edition_zone(
        request, conference, results_template(request, "sessions/schedule.html"), context
    )


def whole_program(request, edition=None):
    """Every day of the edition on one page, filterable like the schedule, and printable as a
    pocket program."""
    conference = get_edition(edition)
    data = request.GET.copy()
    data.pop("day", None)
    filterset, tracks, rooms = filtered_program(request, conference, data)
    context = {"filterset": filterset, "tracks": tracks}
    if not filterset.is_valid():
        return render_in_edition_zone(
            request, conference, "sessions/program.html", context, status=400
        )
    sessions = session_cards(
        filterset.qs.order_by("starts_at", "room__order", "title"),
        conference=conference,
        tracks=tracks,
        rooms=rooms,
        agenda=filterset.agenda,
        relative_to=request.path,
    )
    context.update(
        has_sample_sessions=any(session.is_sample for session in sessions),
        program=sessions_by_day_and_slot(sessions),
        session_count=len(sessions),
        is_filtered=filterset.active_filter_count > 0,
        agenda_ids=",".join(str(pk) for pk in filterset.agenda),
    )
    return render_in_edition_zone(
        request, conference, results_template(request, "sessions/program.html"), context
    )


def redirect_to_current_address(conference, slug, url_name):
    """A session's address from before a slug edit or a re-import under another slug leads to
    its current one (301), and only to a session the reader may see; anything else is a 404."""
    moved_to = identity.current_slug(released.sessions().public(), conference, slug)
    if moved_to is None:
        raise Http404("No public session has this address.")
    url = reverse(url_name, kwargs={"edition": conference.slug, "session": moved_to})
    return redirect(url, permanent=True)


def session_detail(request, edition, session):
    found = released.sessions().public().for_session_page(edition, session).first()
    if found is None:
        return redirect_to_current_address(get_edition(edition), session, "program:session-detail")
    session, conference = found, found.conference
    languages, interpretation = languages_of(session)
    same_slot = same_time_rows(
        getattr(conference, released.sessions_lookup()).public().others_at_the_same_time(session),
        conference,
    )
    return render_in_edition_zone(
        request,
        conference,
        "sessions/session_detail.html",
        {
            "session": session,
            "languages": languages,
            "interpretation": interpretation,
            "same_slot": same_slot,
            "json_ld": schema_org.session_event(session, request, languages),
        },
    )


def track_list(request, edition=None):
    conference = get_edition(edition)
    tracks = tracks_with_public_session_counts(conference)
    return render_in_edition_zone(
        request, conference, "sessions/track_list.html", {"tracks": tracks}
    )


def track_detail(request, edition, track):
    conference = get_edition(edition)
    track = get_object_or_404(conference.tracks.prefetch_related("topics"), slug=track)
    sessions = session_cards(released.sessions().public().filter(track=track).for_listing())
    return render_in_edition_zone(
        request,
        conference,
        "sessions/track_detail.html",
        {"track": track, "sessions_by_day": sessions_by_day(sessions)},
    )


def topic_detail(request, edition, track, topic):
    conference = get_edition(edition)
    topic = get_object_or_404(
        Topic.objects.select_related("track"),
        track__conference=conference,
        track__slug=track,
        slug=topic,
    )
    sessions = session_cards(released.sessions().public().filter(topics=topic).for_listing())
    return render_in_edition_zone(
        request,
        conference,
        "sessions/topic_detail.html",
        {"topic": topic, "track": topic.track, "sessions_by_day": sessions_by_day(sessions)},
    )


def room_detail(request, edition, room):
    conference = get_edition(edition)
    room = get_object_or_404(Room, conference=conference, slug=room)
    sessions = session_cards(released.sessions().public().filter(room=room).for_listing())
    return render_in_edition_zone(
        request,
        conference,
        "sessions/room_detail.html",
        {"room": room, "sessions_by_day": sessions_by_day(sessions)},
    )


def agenda_ids_from(query, name):
    return parse_session_ids(query.get(name, ""), MAX_AGENDA_SESSIONS)


def agenda_url(ids):
    url = reverse("program:agenda")
    return f"{url}?sessions={','.join(map(str, ids))}" if ids else url


def webcal_url(request, path):
    """The same address for calendar apps: webcal: asks them to subscribe, not download."""
    url = request.build_absolute_uri(path)
    return "webcal" + url[url.index(":") :]


def agenda_cards(ids):
    """Cards of the released public sessions among `ids`, by start: a draft, an unreleased
    change or a session that is gone is never shown, whoever listed its id."""
    return session_cards(
        released.sessions().public().filter(pk__in=ids).for_listing().order_by("starts_at"),
        agenda=ids,
    )


def agenda(request):
    """The sessions listed in the URL. With JavaScript the list is the visitor's stars, kept in
    the browser; without it, the star buttons submit ?add= or ?remove= here, and the page
    redirects to the new list's URL."""
    try:
        ids = agenda_ids_from(request.GET, "sessions")
        added = agenda_ids_from(request.GET, "add")
        removed = agenda_ids_from(request.GET, "remove")
        if added or removed:
            changed = [pk for pk in ids if pk not in removed]
            changed += [pk for pk in added if pk not in changed]
            if len(changed) > MAX_AGENDA_SESSIONS:
                raise ValidationError(
                    _("An agenda holds at most %(limit)d sessions.")
                    % {"limit": MAX_AGENDA_SESSIONS}
                )
            return redirect(agenda_url(changed))
    except ValidationError as error:
        return render(request, "sessions/agenda.html", {"error": error.messages[0]}, status=400)
    sessions = agenda_cards(ids)
    session_ids = ",".join(str(session.pk) for session in sessions)
    calendar = reverse("program:agenda-calendar") + f"?sessions={session_ids}"
    return render(
        request,
        "sessions/agenda.html",
        {
            "agenda": agenda_by_day(sessions),
            "session_ids": session_ids,
            "requested": bool(ids),
            "requested_ids": ",".join(map(str, ids)),
            "calendar_url": calendar,
            "subscribe_url": webcal_url(request, calendar),
            "share_url": request.build_absolute_uri(agenda_url([s.pk for s in sessions])),
        },
    )


@open_to_apps
def agenda_calendar(request):
    try:
        ids = agenda_ids_from(request.GET, "sessions")
    except ValidationError as error:
        return HttpResponseBadRequest(error.messages[0], content_type="text/plain; charset=utf-8")
    sessions = released.sessions().public().filter(pk__in=ids).for_listing()
    return calendar_response(sessions, request, name=_("My agenda"), filename="niic-agenda.ics")


# Agendas kept on the server at their attendee's request (sessions.models.SharedAgenda). The
# token in the address is the agenda's only key, so these pages are nobody else's: not in the
# page cache, not in the sitemap, not cached by a browser or a proxy, not for search engines.

# 200 ids of 18 digits with their commas fit in 4 KB: a bigger form is no agenda.
MAX_AGENDA_FORM_BYTES = 8 * 1024


def kept_private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # Links from the page (to a map, a speaker's site) must not carry the token away; its own
    # forms and agenda.js keep their Origin (which "no-referrer" would turn into "null").
    response["Referrer-Policy"] = "same-origin"
    return response


def see_other(url):
    """After a POST, the page to GET (303: a reload then does not post again)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def shared_agenda_url(token):
    return reverse("program:shared-agenda", kwargs={"token": token})


def refused_post(request):
    """Why a POST to a shared agenda is refused, as a response; None when it may go on.

    Django's CSRF protection needs a cookie, and anonymous visitors get none (README), so these
    views are csrf_exempt and protect themselves instead. An edit needs the agenda's token,
    which another site cannot know; and a browser says where a POST comes from (Origin, and
    Sec-Fetch-Site in current browsers): one from another site, or from a page with no origin
    ("null"), is refused, which also keeps other sites from filling the table with agendas.
    A client that sends neither header is no browser, so no visitor's browser is being used
    against them. The size cap keeps a request from storing more than an agenda."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None:  # set by the browser itself, no page can forge it
        elsewhere = fetch_site != "same-origin"
    else:  # an older browser: its Origin, "null" for a page that has none
        elsewhere = origin is not None and origin != f"{request.scheme}://{request.get_host()}"
    if elsewhere:
        return HttpResponseForbidden(
            _("An agenda can be changed only from this site's own pages."),
            content_type="text/plain; charset=utf-8",
        )
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = MAX_AGENDA_FORM_BYTES + 1
    if length > MAX_AGENDA_FORM_BYTES:
        return HttpResponseBadRequest(
            _("This request is too large for an agenda."), content_type="text/plain; charset=utf-8"
        )
    return None


def wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def agenda_refusal(request, message):
    """A refused change, as a message on the agenda page or, for agenda.js, as JSON."""
    if wants_json(request):
        return kept_private(JsonResponse({"error": message}, status=400))
    return kept_private(
        render(request, "sessions/agenda.html", {"error": message, "shared": True}, status=400)
    )


@csrf_exempt  # protected by refused_post() instead: anonymous visitors have no CSRF cookie
def agenda_link(request):
    """Stores the agenda posted (sessions=1,2,3) under a new token and opens its page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    refused = refused_post(request)
    if refused is not None:
        return kept_private(refused)
    try:
        ids = agenda_ids_from(request.POST, "sessions")
    except ValidationError as error:
        return agenda_refusal(request, error.messages[0])
    shared = SharedAgenda.objects.create(session_ids=ids)
    # Straight to the new link, below the agenda.
    return kept_private(see_other(shared_agenda_url(shared.token) + "#agenda-link"))


def changed_agenda(shared, added, removed):
    """The stored list with `removed` taken out and `added` put at its end, saved. Two devices
    editing at once each change only what they name: their changes add up."""
    with transaction.atomic():
        shared = SharedAgenda.objects.select_for_update().get(pk=shared.pk)
        changed = [pk for pk in shared.session_ids if pk not in removed]
        changed += [pk for pk in added if pk not in changed]
        if len(changed) > MAX_AGENDA_SESSIONS:
            raise ValidationError(
                _("An agenda holds at most %(limit)d sessions.") % {"limit": MAX_AGENDA_SESSIONS}
            )
        shared.session_ids = changed
        shared.save(update_fields=["session_ids", "updated_at"])
    return changed


@csrf_exempt  # protected by its token and refused_post() instead: see there
def shared_agenda(request, token, tail=""):
    """The agenda stored under `token`: GET shows it (or gives its list to agenda.js as JSON),
    POST add=… / remove=… changes it. The same link on a second device shows and edits the
    same agenda. A link with punctuation after it (from a sentence or a chat) is redirected to
    the clean one."""
    shared = get_object_or_404(SharedAgenda, token=token)
    if tail and request.method in ("GET", "HEAD"):
        return kept_private(redirect(shared_agenda_url(token)))
    if request.method == "POST":
        return edit_shared_agenda(request, shared)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if wants_json(request):
        response = JsonResponse({"sessions": shared.session_ids})
        response["Vary"] = "Accept"
        return kept_private(response)
    sessions = agenda_cards(shared.session_ids)
    calendar = reverse("program:shared-agenda-calendar", kwargs={"token": token})
    response = render(
        request,
        "sessions/agenda.html",
        {
            "agenda": agenda_by_day(sessions),
            "shared": True,
            "token": token,
            "stored_ids": ",".join(map(str, shared.session_ids)),
            "calendar_url": calendar,
            "subscribe_url": webcal_url(request, calendar),
            "share_url": request.build_absolute_uri(shared_agenda_url(token)),
        },
    )
    response["Vary"] = "Accept"
    return kept_private(response)


def edit_shared_agenda(request, shared):
    refused = refused_post(request)
    if refused is not None:
        return kept_private(refused)
    try:
        changed = changed_agenda(
            shared,
            added=agenda_ids_from(request.POST, "add"),
            removed=agenda_ids_from(request.POST, "remove"),
        )
    except ValidationError as error:
        return agenda_refusal(request, error.messages[0])
    if wants_json(request):
        return kept_private(JsonResponse({"sessions": changed}))
    return kept_private(see_other(shared_agenda_url(shared.token)))


@open_to_apps
def shared_agenda_calendar(request, token, tail=""):
    """The stored agenda as a calendar: a calendar app subscribed to it follows its changes."""
    shared = get_object_or_404(SharedAgenda, token=token)
    sessions = released.sessions().public().filter(pk__in=shared.session_ids).for_listing()
    return kept_private(
        calendar_response(sessions, request, name=_("My agenda"), filename="niic-agenda.ics")
    )


@open_to_apps
def edition_calendar(request, edition):
    conference = get_edition(edition)
    sessions = released.sessions().public().for_edition(conference)
    return calendar_response(
        sessions,
        request,
        name=f"{conference.short_name} {conference.year}",
        filename=f"{conference.slug}.ics",
    )


@open_to_apps
def track_calendar(request, edition, track):
    conference = get_edition(edition)
    track = get_object_or_404(Track, conference=conference, slug=track)
    sessions = released.sessions().public().filter(track=track).for_listing()
    return calendar_response(
        sessions,
        request,
        name=f"{conference.short_name} {conference.year}: {capfirst(track.name)}",
        filename=f"{conference.slug}-{track.slug}.ics",
    )


@open_to_apps
def session_calendar(request, edition, session):
    conference = get_edition(edition)
    found = released.sessions().public().for_edition(conference).for_listing()
    found = found.filter(slug=session).first()
    if found is None:
        return redirect_to_current_address(conference, session, "program:session-calendar")
    session = found
    return calendar_response(
        [session],
        request,
        name=capfirst(session.title),
        filename=f"{conference.slug}-{session.slug}.ics",
    )


def track_colours(request):
    """Each track's colour as a class (.t<id>) that cards use for their edge: one small
    stylesheet instead of a colour repeated on every card (inline styles are refused by the
    Content-Security-Policy anyway). Colours are validated hex values (tracks.colours)."""
    rules = [
        f".t{pk}{{--track:{colour}}}"
        for pk, colour in Track.objects.order_by("pk").values_list("pk", "colour")
        if len(colour) == 7 and colour.startswith("#") and colour[1:].isalnum()
    ]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
