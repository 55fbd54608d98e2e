"""schema.org Event data for a session page, so that search engines and assistants read the
session's time, place, status and speakers correctly."""

from .markup import markdown_as_plain_text

EVENT_STATUS = {
    "published": "https://schema.org/EventScheduled",
    "cancelled": "https://schema.org/EventCancelled",
}


def session_event(session, request):
    conference = session.conference
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "startDate": session.starts_at.astimezone(conference.tzinfo).isoformat(),
        "endDate": session.ends_at.astimezone(conference.tzinfo).isoformat(),
        "eventStatus": EVENT_STATUS[session.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": request.build_absolute_uri(session.get_absolute_url()),
        "location": {
            "@type": "Place",
            "name": session.room.name if session.room else conference.city,
            "address": conference.city,
        },
        "organizer": {"@type": "Organization", "name": conference.organizer},
        "superEvent": {
            "@type": "Event",
            "name": f"{conference.name} {conference.year}",
            "startDate": conference.start_date.isoformat(),
            "endDate": conference.end_date.isoformat(),
        },
        "inLanguage": [language.code for language in session.languages.all()],
        "performer": [
            {"@type": "Person", "name": seat.speaker.name} for seat in session.panel.all()
        ],
    }
    if session.description:
        data["description"] = markdown_as_plain_text(session.description)
    return data
