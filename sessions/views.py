from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tracks.models import Conference, Topic, Track

from . import schema_org
from .calendar import calendar_response
from .cards import session_cards
from .filters import ScheduleFilter
from .models import Language, Room, Session
from .queries import agenda_by_day, sessions_by_day, tracks_with_public_session_counts
from .timetable import build_timetable

MAX_AGENDA_SESSIONS = 200


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


def schedule(request, edition=None):
    conference = get_edition(edition)
    tracks = list(conference.tracks.prefetch_related("topics"))
    rooms = list(conference.rooms.all())
    filterset = ScheduleFilter(
        request.GET,
        Session.objects.public().for_edition(conference),
        conference=conference,
        tracks=tracks,
        rooms=rooms,
        languages=list(Language.objects.all()),
    )
    context = {"filterset": filterset, "tracks": tracks}
    if not filterset.is_valid():
        context.update(days=[(day, None) for day in conference.days], timetable=None)
        return render_in_edition_zone(
            request, conference, "sessions/schedule.html", context, status=400
        )
    counts = filterset.qs.count_by_day(conference)
    day = filterset.chosen_day or default_day(conference, counts)
    sessions = session_cards(
        filterset.qs.on_day(conference, day), conference=conference, tracks=tracks, rooms=rooms
    )
    context.update(
        has_sample_sessions=any(session.is_sample for session in sessions),
        day=day,
        days=[(each, counts.get(each, 0)) for each in conference.days],
        timetable=build_timetable(sessions),
        is_filtered=any(
            value for name, value in filterset.form.cleaned_data.items() if name != "day"
        ),
    )
    template = "sessions/schedule.html"
    if request.GET.get("fragment") == "results":
        template += "#results"
    return render_in_edition_zone(request, conference, template, context)


def session_detail(request, edition, session):
    conference = get_edition(edition)
    session = get_object_or_404(
        Session.objects.public().for_edition(conference).with_program_data(), slug=session
    )
    same_slot = (
        Session.objects.public()
        .for_edition(conference)
        .overlapping(session.starts_at, session.ends_at)
        .exclude(pk=session.pk)
        .select_related("conference", "track", "room")
    )
    return render_in_edition_zone(
        request,
        conference,
        "sessions/session_detail.html",
        {
            "session": session,
            "same_slot": same_slot,
            "json_ld": schema_org.session_event(session, request),
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
    sessions = session_cards(Session.objects.public().filter(track=track).for_listing())
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
    sessions = session_cards(Session.objects.public().filter(topics=topic).for_listing())
    return render_in_edition_zone(
        request,
        conference,
        "sessions/topic_detail.html",
        {"topic": topic, "track": topic.track, "sessions_by_day": sessions_by_day(sessions)},
    )


def room_detail(request, edition, room):
    conference = get_edition(edition)
    room = get_object_or_404(Room, conference=conference, slug=room)
    sessions = session_cards(Session.objects.public().filter(room=room).for_listing())
    return render_in_edition_zone(
        request,
        conference,
        "sessions/room_detail.html",
        {"room": room, "sessions_by_day": sessions_by_day(sessions)},
    )


def parse_session_ids(raw):
    """“12,15,20” → [12, 15, 20]; anything else is refused with a reason."""
    if not raw:
        return []
    parts = raw.split(",")
    if len(parts) > MAX_AGENDA_SESSIONS:
        raise ValueError(
            _("An agenda holds at most %(limit)d sessions.") % {"limit": MAX_AGENDA_SESSIONS}
        )
    if not all(part.strip().isdigit() for part in parts):
        raise ValueError(_("The list of sessions must be numbers separated by commas."))
    return list(dict.fromkeys(int(part) for part in parts))


def agenda(request):
    try:
        ids = parse_session_ids(request.GET.get("sessions", ""))
    except ValueError as error:
        return render(request, "sessions/agenda.html", {"error": str(error)}, status=400)
    sessions = session_cards(
        Session.objects.public().filter(pk__in=ids).for_listing().order_by("starts_at")
    )
    return render(
        request,
        "sessions/agenda.html",
        {
            "agenda": agenda_by_day(sessions),
            "session_ids": ",".join(str(session.pk) for session in sessions),
            "requested": bool(ids),
        },
    )


def agenda_calendar(request):
    try:
        ids = parse_session_ids(request.GET.get("sessions", ""))
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    sessions = Session.objects.public().filter(pk__in=ids).for_listing()
    return calendar_response(sessions, request, name=_("My agenda"), filename="niic-agenda.ics")


def edition_calendar(request, edition):
    conference = get_edition(edition)
    sessions = Session.objects.public().for_edition(conference).for_listing()
    return calendar_response(
        sessions,
        request,
        name=f"{conference.short_name} {conference.year}",
        filename=f"{conference.slug}.ics",
    )


def track_calendar(request, edition, track):
    conference = get_edition(edition)
    track = get_object_or_404(Track, conference=conference, slug=track)
    sessions = Session.objects.public().filter(track=track).for_listing()
    return calendar_response(
        sessions,
        request,
        name=f"{conference.short_name} {conference.year}: {track.name}",
        filename=f"{conference.slug}-{track.slug}.ics",
    )


def session_calendar(request, edition, session):
    conference = get_edition(edition)
    session = get_object_or_404(
        Session.objects.public().for_edition(conference).for_listing(), slug=session
    )
    return calendar_response(
        [session], request, name=session.title, filename=f"{conference.slug}-{session.slug}.ics"
    )
