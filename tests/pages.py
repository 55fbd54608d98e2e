"""Every public page type, as a path for a given edition. The routes come from the registry of
public pages (sessions.public_pages): tests/test_public_pages.py fails when a route of the
registry has no page type here, so the view tests and the query-count tests that walk this
list cover every public route, some in several variants (filters, fragments)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from sessions.models import Session
from sessions.public_pages import registry


def first_session(conference):
    return Session.objects.public().for_edition(conference).order_by("pk").first()


def first_speaker_slug(conference):
    return first_session(conference).panel.order_by("pk").first().speaker.slug


def first_organization_slug(conference):
    return first_session(conference).panel.order_by("pk").first().speaker.organization.slug


def agenda_ids(conference, count=20):
    ids = Session.objects.public().for_edition(conference).order_by("pk")[:count]
    return ",".join(str(pk) for pk in ids.values_list("pk", flat=True))


@dataclass(frozen=True)
class PageType:
    route: str  # its name in the registry
    path: Callable  # conference -> the path, without the language prefix
    status: int = 200


PAGE_TYPES = {
    "home": PageType("home", lambda c: "/"),
    "edition-home": PageType("edition-home", lambda c: f"/editions/{c.slug}/"),
    "schedule": PageType(
        "program:schedule", lambda c: f"/editions/{c.slug}/schedule/?day={c.start_date:%Y-%m-%d}"
    ),
    # Without a day, the schedule opens on the first day with a match.
    "schedule-filtered": PageType(
        "program:schedule", lambda c: f"/editions/{c.slug}/schedule/?track=track-1&language=en"
    ),
    "schedule-fragment": PageType(
        "program:schedule", lambda c: f"/editions/{c.slug}/schedule/?fragment=results"
    ),
    "schedule-with-agenda": PageType(
        "program:schedule",
        lambda c: (
            f"/editions/{c.slug}/schedule/?day={c.start_date:%Y-%m-%d}&agenda={agenda_ids(c)}"
        ),
    ),
    # The current edition's pages (generate_program makes its edition the current one).
    "current-schedule": PageType(
        "program:current-schedule", lambda c: f"/schedule/?day={c.start_date:%Y-%m-%d}"
    ),
    "current-whole-program": PageType("program:current-whole-program", lambda c: "/program/"),
    "current-track-list": PageType("program:current-track-list", lambda c: "/tracks/"),
    "whole-program": PageType("program:whole-program", lambda c: f"/editions/{c.slug}/program/"),
    "whole-program-filtered": PageType(
        "program:whole-program", lambda c: f"/editions/{c.slug}/program/?language=es&access=cart"
    ),
    "whole-program-fragment": PageType(
        "program:whole-program", lambda c: f"/editions/{c.slug}/program/?fragment=results&q=in"
    ),
    "session": PageType(
        "program:session-detail", lambda c: f"/editions/{c.slug}/sessions/{first_session(c).slug}/"
    ),
    "track-list": PageType("program:track-list", lambda c: f"/editions/{c.slug}/tracks/"),
    "track": PageType("program:track-detail", lambda c: f"/editions/{c.slug}/tracks/track-1/"),
    "topic": PageType(
        "program:topic-detail", lambda c: f"/editions/{c.slug}/tracks/track-1/topic-1/"
    ),
    "room": PageType("program:room-detail", lambda c: f"/editions/{c.slug}/rooms/room-1/"),
    "speaker-list": PageType("speaker-list", lambda c: "/speakers/"),
    "speaker": PageType("speaker-detail", lambda c: f"/speakers/{first_speaker_slug(c)}/"),
    "organization": PageType(
        "organization-detail", lambda c: f"/organizations/{first_organization_slug(c)}/"
    ),
    "search": PageType("search", lambda c: "/search/?q=coalitions"),
    # Generated speakers are named after a small set of names: some are found, each with
    # their sessions, and so are the organizations ("Sample Organization …").
    "search-people": PageType("search", lambda c: "/search/?q=garcía"),
    "search-organizations": PageType("search", lambda c: "/search/?q=organization"),
    "search-language": PageType("search", lambda c: "/search/?q=spanish"),
    "agenda": PageType("program:agenda", lambda c: f"/agenda/?sessions={agenda_ids(c)}"),
    "edition-list": PageType("edition-list", lambda c: "/editions/"),
    "edition-calendar": PageType(
        "program:edition-calendar", lambda c: f"/editions/{c.slug}/schedule.ics"
    ),
    "track-calendar": PageType(
        "program:track-calendar", lambda c: f"/editions/{c.slug}/tracks/track-1/calendar.ics"
    ),
    "session-calendar": PageType(
        "program:session-calendar",
        lambda c: f"/editions/{c.slug}/sessions/{first_session(c).slug}/calendar.ics",
    ),
    "agenda-calendar": PageType(
        "program:agenda-calendar", lambda c: f"/agenda.ics?sessions={agenda_ids(c)}"
    ),
    "speaker-calendar": PageType(
        "program:speaker-calendar", lambda c: f"/speakers/{first_speaker_slug(c)}/calendar.ics"
    ),
    "schedule-xml": PageType("program:schedule-xml", lambda c: f"/editions/{c.slug}/schedule.xml"),
    "schedule-json": PageType(
        "program:schedule-json", lambda c: f"/editions/{c.slug}/schedule.json"
    ),
    "schedule-xcal": PageType(
        "program:schedule-xcal", lambda c: f"/editions/{c.slug}/schedule.xcs"
    ),
    "schedule-csv": PageType("program:schedule-csv", lambda c: f"/editions/{c.slug}/schedule.csv"),
    "schedule-csv-excel": PageType(
        "program:schedule-csv-excel", lambda c: f"/editions/{c.slug}/schedule-excel.csv"
    ),
    "use-in-app": PageType("program:use-in-app", lambda c: f"/editions/{c.slug}/apps/"),
    "change-log": PageType("program:change-log", lambda c: f"/editions/{c.slug}/changes/"),
    "change-feed": PageType("program:change-feed", lambda c: f"/editions/{c.slug}/changes.atom"),
    "changes-json": PageType("program:changes-json", lambda c: "/changes.json"),
    "sitemap": PageType("program:sitemap", lambda c: "/sitemap.xml"),
    # Offline at the venue (niic.offline).
    "web-manifest": PageType("web-manifest", lambda c: "/manifest.webmanifest"),
    "offline": PageType("offline", lambda c: "/offline/"),
    "offline-pages": PageType("offline-pages", lambda c: "/offline/pages.json"),
    # Outside the language prefix.
    "track-colours": PageType("track-colours", lambda c: "/track-colours.css"),
    "favicon": PageType("favicon", lambda c: "/favicon.ico", status=302),
    "service-worker": PageType("service-worker", lambda c: "/sw.js"),
}


def page_path(page_type, conference, language="en"):
    """The page's path in `language` (the same in every language outside the prefix)."""
    page = PAGE_TYPES[page_type]
    prefix = f"/{language}" if registry()[page.route].localized else ""
    with translation.override(language):
        return f"{prefix}{page.path(conference)}"
