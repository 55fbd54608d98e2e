"""schema.org Event data for a session page, so that search engines and assistants read the
session's time, place, status and speakers correctly."""

from .markup import markdown_as_plain_text
from .texts import page_language, shown_language

EVENT_STATUS = {
    "published": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}


def tagged(obj, field, language, *, suffix="", convert=str):
    """The text as a plain string in the page's language, or as {"@value", "@language"} when it
    is shown in another (an English fallback)."""
    value = convert(getattr(obj, field)) + suffix
    shown = shown_language(obj, field, language)
    if shown and shown != language:
        return {"@value": value, "@language": shown}
    return value


def session_event(session, request):
    """The session as an Event, its texts in the page's language (or in English where they are
    not yet translated: `inLanguage` then names the language of the title)."""
    conference = session.conference
    language = page_language()
    data = {
        # The texts' language (JSON-LD's default language for the strings below); a text shown
        # in English on a Spanish page says so on its own value.
        "@context": ["https://schema.org", {"@language": language}],
        "@type": "Event",
        "name": tagged(session, "title", language),
        "startDate": session.starts_at.astimezone(conference.tzinfo).isoformat(),
        "endDate": session.ends_at.astimezone(conference.tzinfo).isoformat(),
        "eventStatus": EVENT_STATUS[session.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": request.build_absolute_uri(session.get_absolute_url()),
        "location": {
            "@type": "Place",
            "name": tagged(session.room, "name", language) if session.room else conference.city,
            "address": conference.city,
        },
        "organizer": {"@type": "Organization", "name": conference.organizer},
        "superEvent": {
            "@type": "Event",
            "name": tagged(conference, "name", language, suffix=f" {conference.year}"),
            "startDate": conference.start_date.isoformat(),
            "endDate": conference.end_date.isoformat(),
        },
        # What an Event's inLanguage means in schema.org: the languages spoken in it.
        "inLanguage": [language.code for language in session.languages.all()],
        "performer": [
            {"@type": "Person", "name": seat.speaker.name} for seat in session.panel.all()
        ],
    }
    if session.description:
        data["description"] = tagged(
            session, "description", language, convert=markdown_as_plain_text
        )
    return data
