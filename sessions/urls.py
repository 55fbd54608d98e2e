from django.urls import path

from . import export_views, views

app_name = "program"

edition = "editions/<slug:edition>/"

urlpatterns = [
    path("schedule/", views.schedule, name="current-schedule"),
    path("program/", views.whole_program, name="current-whole-program"),
    path("tracks/", views.track_list, name="current-track-list"),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_calendar, name="agenda-calendar"),
    path(f"{edition}schedule/", views.schedule, name="schedule"),
    path(f"{edition}schedule.ics", views.edition_calendar, name="edition-calendar"),
    path(f"{edition}program/", views.whole_program, name="whole-program"),
    path(f"{edition}tracks/", views.track_list, name="track-list"),
    path(f"{edition}tracks/<slug:track>/", views.track_detail, name="track-detail"),
    path(f"{edition}tracks/<slug:track>/calendar.ics", views.track_calendar, name="track-calendar"),
    path(f"{edition}tracks/<slug:track>/<slug:topic>/", views.topic_detail, name="topic-detail"),
    path(f"{edition}rooms/<slug:room>/", views.room_detail, name="room-detail"),
    path(f"{edition}sessions/<slug:session>/", views.session_detail, name="session-detail"),
    path(
        f"{edition}sessions/<slug:session>/calendar.ics",
        views.session_calendar,
        name="session-calendar",
    ),
    # For apps, calendars and spreadsheets (sessions.exports), and the releases' change log
    path(f"{edition}apps/", export_views.use_in_app, name="use-in-app"),
    path(f"{edition}schedule.xml", export_views.schedule_xml, name="schedule-xml"),
    path(f"{edition}schedule.json", export_views.schedule_json, name="schedule-json"),
    path(f"{edition}schedule.xcs", export_views.schedule_xcal, name="schedule-xcal"),
    path(f"{edition}schedule.csv", export_views.schedule_csv, name="schedule-csv"),
    path(f"{edition}changes/", export_views.change_log, name="change-log"),
    path(f"{edition}changes.atom", export_views.change_feed, name="change-feed"),
    path("changes.json", export_views.changes_json, name="changes-json"),
    path(
        "speakers/<slug:speaker>/calendar.ics",
        export_views.speaker_calendar,
        name="speaker-calendar",
    ),
    path("sitemap.xml", export_views.sitemap_xml, name="sitemap"),
]
