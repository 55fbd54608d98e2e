"""Every public page type, as a path for a given edition: the view tests and the query-budget
tests walk this one list, so a new page type is covered by adding it here."""

from django.utils import translation

from sessions.models import Session


def first_session(conference):
    return Session.objects.public().for_edition(conference).order_by("pk").first()


def first_speaker_slug(conference):
    return first_session(conference).panel.order_by("pk").first().speaker.slug


def first_organization_slug(conference):
    return first_session(conference).panel.order_by("pk").first().speaker.organization.slug


def agenda_ids(conference, count=20):
    ids = Session.objects.public().for_edition(conference).order_by("pk")[:count]
    return ",".join(str(pk) for pk in ids.values_list("pk", flat=True))


PAGE_TYPES = {
    "home": lambda c: f"/editions/{c.slug}/",
    "schedule": lambda c: f"/editions/{c.slug}/schedule/?day={c.start_date:%Y-%m-%d}",
    # Without a day, the schedule opens on the first day with a match.
    "schedule-filtered": lambda c: f"/editions/{c.slug}/schedule/?track=track-1&language=en",
    "schedule-fragment": lambda c: f"/editions/{c.slug}/schedule/?fragment=results",
    "schedule-with-agenda": lambda c: (
        f"/editions/{c.slug}/schedule/?day={c.start_date:%Y-%m-%d}&agenda={agenda_ids(c)}"
    ),
    "whole-program": lambda c: f"/editions/{c.slug}/program/",
    "whole-program-filtered": lambda c: f"/editions/{c.slug}/program/?language=es&access=cart",
    "whole-program-fragment": lambda c: f"/editions/{c.slug}/program/?fragment=results&q=in",
    "session": lambda c: f"/editions/{c.slug}/sessions/{first_session(c).slug}/",
    "track-list": lambda c: f"/editions/{c.slug}/tracks/",
    "track": lambda c: f"/editions/{c.slug}/tracks/track-1/",
    "topic": lambda c: f"/editions/{c.slug}/tracks/track-1/topic-1/",
    "room": lambda c: f"/editions/{c.slug}/rooms/room-1/",
    "speaker-list": lambda c: "/speakers/",
    "speaker": lambda c: f"/speakers/{first_speaker_slug(c)}/",
    "organization": lambda c: f"/organizations/{first_organization_slug(c)}/",
    "search": lambda c: "/search/?q=coalitions",
    # Generated speakers are named after a small set of names: some are found, each with
    # their sessions, and so are the organizations ("Sample Organization …").
    "search-people": lambda c: "/search/?q=garcía",
    "search-organizations": lambda c: "/search/?q=organization",
    "search-language": lambda c: "/search/?q=spanish",
    "agenda": lambda c: f"/agenda/?sessions={agenda_ids(c)}",
    "edition-list": lambda c: "/editions/",
    "edition-calendar": lambda c: f"/editions/{c.slug}/schedule.ics",
    "track-calendar": lambda c: f"/editions/{c.slug}/tracks/track-1/calendar.ics",
    "session-calendar": lambda c: (
        f"/editions/{c.slug}/sessions/{first_session(c).slug}/calendar.ics"
    ),
    "agenda-calendar": lambda c: f"/agenda.ics?sessions={agenda_ids(c)}",
    "speaker-calendar": lambda c: f"/speakers/{first_speaker_slug(c)}/calendar.ics",
    "schedule-xml": lambda c: f"/editions/{c.slug}/schedule.xml",
    "schedule-json": lambda c: f"/editions/{c.slug}/schedule.json",
    "schedule-xcal": lambda c: f"/editions/{c.slug}/schedule.xcs",
    "schedule-csv": lambda c: f"/editions/{c.slug}/schedule.csv",
    "use-in-app": lambda c: f"/editions/{c.slug}/apps/",
    "change-log": lambda c: f"/editions/{c.slug}/changes/",
    "change-feed": lambda c: f"/editions/{c.slug}/changes.atom",
    "changes-json": lambda c: "/changes.json",
    "sitemap": lambda c: "/sitemap.xml",
}


def page_path(page_type, conference, language="en"):
    with translation.override(language):
        return f"/{language}{PAGE_TYPES[page_type](conference)}"
