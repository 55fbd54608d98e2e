"""The program's pages. Every route here is public, and marked so with public() where it is
declared (sessions.public_pages): the page cache, the sitemap and the tests read the marks."""

from django.urls import path, register_converter

from . import export_views, sitemap, views
from .filters import ScheduleFilter, ScheduleFilterForm
from .public_pages import Clock, public

app_name = "program"


class LinkTail:
    """What a sentence or a chat app adds after a link (“…/agenda/Xy3…/).”), a slash first or
    not: a shared agenda's link that picked it up is redirected to the clean one. None of these
    characters is in a token (secrets.token_urlsafe)."""

    # ")" apart: Django's reverse() misreads it inside a character class.
    regex = r"/?(?:[.,;:!?'\"\s]|\))+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LinkTail, "link_tail")

edition = "editions/<slug:edition>/"

# The query parameters the filterable pages read: their filters, the day and the agenda of the
# filter form, and ?fragment=results (sessions.views.results_template). The whole program
# shows every day: it ignores ?day=.
schedule_parameters = {*ScheduleFilter.base_filters, *ScheduleFilterForm.base_fields, "fragment"}
program_parameters = schedule_parameters - {"day"}
agenda_parameters = {"sessions", "add", "remove"}

urlpatterns = [
    # The current edition's pages, found under the edition's own address in the sitemap.
    public(
        path("schedule/", views.schedule, name="current-schedule"),
        clock=Clock.WITHOUT_DAY,
        parameters=schedule_parameters,
    ),
    public(
        path("program/", views.whole_program, name="current-whole-program"),
        parameters=program_parameters,
    ),
    public(path("tracks/", views.track_list, name="current-track-list")),
    # A visitor's own selection of sessions: nothing for a search engine to list.
    public(path("agenda/", views.agenda, name="agenda"), parameters=agenda_parameters),
    public(
        path("agenda.ics", views.agenda_calendar, name="agenda-calendar"),
        parameters={"sessions"},
    ),
    # An agenda kept on the server at its attendee's request, under an unguessable token: not
    # public pages (their views say nothing may cache them), so not marked public(): the page
    # cache and the sitemap never see them. "link/" (POST) stores an agenda and opens its page.
    path("agenda/link/", views.agenda_link, name="agenda-link"),
    path("agenda/<slug:token>/", views.shared_agenda, name="shared-agenda"),
    path("agenda/<slug:token>.ics", views.shared_agenda_calendar, name="shared-agenda-calendar"),
    path(
        "agenda/<slug:token>.ics<link_tail:tail>",
        views.shared_agenda_calendar,
        name="shared-agenda-calendar-tail",
    ),
    path("agenda/<slug:token><link_tail:tail>", views.shared_agenda, name="shared-agenda-tail"),
    public(
        path(f"{edition}schedule/", views.schedule, name="schedule"),
        clock=Clock.WITHOUT_DAY,
        sitemap=sitemap.EDITION_PAGE,
        parameters=schedule_parameters,
    ),
    public(path(f"{edition}schedule.ics", views.edition_calendar, name="edition-calendar")),
    public(
        path(f"{edition}program/", views.whole_program, name="whole-program"),
        parameters=program_parameters,
    ),
    public(
        path(f"{edition}tracks/", views.track_list, name="track-list"),
        sitemap=sitemap.EDITION_PAGE,
    ),
    public(
        path(f"{edition}tracks/<slug:track>/", views.track_detail, name="track-detail"),
        sitemap=sitemap.each_track,
    ),
    public(
        path(
            f"{edition}tracks/<slug:track>/calendar.ics",
            views.track_calendar,
            name="track-calendar",
        )
    ),
    public(
        path(
            f"{edition}tracks/<slug:track>/<slug:topic>/", views.topic_detail, name="topic-detail"
        ),
        sitemap=sitemap.each_topic,
    ),
    public(
        path(f"{edition}rooms/<slug:room>/", views.room_detail, name="room-detail"),
        sitemap=sitemap.each_room,
    ),
    public(
        path(f"{edition}sessions/<slug:session>/", views.session_detail, name="session-detail"),
        sitemap=sitemap.each_public_session,
    ),
    public(
        path(
            f"{edition}sessions/<slug:session>/calendar.ics",
            views.session_calendar,
            name="session-calendar",
        )
    ),
    # For apps, calendars and spreadsheets (sessions.exports), and the releases' change log
    public(
        path(f"{edition}apps/", export_views.use_in_app, name="use-in-app"),
        sitemap=sitemap.EDITION_PAGE,
    ),
    public(path(f"{edition}schedule.xml", export_views.schedule_xml, name="schedule-xml")),
    public(path(f"{edition}schedule.json", export_views.schedule_json, name="schedule-json")),
    public(path(f"{edition}schedule.xcs", export_views.schedule_xcal, name="schedule-xcal")),
    public(path(f"{edition}schedule.csv", export_views.schedule_csv, name="schedule-csv")),
    public(
        path(
            f"{edition}schedule-excel.csv",
            export_views.schedule_csv_for_excel,
            name="schedule-csv-excel",
        )
    ),
    public(
        path(f"{edition}changes/", export_views.change_log, name="change-log"),
        sitemap=sitemap.EDITION_PAGE,
    ),
    public(path(f"{edition}changes.atom", export_views.change_feed, name="change-feed")),
    public(path("changes.json", export_views.changes_json, name="changes-json")),
    public(
        path(
            "speakers/<slug:speaker>/calendar.ics",
            export_views.speaker_calendar,
            name="speaker-calendar",
        )
    ),
    public(path("sitemap.xml", export_views.sitemap_xml, name="sitemap")),
]
