"""Loads the NIIC 2014 program into the database: the article's facts, and on request the
labelled sample schedule. Every object passes full_clean() (the same rules as the admin), and an
object is only saved when it differs from what is stored, so a second run changes nothing."""

import datetime

from django.utils import translation
from django.utils.text import slugify

from sessions.models import Language, PanelMembership, Room, Session
from sessions.rules import validate_topics_of_track
from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

from . import niic_2014, sample_schedule

# One colour per track, each at least 4.5:1 on white; the track name is always shown beside it.
TRACK_COLOURS = [
    "#1d4ed8", "#047857", "#b91c1c", "#6d28d9", "#a16207",
    "#0e7490", "#be185d", "#4d7c0f", "#c2410c",
]  # fmt: skip

LANGUAGES = [("en", "English"), ("es", "Español")]


def upsert(model, lookup, **values):
    """Create or update the one object matching lookup; save only what changed."""
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    changed = instance.pk is None or any(
        getattr(instance, field) != value for field, value in values.items()
    )
    if changed:
        for field, value in values.items():
            setattr(instance, field, value)
        instance.full_clean()
        instance.save()
    return instance


def set_if_different(related_manager, objects):
    if set(related_manager.all()) != set(objects):
        related_manager.set(objects)


def ensure_languages():
    return {code: upsert(Language, {"code": code}, name=name) for code, name in LANGUAGES}


# The article is in English: what it says is written as the English text, and nothing is marked
# as translated that it does not give in Spanish. The sample schedule, invented, carries sample
# Spanish texts for what is not the article's (rooms, plenaries, breaks).
@translation.override("en")
def load_article_facts():
    """The conference, its nine tracks, their quoted descriptions and topics, and the people and
    organizations the article names."""
    facts = dict(niic_2014.CONFERENCE)
    slug = facts.pop("slug")
    facts["start_date"] = datetime.date.fromisoformat(facts["start_date"])
    facts["end_date"] = datetime.date.fromisoformat(facts["end_date"])
    # NIIC 2014 becomes the current edition unless an organizer has made another one current.
    another_is_current = Conference.objects.filter(is_current=True).exclude(slug=slug).exists()
    conference = upsert(Conference, {"slug": slug}, **facts, is_current=not another_is_current)

    for order, name in enumerate(niic_2014.TRACK_NAMES):
        track = upsert(
            Track,
            {"conference": conference, "slug": slugify(name)[:80]},
            name=name,
            order=order,
            description=niic_2014.TRACK_DESCRIPTIONS.get(name, ""),
            colour=TRACK_COLOURS[order],
        )
        for topic_order, topic_name in enumerate(niic_2014.TRACK_TOPICS.get(name, [])):
            upsert(
                Topic,
                {"track": track, "slug": slugify(topic_name)[:80]},
                name=topic_name,
                order=topic_order,
            )

    organizations = {
        fact["slug"]: upsert(
            Organization, {"slug": fact["slug"]}, name=fact["name"], acronym=fact["acronym"]
        )
        for fact in niic_2014.ORGANIZATIONS
    }
    for person in niic_2014.PEOPLE:
        upsert(
            Speaker,
            {"slug": person["slug"]},
            name=person["name"],
            organization=organizations[person["organization"]],
        )
    return conference


def local_datetime(conference, day_number, clock):
    day = conference.start_date + datetime.timedelta(days=day_number - 1)
    return datetime.datetime.combine(
        day, datetime.time.fromisoformat(clock), tzinfo=conference.tzinfo
    )


def sample_translations(entry, field):
    """The sample's texts in other languages that it gives (title_es…), and only those: a
    translation an organizer wrote for the rest is kept when the sample is loaded again."""
    return {key: value for key, value in entry.items() if key.startswith(f"{field}_")}


@translation.override("en")
def load_sample_schedule(conference):
    languages = ensure_languages()
    rooms = {
        room["slug"]: upsert(
            Room,
            {"conference": conference, "slug": room["slug"]},
            name=room["name"],
            **sample_translations(room, "name"),
            capacity=room["capacity"],
            order=room["order"],
            is_sample=True,
        )
        for room in sample_schedule.ROOMS
    }
    tracks = {track.name: track for track in conference.tracks.all()}
    topics = {topic.name: topic for topic in Topic.objects.filter(track__conference=conference)}

    for entry in sample_schedule.SESSIONS:
        session = upsert(
            Session,
            {"conference": conference, "slug": slugify(entry["title"])[:100]},
            title=entry["title"],
            **sample_translations(entry, "title"),
            track=tracks.get(entry.get("track")),
            format=entry["format"],
            description=entry["description"],
            **sample_translations(entry, "description"),
            starts_at=local_datetime(conference, entry["day"], entry["start"]),
            ends_at=local_datetime(conference, entry["day"], entry["end"]),
            room=rooms[entry["room"]],
            status=Session.Status.PUBLISHED,
            has_cart=entry.get("cart", False),
            has_asl=entry.get("asl", False),
            is_sample=True,
        )
        session_topics = [topics[name] for name in entry.get("topics", [])]
        if set(session.topics.all()) != set(session_topics):
            validate_topics_of_track(session_topics, session.track)
            session.topics.set(session_topics)
        set_if_different(session.languages, [languages["en"]])
        set_if_different(
            session.interpretation_languages,
            [languages[code] for code in entry.get("interpretation", [])],
        )
        for order, (speaker_slug, role) in enumerate(entry.get("panel", [])):
            upsert(
                PanelMembership,
                {"session": session, "speaker": Speaker.objects.get(slug=speaker_slug)},
                role=role,
                order=order,
            )
