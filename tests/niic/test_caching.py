"""Public pages are cached and revalidated under the program version, and never served stale:
every kind of change an organizer makes gives every page and feed that shows it a new ETag and
the new content, at once."""

import time
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from django.db import transaction
from django.urls import reverse

from niic import program_version
from niic.middleware import CLOCK_BUCKET_SECONDS, PublicPage, page_memory
from niic.models import ProgramVersion
from sessions.models import Session
from tests.factories import (
    la_time,
    make_conference,
    make_organization,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.services import redis_is_listening, skip_unless
from tracks.signals import program_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(db):
    conference = make_conference(slug="niic-cache", is_current=True)
    track = make_track(conference, name="Economic mobility", slug="economic")
    topic = make_topic(track, name="Financial capability", slug="financial")
    room = make_room(conference, name="Harbor room", slug="harbor")
    other_room = make_room(conference, name="Garden room", slug="garden")
    organization = make_organization(name="Welcoming Cities Network", slug="welcoming-cities")
    speaker = make_speaker(name="Ana Alvarez", slug="ana-alvarez", organization=organization)
    session = make_session(
        conference, title="Building coalitions", slug="coalitions", track=track, room=room
    )
    session.topics.add(topic)
    seat(session, speaker)
    draft = make_session(
        conference,
        title="Funding pathways",
        slug="pathways",
        track=track,
        room=other_room,
        starts_at=la_time(15, "13:00"),
        ends_at=la_time(15, "14:00"),
        status=Session.Status.DRAFT,
    )
    seat(draft, speaker)
    return SimpleNamespace(
        conference=conference,
        track=track,
        topic=topic,
        room=room,
        other_room=other_room,
        organization=organization,
        speaker=speaker,
        session=session,
        draft=draft,
    )


def pages(p):
    edition = f"/en/editions/{p.conference.slug}"
    return {
        "home": f"{edition}/",
        "schedule day": f"{edition}/schedule/?day=2014-12-15",
        "current schedule day": "/en/schedule/?day=2014-12-15",
        "schedule in Spanish": f"/es/editions/{p.conference.slug}/schedule/?day=2014-12-15",
        "whole program": f"{edition}/program/",
        "current whole program": "/en/program/",
        "session": f"{edition}/sessions/{p.session.slug}/",
        "track list": f"{edition}/tracks/",
        "track": f"{edition}/tracks/{p.track.slug}/",
        "topic": f"{edition}/tracks/{p.track.slug}/{p.topic.slug}/",
        "room": f"{edition}/rooms/{p.room.slug}/",
        "speaker list": "/en/speakers/",
        "speaker": f"/en/speakers/{p.speaker.slug}/",
        "organization": f"/en/organizations/{p.organization.slug}/",
        "search": "/en/search/?q=coalitions",
        "agenda": f"/en/agenda/?sessions={p.session.pk}",
        "edition .ics": f"{edition}/schedule.ics",
        "track .ics": f"{edition}/tracks/{p.track.slug}/calendar.ics",
        "session .ics": f"{edition}/sessions/{p.session.slug}/calendar.ics",
        "agenda .ics": f"/en/agenda.ics?sessions={p.session.pk}",
    }


def text_of(response):
    return b"".join(response.streaming_content if response.streaming else [response.content])


def visit(client, paths):
    """{path: (ETag, body)}, each page fetched twice: the second time from the cache."""
    seen = {}
    for path in paths:
        first = client.get(path)
        assert first.status_code == 200, path
        again = client.get(path)
        assert (again.status_code, again["ETag"], again.templates) == (200, first["ETag"], []), path
        seen[path] = (first["ETag"], text_of(first).decode())
    return seen


def assert_changed(client, before, shows):
    """Every page in `before` answers a revalidation with a new ETag and a body that
    `shows(path, old_body, new_body)` accepts."""
    for path, (etag, old_body) in before.items():
        response = client.get(path, headers={"if-none-match": etag})
        assert response.status_code == 200, f"{path} was served stale (304)"
        assert response["ETag"] != etag, path
        body = text_of(response).decode()
        assert shows(path, old_body, body), f"{path} does not show the change"


def committed(capture):
    """The test's writes as a commit sees them: the test runs in a transaction that never
    commits, so the on-commit callbacks (the program version's bump) are run by hand."""
    return capture(execute=True)


def shows_text(text):
    return lambda path, old, new: text not in old and text in new


def pick(p, *names):
    every = pages(p)
    return [every[name] for name in names]


SESSION_PAGES = [
    "schedule day",
    "current schedule day",
    "schedule in Spanish",
    "whole program",
    "current whole program",
    "session",
    "track",
    "topic",
    "room",
    "speaker",
    "organization",
    "search",
    "agenda",
    "edition .ics",
    "track .ics",
    "session .ics",
    "agenda .ics",
]


def test_editing_a_session_changes_every_page_and_feed_that_shows_it(
    client, program, django_capture_on_commit_callbacks
):
    before = visit(client, pick(program, *SESSION_PAGES))
    with committed(django_capture_on_commit_callbacks):
        program.session.title = "Building coalitions anew"
        program.session.save()
    assert_changed(client, before, shows_text("Building coalitions anew"))


def test_publishing_a_draft_puts_it_on_the_pages_of_its_day_track_room_and_speaker(
    client, admin_client, program, django_capture_on_commit_callbacks
):
    edition = f"/en/editions/{program.conference.slug}"
    paths = [
        *pick(program, "schedule day", "track", "speaker", "organization", "edition .ics"),
        *pick(program, "track .ics"),
        f"{edition}/rooms/{program.other_room.slug}/",
    ]
    before = visit(client, paths)
    draft_page = f"{edition}/sessions/{program.draft.slug}/"
    assert client.get(draft_page).status_code == 404

    with committed(django_capture_on_commit_callbacks):
        response = admin_client.post(
            reverse("admin:program_session_changelist"),
            {"action": "publish", "_selected_action": [program.draft.pk], "apply": "1"},
        )

    assert response.status_code == 302
    assert_changed(client, before, shows_text("Funding pathways"))
    assert client.get(draft_page).status_code == 200


def test_cancelling_a_session_marks_it_cancelled_everywhere(
    client, admin_client, program, django_capture_on_commit_callbacks
):
    before = visit(client, pick(program, *SESSION_PAGES))

    with committed(django_capture_on_commit_callbacks):
        response = admin_client.post(
            reverse("admin:program_session_changelist"),
            {
                "action": "cancel",
                "_selected_action": [program.session.pk],
                "confirm": "1",
                "apply": "1",
            },
        )

    assert response.status_code == 302

    def shows_cancelled(path, old, new):
        if path.endswith(".ics") or ".ics?" in path:
            return "STATUS:CANCELLED" in new and "STATUS:CANCELLED" not in old
        return new.lower().count("cancel") > old.lower().count("cancel")

    assert_changed(client, before, shows_cancelled)


def test_a_new_panelist_appears_on_the_session_and_in_the_directory(
    client, program, django_capture_on_commit_callbacks
):
    newcomer = make_speaker(name="Omar Haddad", slug="omar-haddad")
    before = visit(
        client,
        pick(program, "schedule day", "session", "speaker list", "edition .ics", "session .ics"),
    )
    with committed(django_capture_on_commit_callbacks):
        seat(program.session, newcomer, order=1)
    assert_changed(client, before, shows_text("Omar Haddad"))


def test_renaming_a_speaker_changes_every_page_that_names_them(
    client, program, django_capture_on_commit_callbacks
):
    before = visit(
        client,
        pick(
            program,
            "schedule day",
            "session",
            "speaker list",
            "speaker",
            "organization",
            "edition .ics",
        ),
    )
    with committed(django_capture_on_commit_callbacks):
        program.speaker.name = "Ana Alvarez Ruiz"
        program.speaker.save()
    assert_changed(client, before, shows_text("Ana Alvarez Ruiz"))


def test_renaming_a_room_changes_its_page_the_schedule_and_the_feeds(
    client, program, django_capture_on_commit_callbacks
):
    before = visit(client, pick(program, "schedule day", "session", "room", "edition .ics"))
    with committed(django_capture_on_commit_callbacks):
        program.room.name = "Lighthouse room"
        program.room.save()
    assert_changed(client, before, shows_text("Lighthouse room"))


def test_renaming_a_track_changes_the_home_page_the_track_pages_and_the_feeds(
    client, program, django_capture_on_commit_callbacks
):
    before = visit(
        client,
        pick(program, "home", "schedule day", "session", "track list", "track", "edition .ics"),
    )
    with committed(django_capture_on_commit_callbacks):
        program.track.name = "Economic opportunity"
        program.track.save()
    assert_changed(client, before, shows_text("Economic opportunity"))


def test_an_import_through_the_admin_changes_the_schedule(
    client, admin_client, niic, django_capture_on_commit_callbacks
):
    from tests.sessions.test_import_export import csv_text, new_session_row
    from tests.sessions.test_spreadsheets import upload

    before = visit(
        client,
        ["/en/editions/niic-2014/schedule/?day=2014-12-16", "/en/editions/niic-2014/schedule.ics"],
    )
    preview = admin_client.post(
        reverse("admin:program_session_import"),
        {"spreadsheet": upload(csv_text([new_session_row()]).encode())},
    )
    with committed(django_capture_on_commit_callbacks):
        confirmed = admin_client.post(
            reverse("admin:program_session_import"), {"token": preview.context["token"]}
        )
    assert confirmed.status_code == 302
    assert_changed(client, before, shows_text("Caucus on small business"))


def test_a_previewed_import_and_an_e_mail_to_a_speaker_leave_the_cached_pages_as_they_are(
    admin_client, niic, django_capture_on_commit_callbacks
):
    from speakers.models import Message
    from tests.sessions.test_import_export import csv_text, new_session_row
    from tests.sessions.test_spreadsheets import upload

    before = program_version.current()
    with committed(django_capture_on_commit_callbacks):
        preview = admin_client.post(
            reverse("admin:program_session_import"),
            {"spreadsheet": upload(csv_text([new_session_row()]).encode())},
        )
        Message.objects.create(
            speaker=niic.sessions.first().panel.first().speaker,
            kind=Message.Kind.REMINDER,
            to="eva@example.org",
            language="en",
            subject="Reminder",
            body="Please answer.",
        )
    assert preview.status_code == 200
    # Nothing attendees can see changed: every page stays cached under the same version.
    assert program_version.current() == before


# Revalidation and the cache cost (almost) nothing


def test_a_revalidation_is_a_304_that_runs_at_most_one_query_and_renders_nothing(
    client, program, django_assert_max_num_queries
):
    path = pages(program)["schedule day"]
    first = client.get(path)
    with django_assert_max_num_queries(1):
        response = client.get(path, headers={"if-none-match": first["ETag"]})
    assert (response.status_code, response.templates, response.content) == (304, [], b"")
    assert response["ETag"] == first["ETag"]
    assert response["Cache-Control"] == first["Cache-Control"]

    with django_assert_max_num_queries(1):
        by_date = client.get(path, headers={"if-modified-since": first["Last-Modified"]})
    assert (by_date.status_code, by_date.templates) == (304, [])


def test_a_page_from_the_cache_runs_at_most_one_query_and_renders_nothing(
    client, program, django_assert_max_num_queries
):
    path = pages(program)["edition .ics"]
    first = client.get(path)
    with django_assert_max_num_queries(1):
        again = client.get(path)
    assert (again.status_code, again.templates) == (200, [])
    assert (again.content, again["Content-Type"]) == (first.content, first["Content-Type"])


def test_head_carries_the_same_etag_and_headers_as_get(client, program):
    path = pages(program)["session"]
    get = client.get(path)
    head = client.head(path)
    assert (head.status_code, head.content) == (200, b"")
    for header in ("ETag", "Last-Modified", "Cache-Control", "Content-Type", "Content-Length"):
        assert head[header] == get[header], header


def test_a_page_is_compressed_for_a_client_that_accepts_gzip(client, program):
    import gzip

    path = pages(program)["schedule day"]
    plain = client.get(path)
    compressed = client.get(path, headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed.templates == []  # compressed from the stored page, not rendered again
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["ETag"] == plain["ETag"]
    assert plain["Vary"] == compressed["Vary"] == "Accept-Encoding"


def test_the_order_of_query_parameters_does_not_make_another_page(client, program):
    edition = f"/en/editions/{program.conference.slug}/schedule/"
    one = client.get(f"{edition}?day=2014-12-15&track=economic")
    other = client.get(f"{edition}?track=economic&day=2014-12-15")
    assert (other.status_code, other["ETag"], other.templates) == (200, one["ETag"], [])


def test_a_query_parameter_the_page_does_not_read_is_dropped_from_its_key_and_its_links(
    client, program
):
    path = pages(program)["schedule day"]
    tracked = client.get(f"{path}&utm_source=newsletter")
    plain = client.get(path)
    assert (tracked.status_code, plain.status_code, plain.templates) == (200, 200, [])
    assert plain["ETag"] == tracked["ETag"]
    assert b"utm_source" not in plain.content
    # ?day= is read: another day is another page.
    assert client.get(path.replace("2014-12-15", "2014-12-16"))["ETag"] != plain["ETag"]


def test_a_query_in_another_alphabet_reaches_the_view_as_typed(client, program):
    typed = client.get("/en/search/?q=Álvarez&ref=home")
    encoded = client.get("/en/search/?q=%C3%81lvarez")
    assert (encoded.status_code, encoded.templates, encoded["ETag"]) == (200, [], typed["ETag"])
    assert 'value="Álvarez"' in typed.text


def test_a_page_without_parameters_is_one_page_whatever_the_query(client, program):
    path = pages(program)["session"]
    first = client.get(f"{path}?x=1")
    again = client.get(f"{path}?y=2&x=3")
    assert (again.status_code, again.templates, again["ETag"]) == (200, [], first["ETag"])


def test_another_port_is_the_same_page_as_the_host_without_it(client, program, settings):
    path = pages(program)["edition .ics"]
    canonical = client.get(path)
    other_port = client.get(path, headers={"host": "testserver:8123"})
    shouting = client.get(path, headers={"host": "TESTSERVER"})
    for response in (other_port, shouting):
        assert (response.status_code, response["ETag"]) == (200, canonical["ETag"])
        assert response.content == canonical.content
    assert b"testserver:8123" not in other_port.content


def test_a_host_allowed_by_a_wildcard_only_is_served_but_never_cached(client, program, settings):
    settings.ALLOWED_HOSTS = ["testserver", ".example.org"]
    path = pages(program)["session"]
    first = client.get(path, headers={"host": "anything.example.org"})
    again = client.get(path, headers={"host": "anything.example.org"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.templates != []
    assert not again.has_header("ETag")


@pytest.mark.parametrize(
    ("cookie", "queries"),
    [
        ("x", 1),  # not a session key at all: the store is not asked
        ("a" * 32, 2),  # a key of no session: one look in the store
    ],
)
def test_a_session_cookie_that_names_no_session_is_served_the_cached_page(
    client, program, cookie, queries, django_assert_num_queries
):
    path = pages(program)["schedule day"]
    cached = client.get(path)
    client.cookies["sessionid"] = cookie
    with django_assert_num_queries(queries):  # the version, and the session if any
        response = client.get(path)
    assert (response.status_code, response.templates, response["ETag"]) == (
        200,
        [],
        cached["ETag"],
    )
    assert (response.cookies, response.content) == ({}, cached.content)


def test_a_made_up_session_cookie_neither_skips_nor_spoils_a_page_rendered_for_it(client, program):
    path = pages(program)["speaker"]
    client.cookies["sessionid"] = "a" * 32
    rendered = client.get(path)
    assert (rendered.status_code, rendered.cookies) == (200, {})
    assert rendered["Cache-Control"].startswith("public, ")
    del client.cookies["sessionid"]
    again = client.get(path)
    assert (again.templates, again["ETag"], again.content) == (
        [],
        rendered["ETag"],
        rendered.content,
    )


def test_a_signed_in_organizer_gets_a_private_page_that_is_never_stored(
    client, admin_client, program
):
    path = pages(program)["schedule day"]
    staff = admin_client.get(path)
    anonymous = client.get(path)
    # A staff member previews the working program: for them only, and out of date at the next
    # edit, so not even their browser keeps it.
    assert (staff.status_code, staff["Cache-Control"], staff["Vary"]) == (
        200,
        "private, no-store",
        "Cookie",
    )
    assert not staff.has_header("ETag")
    assert anonymous.templates != []  # rendered for the visitor: nothing was stored for staff
    assert anonymous["Cache-Control"].startswith("public, ")


def test_each_language_and_host_is_a_page_of_its_own(client, program, settings):
    settings.ALLOWED_HOSTS = ["testserver", "program.example.org"]
    english = client.get(pages(program)["edition .ics"])
    other_host = client.get(pages(program)["edition .ics"], headers={"host": "program.example.org"})
    spanish = client.get(pages(program)["edition .ics"].replace("/en/", "/es/"))
    assert len({english["ETag"], other_host["ETag"], spanish["ETag"]}) == 3
    assert b"http://program.example.org/en/editions/" in other_host.content


def test_pages_that_read_the_clock_get_a_new_etag_in_each_time_bucket_while_an_edition_is_on(
    program,
):
    version = program_version.current()
    clock = PublicPage(route="home", language="en", origin="http://t", path="/en/", clock=True)
    still = PublicPage(route="edition-list", language="en", origin="http://t", path="/en/editions/")
    now = int(la_time(15, "10:00").timestamp())
    later = now + CLOCK_BUCKET_SECONDS
    assert clock.validators(version, now) != clock.validators(version, later)
    assert still.validators(version, now) == still.validators(version, later)


def test_a_past_editions_schedule_keeps_its_etag_for_hours_and_revalidates_with_a_304(
    program, client, monkeypatch
):
    """What the page shows moves with the clock only while an edition is on: afterwards a
    browser revalidating the schedule hours later is told its copy still holds."""
    program_version.bump()  # as the program's loading commits
    after_the_edition = la_time(16, "10:00").timestamp() + 30 * 86400
    monkeypatch.setattr("niic.middleware.time.time", lambda: after_the_edition)
    first = client.get(pages(program)["current schedule day"].split("?")[0])
    assert first.status_code == 200
    monkeypatch.setattr("niic.middleware.time.time", lambda: after_the_edition + 5 * 3600)
    later = client.get(
        pages(program)["current schedule day"].split("?")[0],
        headers={"if-none-match": first["ETag"]},
    )
    assert later.status_code == 304
    assert later["ETag"] == first["ETag"]


def test_the_clock_pages_change_etag_when_the_edition_opens_and_when_it_closes(program):
    version = program_version.bump()
    home = PublicPage(route="home", language="en", origin="http://t", path="/en/", clock=True)
    day_before = int(la_time(14, "00:00").timestamp()) - 3600
    week_before = day_before - 6 * 86400
    during = int(la_time(15, "12:00").timestamp())
    week_after = int(la_time(16, "12:00").timestamp()) + 7 * 86400
    month_after = week_after + 23 * 86400
    assert home.validators(version, week_before) == home.validators(version, day_before)
    assert home.validators(version, day_before) != home.validators(version, during)
    assert home.validators(version, during) != home.validators(version, week_after)
    assert home.validators(version, week_after) == home.validators(version, month_after)


# The exports: files for apps, calendars and search engines are public pages too


# {name: (path, whether sessions.export_views.open_to_apps serves it: any site's script
# may read it, 304s included)}.
EXPORTS = {
    "apps": ("{edition}/apps/", False),
    "schedule.xml": ("{edition}/schedule.xml", True),
    "schedule.json": ("{edition}/schedule.json", True),
    "xCal": ("{edition}/schedule.xcs", True),
    "CSV": ("{edition}/schedule.csv", True),
    "CSV for Excel": ("{edition}/schedule-excel.csv", True),
    "change log": ("{edition}/changes/", False),
    "Atom feed": ("{edition}/changes.atom", True),
    "changes.json": ("/en/changes.json", True),
    "speaker .ics": ("/en/speakers/{speaker}/calendar.ics", True),
    "edition .ics": ("{edition}/schedule.ics", True),
    "track .ics": ("{edition}/tracks/{track}/calendar.ics", True),
    "session .ics": ("{edition}/sessions/{session}/calendar.ics", True),
    "agenda .ics": ("/en/agenda.ics?sessions={session_id}", True),
    "sitemap": ("/en/sitemap.xml", True),
}


def export_pages(p):
    edition = f"/en/editions/{p.conference.slug}"
    return {
        name: path.format(
            edition=edition,
            speaker=p.speaker.slug,
            track=p.track.slug,
            session=p.session.slug,
            session_id=p.session.pk,
        )
        for name, (path, _) in EXPORTS.items()
    }


@pytest.fixture
def released(program, organizer):
    """The program with a first release, so that the change log and its feeds have one."""
    from sessions import services

    # A note long enough for the feed to be worth compressing.
    note = "The program: times, rooms and panels as they stand today. " * 6
    services.program_release(user=organizer, conference=program.conference, name="v1", note=note)
    return program


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_is_served_from_the_cache_the_second_time(
    client, released, name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = export_pages(released)[name]
    with CaptureQueriesContext(connection) as rendering:
        first = client.get(path)
    assert first.status_code == 200
    assert len(rendering) > 1  # the view's own queries, besides the version's

    # Each reads the version (no shared cache here), and nothing else.
    with django_assert_max_num_queries(1):
        again = client.get(path)
    with django_assert_max_num_queries(1):
        revalidated = client.get(path, headers={"if-none-match": again["ETag"]})
    assert (again.status_code, again.templates, again.cookies) == (200, [], {})
    assert text_of(again) == text_of(first)
    for header in ("ETag", "Content-Type", "Cache-Control", "Vary"):
        assert again[header] == first[header], header
    assert again["Cache-Control"].startswith("public, ")
    assert "Cookie" not in again["Vary"]
    assert (revalidated.status_code, revalidated["ETag"]) == (304, again["ETag"])
    if EXPORTS[name][1]:  # open to apps
        for response in (first, again, revalidated):
            assert response["Access-Control-Allow-Origin"] == "*"
            assert response["Access-Control-Expose-Headers"] == "ETag"
        assert client.options(path)["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("name", ["schedule.xml", "xCal", "Atom feed", "sitemap"])
def test_xml_exports_are_stored_and_sent_compressed(client, released, name):
    import gzip

    path = export_pages(released)[name]
    plain = client.get(path)
    assert len(plain.content) >= 1024  # large enough to be compressed
    compressed = client.get(path, headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert compressed["ETag"] == plain["ETag"]


def test_publishing_a_draft_changes_every_export_that_lists_sessions(
    client, admin_client, released, django_capture_on_commit_callbacks
):
    before = visit(
        client,
        [
            export_pages(released)[name]
            for name in ("schedule.xml", "schedule.json", "xCal", "CSV", "speaker .ics", "sitemap")
        ],
    )

    with committed(django_capture_on_commit_callbacks):
        response = admin_client.post(
            reverse("admin:program_session_changelist"),
            {"action": "publish", "_selected_action": [released.draft.pk], "apply": "1"},
        )

    assert response.status_code == 302

    def lists_the_draft(path, old, new):
        # The sitemap names the session's page, the others its title.
        shown = "/pathways/" if path.endswith("sitemap.xml") else "Funding pathways"
        return shown not in old and shown in new

    assert_changed(client, before, lists_the_draft)


def test_a_release_changes_the_change_log_its_feeds_and_the_exports_version(
    client, released, organizer, django_capture_on_commit_callbacks
):
    from sessions import services

    pages = export_pages(released)
    before = visit(
        client, [pages[name] for name in ("apps", "change log", "Atom feed", "changes.json")]
    )
    csv_before = client.get(pages["CSV"])
    with committed(django_capture_on_commit_callbacks):
        released.session.title = "Building coalitions anew"
        released.session.save()
        services.program_release(
            user=organizer, conference=released.conference, name="v2", note="Retitled."
        )
    assert_changed(client, before, shows_text("v2"))
    csv_after = client.get(pages["CSV"], headers={"if-none-match": csv_before["ETag"]})
    assert csv_after.status_code == 200
    assert "v2" in csv_after["Content-Disposition"]


# Who is never served from the cache


def test_a_signed_in_organizer_is_never_served_a_cached_page_and_never_caches_one(
    client, admin_client, program
):
    path = pages(program)["session"]
    anonymous = client.get(path)
    staff = admin_client.get(path)
    assert staff.templates != []
    assert not staff.has_header("ETag")
    assert "public" not in staff.get("Cache-Control", "")
    assert client.get(path)["ETag"] == anonymous["ETag"]
    assert client.get(f"/en/editions/{program.conference.slug}/sessions/pathways/").status_code == (
        404
    )


def test_the_admin_is_never_cached(admin_client, program):
    response = admin_client.get("/admin/program/session/")
    assert response.status_code == 200
    assert not response.has_header("ETag")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_anonymous_visitors_get_no_cookie_from_a_cached_page(client, program):
    path = pages(program)["schedule day"]
    client.get(path)
    again = client.get(path)
    assert (again.templates, again.cookies) == ([], {})
    assert "Cookie" not in again.get("Vary", "")


# The version itself


def version_number():
    program_version.current()  # a flushed database gets its row back
    return ProgramVersion.objects.get().number


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_once_per_committed_transaction_and_not_on_rollback():
    conference = make_conference(slug="niic-version")
    number = version_number()
    with transaction.atomic():
        for slug in ("one", "two", "three"):
            make_room(conference, slug=slug, name=slug)
        make_track(conference)
    assert version_number() == number + 1

    def add_a_room_then_fail():
        with transaction.atomic():
            make_room(conference, slug="four", name="four")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        add_a_room_then_fail()
    assert version_number() == number + 1

    with transaction.atomic():
        make_room(conference, slug="five", name="five")
        try:
            with transaction.atomic():
                make_room(conference, slug="six", name="six")
                raise RuntimeError("this savepoint only")
        except RuntimeError:
            pass
    assert version_number() == number + 2

    # The first write's savepoint is rolled back, with its callback; the next write's holds.
    with transaction.atomic():
        try:
            with transaction.atomic():
                make_room(conference, slug="seven", name="seven")
                raise RuntimeError("this savepoint only")
        except RuntimeError:
            pass
        make_room(conference, slug="eight", name="eight")
    assert version_number() == number + 3

    # Outside a transaction each write has committed when it returns.
    make_room(conference, slug="nine", name="nine")
    assert version_number() == number + 4


@pytest.mark.django_db(transaction=True)
def test_bulk_writes_that_send_program_changed_move_the_version():
    number = version_number()
    with transaction.atomic():
        Session.objects.filter(pk__in=[]).update(title="nothing")
        program_changed.send(sender=Session)
        program_changed.send(sender=Session)
    assert version_number() == number + 1


def test_generate_program_moves_the_version(db, django_capture_on_commit_callbacks):
    from niic.generated_program import generate_program

    before = program_version.current()
    with committed(django_capture_on_commit_callbacks):
        generate_program(sessions=10, speakers=10, seed=1)
    after = program_version.current()
    assert after.token != before.token
    assert after.changed_at > before.changed_at


def test_each_version_is_in_a_later_second_than_the_last_so_if_modified_since_sees_it(db):
    # HTTP dates are whole seconds: two changes in one second must still differ.
    first = program_version.bump()
    second = program_version.bump()
    assert int(second.changed_at.timestamp()) == int(first.changed_at.timestamp()) + 1
    assert first.token != second.token


def test_with_a_shared_cache_the_version_is_mirrored_and_a_cached_page_costs_no_query(
    client, program, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "niic.faults.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"niic-test-{program.conference.pk}-{program_version._new_token(0)}",
        }
    }
    try:
        path = pages(program)["schedule day"]
        first = client.get(path)
        with django_assert_num_queries(0):
            again = client.get(path)
            revalidated = client.get(path, headers={"if-none-match": first["ETag"]})
        assert (again.status_code, again.templates, revalidated.status_code) == (200, [], 304)

        version = program_version.bump()
        token, changed_at, edition_days, checked_at = cache.get(program_version.CACHE_KEY)
        assert (token, changed_at) == (version.token, version.changed_at)
        assert (
            edition_days
            == version.edition_days
            == (
                (
                    program.conference.opens_at().timestamp(),
                    program.conference.closes_at().timestamp(),
                ),
            )
        )
        assert 0 <= time.time() - checked_at < program_version.MIRROR_CHECK_SECONDS
        with committed(django_capture_on_commit_callbacks):
            program.session.title = "Building coalitions anew"
            program.session.save()
        changed = client.get(path, headers={"if-none-match": first["ETag"]})
        assert changed.status_code == 200
        assert "Building coalitions anew" in changed.text
    finally:
        cache.delete(program_version.CACHE_KEY)


def test_a_request_for_a_page_another_request_is_rendering_waits_for_that_render(client, program):
    import threading

    from django.core.cache import cache

    path = pages(program)["schedule day"]
    rendered = client.get(path)
    program_version.bump()  # the page is no longer cached
    page = PublicPage(
        route="program:schedule",
        language="en",
        origin="http://testserver",
        path=path.split("?")[0],
        query="day=2014-12-15",
    )
    key, etag, _ = page.validators(program_version.current())
    cache.add(f"{key}:rendering", True, 30)  # as another worker does when it starts rendering
    page_memory.clear()  # a worker that has not sent the page before (see below)
    by_the_other = {"headers": [("Content-Type", "text/html")], "body": b"theirs", "encoding": ""}
    threading.Timer(0.3, lambda: cache.set(f"{key}:identity", by_the_other)).start()

    response = client.get(path)

    assert (response.status_code, response.templates, response.content) == (200, [], b"theirs")
    assert response["ETag"] == etag != rendered["ETag"]


def test_a_page_this_process_sent_is_sent_again_from_its_memory_with_the_same_headers(
    client, program, django_assert_num_queries
):
    from django.core.cache import cache

    path = pages(program)["schedule day"]
    first = client.get(path, headers={"accept-encoding": "gzip"})
    cache.clear()  # the shared cache no longer has it: only the process's memory does

    with django_assert_num_queries(1):  # the version, nothing else
        again = client.get(path, headers={"accept-encoding": "gzip"})
    assert (again.status_code, again.templates, again.content) == (200, [], first.content)
    assert list(again.items()) == list(first.items())
    head = client.head(path, headers={"accept-encoding": "gzip"})
    assert (head.content, head["Content-Length"]) == (b"", first["Content-Length"])


def test_the_page_memory_keeps_the_pages_sent_last_within_its_budget():
    from niic.middleware import PageMemory

    memory = PageMemory(budget=10)
    memory.put("schedule", [("Content-Length", "4")], b"1234")
    memory.put("program", [], b"5678")
    assert memory.get("schedule") is not None  # now the one sent last
    memory.put("session", [], b"9abc")  # 12 bytes: the least recently sent goes
    assert (memory.get("program"), memory.get("schedule")[1]) == (None, b"1234")
    memory.put("too large", [], b"x" * 11)
    assert memory.get("too large") is None

    none_kept = PageMemory(budget=0)
    none_kept.put("schedule", [], b"1234")
    assert none_kept.get("schedule") is None


def test_while_a_changed_page_is_being_rendered_a_visitor_gets_the_page_sent_before_at_once(
    client, program, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    path = pages(program)["session"]
    before = client.get(path)
    with committed(django_capture_on_commit_callbacks):
        program.session.title = "Coalitions that last"
        program.session.save()
    page = PublicPage(
        route="program:session-detail",
        language="en",
        origin="http://testserver",
        path=path,
    )
    key, etag, _ = page.validators(program_version.current())
    cache.add(f"{key}:rendering", True, 30)  # the task worker renders it after the change

    meanwhile = client.get(path)
    assert (meanwhile.status_code, meanwhile.templates) == (200, [])
    assert meanwhile.content == before.content
    assert meanwhile["Cache-Control"] == "no-cache"  # browsers and CDNs ask again

    cache.delete(f"{key}:rendering")  # the render is done (or was abandoned)
    after = client.get(path)
    assert "Coalitions that last" in after.text
    assert after["ETag"] == etag != before["ETag"]


def test_a_page_sent_before_a_change_is_never_sent_again_once_the_change_is_seconds_old(
    client, program, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from niic.middleware import STALE_WHILE_RENDERING_SECONDS

    path = pages(program)["session"]
    client.get(path)
    with committed(django_capture_on_commit_callbacks):
        program.session.title = "Coalitions that last"
        program.session.save()
    page = PublicPage(
        route="program:session-detail", language="en", origin="http://testserver", path=path
    )
    key, _, _ = page.validators(program_version.current())
    cache.add(f"{key}:rendering", True, 30)  # a render that was abandoned by a killed worker
    later = time.time() + STALE_WHILE_RENDERING_SECONDS + 1

    with (
        patch("niic.middleware.time.time", return_value=later),
        patch("niic.middleware.RENDER_WAIT_SECONDS", 0),
    ):
        response = client.get(path)
    assert "Coalitions that last" in response.text


def test_the_page_cache_answers_before_the_session_locale_csrf_auth_and_csp_middlewares():
    from django.conf import settings

    order = settings.MIDDLEWARE
    cache_at = order.index("niic.middleware.PublicPageCache")
    for later in (
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ):
        assert cache_at < order.index(later), later
