"""The conflicts page and the board on an edition a large import can produce: 10,000 sessions and
about 100,000 clashes among drafts. Each page shows exact counts, bounds what it writes out,
pages through the clashes 50 at a time, and shows a track chair only what they may see. Timings
belong to benchmarks, not to tests: `pytest -s` prints each page's time here, to read by eye.

The edition is built with bulk_create: published sessions back to back in thirty rooms (messy
lengths, odd starts, a few cancelled), and in twelve other rooms groups of 24 drafts stacked at
overlapping times (from midnight, one group after another), four of each group sharing a
speaker; one speaker is on two published sessions at once, which blocks the published program."""

import datetime
import time

import pytest
from django.db import transaction
from django.urls import reverse

from sessions.conflicts import survey
from sessions.models import PanelMembership, Room, Session
from speakers.models import Speaker
from tests.factories import LOS_ANGELES, make_chair, make_conference, make_organizer
from tracks.models import Track

pytestmark = pytest.mark.django_db

DRAFT = Session.Status.DRAFT
PUBLISHED = Session.Status.PUBLISHED
CANCELLED = Session.Status.CANCELLED


GROUP = 24  # drafts stacked in one room at once: 276 room clashes
SHARED = 4  # of them, sharing one speaker: 6 speaker clashes
GROUPS_BY_DAY = {14: 100, 15: 162, 16: 100}  # 362 groups: 8,688 drafts
DRAFT_ROOMS = 12
PUBLISHED_ROOMS = 30
LENGTHS = [12, 45, 30, 60, 20, 90]  # minutes, cycled: back to back, starting at 08:08
TRACKS = 4


def at(day, minutes):
    midnight = datetime.datetime(2014, 12, day, tzinfo=LOS_ANGELES)
    return midnight + datetime.timedelta(minutes=minutes)


def build_edition(total=10_000):
    """The edition, its tracks and what the test asserts: {"blocking", "room", "speaker",
    "by_day", "track_a_room", "track_a_speaker", "busiest"}."""
    conference = make_conference(slug="big")
    tracks = Track.objects.bulk_create(
        Track(conference=conference, name=f"Track {letter}", slug=f"track-{letter}", order=n)
        for n, letter in enumerate("abcd"[:TRACKS])
    )
    rooms = Room.objects.bulk_create(
        Room(conference=conference, name=f"Hall {n:02}", slug=f"hall-{n:02}", order=n)
        for n in range(PUBLISHED_ROOMS + DRAFT_ROOMS)
    )
    published_rooms, draft_rooms = rooms[:PUBLISHED_ROOMS], rooms[PUBLISHED_ROOMS:]
    sessions, panels = [], []  # panels: (index of the session, index of the speaker)
    speakers = 0

    def add(title, track, room, starts, ends, status, speaker=None):
        nonlocal speakers
        sessions.append(
            Session(
                conference=conference,
                title=title,
                slug=f"s-{len(sessions)}",
                track=track,
                room=room,
                starts_at=starts,
                ends_at=ends,
                status=status,
            )
        )
        if speaker is None:
            speaker, speakers = speakers, speakers + 1
        panels.append((len(sessions) - 1, speaker))

    expected = {"room": 0, "speaker": 0, "by_day": {}, "track_a_room": 0, "track_a_speaker": 0}
    number = 0
    for day, groups in GROUPS_BY_DAY.items():
        for group in range(groups):
            room = draft_rooms[group % DRAFT_ROOMS]
            starts = (group // DRAFT_ROOMS) * 90  # a group spans 83 minutes
            track = tracks[number % TRACKS]
            shared = speakers
            speakers += 1
            for n in range(GROUP):
                add(
                    f"Draft {number}.{n}",
                    track,
                    room,
                    at(day, starts + n),
                    at(day, starts + n + 60),
                    DRAFT,
                    speaker=shared if n < SHARED else None,
                )
            number += 1
            pairs = GROUP * (GROUP - 1) // 2
            expected["room"] += pairs
            expected["speaker"] += SHARED * (SHARED - 1) // 2
            expected["by_day"][day] = expected["by_day"].get(day, 0) + pairs + 6
            if track == tracks[0]:
                expected["track_a_room"] += pairs
                expected["track_a_speaker"] += 6
    # Published sessions, back to back, till the edition has `total` sessions.
    index = 0
    while len(sessions) < total - 2:
        day = 14 + index % 3
        room = published_rooms[(index // 3) % PUBLISHED_ROOMS]
        slot = index // (3 * PUBLISHED_ROOMS)
        starts = 8 * 60 + 8 + sum(LENGTHS[k % len(LENGTHS)] for k in range(slot))
        length = LENGTHS[slot % len(LENGTHS)]
        status = CANCELLED if index % 97 == 0 else PUBLISHED
        add(
            f"Talk {index}",
            tracks[index % TRACKS],
            room,
            at(day, starts),
            at(day, starts + length),
            status,
        )
        index += 1
    # One speaker on two published sessions at once: the published program is wrong. (Two
    # published sessions in one room, PostgreSQL's exclusion constraint refuses outright.)
    for n, title in enumerate(("Double-booked one", "Double-booked two")):
        add(title, tracks[1], published_rooms[n], at(15, 4 * 60), at(15, 5 * 60), PUBLISHED, -1)
    expected["blocking"] = 1
    expected["by_day"][15] += 1
    expected["busiest"] = datetime.date(2014, 12, 15)

    Session.objects.bulk_create(sessions, batch_size=2000)
    people = Speaker.objects.bulk_create(
        (Speaker(name=f"Person {n:05}", slug=f"person-{n}") for n in range(speakers + 1)),
        batch_size=2000,
    )  # the last one, people[-1], is on both double-booked sessions
    PanelMembership.objects.bulk_create(
        (PanelMembership(session=sessions[s], speaker=people[p]) for s, p in panels),
        batch_size=2000,
    )
    return conference, tracks, expected


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    """Built once for the module's tests, which only read it, inside a transaction that is
    rolled back after the last of them (each test's own transaction nests inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_edition()
        transaction.set_rollback(True)


def timed_get(client, url, params):
    started = time.perf_counter()
    response = client.get(url, params)
    elapsed = time.perf_counter() - started
    print(f"{url} {params}: {elapsed:.2f} s")  # shown with pytest -s
    assert response.status_code == 200
    return response, elapsed


def timed_page(client, name, **params):
    """The page and the seconds it took, after a first request that warms the URLconf and the
    templates up, as a running server has them."""
    client.get(reverse("admin:index"))
    return timed_get(client, reverse(f"admin:program_session_{name}"), params)


def test_the_conflicts_page_of_a_huge_edition_counts_exactly(client, big):
    conference, _tracks, expected = big
    client.force_login(make_organizer())

    page, _elapsed = timed_page(client, "conflicts", edition=conference.slug)

    total = expected["blocking"] + expected["room"] + expected["speaker"]
    assert total == 102_085
    context = page.context
    assert (context["total_count"], context["blocking_count"]) == (total, 1)
    assert context["warning_count"] == total - 1
    conflicts = context["conflicts"]
    assert len(conflicts) == 50
    assert [each.session.title for each in conflicts[:1]] == ["Double-booked one"]
    assert [each.blocks_publishing for each in conflicts[:2]] == [True, False]
    kinds, rows = context["summary"]
    assert [str(kind.label) for kind in kinds] == ["Room double-booked", "Speaker double-booked"]
    assert [
        (day.day, [(blocking, warnings) for _kind, blocking, warnings in cells])
        for day, cells in rows
    ] == [
        (14, [(0, 100 * 276), (0, 100 * 6)]),
        (15, [(0, 162 * 276), (1, 162 * 6)]),
        (16, [(0, 100 * 276), (0, 100 * 6)]),
    ]
    assert "Conflicts 1 to 50 of 102085." in page.text
    assert page.text.count('<tr class="program-warning">') == 49


def test_the_conflicts_page_pages_50_at_a_time_and_filters_by_day_and_kind(client, big):
    conference, _tracks, _expected = big
    client.force_login(make_organizer())
    url = reverse("admin:program_session_conflicts")
    everything = survey(Session.objects.all(), conference).found

    second = client.get(url, {"edition": conference.slug, "page": 2})
    chosen, _elapsed = timed_get(
        client, url, {"edition": conference.slug, "day": "2014-12-16", "kind": "speaker", "page": 3}
    )

    assert [(each.session.pk, each.other.pk) for each in second.context["conflicts"]] == [
        (each.session_id, each.other_id) for each in everything[50:100]
    ]
    assert chosen.context["page"].paginator.count == 100 * 6
    assert chosen.context["page"].number == 3
    speakers = [each for each in everything if each.day.day == 16 and each.kind == "speaker"]
    assert [(each.session.pk, each.other.pk) for each in chosen.context["conflicts"]] == [
        (each.session_id, each.other_id) for each in speakers[100:150]
    ]


def test_a_chair_counts_only_the_conflicts_of_what_they_may_see(client, big):
    conference, tracks, expected = big
    client.force_login(make_chair(tracks[0]))

    page, _elapsed = timed_page(client, "conflicts", edition=conference.slug)

    assert page.context["total_count"] == expected["track_a_room"] + expected["track_a_speaker"]
    assert page.context["blocking_count"] == 0
    shown = {s.track_id for each in page.context["conflicts"] for s in each.sessions}
    assert shown == {tracks[0].pk}


def test_the_board_of_the_busiest_day_counts_exactly_and_bounds_what_it_writes_out(client, big):
    conference, _tracks, expected = big
    client.force_login(make_organizer())

    page, _elapsed = timed_page(
        client, "board", edition=conference.slug, day=expected["busiest"].isoformat()
    )

    context = page.context
    assert context["draft_count"] == 162 * GROUP
    assert context["conflict_count"] == expected["by_day"][15]
    # 24 drafts stacked in a cell: 6 cards, and a link to the other 18 on the session list.
    assert page.text.count("and 18 more sessions in this room: list them") == 162
    # A draft of a group is in 23 room clashes (and 3 speaker clashes for four of them): its
    # card writes out three and links the rest.
    assert page.text.count("and 23 more: see them all") == 162 * 4
    assert page.text.count("and 20 more: see them all") == 162 * 2


def test_the_session_list_of_a_huge_edition_shows_its_conflicts_column(client, big):
    conference, _tracks, _expected = big
    client.force_login(make_organizer())
    client.get(reverse("admin:index"))

    page, _elapsed = timed_get(
        client,
        reverse("admin:program_session_changelist"),
        {"conference__id__exact": conference.pk},
    )

    listed = page.context["cl"].result_list
    assert page.context["cl"].result_count == 10_000
    assert len(listed) == page.context["cl"].list_per_page
    # First come the drafts stacked at midnight of the first day: each is in 23 room clashes,
    # and the first four of a group (who share a speaker) in 3 speaker clashes too.
    assert listed[0].title == "Draft 0.0"
    assert "Room double-booked, Speaker double-booked (26)</a>" in page.text
    assert "Room double-booked (23)</a>" in page.text
