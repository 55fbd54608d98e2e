"""Every write path refuses what every scheduling rule forbids, with the rule's own message.

The paths: the admin's change form and add form, the actions, the spreadsheet import, restoring a
version from history, merging speakers, the single panel seat page, and a move on the schedule
board. The rules (sessions.rules): a room or a speaker in two published sessions at once, a
session outside its edition's days, a topic of another track, and a draft made public by
cancelling it. A pair is left out only where the path cannot express the rule (a merge changes
no room; an action changes no date; a move on the board changes neither topics nor status)."""

import html
from dataclasses import dataclass

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import strip_tags

from sessions import rules, services
from sessions.models import PanelMembership, Session
from tests.factories import (
    la_time,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.sessions.admin_forms import add_panelist, change_url, form_data, run_action
from tests.sessions.test_import_export import import_rows

pytestmark = pytest.mark.django_db

ROOM = "Room “Hall A” is already taken by “Busy panel” (Mon, Dec 15, 10:00–11:15 PST)."
SPEAKER = "Eva Millona is already on “Busy panel” (Mon, Dec 15, 10:00–11:15 PST)."
DATES = (
    "A session must take place within National Immigrant Integration Conference 2014, "
    "Dec 14 to Dec 16, 2014 (America/Los_Angeles)."
)
TOPIC = "“Topic of B”: not a topic of the track “Track A”."
DRAFT = str(rules.CANCEL_ONLY_PUBLISHED)


@dataclass
class Program:
    conference: object
    track_a: object
    track_b: object
    topic_a: object
    topic_b: object
    hall_a: object
    hall_b: object
    busy: object
    speaker: object
    draft: object


@pytest.fixture
def program(conference, organizer):
    """A published "Busy panel" holds Hall A and Eva Millona on Monday 10:00–11:15; "Draft"
    (track A, Hall B) overlaps it."""
    track_a = make_track(conference, name="Track A", slug="track-a")
    track_b = make_track(conference, name="Track B", slug="track-b")
    hall_a = make_room(conference, name="Hall A", slug="hall-a")
    hall_b = make_room(conference, name="Hall B", slug="hall-b")
    speaker = make_speaker(name="Eva Millona", slug="eva-millona")
    busy = make_session(conference, title="Busy panel", slug="busy-panel", room=hall_a)
    seat(busy, speaker)
    draft = make_session(
        conference,
        title="Draft",
        slug="draft",
        track=track_a,
        room=hall_b,
        status=Session.Status.DRAFT,
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:00"),
    )
    return Program(
        conference=conference,
        track_a=track_a,
        track_b=track_b,
        topic_a=make_topic(track_a, name="Topic of A", slug="topic-a"),
        topic_b=make_topic(track_b, name="Topic of B", slug="topic-b"),
        hall_a=hall_a,
        hall_b=hall_b,
        busy=busy,
        speaker=speaker,
        draft=draft,
    )


def program_state():
    """Everything a refused change must leave as it was."""
    return (
        list(Session.objects.order_by("pk").values()),
        list(PanelMembership.objects.order_by("pk").values()),
        list(Session.topics.through.objects.order_by("pk").values()),
        Session.history.count(),
    )


def texts(response):
    """Every refusal the page shows: form and panel-row errors, an action's preview, messages."""
    found = [str(message) for message in get_messages(response.wsgi_request)]
    context = response.context or {}
    if "adminform" in context:
        form = context["adminform"].form
        found += [error for errors in form.errors.values() for error in errors]
        for inline in context["inline_admin_formsets"]:
            for each in inline.formset.forms:
                found += [error for errors in each.errors.values() for error in errors]
            found += list(inline.formset.non_form_errors())
    if context.get("rows"):
        found += [str(message) for row in context["rows"] for message in row["messages"]]
    return [html.unescape(strip_tags(str(text))) for text in found]


# The admin's change form, on the draft


def change_form(client, program, rule):
    draft = program.draft
    changes = {
        "room": {"status": "published", "room": program.hall_a.pk},
        "speaker": {"status": "published"},
        "dates": {"day": "2014-12-20"},
        "topic": {"topics": [program.topic_b.pk]},
        "draft": {"status": "cancelled"},
    }[rule]
    data = form_data(draft, **changes)
    if rule == "speaker":
        add_panelist(data, program.speaker)
    return texts(client.post(change_url(draft), data))


def add_form(client, program, rule):
    draft = program.draft
    data = form_data(draft, slug="new-session", title="New session", status="published")
    del data["loaded_version"]
    data.update(
        {
            "room": {"room": program.hall_a.pk},
            "speaker": {},
            "dates": {"day": "2014-12-20"},
            "topic": {"status": "draft", "topics": [program.topic_b.pk]},
            "draft": {"status": "cancelled"},
        }[rule]
    )
    if rule == "speaker":
        add_panelist(data, program.speaker)
    return texts(client.post(reverse("admin:program_session_add"), data))


def action(client, program, rule):
    draft = program.draft
    if rule == "room":
        Session.objects.filter(pk=draft.pk).update(room=program.hall_a)
    if rule == "speaker":
        seat(draft, program.speaker)
    name, extra = ("cancel", {"confirm": "1"}) if rule == "draft" else ("publish", {})
    before = program_state()
    preview = texts(run_action(client, name, [draft], apply=False, **extra))
    run_action(client, name, [draft], **extra)
    assert program_state() == before
    return preview


def spreadsheet(client, program, rule):
    row = {
        "edition": program.conference.slug,
        "slug": "imported",
        "title_en": "Imported",
        "track": "track-a",
        "topics": "",
        "format": "panel",
        "status": "published",
        "day": "2014-12-15",
        "start": "10:30",
        "end": "11:00",
        "room": "hall-b",
        "languages": "",
        "interpretation": "",
        "cart": "no",
        "asl": "no",
        "panel": "",
        "description_en": "",
    }
    row.update(
        {
            "room": {"room": "hall-a"},
            "speaker": {"panel": "Eva Millona (panelist)"},
            "dates": {"day": "2014-12-20"},
            "topic": {"topics": "topic-b"},
            "draft": {"status": "cancelled"},
        }[rule]
    )
    rows = import_rows([row])
    return [message for each in rows for messages in each.errors.values() for message in messages]


def restore(client, program, rule, organizer):
    """A version of the draft that was fine when it was saved, restored once it no longer is."""
    draft = program.draft
    if rule == "room":
        draft.status, draft.room = Session.Status.PUBLISHED, program.hall_a
        Session.objects.filter(pk=program.busy.pk).update(room=program.hall_b)
        services.session_save(user=organizer, session=draft)
    elif rule == "speaker":
        PanelMembership.objects.filter(session=program.busy).delete()
        draft.status = Session.Status.PUBLISHED
        services.session_save(
            user=organizer,
            session=draft,
            related=services.Related(panel=[services.Seat(speaker=program.speaker)]),
        )
        seat(program.busy, program.speaker)
    elif rule == "topic":
        services.session_save(
            user=organizer, session=draft, related=services.Related(topics=[program.topic_a])
        )
        program.topic_a.track, program.topic_a.name = program.track_b, "Topic of B"
        program.topic_a.save()
    elif rule == "draft":
        draft.status = Session.Status.PUBLISHED
        services.session_save(user=organizer, session=draft)
        services.sessions_cancel(user=organizer, sessions=[draft])
    version = draft.history.order_by("-history_date", "-history_id").first()
    Session.objects.filter(pk=draft.pk).update(status=Session.Status.DRAFT, room=program.hall_b)
    if rule == "room":
        # The busy panel takes its room back only now: two published sessions never share a
        # room, not even for a moment (PostgreSQL's exclusion constraint).
        Session.objects.filter(pk=program.busy.pk).update(room=program.hall_a)
    draft.topics.clear()
    draft.panel.all().delete()
    before = program_state()
    url = reverse("admin:program_session_simple_history", args=[draft.pk, version.history_id])
    response = client.post(url, follow=True)
    assert program_state() == before
    return texts(response)


def merge(client, program, rule):
    duplicate = make_speaker(name="Eva Millona (duplicate)", slug="eva-duplicate")
    seat(
        make_session(
            program.conference,
            title="Later panel",
            starts_at=la_time(15, "11:00"),
            ends_at=la_time(15, "12:00"),
        ),
        duplicate,
    )
    before = program_state()
    response = client.post(
        reverse("admin:speakers_speaker_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [program.speaker.pk, duplicate.pk],
            "keep": program.speaker.pk,
            "apply": program.speaker.pk,
        },
        follow=True,
    )
    assert program_state() == before
    return texts(response)


def seat_page(client, program, rule):
    published = make_session(
        program.conference,
        title="Published",
        starts_at=la_time(15, "11:00"),
        ends_at=la_time(15, "12:00"),
    )
    before = program_state()
    response = client.post(
        reverse("admin:program_panelmembership_add"),
        {"session": published.pk, "speaker": program.speaker.pk, "role": "panelist", "order": 0},
        follow=True,
    )
    assert program_state() == before
    return texts(response)


def board_move(client, program, rule):
    """The board's drag and drop (or keys): the draft, published where it clashes with nothing,
    moved into the busy room, onto its speaker's busy time, or off the edition's days."""
    draft = program.draft
    if rule == "speaker":
        seat(draft, program.speaker)
    Session.objects.filter(pk=draft.pk).update(
        status=Session.Status.PUBLISHED,
        starts_at=la_time(15, "12:00"),
        ends_at=la_time(15, "12:30"),
    )
    draft.refresh_from_db()
    room, starts_at = {
        "room": (program.hall_a, "2014-12-15T10:30"),
        "speaker": (program.hall_b, "2014-12-15T10:30"),
        "dates": (program.hall_b, "2014-12-20T10:30"),
    }[rule]
    before = program_state()
    response = client.post(
        reverse("admin:program_session_move", args=[draft.pk]),
        {"room": room.pk, "starts_at": starts_at, "version": draft.version},
    )
    assert response.status_code == 409
    assert program_state() == before
    return response.json()["errors"]


PATHS = {
    "change form": change_form,
    "add form": add_form,
    "action": action,
    "import": spreadsheet,
    "restore": restore,
    "merge": merge,
    "panel seat page": seat_page,
    "board move": board_move,
}
RULES = {"room": ROOM, "speaker": SPEAKER, "dates": DATES, "topic": TOPIC, "draft": DRAFT}
EDITING_PATHS = ["change form", "add form", "action", "import", "restore"]
CASES = [
    ("room", [*EDITING_PATHS, "board move"]),
    ("speaker", [*EDITING_PATHS, "merge", "panel seat page", "board move"]),
    ("dates", ["change form", "add form", "import", "board move"]),
    ("topic", ["change form", "add form", "import", "restore"]),
    ("draft", EDITING_PATHS),
]
TABLE = [(rule, path) for rule, paths in CASES for path in paths]


@pytest.mark.parametrize(("rule", "path"), TABLE)
def test_every_path_refuses_what_every_rule_forbids_with_the_same_message(
    client, organizer, program, rule, path
):
    client.force_login(organizer)
    before = program_state()
    attempt = PATHS[path]
    shown = (
        attempt(client, program, rule, organizer)
        if path == "restore"
        else attempt(client, program, rule)
    )
    expected = RULES[rule]
    if path == "merge":
        # The merged person would be on the busy panel and on the later panel at once.
        expected = "Not merged: " + SPEAKER
    assert expected in shown
    if path in ("change form", "add form", "import"):
        assert program_state() == before


def test_the_table_covers_every_path_and_every_rule():
    assert {path for _rule, path in TABLE} == set(PATHS)
    assert {rule for rule, _path in TABLE} == set(RULES)
