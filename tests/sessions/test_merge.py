"""Merging the duplicate records of one person: every seat and role is kept, each session changed
gets a version in its history, the preview says what will happen and writes nothing, a clash is
refused, and the admin page shows what tells the records apart."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions import services
from sessions.models import PanelMembership, Session
from sessions.services.merging import speakers_merge_preview
from speakers.models import Speaker
from tests.factories import (
    la_time,
    make_chair,
    make_organization,
    make_session,
    make_speaker,
    make_track,
    seat,
)
from tests.niic.test_spanish_admin import english_in, page_text
from tests.sessions.admin_forms import change_url, message_texts

pytestmark = pytest.mark.django_db

# A 1×1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000005000157a0e5e60000000049454e44ae426082"
)
LIST = "admin:speakers_speaker_changelist"


def seats_of(session):
    return [
        (seat.speaker.name, seat.role, seat.order)
        for seat in session.panel.select_related("speaker").order_by("order", "pk")
    ]


def program_state():
    return (
        sorted(PanelMembership.objects.values_list("session__title", "speaker__slug", "role")),
        sorted(Speaker.objects.values_list("slug", "job_title")),
        Session.history.count(),
        PanelMembership.history.count(),
    )


def choose(client, *speakers, **extra):
    """The merge action on these speakers, as the list's form posts it."""
    return client.post(
        reverse(LIST),
        {"action": "merge_duplicates", "_selected_action": [s.pk for s in speakers], **extra},
        follow=True,
    )


@pytest.fixture
def julien(conference):
    """Julien Ross twice: the first record moderates "Housing panel" (second in its order), the
    second sits on it as a panelist (first in order) and presents "Labor rights" alone."""
    keep = make_speaker(name="Julien Ross", slug="julien-ross", job_title="Director")
    other = make_speaker(name="Julien Ross", slug="julien-ross-2")
    panel = make_session(conference, title="Housing panel")
    seat(panel, make_speaker(name="Eva Millona", slug="eva-millona"), order=0)
    seat(panel, keep, role=PanelMembership.Role.MODERATOR, order=2)
    seat(panel, other, order=1)
    labor = make_session(
        conference,
        title="Labor rights",
        starts_at=la_time(16, "09:00"),
        ends_at=la_time(16, "10:00"),
    )
    seat(labor, other, role=PanelMembership.Role.PRESENTER)
    return {"keep": keep, "other": other, "panel": panel, "labor": labor}


# The service


@pytest.mark.parametrize("moderator_kept", [True, False])
def test_merge_of_two_seats_on_one_panel_keeps_one_with_the_stronger_role(
    organizer, conference, moderator_kept
):
    moderator = make_speaker(name="Julien Ross", slug="julien-ross")
    panelist = make_speaker(name="Julien Ross", slug="julien-ross-2")
    panel = make_session(conference, title="Housing panel")
    seat(panel, moderator, role=PanelMembership.Role.MODERATOR, order=3)
    seat(panel, panelist, order=1)
    keep, other = (moderator, panelist) if moderator_kept else (panelist, moderator)
    versions = panel.history.count()

    plan = services.speakers_merge(user=organizer, keep=keep, duplicates=[other])

    assert seats_of(panel) == [("Julien Ross", "moderator", 1)]
    assert panel.panel.get().speaker_id == keep.pk
    assert (plan.seats_moved, [change.role for change in plan.joined]) == (0, ["moderator"])
    assert panel.history.count() == versions + 1
    latest = panel.history.order_by("-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == ("Speakers merged", organizer)
    assert latest.related_snapshot["panel"] == [
        {"speaker": keep.pk, "name": "Julien Ross", "role": "moderator", "order": 1}
    ]
    assert list(Speaker.objects.values_list("slug", flat=True)) == [keep.slug]


def test_merge_moves_every_seat_on_other_panels(organizer, conference, julien):
    draft = make_session(
        conference,
        title="Draft workshop",
        status=Session.Status.DRAFT,
        starts_at=la_time(14, "13:00"),
        ends_at=la_time(14, "14:00"),
    )
    seat(draft, julien["other"], role=PanelMembership.Role.FACILITATOR)
    julien["other"].bio = "Organizer in Los Angeles."
    julien["other"].save()

    plan = services.speakers_merge(
        user=organizer, keep=julien["keep"], duplicates=[julien["other"]]
    )

    keep = Speaker.objects.get(slug="julien-ross")
    assert [
        (seat.session.title, seat.role)
        for seat in keep.panel_memberships.order_by("session__starts_at")
    ] == [
        ("Draft workshop", "facilitator"),
        ("Housing panel", "moderator"),
        ("Labor rights", "presenter"),
    ]
    assert seats_of(julien["panel"]) == [
        ("Eva Millona", "panelist", 0),
        ("Julien Ross", "moderator", 1),
    ]
    assert (keep.job_title, keep.bio) == ("Director", "Organizer in Los Angeles.")
    assert (plan.seats_moved, plan.filled_labels) == (2, ["bio"])
    for session in (draft, julien["labor"], julien["panel"]):
        latest = session.history.order_by("-history_id").first()
        assert latest.history_change_reason == "Speakers merged"


def test_merge_preview_lists_each_session_and_changes_nothing(organizer, julien):
    before = program_state()

    plan = speakers_merge_preview(user=organizer, keep=julien["keep"], duplicates=[julien["other"]])

    assert [(change.session.title, str(change.description)) for change in plan.sessions] == [
        ("Housing panel", "2 seats become one: moderator."),
        ("Labor rights", "The seat of Julien Ross (julien-ross-2) moves over (presenter)."),
    ]
    assert plan.errors == []
    assert program_state() == before


def test_merge_into_two_overlapping_published_sessions_is_refused_and_changes_nothing(
    organizer, conference, julien
):
    seat(
        make_session(
            conference,
            title="Clinic",
            starts_at=la_time(15, "11:00"),
            ends_at=la_time(15, "12:00"),
        ),
        julien["other"],
    )
    before = program_state()

    with pytest.raises(ValidationError) as refusal:
        services.speakers_merge(user=organizer, keep=julien["keep"], duplicates=[julien["other"]])

    assert refusal.value.messages == [
        "Julien Ross is already on “Housing panel” (Mon, Dec 15, 10:00–11:15 PST)."
    ]
    assert program_state() == before
    plan = speakers_merge_preview(user=organizer, keep=julien["keep"], duplicates=[julien["other"]])
    assert [
        (change.session.title, [error.messages[0] for error in change.errors])
        for change in plan.sessions
    ] == [
        ("Housing panel", []),
        ("Clinic", ["Julien Ross is already on “Housing panel” (Mon, Dec 15, 10:00–11:15 PST)."]),
        ("Labor rights", []),
    ]


def test_merge_by_a_track_chair_is_refused(conference, julien):
    chair = make_chair(make_track(conference))
    before = program_state()

    with pytest.raises(PermissionDenied):
        services.speakers_merge(user=chair, keep=julien["keep"], duplicates=[julien["other"]])

    assert program_state() == before


# The admin page


def test_merge_page_shows_what_tells_the_records_apart_and_preselects_the_richer(
    client, organizer, conference, julien, django_assert_num_queries
):
    julien["other"].organization = make_organization(name="CHIRLA", slug="chirla")
    julien["other"].bio = "Julien leads the coalition's legal clinics " * 10
    julien["other"].photo = SimpleUploadedFile("julien.png", PNG, content_type="image/png")
    julien["other"].save()
    client.force_login(organizer)
    client.get(reverse(LIST))

    with django_assert_num_queries(12):
        page = choose(client, julien["keep"], julien["other"])

    records = page.context["records"]
    assert [(row["speaker"].slug, row["filled"], len(row["seats"])) for row in records] == [
        ("julien-ross-2", 3, 2),
        ("julien-ross", 1, 1),
    ]
    assert page.context["form"]["keep"].value() == julien["other"].pk
    assert {
        str(radio.data["value"]): radio.data["selected"] for radio in page.context["form"]["keep"]
    } == {
        str(julien["other"].pk): True,
        str(julien["keep"].pk): False,
    }
    text = page_text(page)
    assert "CHIRLA" in text
    assert "Julien leads the coalition's legal clinics Julien leads" in text
    assert f'<img src="/media/{julien["other"].photo.name}" width="80" alt="">' in (
        page.content.decode()
    )
    assert [(row["link"], row["role"], row["slot"]) for row in records[0]["seats"]] == [
        (
            f'<a href="{change_url(julien["panel"])}">Housing panel</a>',
            "panelist",
            "Mon, Dec 15, 10:00–11:15 PST",
        ),
        (
            f'<a href="{change_url(julien["labor"])}">Labor rights</a>',
            "presenter",
            "Tue, Dec 16, 09:00–10:00 PST",
        ),
    ]
    assert [str(row["what"]) for row in page.context["rows"]] == ["2 seats become one: moderator."]
    assert Speaker.objects.count() == 3


def test_merge_page_confirmed_merges_and_says_what_happened(client, organizer, julien):
    client.force_login(organizer)

    done = choose(
        client,
        julien["keep"],
        julien["other"],
        keep=julien["keep"].pk,
        apply=julien["keep"].pk,
    )

    assert message_texts(done) == [
        "Merged into “Julien Ross”: 1 seat moved, 1 panel where the records sat together now "
        "has one seat (moderator), 1 duplicate record deleted."
    ]
    assert done.request["PATH_INFO"] == reverse(LIST)
    assert seats_of(julien["panel"]) == [
        ("Eva Millona", "panelist", 0),
        ("Julien Ross", "moderator", 1),
    ]
    assert list(Speaker.objects.values_list("slug", flat=True)) == ["eva-millona", "julien-ross"]


def test_merge_page_with_another_record_than_the_one_previewed_merges_nothing(
    client, organizer, julien
):
    client.force_login(organizer)
    before = program_state()

    page = choose(
        client,
        julien["keep"],
        julien["other"],
        keep=julien["other"].pk,
        apply=julien["keep"].pk,
    )

    assert message_texts(page) == [
        "Nothing was merged: you chose another record than the one previewed. Check what "
        "merging into it does, then confirm."
    ]
    assert page.context["plan"].keep == julien["other"]
    assert program_state() == before


def test_merge_page_refused_shows_why_and_changes_nothing(client, organizer, conference, julien):
    clinic = make_session(
        conference, title="Clinic", starts_at=la_time(15, "11:00"), ends_at=la_time(15, "12:00")
    )
    seat(clinic, julien["other"])
    client.force_login(organizer)
    before = program_state()

    page = choose(
        client, julien["keep"], julien["other"], keep=julien["keep"].pk, apply=julien["keep"].pk
    )

    already = (
        f'Julien Ross is already on “<a href="{change_url(julien["panel"])}">Housing panel</a>” '
        "(Mon, Dec 15, 10:00–11:15 PST)."
    )
    assert message_texts(page) == ["Not merged: " + already]
    assert [row["messages"] for row in page.context["rows"]] == [[], [already], []]
    assert 'name="apply"' not in page.content.decode()
    assert program_state() == before


def test_merge_page_speaks_spanish(client, organizer, julien):
    client.force_login(organizer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"

    preview = choose(client, julien["keep"], julien["other"])
    done = choose(
        client, julien["keep"], julien["other"], keep=julien["keep"].pk, apply=julien["keep"].pk
    )

    assert english_in(page_text(preview)) == []
    assert [str(row["what"]) for row in preview.context["rows"]] == [
        "2 puestos se vuelven uno: moderador/a."
    ]
    assert message_texts(done) == [
        "Fusionado en “Julien Ross”: 1 puesto trasladado, 1 panel en el que los registros "
        "coincidían ahora tiene un solo puesto (moderador/a), 1 registro duplicado eliminado."
    ]


def test_merge_page_keeps_every_seat_and_fills_empty_fields(admin_client, conference):
    keep = make_speaker(name="Angelica Salas", slug="angelica-salas")
    duplicate = make_speaker(name="Angélica Salas", slug="angelica-salas-2", job_title="Director")
    first = make_session(conference, title="One")
    second = make_session(
        conference, title="Two", starts_at=la_time(16, "09:00"), ends_at=la_time(16, "10:00")
    )
    both = make_session(
        conference, title="Both", starts_at=la_time(14, "13:00"), ends_at=la_time(14, "14:00")
    )
    seat(first, keep)
    seat(second, duplicate, role=PanelMembership.Role.MODERATOR)
    seat(both, keep)
    seat(both, duplicate)

    done = choose(admin_client, keep, duplicate, keep=keep.pk, apply=keep.pk)

    assert message_texts(done) == [
        "Merged into “Angelica Salas”: 1 seat moved, 1 panel where the records sat together now "
        "has one seat (panelist), empty fields filled from the others: job title, 1 duplicate "
        "record deleted."
    ]
    keep.refresh_from_db()
    assert keep.job_title == "Director"
    assert sorted((s.session.title, s.role) for s in keep.panel_memberships.all()) == [
        ("Both", "panelist"),
        ("One", "panelist"),
        ("Two", "moderator"),
    ]
    assert list(Speaker.objects.values_list("slug", flat=True)) == ["angelica-salas"]
