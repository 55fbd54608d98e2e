"""A synthetic edition, deterministic for a given seed, for tests and benchmarks.

Every session is published and the timetable obeys the program's rules by construction: all
rooms share one grid of time slots, each slot holds at most one session per room, and the
panels of one slot draw on disjoint speakers. The rooms asked for are kept: when the sessions
do not fit six 75-minute slots a day, the day holds more, shorter slots, as a conference with
many sessions does. Descriptions and bios run to several paragraphs of Markdown, so that pages
weigh what a real program's do. Everything is marked is_sample."""

import datetime
import math
import random
from dataclasses import dataclass

from django.db import transaction

from sessions.models import Language, PanelMembership, Room, Session
from sessions.services import first_release_by_command
from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track
from tracks.signals import program_changed

# A program that fits keeps a conference's usual day: six slots, 45 to 75 minutes long.
SLOT_STARTS = ["09:00", "10:30", "12:00", "13:30", "15:00", "16:30"]
DURATIONS = [45, 60, 60, 75, 75]
# A larger one packs more, shorter slots into a longer day, down to this length.
PACKED_DAY_STARTS = datetime.time(7, 0)
PACKED_DAY_MINUTES = 15 * 60
SHORTEST_SLOT_MINUTES = 5
TRACK_COLOURS = [
    "#1d4ed8", "#047857", "#b91c1c", "#6d28d9", "#a16207",
    "#0e7490", "#be185d", "#4d7c0f", "#c2410c",
]  # fmt: skip
TRACK_THEMES = [
    "Economic mobility", "Schools and learning", "Health and families", "Arts and media",
    "Citizenship", "Global migration", "Welcoming communities", "Workforce", "Rights and justice",
]  # fmt: skip
TOPIC_WORDS = ["policy", "practice", "research", "organizing", "funding", "language access"]
TITLE_VERBS = ["Building", "Scaling", "Funding", "Measuring", "Defending", "Designing", "Leading"]
TITLE_OBJECTS = [
    "coalitions", "pathways", "services", "networks", "campaigns", "partnerships", "programs",
]  # fmt: skip
TITLE_PLACES = [
    "in new destinations", "across states", "in rural counties", "in big cities",
    "with faith communities", "with employers", "in schools",
]  # fmt: skip
FIRST_NAMES = [
    "Ana", "Bao", "Carlos", "Dalia", "Emeka", "Fatima", "Gustavo", "Hana", "Ibrahim", "Julia",
    "Kwame", "Lucía", "Mei", "Nadia", "Omar", "Priya", "Quang", "Rosa", "Samir", "Tatiana",
]  # fmt: skip
LAST_NAMES = [
    "Alvarez", "Begum", "Chen", "Diallo", "Estrada", "Farah", "García", "Haddad", "Ito", "Jiménez",
    "Kim", "López", "Mensah", "Nguyen", "Okafor", "Patel", "Quispe", "Rahman", "Santos", "Tran",
]  # fmt: skip
TRACKLESS_FORMATS = [Session.Format.PLENARY, Session.Format.BREAK, Session.Format.RECEPTION]
TRACK_FORMATS = [
    Session.Format.PANEL, Session.Format.PANEL, Session.Format.WORKSHOP,
    Session.Format.BREAKOUT, Session.Format.CAUCUS, Session.Format.KEYNOTE,
]  # fmt: skip


# Sentences for abstracts and bios; {theme} and {place} make each one about its session.
ABSTRACT_OPENINGS = [
    "This session looks at how local coalitions work on {theme} {place}.",
    "Practitioners and researchers compare what they have learned about {theme} {place}.",
    "Panelists share the results of three years of work on {theme} {place}.",
    "A conversation about what has changed in {theme} since the last conference, {place}.",
]
ABSTRACT_SENTENCES = [
    "Speakers bring examples from community organizations, city agencies and funders.",
    "Each panelist presents one program in detail: its budget, its staff and its results.",
    "The discussion covers language access, outreach to new arrivals and data collection.",
    "We will look at what failed as closely as at what worked, and why.",
    "Participants leave with a checklist they can adapt to their own organization.",
    "The session draws on interviews with more than two hundred families.",
    "Questions from the floor are welcome throughout, in English or Spanish.",
    "Materials from the session will be shared with every participant afterwards.",
    "The moderator opens with a short overview of the research on this question.",
    "Two case studies show how small organizations can work with state agencies.",
    "The panel ends with concrete proposals for the coming legislative session.",
    "Time is set aside for participants to compare notes in small groups.",
]
ABSTRACT_TAKEAWAYS = [
    "How to build a referral network that immigrants trust",
    "Which data to collect, and which to leave alone",
    "How to fund language access without a dedicated grant",
    "Ways to involve youth leaders from the start",
    "What to ask of local government, and when",
]
BIO_SENTENCES = [
    "Before this role they spent ten years organizing in immigrant neighborhoods.",
    "Their research focuses on integration policy at the state and local level.",
    "They have advised city governments on language access and civic participation.",
    "They serve on the boards of two community foundations.",
    "Their writing has appeared in regional newspapers and policy journals.",
    "They came to the United States as a teenager and speak three languages.",
    "They lead a team that trains volunteers in citizenship application assistance.",
    "They hold a degree in public policy and teach a course on migration.",
]


class ProgramDoesNotFit(ValueError):
    pass


def abstract(rng, number):
    """Three or four paragraphs, one of them a list, as a real session description is."""
    theme = rng.choice(TRACK_THEMES).lower()
    place = rng.choice(TITLE_PLACES)
    paragraphs = [
        rng.choice(ABSTRACT_OPENINGS).format(theme=theme, place=place)
        + " "
        + " ".join(rng.sample(ABSTRACT_SENTENCES, 3)),
        " ".join(rng.sample(ABSTRACT_SENTENCES, 3)),
        "What participants take away:\n\n"
        + "\n".join(f"- {item}" for item in rng.sample(ABSTRACT_TAKEAWAYS, 3)),
    ]
    if rng.random() < 0.5:
        paragraphs.append(" ".join(rng.sample(ABSTRACT_SENTENCES, 2)))
    paragraphs.append(f"*Generated session {number}: sample data, not a real session.*")
    return "\n\n".join(paragraphs)


def bio(rng, name, job_title, organization):
    return "\n\n".join(
        [
            f"**{name}** is {job_title.lower()} at {organization.name}. "
            + " ".join(rng.sample(BIO_SENTENCES, 2)),
            " ".join(rng.sample(BIO_SENTENCES, 2)),
            "*A generated speaker: not a real person.*",
        ]
    )


def slot_grid(sessions, rooms, days):
    """(clock times of each day's slots, the longest a session in them may last), in minutes."""
    per_day = math.ceil(sessions / (rooms * days))
    if per_day <= len(SLOT_STARTS):
        return [datetime.time.fromisoformat(clock) for clock in SLOT_STARTS], max(DURATIONS)
    length = PACKED_DAY_MINUTES // per_day
    if length < SHORTEST_SLOT_MINUTES:
        raise ProgramDoesNotFit(
            f"{sessions} sessions in {rooms} rooms over {days} days need {per_day} slots a day, "
            f"shorter than {SHORTEST_SLOT_MINUTES} minutes: add rooms or days."
        )
    opening = datetime.datetime.combine(datetime.date.min, PACKED_DAY_STARTS)
    starts = [(opening + datetime.timedelta(minutes=length * i)).time() for i in range(per_day)]
    return starts, length


def durations_for(longest):
    if longest >= max(DURATIONS):
        return DURATIONS
    return sorted({max(SHORTEST_SLOT_MINUTES, longest - cut) for cut in (10, 5, 0)})


@dataclass(frozen=True)
class GeneratedProgram:
    conference: Conference
    rooms: int
    sessions: int
    speakers: int
    panel_seats: int


def generate_program(
    *, sessions, speakers, seed=1, rooms=12, days=3, start_date=datetime.date(2030, 10, 7)
):
    if sessions < 1 or speakers < 1 or rooms < 1 or days < 1:
        raise ProgramDoesNotFit("Sessions, speakers, rooms and days must all be at least 1.")
    slot_starts, longest = slot_grid(sessions, rooms, days)
    slots = days * len(slot_starts)
    busiest_slot = math.ceil(sessions / slots)
    if speakers < busiest_slot:
        raise ProgramDoesNotFit(
            f"{sessions} sessions over {days} days put {busiest_slot} sessions in one time slot, "
            f"each with at least one panelist: that needs at least {busiest_slot} speakers."
        )
    rng = random.Random(seed)
    with transaction.atomic():
        program = _generate(
            rng, sessions, speakers, seed, rooms, days, start_date, slot_starts, longest
        )
        # Bulk writes send no model signals: say that the program changed.
        program_changed.send(sender=Session)
        first_release_by_command(program.conference)
        return program


def _generate(
    rng, session_count, speaker_count, seed, room_count, days, start_date, slot_starts, longest
):
    # The random draws come in a fixed order (rooms, speakers, sessions, links, panels): the
    # same seed must keep giving the same program.
    slug = f"generated-s{seed}-n{session_count}"
    _delete_generated(slug)
    conference = _create_conference(slug, seed, session_count, start_date, days)
    english, _ = Language.objects.get_or_create(code="en", defaults={"name": "English"})
    spanish, _ = Language.objects.get_or_create(code="es", defaults={"name": "Español"})
    tracks, topics_by_track = _create_tracks(conference)
    rooms = _create_rooms(rng, conference, room_count)
    speakers = _create_speakers(rng, slug, speaker_count)
    slot_times = [
        datetime.datetime.combine(
            start_date + datetime.timedelta(days=day),
            clock,
            tzinfo=conference.tzinfo,
        )
        for day in range(days)
        for clock in slot_starts
    ]
    sessions = _create_sessions(
        rng, conference, session_count, tracks, rooms, slot_times, durations_for(longest)
    )
    _link_topics_and_languages(rng, sessions, topics_by_track, english, spanish)
    seats = _seat_panels(rng, sessions, speakers)
    return GeneratedProgram(
        conference=conference,
        rooms=len(rooms),
        sessions=len(sessions),
        speakers=len(speakers),
        panel_seats=len(seats),
    )


def _delete_generated(slug):
    """A second run with the same options replaces the edition, its organizations and speakers."""
    Conference.objects.filter(slug=slug).delete()
    Organization.objects.filter(slug__startswith=f"{slug}-").delete()
    Speaker.objects.filter(slug__startswith=f"{slug}-").delete()


def _create_conference(slug, seed, session_count, start_date, days):
    return Conference.objects.create(
        name=f"Generated program (seed {seed}, {session_count} sessions)",
        short_name="GEN",
        ordinal=1,
        year=start_date.year,
        slug=slug,
        city="Sample City",
        # Invented like the rest, and the home page says so beside it.
        venue="Sample Convention Center",
        venue_address="1 Sample Street, Sample City",
        start_date=start_date,
        end_date=start_date + datetime.timedelta(days=days - 1),
        time_zone="America/Los_Angeles",
        organizer="Sample organizer",
        description="A generated edition for tests and benchmarks. Nothing in it is real.",
        is_sample=True,
    )


def _create_tracks(conference):
    """The tracks, one per theme, and {track id: its topics}."""
    tracks = Track.objects.bulk_create(
        Track(
            conference=conference,
            name=f"{theme} (generated)",
            slug=f"track-{index + 1}",
            order=index,
            colour=TRACK_COLOURS[index],
            description=f"Generated track about {theme.lower()}.",
        )
        for index, theme in enumerate(TRACK_THEMES)
    )
    topics = Topic.objects.bulk_create(
        Topic(track=track, name=f"{track.name}: {word}", slug=f"topic-{order + 1}", order=order)
        for track in tracks
        for order, word in enumerate(TOPIC_WORDS)
    )
    topics_by_track = {}
    for topic in topics:
        topics_by_track.setdefault(topic.track_id, []).append(topic)
    return tracks, topics_by_track


def _create_rooms(rng, conference, room_count):
    return Room.objects.bulk_create(
        Room(
            conference=conference,
            name=f"Room {index + 1}",
            slug=f"room-{index + 1}",
            capacity=rng.choice([40, 80, 120, 300]),
            order=index,
            is_sample=True,
        )
        for index in range(room_count)
    )


def _create_speakers(rng, slug, speaker_count):
    """The speakers, about eight to an organization, each with a bio."""
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Sample Organization {index + 1}",
            acronym=f"SO{index + 1}",
            slug=f"{slug}-org-{index + 1}",
            is_sample=True,
        )
        for index in range(max(1, speaker_count // 8))
    )
    people = []
    for index in range(speaker_count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {index + 1}"
        job_title = rng.choice(["Director", "Organizer", "Researcher", "Program manager"])
        organization = rng.choice(organizations)
        people.append(
            Speaker(
                name=name,
                slug=f"{slug}-speaker-{index + 1}",
                job_title=job_title,
                organization=organization,
                bio=bio(rng, name, job_title, organization),
                is_sample=True,
            )
        )
    return Speaker.objects.bulk_create(people, batch_size=1000)


def _create_sessions(rng, conference, session_count, tracks, rooms, slot_times, durations):
    """The sessions, filling every slot of the first room before the next room gets one, so
    that a slot never holds two sessions in one room."""
    sessions = []
    for index in range(session_count):
        starts_at = slot_times[index % len(slot_times)]
        room = rooms[index // len(slot_times)]
        trackless = rng.random() < 0.05
        track = None if trackless else rng.choice(tracks)
        title = f"{rng.choice(TITLE_VERBS)} {rng.choice(TITLE_OBJECTS)} {rng.choice(TITLE_PLACES)}"
        sessions.append(
            Session(
                conference=conference,
                track=track,
                title=f"{title} #{index + 1}",
                # Every other session is translated, so that both languages' pages mix
                # translated texts and English fallbacks.
                title_es=f"Sesión generada n.º {index + 1}" if index % 2 == 0 else None,
                slug=f"session-{index + 1}",
                format=rng.choice(TRACKLESS_FORMATS if trackless else TRACK_FORMATS),
                description=abstract(rng, index + 1),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(minutes=rng.choice(durations)),
                room=room,
                status=Session.Status.PUBLISHED,
                has_cart=rng.random() < 0.3,
                has_asl=rng.random() < 0.2,
                is_sample=True,
            )
        )
    return Session.objects.bulk_create(sessions, batch_size=1000)


def _link_topics_and_languages(rng, sessions, topics_by_track, english, spanish):
    """A topic of its track for each session, a spoken language (mostly English) and, for some,
    interpretation into the other."""
    topic_links, language_links, interpretation_links = [], [], []
    for session in sessions:
        if session.track_id:
            topic = rng.choice(topics_by_track[session.track_id])
            topic_links.append(Session.topics.through(session_id=session.pk, topic_id=topic.pk))
        spoken = spanish if rng.random() < 0.15 else english
        language_links.append(Session.languages.through(session_id=session.pk, language=spoken))
        if rng.random() < 0.2:
            interpreted = english if spoken == spanish else spanish
            interpretation_links.append(
                Session.interpretation_languages.through(
                    session_id=session.pk, language=interpreted
                )
            )
    Session.topics.through.objects.bulk_create(topic_links, batch_size=1000)
    Session.languages.through.objects.bulk_create(language_links, batch_size=1000)
    Session.interpretation_languages.through.objects.bulk_create(
        interpretation_links, batch_size=1000
    )


def _seat_panels(rng, sessions, speakers):
    """One to four panelists a session, a moderator first on panels of three or more."""
    sessions_by_slot = {}
    for session in sessions:
        sessions_by_slot.setdefault(session.starts_at, []).append(session)
    seats = []
    for slot_sessions in sessions_by_slot.values():
        # Panels in one slot draw on disjoint speakers, so nobody is in two places at once.
        sizes = [rng.randint(1, 4) for _ in slot_sessions]
        while sum(sizes) > len(speakers):
            largest = sizes.index(max(sizes))
            sizes[largest] -= 1
        chosen = iter(rng.sample(speakers, sum(sizes)))
        for session, size in zip(slot_sessions, sizes, strict=True):
            for order in range(size):
                role = (
                    PanelMembership.Role.MODERATOR
                    if order == 0 and size >= 3
                    else PanelMembership.Role.PANELIST
                )
                seats.append(
                    PanelMembership(session=session, speaker=next(chosen), role=role, order=order)
                )
    PanelMembership.objects.bulk_create(seats, batch_size=1000)
    return seats
