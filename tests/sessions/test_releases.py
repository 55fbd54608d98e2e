"""Releases of the program (sessions.services.program_release) and the public change log, its
Atom feed and the JSON of changed sessions that the agenda reads."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from niic.generated_program import generate_program
from sessions import services
from sessions.models import Release, Room, Session
from tests.factories import LOS_ANGELES, make_session, make_speaker, make_track
from tests.sessions.admin_forms import message_texts

pytestmark = pytest.mark.django_db

EDITION = "/en/editions/niic-2014"
ATOM = "{http://www.w3.org/2005/Atom}"


def utc(day, clock):
    local = datetime.datetime.combine(
        datetime.date(2014, 12, day), datetime.time.fromisoformat(clock), tzinfo=LOS_ANGELES
    )
    return local.astimezone(datetime.UTC).isoformat()


def release_four_changes(conference, organizer):
    """On NIIC 2014: v1, then a move, a retitle, a panel change and a cancel, then v2."""
    services.program_release(user=organizer, conference=conference, name="v1", note="The program.")
    moved = Session.objects.get(slug__startswith="building-economic-power")
    moved.starts_at = datetime.datetime(2014, 12, 16, 10, 30, tzinfo=LOS_ANGELES)
    moved.ends_at = datetime.datetime(2014, 12, 16, 11, 45, tzinfo=LOS_ANGELES)
    moved.room = Room.objects.get(conference=conference, slug="room-b")
    services.session_save(user=organizer, session=moved)
    lunch = Session.objects.get(slug="lunch")
    lunch.title = "Lunch and networking"
    services.session_save(user=organizer, session=lunch)
    opening = Session.objects.get(slug="opening-plenary")
    panel = [services.Seat(speaker=seat.speaker, role=seat.role) for seat in opening.panel.all()]
    moderator = make_speaker(name="Maria Moderator", slug="maria-moderator")
    panel.insert(0, services.Seat(speaker=moderator, role="moderator"))
    services.session_save(user=organizer, session=opening, related=services.Related(panel=panel))
    services.sessions_cancel(
        user=organizer,
        sessions=[Session.objects.get(slug="morning-break")],
        note="Coffee is served in the rooms.",
    )
    release = services.program_release(
        user=organizer, conference=conference, name="v2", note="Rooms and times settled."
    )
    return {"moved": moved, "lunch": lunch, "opening": opening, "release": release}


@pytest.fixture
def four_changes(niic, organizer):
    return release_four_changes(niic, organizer)


def test_the_second_release_lists_exactly_the_four_changes_with_before_and_after(four_changes):
    moved, lunch, opening = four_changes["moved"], four_changes["lunch"], four_changes["opening"]
    changes = four_changes["release"].changes
    room_a, room_b = (
        Room.objects.get(conference=moved.conference, slug=slug) for slug in ("room-a", "room-b")
    )
    break_ = Session.objects.get(slug="morning-break")
    angelica = opening.panel.get(role="presenter").speaker
    moderator = opening.panel.get(role="moderator").speaker
    assert changes == {
        "new": [],
        "moved": [
            {
                "id": moved.pk,
                "slug": moved.slug,
                "title": {"en": moved.title_en},
                "before": {
                    "starts_at": utc(15, "09:00"),
                    "ends_at": utc(15, "10:15"),
                    "room": [room_a.pk, {"en": "Room A", "es": "Sala A"}],
                },
                "after": {
                    "starts_at": utc(16, "10:30"),
                    "ends_at": utc(16, "11:45"),
                    "room": [room_b.pk, {"en": "Room B", "es": "Sala B"}],
                },
            }
        ],
        "retitled": [
            {"id": lunch.pk, "slug": "lunch",
             "title": {"en": "Lunch and networking", "es": "Almuerzo"},
             "before": {"en": "Lunch", "es": "Almuerzo"},
             "after": {"en": "Lunch and networking", "es": "Almuerzo"}}
        ],
        "repanelled": [
            {"id": opening.pk, "slug": "opening-plenary",
             "title": {"en": "Opening plenary", "es": "Plenaria de apertura"},
             "before": [[angelica.pk, "Angelica Salas", "presenter"]],
             "after": [[moderator.pk, "Maria Moderator", "moderator"],
                       [angelica.pk, "Angelica Salas", "presenter"]]}
        ],
        "cancelled": [
            {"id": break_.pk, "slug": "morning-break",
             "title": {"en": "Morning break", "es": "Pausa de la mañana"},
             "after": {"starts_at": utc(15, "10:15"), "ends_at": utc(15, "10:45"),
                       "room": [break_.room_id, {"en": "Main hall", "es": "Salón principal"}]},
             "note": {"en": "Coffee is served in the rooms."}}
        ],
        "removed": [],
    }  # fmt: skip


def change_items(html):
    """[(heading, [(title, {label: value})])] of the change log's latest release."""
    section = html.split('<section id="release-2"', 1)[1].split("</section>", 1)[0]
    groups = []
    for part in section.split("<h3>")[1:]:
        heading, rest = part.split("</h3>", 1)
        items = []
        for item in rest.split("<li>")[1:]:
            title = item.split(">", 1)[1].split("<", 1)[0] if item.startswith("<a") else ""
            labels = [each.split("</dt>")[0] for each in item.split("<dt>")[1:]]
            values = [each.split("</dd>")[0] for each in item.split("<dd>")[1:]]
            items.append((title, dict(zip(labels, values, strict=True))))
        groups.append((heading, items))
    return groups


def test_the_change_log_shows_each_change_before_and_after_in_english(client, four_changes):
    html = client.get(f"{EDITION}/changes/").text
    assert change_items(html) == [
        (
            "Moved to another time or room (1)",
            [
                (
                    "Building economic power for immigrant workers: union organizing, "
                    "apprenticeships and collective bargaining",
                    {
                        "Before": "Mon, Dec 15, 09:00–10:15 PST, Room A",
                        "Now": "Tue, Dec 16, 10:30–11:45 PST, Room B",
                    },
                )
            ],
        ),
        (
            "New titles (1)",
            [("Lunch and networking", {"Before": "Lunch", "Now": "Lunch and networking"})],
        ),
        (
            "Panel changes (1)",
            [
                (
                    "Opening plenary",
                    {
                        "Before": "Angelica Salas (Presenter)",
                        "Now": "Maria Moderator (Moderator), Angelica Salas (Presenter)",
                    },
                )
            ],
        ),
        (
            "Cancelled (1)",
            [
                (
                    "Morning break",
                    {
                        "When and where": "Mon, Dec 15, 10:15–10:45 PST, Main hall",
                        "Note": "Coffee is served in the rooms.",
                    },
                )
            ],
        ),
    ]  # fmt: skip
    assert '<p class="release-note">Rooms and times settled.</p>' in html
    assert "The first release of the program, with 22 sessions." in html


def test_the_change_log_speaks_spanish(client, four_changes):
    html = client.get("/es/editions/niic-2014/changes/").text
    groups = change_items(html)
    assert [heading for heading, _items in groups] == [
        "Cambiaron de hora o de sala (1)",
        "Títulos nuevos (1)",
        "Cambios de panel (1)",
        "Canceladas (1)",
    ]
    moved = groups[0][1][0][1]
    assert list(moved) == ["Antes", "Ahora"]
    assert moved["Ahora"].endswith("10:30–11:45 PST, Sala B")
    assert (
        groups[2][1][0][1]["Ahora"]
        == "Maria Moderator (Moderador/a), Angelica Salas (Presentador/a)"
    )
    assert "Cambios en el programa" in html
    # Only the English title of lunch changed: the Spanish log shows that change, not
    # "Almuerzo → Almuerzo".
    retitled = groups[1][1][0]
    assert retitled == ("Almuerzo", {"Antes": "Lunch", "Ahora": "Lunch and networking"})


def test_the_atom_feed_has_an_entry_per_release_with_its_changes(client, four_changes):
    response = client.get(f"{EDITION}/changes.atom")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["v2", "v1"]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        "http://testserver/en/editions/niic-2014/changes/#release-2",
        "http://testserver/en/editions/niic-2014/changes/#release-1",
    ]
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "<dt>Before</dt><dd>Lunch</dd>" in summary
    assert '<a href="http://testserver/en/editions/niic-2014/sessions/lunch/">' in summary


def test_changes_json_gives_the_ids_each_release_changed(client, four_changes):
    response = client.get("/en/changes.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(response.content)
    release = four_changes["release"]
    assert [(each["id"], each["edition"], each["name"]) for each in data["releases"]] == [
        (release.pk - 1, "niic-2014", "v1"),
        (release.pk, "niic-2014", "v2"),
    ]
    assert data["releases"][0]["sessions"] == {}
    assert data["releases"][1]["sessions"] == {
        str(four_changes["moved"].pk): ["moved"],
        str(four_changes["lunch"].pk): ["retitled"],
        str(four_changes["opening"].pk): ["repanelled"],
        str(Session.objects.get(slug="morning-break").pk): ["cancelled"],
    }


# What a release holds, and what it never shows


def test_a_session_returned_to_draft_is_listed_as_removed_under_its_public_title(
    client, niic, organizer
):
    services.program_release(user=organizer, conference=niic, name="v1")
    lunch = Session.objects.get(slug="lunch")
    services.sessions_return_to_draft(user=organizer, sessions=[lunch])
    lunch.refresh_from_db()
    lunch.title = "Secret new plan for lunch"
    services.session_save(user=organizer, session=lunch)
    make_session(niic, title="Secret draft", status=Session.Status.DRAFT)
    release = services.program_release(user=organizer, conference=niic, name="v2")
    assert [entry["title"] for entry in release.changes["removed"]] == [
        {"en": "Lunch", "es": "Almuerzo"}
    ]
    assert str(lunch.pk) not in release.snapshot
    html = client.get(f"{EDITION}/changes/").text
    assert "Secret" not in html
    assert change_items(html)[0] == (
        "Removed from the program (1)",
        [("", {"Was": "Mon, Dec 15, 12:00–13:30 PST, Main hall"})],
    )


def test_a_new_session_is_listed_as_new(client, niic, organizer):
    services.program_release(user=organizer, conference=niic, name="v1")
    track = make_track(niic, name="Newcomers", slug="newcomers")
    new = make_session(
        niic,
        title="Caucus on small business",
        track=track,
        starts_at=datetime.datetime(2014, 12, 16, 13, tzinfo=LOS_ANGELES),
        ends_at=datetime.datetime(2014, 12, 16, 14, tzinfo=LOS_ANGELES),
    )
    release = services.program_release(user=organizer, conference=niic, name="v2")
    assert [(entry["id"], entry["title"]) for entry in release.changes["new"]] == [
        (new.pk, {"en": "Caucus on small business"})
    ]
    groups = change_items(client.get(f"{EDITION}/changes/").text)
    assert groups == [
        (
            "New sessions (1)",
            [
                (
                    "Caucus on small business",
                    {"When and where": "Tue, Dec 16, 13:00–14:00 PST, room to be announced"},
                )
            ],
        )
    ]


def test_the_change_log_before_any_release_says_so(client, niic):
    html = client.get(f"{EDITION}/changes/").text
    assert "The program has not been released yet." in html


# Who may release, and when


def test_a_track_chair_cannot_release_the_program(niic, chair_of):
    chair = chair_of(niic.tracks.first())
    with pytest.raises(PermissionDenied):
        services.program_release(user=chair, conference=niic, name="v1")
    assert Release.objects.count() == 0


def test_nothing_changed_since_the_last_release_is_refused(niic, organizer):
    services.program_release(user=organizer, conference=niic, name="v1")
    make_session(niic, title="A draft changes nothing public", status=Session.Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.program_release(user=organizer, conference=niic, name="v2")
    assert refused.value.messages == [
        "Nothing attendees can see has changed since “v1”: there is nothing to release."
    ]
    assert list(Release.objects.values_list("name", flat=True)) == ["v1"]


def test_an_edition_with_nothing_published_cannot_be_released(conference, organizer):
    make_session(conference, status=Session.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.program_release(user=organizer, conference=conference, name="v1")


def test_a_release_name_is_used_once_per_edition(niic, organizer):
    services.program_release(user=organizer, conference=niic, name="v1")
    Session.objects.filter(slug="lunch").update(title="Lunch, again")
    with pytest.raises(ValidationError) as refused:
        services.program_release(user=organizer, conference=niic, name=" v1 ")
    assert refused.value.messages == ["This edition already has a release with this name."]


# The admin's "Release the program"


def release_url(edition):
    return f"{reverse('admin:program_session_release')}?edition={edition.slug}"


def test_an_organizer_previews_and_releases_in_the_admin(client, niic, organizer):
    client.force_login(organizer)
    changelist = client.get(reverse("admin:program_session_changelist")).text
    assert "Release the program" in changelist
    page = client.get(release_url(niic))
    assert page.status_code == 200
    assert "The first release of the program, with 22 sessions." in page.text
    assert 'value="v1"' in page.text
    response = client.post(release_url(niic), {"name": "v1", "note": "Here it is."})
    assert response.status_code == 302
    assert message_texts(response) == [
        "National Immigrant Integration Conference 2014: “v1” is released; the change log and "
        "the exports show it."
    ]
    release = Release.objects.get()
    assert (release.name, release.note, release.released_by, release.number) == (
        "v1",
        "Here it is.",
        organizer,
        1,
    )
    again = client.get(release_url(niic)).text
    assert "there is nothing to release" in again
    assert 'value="v2"' not in again


def test_the_admin_shows_why_a_release_was_refused(client, niic, organizer):
    services.program_release(user=organizer, conference=niic, name="v1")
    Session.objects.filter(slug="lunch").update(title="Lunch, again")
    client.force_login(organizer)
    response = client.post(release_url(niic), {"name": "v1", "note": ""})
    assert response.status_code == 200
    assert "This edition already has a release with this name." in response.text
    assert Release.objects.count() == 1


def test_a_track_chair_gets_no_release_page_nor_link(client, niic, chair_of):
    chair = chair_of(niic.tracks.first())
    client.force_login(chair)
    assert client.get(release_url(niic)).status_code == 403
    assert client.post(release_url(niic), {"name": "v1"}).status_code == 403
    assert "Release the program" not in client.get(reverse("admin:program_session_changelist")).text
    assert Release.objects.count() == 0


# Queries


def release_twice(conference, organizer, changed):
    """generate_program made v1; v2 retitles `changed` sessions."""
    ids = list(
        Session.objects.filter(conference=conference).order_by("pk").values_list("pk", flat=True)
    )
    Session.objects.filter(pk__in=ids[:changed]).update(title="Retitled")
    services.program_release(user=organizer, conference=conference, name="v2")


@pytest.mark.parametrize("path", ["changes/", "changes.atom", "/changes.json"])
def test_the_change_log_runs_the_same_queries_for_50_and_500_sessions(
    client, organizer, path, django_capture_on_commit_callbacks
):
    counts = []
    for size, seed in ((50, 21), (500, 22)):
        # Committed, so that the program version moves and no page is served from the cache.
        with django_capture_on_commit_callbacks(execute=True):
            conference = generate_program(sessions=size, speakers=size // 2, seed=seed).conference
            release_twice(conference, organizer, changed=size // 5)
        url = f"/en{path}" if path.startswith("/") else f"/en/editions/{conference.slug}/{path}"
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 4


# Correcting a release's name and note (sessions.services.release_change, the Release admin)


@pytest.fixture
def released(conference, organizer):
    make_session(conference, title="Opening", slug="opening")
    return services.program_release(
        user=organizer, conference=conference, name="v1", note="Teh program."
    )


def entry_titles(response):
    feed = ET.fromstring(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]


def release_change_url(release):
    return reverse("admin:program_release_change", args=[release.pk])


def test_an_organizer_corrects_a_releases_name_and_note(released, organizer):
    changed = services.release_change(
        user=organizer, release=released, name=" v1.0 ", note=" The program.\nEnjoy. "
    )
    stored = Release.objects.get()
    assert (stored.name, stored.note, stored.number) == ("v1.0", "The program.\nEnjoy.", 1)
    assert (stored.snapshot, stored.changes) == (released.snapshot, released.changes)
    assert (changed.name, changed.note) == ("v1.0", "The program.\nEnjoy.")


def test_a_track_chair_cannot_correct_a_release(released, chair_of, conference):
    chair = chair_of(make_track(conference, name="Health"))
    with pytest.raises(PermissionDenied) as refusal:
        services.release_change(user=chair, release=released, name="Hacked", note="Hacked")
    assert str(refusal.value) == "Only organizers may change a release's name or note."
    with translation.override("es"):
        with pytest.raises(PermissionDenied) as refusal:
            services.release_change(user=chair, release=released, name="Hacked", note="Hacked")
        in_spanish = str(refusal.value)
    assert in_spanish == "Solo los organizadores pueden cambiar el nombre o la nota de una versión."
    assert Release.objects.values_list("name", "note").get() == ("v1", "Teh program.")


def test_an_organizer_corrects_a_release_in_the_admin_and_the_feed_shows_it(
    client, released, organizer, conference, django_capture_on_commit_callbacks
):
    feed_url = f"/en/editions/{conference.slug}/changes.atom"
    assert entry_titles(client.get(feed_url)) == ["v1"]
    client.force_login(organizer)
    page = client.get(release_change_url(released))
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields) == ["name", "note_en", "note_es"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            release_change_url(released),
            {"name": "v1.0", "note_en": "The program.", "note_es": ""},
        )
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("admin:program_release_changelist"),
    )
    assert Release.objects.values_list("name", "note").get() == ("v1.0", "The program.")
    assert LogEntry.objects.get().get_change_message() == (
        "Changed Name and Note for attendees [en]."
    )
    client.logout()
    assert entry_titles(client.get(feed_url)) == ["v1.0"]


def test_the_admin_refuses_a_word_line_break_in_a_release_name_or_note(client, released, organizer):
    client.force_login(organizer)
    response = client.post(
        release_change_url(released), {"name": "v\x0b1", "note_en": "Line\x0bbreak", "note_es": ""}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "name": ["Use one line of plain text: no line breaks, tabs or other control characters."],
        "note_en": ["Remove the control characters (invisible characters other than line breaks)."],
    }
    assert Release.objects.values_list("name", "note").get() == ("v1", "Teh program.")


def test_the_admin_refuses_the_name_of_another_release_of_the_edition(
    client, released, organizer, conference
):
    Session.objects.filter(slug="opening").update(title="Opening, again")
    second = services.program_release(user=organizer, conference=conference, name="v2")
    client.force_login(organizer)
    response = client.post(release_change_url(second), {"name": "v1", "note": ""})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "__all__": ["This edition already has a release with this name."]
    }
    assert list(Release.objects.order_by("number").values_list("name", flat=True)) == ["v1", "v2"]


def test_releases_are_neither_added_nor_deleted_in_the_admin(client, released, organizer):
    client.force_login(organizer)
    delete_url = reverse("admin:program_release_delete", args=[released.pk])
    assert client.get(reverse("admin:program_release_add")).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:program_release_changelist"),
        {"action": "delete_selected", "_selected_action": [released.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert Release.objects.count() == 1


def test_a_track_chair_gets_no_release_admin(client, released, chair_of, conference):
    client.force_login(chair_of(make_track(conference, name="Health")))
    assert client.get(reverse("admin:program_release_changelist")).status_code == 403
    assert client.get(release_change_url(released)).status_code == 403
    response = client.post(release_change_url(released), {"name": "Hacked", "note": ""})
    assert response.status_code == 403
    assert "/admin/program/release/" not in client.get(reverse("admin:index")).text
    assert Release.objects.values_list("name", "note").get() == ("v1", "Teh program.")


def test_the_release_admin_speaks_spanish(client, released, organizer):
    client.force_login(organizer)
    page = client.get(release_change_url(released), HTTP_ACCEPT_LANGUAGE="es")
    labels = re.findall(r"<label[^>]*>([^<]*)</label>", page.text)
    assert labels == [
        "Edición:",
        "Número:",
        "Publicada:",
        "Publicada por:",
        "Nombre:",
        "Nota para los asistentes [en]:",
        "Nota para los asistentes [es]:",
    ]
    refused = client.post(
        release_change_url(released), {"name": "v\x0b1", "note": ""}, HTTP_ACCEPT_LANGUAGE="es"
    )
    assert re.findall(r'<ul class="errorlist"[^>]*><li>([^<]*)</li>', refused.text) == [
        "Use una sola línea de texto simple: sin saltos de línea, tabulaciones ni otros "
        "caracteres de control."
    ]
