"""A sample schedule for NIIC 2014. The article gives no times, rooms or line-ups, so every
session and room here is marked is_sample and the site labels it as sample data. The topics and
people are real (niic/niic_2014.py); where they sit in this timetable is not."""

from . import niic_2014

# Invented like the rest, the rooms and the whole-conference sessions also carry sample Spanish
# texts; the article's own words (tracks, topics, descriptions) stay in English only.
ROOMS = [
    {"slug": "main-hall", "name": "Main hall", "name_es": "Salón principal", "capacity": 1000},
    {"slug": "room-a", "name": "Room A", "name_es": "Sala A", "capacity": 150},
    {"slug": "room-b", "name": "Room B", "name_es": "Sala B", "capacity": 150},
    {"slug": "room-c", "name": "Room C", "name_es": "Sala C", "capacity": 100},
]
for order, room in enumerate(ROOMS):
    room["order"] = order

ECONOMIC_TOPICS = niic_2014.TRACK_TOPICS[niic_2014.ECONOMIC_OPPORTUNITY]
ENGAGING_TOPICS = niic_2014.TRACK_TOPICS[niic_2014.ENGAGING_RECEIVING_COMMUNITIES]
OTHER_TRACKS = [
    name
    for name in niic_2014.TRACK_NAMES
    if name not in (niic_2014.ECONOMIC_OPPORTUNITY, niic_2014.ENGAGING_RECEIVING_COMMUNITIES)
]

TOPIC_NOTE = (
    "*Sample schedule.* The article lists this topic for the track “{track}”; it gives no time, "
    "room or speakers, so the ones shown here are invented for demonstration."
)
TRACK_NOTE = (
    "*Sample schedule.* The article names the track “{track}” but none of its sessions; this "
    "session stands in for them so that the track can be browsed."
)
PLENARY_NOTE = (
    "*Sample schedule.* The article does not describe the plenaries; this session, its time, "
    "room and line-up are invented for demonstration."
)
PLENARY_NOTE_ES = (
    "*Programa de ejemplo.* El artículo no describe las plenarias; esta sesión, su horario, su "
    "sala y sus participantes se han inventado como demostración."
)
# Sample Spanish titles of the whole-conference sessions (sample data, like their times).
SPANISH_TITLES = {
    "Opening plenary": "Plenaria de apertura",
    "Afternoon break": "Pausa de la tarde",
    "Welcome reception": "Recepción de bienvenida",
    "Morning break": "Pausa de la mañana",
    "Lunch": "Almuerzo",
    "Closing plenary": "Plenaria de clausura",
}


def topic_session(topic, track, day, start, end, room):
    return {
        "title": topic,
        "track": track,
        "topics": [topic],
        "format": "panel",
        "description": TOPIC_NOTE.format(track=track),
        "day": day,
        "start": start,
        "end": end,
        "room": room,
    }


def track_session(track, day, start, end, room):
    return {
        "title": f"Sample session for the track “{track}”",
        "track": track,
        "format": "breakout",
        "description": TRACK_NOTE.format(track=track),
        "day": day,
        "start": start,
        "end": end,
        "room": room,
    }


def whole_conference(title, session_format, day, start, end, panel=(), room="main-hall"):
    return {
        "title": title,
        "title_es": SPANISH_TITLES[title],
        "format": session_format,
        "description": PLENARY_NOTE,
        "description_es": PLENARY_NOTE_ES,
        "day": day,
        "start": start,
        "end": end,
        "room": room,
        "panel": list(panel),
        "interpretation": ["es"],
        "cart": True,
        "asl": True,
    }


# Days are 1, 2 and 3 of the edition; times are local to Los Angeles.
SESSIONS = [
    whole_conference(
        "Opening plenary", "plenary", 1, "13:00", "14:30", panel=[("angelica-salas", "presenter")]
    ),
    whole_conference("Afternoon break", "break", 1, "14:30", "15:00"),
    topic_session(
        ECONOMIC_TOPICS[0], niic_2014.ECONOMIC_OPPORTUNITY, 1, "15:00", "16:15", "room-a"
    ),
    topic_session(
        ENGAGING_TOPICS[0], niic_2014.ENGAGING_RECEIVING_COMMUNITIES, 1, "15:00", "16:15", "room-b"
    ),
    track_session(OTHER_TRACKS[0], 1, "15:00", "16:15", "room-c"),
    topic_session(
        ECONOMIC_TOPICS[1], niic_2014.ECONOMIC_OPPORTUNITY, 1, "16:30", "17:45", "room-a"
    ),
    topic_session(
        ENGAGING_TOPICS[1], niic_2014.ENGAGING_RECEIVING_COMMUNITIES, 1, "16:30", "17:45", "room-b"
    ),
    track_session(OTHER_TRACKS[1], 1, "16:30", "17:45", "room-c"),
    whole_conference("Welcome reception", "reception", 1, "18:00", "19:30"),
    topic_session(
        ECONOMIC_TOPICS[2], niic_2014.ECONOMIC_OPPORTUNITY, 2, "09:00", "10:15", "room-a"
    ),
    topic_session(
        ENGAGING_TOPICS[2], niic_2014.ENGAGING_RECEIVING_COMMUNITIES, 2, "09:00", "10:15", "room-b"
    ),
    track_session(OTHER_TRACKS[2], 2, "09:00", "10:15", "room-c"),
    whole_conference("Morning break", "break", 2, "10:15", "10:45"),
    topic_session(
        ECONOMIC_TOPICS[3], niic_2014.ECONOMIC_OPPORTUNITY, 2, "10:45", "12:00", "room-a"
    ),
    topic_session(
        ENGAGING_TOPICS[3], niic_2014.ENGAGING_RECEIVING_COMMUNITIES, 2, "10:45", "12:00", "room-b"
    ),
    track_session(OTHER_TRACKS[3], 2, "10:45", "12:00", "room-c"),
    whole_conference("Lunch", "break", 2, "12:00", "13:30"),
    topic_session(
        ECONOMIC_TOPICS[4], niic_2014.ECONOMIC_OPPORTUNITY, 2, "13:30", "14:45", "room-a"
    ),
    track_session(OTHER_TRACKS[4], 2, "13:30", "14:45", "room-b"),
    track_session(OTHER_TRACKS[5], 2, "13:30", "14:45", "room-c"),
    track_session(OTHER_TRACKS[6], 3, "09:00", "10:15", "room-a"),
    whole_conference(
        "Closing plenary",
        "plenary",
        3,
        "10:30",
        "12:00",
        panel=[
            ("joshua-hoyt", "panelist"),
            ("julien-ross", "panelist"),
            ("eva-millona", "panelist"),
        ],
    ),
]
