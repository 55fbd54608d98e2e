"""schema.org Event data for a session page, so that search engines and assistants read the
session's time, place, status and speakers correctly."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from speakers.models import Organization

from . import released
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


def session_event(session, request, languages):
    """The session as an Event, its texts in the page's language (or in English where they are
    not yet translated: `inLanguage` then names the language of the title). `languages`: those
    it is held in."""
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
        "location": place(session, language),
        "organizer": organizer(conference, request),
        "superEvent": {
            "@type": "Event",
            "name": tagged(conference, "name", language, suffix=f" {conference.year}"),
            "startDate": conference.start_date.isoformat(),
            "endDate": conference.end_date.isoformat(),
            "url": request.build_absolute_uri(conference.get_absolute_url()),
        },
        # What an Event's inLanguage means in schema.org: the languages spoken in it.
        "inLanguage": [language.code for language in languages],
    }
    # Only the people the program names: most sessions of 2014 have no panel in the source,
    # and an empty list would tell readers that nobody speaks.
    performers = [performer(seat.speaker, request) for seat in session.panel.all()]
    if performers:
        data["performer"] = performers
    # The event's images are its speakers' photos, where the program has any.
    images = [person["image"] for person in performers if "image" in person]
    if images:
        data["image"] = images
    if session.description:
        data["description"] = tagged(
            session, "description", language, convert=markdown_as_plain_text
        )
    return data


def performer(speaker, request):
    person = {
        "@type": "Person",
        "name": speaker.name,
        "url": request.build_absolute_uri(
            reverse("speaker-detail", kwargs={"speaker": speaker.slug})
        ),
    }
    if speaker.organization:  # loaded with the panel
        person["affiliation"] = {"@type": "Organization", "name": speaker.organization.name}
    if speaker.photo:  # the copy the speaker's page shows
        person["image"] = request.build_absolute_uri(speaker.photo.small_url)
    return person


def place(session, language):
    """The room (or the venue, or the city) with the edition's address as far as it is known."""
    conference = session.conference
    if session.room:
        name = tagged(session.room, "name", language)
    else:
        name = conference.venue or conference.city
    data = {"@type": "Place", "name": name, "address": postal_address(conference)}
    if session.room and conference.venue:
        data["containedInPlace"] = {"@type": "Place", "name": conference.venue}
    return data


# What the parts of an edition's city ("Los Angeles, California") are, in their order.
CITY_PARTS = ("addressLocality", "addressRegion", "addressCountry")


def postal_address(conference):
    """A PostalAddress of what the edition says: its city split into locality, region and
    country as far as it names them, and a street address if one is recorded (nothing is
    added that the edition does not say)."""
    parts = [part.strip() for part in conference.city.split(",") if part.strip()]
    address = {"@type": "PostalAddress"}
    if len(parts) <= len(CITY_PARTS):
        address.update(zip(CITY_PARTS, parts, strict=False))
    else:  # more parts than these: kept whole rather than guessed at
        address["addressLocality"] = conference.city
    if conference.venue_address.strip():
        address["streetAddress"] = conference.venue_address.strip()
    return address


def organizer(conference, request):
    """The organizer by name, with a URL when the program knows the organization: its
    website, or else its page here if that is public. One query."""
    data = {"@type": "Organization", "name": conference.organizer}
    found = (
        Organization.objects.filter(name_en__iexact=conference.organizer.strip())
        .annotate(listed=Exists(released.seats().filter(speaker__organization=OuterRef("pk"))))
        .values_list("slug", "website", "listed")
        .first()
    )
    if found:
        slug, website, listed = found
        if website:
            data["url"] = website
        elif listed:
            data["url"] = request.build_absolute_uri(
                reverse("organization-detail", kwargs={"organization": slug})
            )
    return data
