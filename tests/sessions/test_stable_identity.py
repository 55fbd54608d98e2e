"""What apps and calendars key a session on does not move (sessions.identity): the event id,
guid and calendar UID stay the same in every export and every calendar feed through a retitle,
a slug edit, a move to another track, and a deletion followed by a re-import (with the guid,
with the old slug, or with a blank slug); an old address redirects to the current one, and
never to a session attendees may not see."""

import csv
import datetime
import io
import json
import uuid
import xml.etree.ElementTree as ET

import icalendar
import pytest
import vobject
from django.urls import reverse

from sessions import services
from sessions.importing import COLUMNS, read_dataset, read_rows
from sessions.models import FormerSlug, PublicSession, Release, Session
from tests.factories import (
    la_time,
    make_conference,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    make_track,
    seat,
)

pytestmark = pytest.mark.django_db

XCAL = "{urn:ietf:params:xml:ns:icalendar-2.0}"
HOUR = datetime.timedelta(hours=1)


# Reading every format


def edition_url(name, conference, **kwargs):
    return reverse(f"program:{name}", kwargs={"edition": conference.slug, **kwargs})


def xml_event(client, conference):
    root = ET.fromstring(client.get(edition_url("schedule-xml", conference)).content)
    (event,) = root.iter("event")
    return event


def json_event(client, conference):
    data = json.loads(client.get(edition_url("schedule-json", conference)).content)
    days = data["schedule"]["conference"]["days"]
    (event,) = [event for day in days for events in day["rooms"].values() for event in events]
    return event


def csv_row(client, conference):
    text = client.get(edition_url("schedule-csv", conference)).content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    return dict(zip(header, row, strict=True))


def xcal_event(client, conference):
    root = ET.fromstring(client.get(edition_url("schedule-xcal", conference)).content)
    (event,) = root.iter(f"{XCAL}vevent")
    return {
        child.tag.removeprefix(XCAL): child.find(f"{XCAL}text").text
        for child in event.find(f"{XCAL}properties")
        if child.find(f"{XCAL}text") is not None
    }


def calendar_urls(conference, session, agenda_ids, speaker):
    """Every .ics feed the session is in: its edition's, its track's, its own, an agenda's
    and its speaker's."""
    urls = [
        edition_url("edition-calendar", conference),
        edition_url("session-calendar", conference, session=session.slug),
        reverse("program:agenda-calendar") + "?sessions=" + ",".join(map(str, agenda_ids)),
        reverse("program:speaker-calendar", kwargs={"speaker": speaker.slug}),
    ]
    if session.track is not None:
        urls.append(edition_url("track-calendar", conference, track=session.track.slug))
    return urls


def ics_events(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def identities(client, session, *, agenda_ids, speaker):
    """{where: (id, guid) or UID} of the edition's one session in every export and feed."""
    session = Session.objects.select_related("conference", "track").get(pk=session.pk)
    conference = session.conference
    xml, event, row = (
        xml_event(client, conference),
        json_event(client, conference),
        csv_row(client, conference),
    )
    seen = {
        "schedule.xml": (xml.get("id"), xml.get("guid")),
        "schedule.xml slug": xml.findtext("slug").split("-")[1],  # acronym-<public id>-slug
        "schedule.json": (str(event["id"]), event["guid"]),
        "schedule.json slug": event["slug"].split("-")[1],
        "schedule.csv": (row["id"], row["guid"]),
        "xCal": xcal_event(client, conference)["uid"],
    }
    for url in calendar_urls(conference, session, agenda_ids, speaker):
        (found,) = ics_events(client, url)
        seen[url.replace(session.slug, "<slug>")] = str(found["UID"])
    return seen


@pytest.fixture
def edition(db):
    """An edition that publishes each change at once, with two tracks, a room, and one session
    on which a speaker sits."""
    conference = make_conference(slug="niic-2031")
    first, second = make_track(conference), make_track(conference)
    room = make_room(conference)
    session = make_session(conference, slug="welcome-circle", title="Welcome circle")
    session.track, session.room = first, room
    session.save()
    speaker = make_speaker()
    seat(session, speaker)
    return conference, session, speaker, second


def expected(session):
    """The identity a session has in every format, made of its public id and guid."""
    return {
        "id": str(session.public_id),
        "guid": str(session.guid),
        "uid": f"session-{session.public_id}@program.niic.example",
    }


def assert_everywhere(seen, identity):
    for where, value in seen.items():
        if isinstance(value, tuple):
            assert value == (identity["id"], identity["guid"]), where
        elif where.endswith(" slug"):
            assert value == identity["id"], where
        else:
            assert value == identity["uid"], where


# A new session's identity


def test_a_new_session_gets_a_guid_and_a_public_id_of_its_own(db):
    conference = make_conference()
    first, second = make_session(conference), make_session(conference)
    assert first.guid != second.guid
    assert isinstance(first.guid, uuid.UUID)
    assert first.public_id == first.pk
    assert second.public_id == second.pk
    # Stored, and copied to the released program attendees read.
    assert Session.objects.get(pk=first.pk).public_id == first.pk
    copy = PublicSession.objects.get(pk=first.pk)
    assert (copy.guid, copy.public_id) == (first.guid, first.public_id)


def test_a_duplicated_session_gets_an_identity_of_its_own(db):
    conference = make_conference()
    session = make_session(conference)
    services.sessions_duplicate(user=make_organizer(), sessions=[session])
    copy = Session.objects.exclude(pk=session.pk).get()
    assert copy.guid != session.guid
    assert copy.public_id == copy.pk != session.public_id


# Edits organizers make


def test_retitle_slug_edit_and_track_move_keep_id_guid_and_uid_in_every_format(client, edition):
    _conference, session, speaker, other_track = edition
    organizer = make_organizer()
    identity = expected(session)
    before = identities(client, session, agenda_ids=[session.pk], speaker=speaker)
    assert_everywhere(before, identity)

    session.title = "Welcome circle for newcomers"
    services.session_save(user=organizer, session=session)
    assert_everywhere(
        identities(client, session, agenda_ids=[session.pk], speaker=speaker), identity
    )

    session.slug = "newcomers-circle"
    services.session_save(user=organizer, session=session)
    assert_everywhere(
        identities(client, session, agenda_ids=[session.pk], speaker=speaker), identity
    )

    services.sessions_move_to_track(user=organizer, sessions=[session], track=other_track)
    session.refresh_from_db()
    assert session.track == other_track
    assert_everywhere(
        identities(client, session, agenda_ids=[session.pk], speaker=speaker), identity
    )


def test_an_old_address_redirects_permanently_to_the_current_one(client, edition):
    conference, session, _speaker, _track = edition
    old = session.get_absolute_url()
    session.slug = "newcomers-circle"
    services.session_save(user=make_organizer(), session=session)
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == session.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200
    # Edited twice, the first address still leads to the current one; its .ics too.
    session.slug = "circle-of-newcomers"
    services.session_save(user=make_organizer(), session=session)
    assert client.get(old)["Location"] == session.get_absolute_url()
    old_ics = edition_url("session-calendar", conference, session="welcome-circle")
    response = client.get(old_ics)
    assert (response.status_code, response["Location"]) == (
        301,
        edition_url("session-calendar", conference, session="circle-of-newcomers"),
    )
    assert (
        client.get(edition_url("session-detail", conference, session="no-such")).status_code == 404
    )


# Deleted and imported again


def import_row(conference, **cells):
    row = {
        "edition": conference.slug,
        "title_en": "Welcome circle",
        "format": "panel",
        "status": "published",
        "day": "2014-12-15",
        "start": "10:00",
        "end": "11:15",
        **cells,
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerow({column: row.get(column, "") for column in COLUMNS})
    rows = read_rows(read_dataset(out.getvalue().encode(), "program.csv"))
    result = services.sessions_import(user=make_organizer(), rows=rows)
    assert not [row.errors for row in rows if row.errors]
    return result


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param(
            lambda session: {"slug": "circle-again", "guid": str(session.guid)}, id="guid"
        ),
        pytest.param(lambda session: {"slug": session.slug}, id="old-slug"),
        pytest.param(lambda session: {"slug": "", "guid": str(session.guid)}, id="blank-slug-guid"),
        pytest.param(lambda session: {"slug": ""}, id="blank-slug-same-title"),
    ],
)
def test_delete_and_reimport_keeps_id_guid_and_uid_in_every_format(client, edition, cells):
    conference, session, speaker, _track = edition
    identity = expected(session)
    old_url, pk = session.get_absolute_url(), session.pk
    services.session_delete(user=make_organizer(), session=session)
    assert not Session.objects.filter(pk=pk).exists()
    assert client.get(old_url).status_code == 404  # nothing to show while it is gone

    import_row(conference, **cells(session), panel=speaker.slug, track=session.track.slug)

    session = Session.objects.get()
    # Its database id too: agendas saved in browsers (agenda.ics?sessions=<id>) keep it.
    assert session.pk == pk
    assert_everywhere(identities(client, session, agenda_ids=[pk], speaker=speaker), identity)
    if session.get_absolute_url() != old_url:
        response = client.get(old_url)
        assert (response.status_code, response["Location"]) == (301, session.get_absolute_url())
    else:
        assert client.get(old_url).status_code == 200


def test_a_new_session_under_a_deleted_ones_slug_takes_its_identity_back_once(edition):
    conference, session, _speaker, _track = edition
    identity = expected(session)
    services.session_delete(user=make_organizer(), session=session)
    again = make_session(conference, slug="welcome-circle")
    assert expected(again) == identity
    # The identity is taken: another session created under the same slug after a second
    # deletion-free edit gets one of its own.
    again.slug = "elsewhere"
    services.session_save(user=make_organizer(), session=again)
    third = make_session(conference, slug="welcome-circle")
    assert third.guid != again.guid
    assert third.public_id != again.public_id


def test_an_import_refuses_a_guid_another_session_holds(edition):
    conference, _session, _speaker, _track = edition
    other = make_session(conference, slug="other-session", title="Other session")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        edition=conference.slug, slug="brand-new", title_en="Brand new", day="2014-12-15",
        start="12:00", end="13:00", guid=str(other.guid),
    )  # fmt: skip
    writer.writerow(row)
    rows = read_rows(read_dataset(out.getvalue().encode(), "program.csv"))
    assert "guid" in rows[0].errors
    bad = dict(row, guid="not-a-guid")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(bad)
    rows = read_rows(read_dataset(out.getvalue().encode(), "program.csv"))
    assert "guid" in rows[0].errors


# Behind a release step: nothing unreleased is revealed, and the change log holds on


@pytest.fixture
def released_edition(db):
    conference = make_conference(slug="niic-2032", publishes_at_once=False)
    room = make_room(conference)
    session = make_session(conference, slug="town-hall", title="Town hall", room=room)
    services.program_release(user=make_organizer(), conference=conference, name="v1")
    return conference, session


def test_an_unreleased_slug_edit_neither_redirects_nor_reveals_until_released(
    client, released_edition, django_capture_on_commit_callbacks
):
    conference, session = released_edition
    organizer = make_organizer()
    old_url = session.get_absolute_url()
    session.slug = "secret-new-name"
    services.session_save(user=organizer, session=session)
    # Attendees still see the released session at its released address; the new one is not
    # public yet, and the old one does not point to it.
    assert client.get(old_url).status_code == 200
    assert client.get(session.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # the release commits
        services.program_release(user=organizer, conference=conference, name="v2")
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, session.get_absolute_url())


def test_an_old_address_of_a_draft_session_answers_404(client, released_edition):
    conference, _session = released_edition
    draft = make_session(conference, slug="draft-idea", status=Session.Status.DRAFT)
    draft.slug = "draft-idea-renamed"
    services.session_save(user=make_organizer(), session=draft)
    assert FormerSlug.objects.filter(slug="draft-idea").exists()
    for name in ("session-detail", "session-calendar"):
        response = client.get(edition_url(name, conference, session="draft-idea"))
        assert response.status_code == 404, name


def test_the_change_log_does_not_call_a_reimported_session_removed_and_new(released_edition):
    conference, session = released_edition
    organizer = make_organizer()
    services.session_delete(user=organizer, session=session)
    import_row(conference, slug="town-hall", title_en="Town hall meeting", room=session.room.slug)
    release = services.program_release(user=organizer, conference=conference, name="v2")
    assert release.changes["removed"] == []
    assert release.changes["new"] == []
    assert [entry["slug"] for entry in release.changes["retitled"]] == ["town-hall"]
    copy = PublicSession.objects.get(conference=conference)
    assert (copy.guid, copy.public_id) == (session.guid, session.public_id)


def test_a_withdrawn_release_puts_back_copies_with_their_identity(released_edition):
    conference, session = released_edition
    organizer = make_organizer()
    session.title = "Town hall, retitled"
    services.session_save(user=organizer, session=session)
    release = services.program_release(user=organizer, conference=conference, name="v2")
    services.release_withdraw(user=organizer, release=release)
    copy = PublicSession.objects.get(conference=conference)
    assert (copy.title, copy.guid, copy.public_id) == ("Town hall", session.guid, session.pk)


# Calendars: the cancelled mark and the refresh hints, in every feed


def feeds(conference, session, speaker):
    return calendar_urls(conference, session, [session.pk], speaker)


@pytest.mark.parametrize("seconds", [60, 300])
def test_every_feed_asks_to_be_refreshed_as_often_as_the_freshness_promise(
    client, edition, settings, seconds
):
    settings.NIIC_FRESHNESS_SECONDS = seconds
    conference, session, speaker, _track = edition
    for url in feeds(conference, session, speaker):
        content = client.get(url).content
        parsed = icalendar.Calendar.from_ical(content)
        assert parsed.decoded("REFRESH-INTERVAL").total_seconds() == seconds, url
        assert str(parsed["X-PUBLISHED-TTL"]) == f"PT{seconds}S", url
        read = vobject.readOne(content.decode())
        assert read.contents["refresh-interval"][0].params["VALUE"] == ["DURATION"]
        assert read.contents["refresh-interval"][0].value == f"PT{seconds}S"
        assert read.contents["x-published-ttl"][0].value == f"PT{seconds}S"


def test_a_cancelled_sessions_summary_is_marked_in_every_feed_as_in_the_exports(client, edition):
    conference, session, speaker, _track = edition
    services.sessions_cancel(user=make_organizer(), sessions=[session], note="Moved online.")
    session.refresh_from_db()
    assert xml_event(client, conference).findtext("title") == "Cancelled: Welcome circle"
    assert json_event(client, conference)["title"] == "Cancelled: Welcome circle"
    assert xcal_event(client, conference)["summary"] == "Cancelled: Welcome circle"
    for url in feeds(conference, session, speaker):
        content = client.get(url).content
        (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
        assert (str(event["SUMMARY"]), str(event["STATUS"])) == (
            "Cancelled: Welcome circle",
            "CANCELLED",
        ), url
        assert vobject.readOne(content.decode()).vevent.summary.value == "Cancelled: Welcome circle"


def test_the_cancelled_mark_is_in_the_readers_language(client, edition):
    conference, session, _speaker, _track = edition
    services.sessions_cancel(user=make_organizer(), sessions=[session])
    spanish = client.get(
        f"/es/editions/{conference.slug}/sessions/{session.slug}/calendar.ics"
    ).content.decode()
    english = client.get(
        f"/en/editions/{conference.slug}/sessions/{session.slug}/calendar.ics"
    ).content.decode()
    assert "SUMMARY:Cancelled: Welcome circle" in english
    summary = vobject.readOne(spanish).vevent.summary.value
    assert summary.endswith("Welcome circle")
    assert summary != "Welcome circle"


# Titles cased the same in every format


def test_a_title_written_in_lower_case_reads_the_same_in_every_format(client, edition):
    conference, session, speaker, _track = edition
    session.title = "welcome circle"
    services.session_save(user=make_organizer(), session=session)
    page = client.get(session.get_absolute_url()).content.decode()
    assert '<h1 id="session-title">Welcome circle</h1>' in page
    titles = {
        "schedule.xml": xml_event(client, conference).findtext("title"),
        "schedule.json": json_event(client, conference)["title"],
        "schedule.csv": csv_row(client, conference)["title"],
        "xCal": xcal_event(client, conference)["summary"],
    }
    for url in feeds(conference, session, speaker):
        (event,) = ics_events(client, url)
        titles[url] = str(event["SUMMARY"])
    assert set(titles.values()) == {"Welcome circle"}, titles


# Nothing already published moves when the identities are first stored


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_guid_id_and_uid_that_were_published():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    # The editions as they now are (their venue's address included) beside the sessions as
    # they were, then were made.
    editions = ("tracks", "0009_conference_venue_address")
    before, after = (
        [("program", "0017_release_notes_per_language"), editions],
        [("program", "0018_stable_identities"), editions],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        check_the_migration(executor, before, after)
    finally:
        # The database as every other test expects it: every migration applied.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def check_the_migration(executor, before, after):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from sessions.exports.fields import GUID_NAMESPACE

    apps = executor.loader.project_state(before).apps
    conference = apps.get_model("tracks", "Conference").objects.create(
        name="NIIC", short_name="NIIC", ordinal=9, year=2033, slug="niic-2033", city="Here",
        start_date=datetime.date(2033, 12, 14), end_date=datetime.date(2033, 12, 16),
        time_zone="America/Los_Angeles", organizer="NPNA",
    )  # fmt: skip
    moment = la_time(15, "10:00")
    values = {"conference": conference, "starts_at": moment, "ends_at": moment + HOUR}
    working = apps.get_model("program", "Session")
    renamed = working.objects.create(title="Renamed", slug="new-name", status="published", **values)
    draft = working.objects.create(title="Draft", slug="draft", status="draft", **values)
    apps.get_model("program", "PublicSession").objects.create(
        id=renamed.pk, title="Renamed", slug="old-name", status="published", version=1,
        created_at=moment, updated_at=moment, **values,
    )  # fmt: skip
    entry = {"slug": "old-name", "row": {"id": renamed.pk, "slug": "old-name"}}
    release = apps.get_model("program", "Release").objects.create(
        conference=conference, number=1, name="v1", released_at=moment,
        snapshot={str(renamed.pk): entry},
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    published = uuid.uuid5(GUID_NAMESPACE, "niic-2033/session/old-name")
    renamed = Session.objects.get(pk=renamed.pk)
    # The guid the exports wrote from the released slug, and the id (and so the UID) they wrote.
    assert (renamed.guid, renamed.public_id) == (published, renamed.pk)
    copy = PublicSession.objects.get(pk=renamed.pk)
    assert (copy.guid, copy.public_id) == (published, renamed.pk)
    draft = Session.objects.get(pk=draft.pk)
    assert (draft.guid, draft.public_id) == (
        uuid.uuid5(GUID_NAMESPACE, "niic-2033/session/draft"),
        draft.pk,
    )
    snapshot_row = Release.objects.get(pk=release.pk).snapshot[str(renamed.pk)]["row"]
    assert (snapshot_row["guid"], snapshot_row["public_id"]) == (str(published), renamed.pk)
    # The released address leads to the session once its new slug is released.
    former = FormerSlug.objects.get(slug="old-name")
    assert (former.guid, former.deleted) == (published, False)
