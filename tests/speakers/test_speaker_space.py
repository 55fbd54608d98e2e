"""The speaker's own page: signing in with the e-mailed link (and asking for a new one), their
seats with an answer to each, their profile, all through the services with the speaker as the
acting user; and what stays private (another speaker's seats, their address, the page itself)."""

import datetime
import io
import logging
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core import mail as outbox
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from PIL import Image
from sesame.utils import get_query_string

from sessions.models import PanelMembership, Session
from sessions.services.speaker_self import seat_answer, speaker_profile_save
from speakers import mail
from speakers.models import Message
from tests.factories import (
    make_conference,
    make_organization,
    make_organizer,
    make_room,
    make_session,
    make_speaker,
    seat,
)

pytestmark = pytest.mark.django_db

SENT = "If this address belongs to a speaker, a link to their page is on its way."
REFUSED = "This link no longer works"


def with_account(speaker, **fields):
    """The speaker with a sign-in account, as an invitation gives them one."""
    user = User(username=f"speaker-{speaker.pk}")
    user.set_unusable_password()
    user.save()
    speaker.user = user
    for name, value in fields.items():
        setattr(speaker, name, value)
    speaker.save()
    return speaker


def link(speaker, language="en"):
    with translation.override(language):
        path = reverse("speaker-space")
    return path + get_query_string(speaker.user, scope=mail.SIGN_IN_SCOPE)


def signed_in(speaker):
    client = Client()
    client.force_login(speaker.user, backend="sesame.backends.ModelBackend")
    return client


def text_of(response):
    return " ".join(strip_tags(response.content.decode()).split())


def seat_titles(response):
    found = re.findall(r'<h3 id="seat-\d+-title">(.*?)</h3>', response.content.decode())
    return [strip_tags(title) for title in found]


def png(size=(400, 400)):
    out = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def edition():
    return make_conference()


@pytest.fixture
def speaker(edition):
    return with_account(
        make_speaker(name="Angelica Salas", slug="angelica-salas"),
        email="angelica@example.org",
        preferred_language="es",
    )


@pytest.fixture
def panel(edition, speaker):
    """The speaker on a public session and on a draft, next to Joshua Hoyt."""
    room = make_room(edition, name="Room A")
    other = make_speaker(name="Joshua Hoyt")
    public = make_session(edition, title="Opening plenary", slug="opening-plenary", room=room)
    draft = make_session(
        edition,
        title="Closing caucus",
        slug="closing-caucus",
        status=Session.Status.DRAFT,
        starts_at=public.starts_at + datetime.timedelta(days=1),
        ends_at=public.ends_at + datetime.timedelta(days=1),
    )
    seats = {
        "public": seat(public, speaker),
        "draft": seat(draft, speaker, role=PanelMembership.Role.MODERATOR),
    }
    seat(public, other, role=PanelMembership.Role.MODERATOR)
    return seats


# Signing in


def test_link_signs_in_and_takes_the_token_off_the_address(client, speaker, panel):
    response = client.get(link(speaker))

    assert (response.status_code, response["Location"]) == (302, "/en/speaker/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert seat_titles(page) == ["Opening plenary", "Closing caucus"]
    assert page.context["speaker"] == speaker


def test_page_shows_each_seat_with_time_room_role_and_panel(client, speaker, panel):
    client.get(link(speaker))

    page = client.get(reverse("speaker-space"))

    rows = {row["session"].slug: row for row in page.context["rows"]}
    public, draft = rows["opening-plenary"], rows["closing-caucus"]
    assert (public["public_url"], draft["public_url"]) == (
        panel["public"].session.get_absolute_url(),
        None,
    )
    assert [other.speaker.name for other in public["others"]] == ["Joshua Hoyt"]
    text = text_of(page)
    assert (
        "NIIC 2014: Mon, Dec 15, 10:00–11:15 PST (America/Los_Angeles) Room Room A"
        " Your role Panelist With Joshua Hoyt (moderator)"
    ) in text
    assert "Closing caucus Not yet public" in text


def test_link_in_spanish_keeps_the_language(client, speaker, panel):
    response = client.get(link(speaker, "es"))

    assert response["Location"] == "/es/speaker/"
    page = client.get("/es/speaker/")
    assert '<html lang="es">' in page.content.decode()
    assert seat_titles(page) == ["Opening plenary", "Closing caucus"]
    assert "NIIC 2014: lun 15 dic, 10:00–11:15 PST (America/Los_Angeles)" in text_of(page)


def test_page_is_private_and_never_stored(client, speaker, panel):
    client.get(link(speaker))

    signed = client.get(reverse("speaker-space"))
    anonymous = Client().get(reverse("speaker-space"))

    assert signed["Cache-Control"] == "private, no-store"
    assert anonymous["Cache-Control"] == "private, no-store"


def test_sign_in_form_sets_no_cookie_for_a_visitor(client, db):
    response = client.get(reverse("speaker-space"))

    assert (response.status_code, response.cookies) == (200, {})


def refused_page(client, address):
    """Follows a refused link to the page it leads to."""
    response = client.get(address)
    assert response.status_code == 302
    assert "sesame" not in response["Location"]
    return client.get(response["Location"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_expired_link_gets_a_clear_page_and_the_form(client, speaker, panel, settings, language):
    address = link(speaker, language)
    # Every link is past a limit of no time at all: the check of a link's age, as it is run
    # on one older than SESAME_MAX_AGE.
    settings.SESAME_MAX_AGE = 0

    page = refused_page(client, address)

    assert (page.status_code, page.context["refused"]) == (200, True)
    assert page.context["form"].fields["email"].required
    with translation.override(language):
        assert str(page.context["form"].fields["email"].label) in text_of(page)
    assert "_auth_user_id" not in client.session


def test_revoked_link_gets_a_clear_page_and_the_form(client, speaker, panel):
    address = link(speaker)
    speaker.user.set_unusable_password()  # what an organizer's "revoke" does
    speaker.user.save()

    page = refused_page(client, address)

    assert (page.status_code, page.context["refused"]) == (200, True)
    assert REFUSED in text_of(page)
    assert "_auth_user_id" not in client.session


def test_altered_link_gets_a_clear_page(client, speaker, panel):
    page = refused_page(client, link(speaker)[:-3] + "abc")

    assert (page.status_code, page.context["refused"]) == (200, True)


def test_revoking_signs_out_a_signed_in_speaker(client, speaker, panel):
    client.get(link(speaker))
    speaker.user.set_unusable_password()
    speaker.user.save()

    page = client.get(reverse("speaker-space"))

    assert (page.status_code, "rows" in page.context) == (200, False)


def test_sign_ins_and_link_requests_are_logged_without_the_token(client, speaker, caplog):
    address = link(speaker)
    token = address.partition("sesame=")[2]

    with caplog.at_level(logging.INFO, logger="niic.speaker_space"):
        client.get(address[:-3] + "abc")
        client.get(address)
        ask_for_link(Client(), "angelica@example.org")

    assert [
        record.getMessage() for record in caplog.records if record.name == "niic.speaker_space"
    ] == [
        "A speaker sign-in link was refused (expired, revoked or not one of ours) from 127.0.0.1.",
        f"Speaker {speaker.pk} signed in with their link from 127.0.0.1.",
        f"Speaker sign-in link queued for speaker {speaker.pk}.",
        "Speaker sign-in link asked for from 127.0.0.1.",
    ]
    assert [record for record in caplog.records if token[:20] in record.getMessage()] == []


def test_too_many_refused_links_lock_the_address_out_like_logins(client, speaker, panel):
    good = link(speaker)
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        client.get(good[:-3] + "abc")

    response = client.get(good)

    assert (response.status_code, "_auth_user_id" in client.session) == (429, False)


# Answers


def answer(client, seat_pk, value, note=""):
    prefix = f"seat-{seat_pk}"
    return client.post(
        reverse("speaker-seat-answer", args=[seat_pk]),
        {f"{prefix}-answer": value, f"{prefix}-note": note},
    )


def test_confirming_records_the_answer_its_time_and_note(speaker, panel):
    client = signed_in(speaker)
    the_seat = panel["draft"]
    session_version = the_seat.session.version
    before = timezone.now()

    response = answer(client, the_seat.pk, "confirmed", "I need a lapel microphone.")

    assert (response.status_code, response["Location"]) == (
        302,
        f"/en/speaker/#seat-{the_seat.pk}",
    )
    the_seat.refresh_from_db()
    assert (the_seat.answer, the_seat.answer_note) == (
        PanelMembership.Answer.CONFIRMED,
        "I need a lapel microphone.",
    )
    assert before <= the_seat.answered_at <= timezone.now()
    # The session itself is untouched: no new version, nothing for attendees.
    the_seat.session.refresh_from_db()
    assert the_seat.session.version == session_version
    record = the_seat.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        speaker.user,
        "Confirmed on the speaker's page",
    )
    page = client.get(response["Location"])
    assert "Your answer Confirmed" in text_of(page)
    assert [str(message) for message in page.context["messages"]] == [
        "Thank you: your seat is confirmed."
    ]


def test_declining_is_recorded(speaker, panel):
    client = signed_in(speaker)

    answer(client, panel["public"].pk, "declined", "Travelling that week.")

    panel["public"].refresh_from_db()
    assert (panel["public"].answer, panel["public"].answer_note) == (
        PanelMembership.Answer.DECLINED,
        "Travelling that week.",
    )


def test_another_speakers_seat_cannot_be_answered_by_its_id(speaker, panel):
    client = signed_in(speaker)
    other_seat = panel["public"].session.panel.exclude(speaker=speaker).get()

    response = answer(client, other_seat.pk, "declined")

    assert response.status_code == 404
    other_seat.refresh_from_db()
    assert (other_seat.answer, other_seat.answered_at) == (
        PanelMembership.Answer.NOT_INVITED,
        None,
    )


def test_a_visitor_cannot_answer(client, speaker, panel):
    response = answer(client, panel["public"].pk, "confirmed")

    assert response.status_code == 403
    panel["public"].refresh_from_db()
    assert panel["public"].answer == PanelMembership.Answer.NOT_INVITED


def test_an_answer_that_is_neither_is_shown_on_the_form(speaker, panel):
    client = signed_in(speaker)

    response = answer(client, panel["public"].pk, "maybe")

    assert response.status_code == 400
    assert "Your answer was not saved:" in text_of(response)
    panel["public"].refresh_from_db()
    assert panel["public"].answer == PanelMembership.Answer.NOT_INVITED


def test_a_cancelled_session_has_nothing_to_answer(speaker, panel):
    client = signed_in(speaker)
    session = panel["public"].session
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)

    response = answer(client, panel["public"].pk, "confirmed")

    assert response.status_code == 400
    assert "This session is cancelled: there is nothing to answer." in text_of(response)


# Through the door, whoever calls


def test_seat_answer_refuses_anyone_but_the_speaker_or_an_organizer(speaker, panel):
    stranger = with_account(make_speaker()).user

    with pytest.raises(PermissionDenied):
        seat_answer(user=stranger, seat=panel["public"], answer="confirmed", note="")
    organizer = make_organizer()
    seat_answer(user=organizer, seat=panel["public"], answer="confirmed", note="By phone.")

    panel["public"].refresh_from_db()
    assert (panel["public"].answer, panel["public"].history.latest().history_user) == (
        PanelMembership.Answer.CONFIRMED,
        organizer,
    )


def test_profile_save_refuses_another_speaker_and_fields_not_theirs(speaker):
    stranger = with_account(make_speaker()).user

    with pytest.raises(PermissionDenied):
        speaker_profile_save(user=stranger, speaker=speaker, changes={"pronouns": "she/her"})
    with pytest.raises(PermissionDenied):
        speaker_profile_save(user=speaker.user, speaker=speaker, changes={"slug": "taken"})
    with pytest.raises(PermissionDenied):
        speaker_profile_save(
            user=speaker.user, speaker=speaker, changes={"email": "else@example.org"}
        )

    speaker.refresh_from_db()
    assert (speaker.pronouns, speaker.slug, speaker.email) == (
        "",
        "angelica-salas",
        "angelica@example.org",
    )


# The profile


def profile_data(speaker, **changes):
    data = {
        "name": speaker.name,
        "pronouns": speaker.pronouns,
        "job_title_en": speaker.job_title_en or "",
        "job_title_es": speaker.job_title_es or "",
        "bio_en": speaker.bio_en or "",
        "bio_es": speaker.bio_es or "",
        "organization": speaker.organization_id or "",
        "proposed_organization": speaker.proposed_organization,
        "preferred_language": speaker.preferred_language,
    }
    data.update(changes)
    return data


def test_a_spanish_bio_saved_there_shows_on_the_spanish_public_page(speaker, panel):
    client = signed_in(speaker)
    bio = "Directora ejecutiva de **CHIRLA**.<script>alert(1)</script>"

    response = client.post(
        reverse("speaker-profile-save"),
        profile_data(speaker, bio_es=bio, pronouns="ella", job_title_es="Directora"),
    )

    assert (response.status_code, response["Location"]) == (302, "/en/speaker/#profile")
    public = Client().get(f"/es/speakers/{speaker.slug}/")
    html = public.content.decode()
    assert "<p>Directora ejecutiva de <strong>CHIRLA</strong>.</p>" in html
    assert "<script>alert(1)" not in html
    assert "(ella)" in text_of(public)
    speaker.refresh_from_db()
    record = speaker.history.latest()
    assert (speaker.bio_es, speaker.bio_en, record.history_user, record.history_change_reason) == (
        bio,
        None,
        speaker.user,
        "Changed on the speaker's page",
    )


def test_a_chosen_organization_or_a_proposed_one(speaker):
    client = signed_in(speaker)
    chirla = make_organization(name="CHIRLA")

    client.post(reverse("speaker-profile-save"), profile_data(speaker, organization=chirla.pk))
    speaker.refresh_from_db()
    chosen = speaker.organization
    client.post(
        reverse("speaker-profile-save"),
        profile_data(speaker, organization="", proposed_organization="New Americans Campaign"),
    )
    speaker.refresh_from_db()

    assert (chosen, speaker.organization, speaker.proposed_organization) == (
        chirla,
        None,
        "New Americans Campaign",
    )


def test_both_an_organization_and_a_proposal_is_refused_and_nothing_is_saved(speaker):
    client = signed_in(speaker)
    chirla = make_organization(name="CHIRLA")

    response = client.post(
        reverse("speaker-profile-save"),
        profile_data(
            speaker, pronouns="ella", organization=chirla.pk, proposed_organization="Other"
        ),
    )

    assert response.status_code == 400
    assert response.context["profile_form"].errors == {
        "proposed_organization": [
            "Choose an organization from the list or name one that is not in it, not both."
        ]
    }
    speaker.refresh_from_db()
    assert (speaker.pronouns, speaker.organization) == ("", None)


def test_a_photo_is_validated_as_in_the_admin(speaker):
    client = signed_in(speaker)
    not_a_photo = SimpleUploadedFile("salas.gif", b"GIF89a" + b"\0" * 100)

    refused = client.post(
        reverse("speaker-profile-save"),
        {**profile_data(speaker, pronouns="ella"), "photo": not_a_photo},
    )

    assert refused.status_code == 400
    assert list(refused.context["profile_form"].errors) == ["photo"]
    speaker.refresh_from_db()
    assert (speaker.pronouns, bool(speaker.photo)) == ("", False)
    accepted = client.post(
        reverse("speaker-profile-save"),
        {**profile_data(speaker), "photo": SimpleUploadedFile("salas.png", png())},
    )
    assert accepted.status_code == 302
    speaker.refresh_from_db()
    assert re.fullmatch(r"speakers/angelica-salas-[0-9a-f]{8}\.png", speaker.photo.name)


def test_an_empty_name_is_shown_on_the_form(speaker):
    client = signed_in(speaker)

    response = client.post(reverse("speaker-profile-save"), profile_data(speaker, name=""))

    assert response.status_code == 400
    assert response.context["profile_form"].errors == {"name": ["This field is required."]}
    speaker.refresh_from_db()
    assert speaker.name == "Angelica Salas"


def test_a_visitor_cannot_save_a_profile(client, speaker):
    response = client.post(reverse("speaker-profile-save"), profile_data(speaker, name="X"))

    assert response.status_code == 403
    speaker.refresh_from_db()
    assert speaker.name == "Angelica Salas"


# Asking for a new link


def ask_for_link(client, address, **extra):
    return client.post(reverse("speaker-link-request"), {"email": address}, **extra)


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, speaker):
    known = ask_for_link(client, "Angelica@Example.org")
    unknown = ask_for_link(client, "nobody@example.org")

    assert (known.status_code, unknown.status_code) == (200, 200)
    assert SENT in text_of(known)
    assert text_of(known) == text_of(unknown)
    assert (known.cookies, unknown.cookies) == ({}, {})
    assert list(Message.objects.values_list("speaker", "kind", "to")) == [
        (speaker.pk, Message.Kind.SIGN_IN, "angelica@example.org")
    ]


def test_the_new_link_comes_in_the_speakers_language_and_signs_them_in(client, speaker, panel):
    ask_for_link(client, "angelica@example.org")
    assert mail.send_due() == 1

    (email,) = outbox.outbox
    found = re.search(r"http://127\.0\.0\.1:8000(/es/speaker/\?sesame=\S+)", email.body)
    assert found is not None
    assert email.to == ["angelica@example.org"]
    response = client.get(found.group(1))
    assert response["Location"] == "/es/speaker/"
    assert seat_titles(client.get("/es/speaker/")) == ["Opening plenary", "Closing caucus"]


def test_no_link_for_a_speaker_without_an_account(client, edition):
    make_speaker(email="hoyt@example.org")

    response = ask_for_link(client, "hoyt@example.org")

    assert (response.status_code, Message.objects.count()) == (200, 0)


def test_a_cross_site_post_is_refused(client, speaker):
    response = ask_for_link(
        client, "angelica@example.org", headers={"Sec-Fetch-Site": "cross-site"}
    )

    assert (response.status_code, Message.objects.count()) == (403, 0)


def test_links_are_limited_per_address_with_the_same_answer(client, speaker, settings):
    answers = [
        ask_for_link(client, "angelica@example.org", REMOTE_ADDR=f"10.0.0.{number}")
        for number in range(settings.NIIC_SIGN_IN_LINK_EMAILS_PER_ADDRESS + 2)
    ]

    assert {response.status_code for response in answers} == {200}
    assert {text_of(response) for response in answers} == {text_of(answers[0])}
    assert Message.objects.count() == settings.NIIC_SIGN_IN_LINK_EMAILS_PER_ADDRESS


def test_links_are_limited_per_client(client, speaker, settings):
    limit = settings.NIIC_SIGN_IN_LINK_REQUESTS_PER_CLIENT
    for number in range(limit):
        ask_for_link(client, f"someone-{number}@example.org")

    refused = ask_for_link(client, "angelica@example.org")

    assert (refused.status_code, refused["Retry-After"]) == (429, "3600")
    assert "Too many sign-in links were asked for from this connection." in text_of(refused)
    assert Message.objects.count() == 0


def test_a_malformed_address_is_shown_on_the_form(client, db):
    response = ask_for_link(client, "not an address")

    assert response.status_code == 400
    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


# Privacy


def test_the_address_is_on_no_public_page_nor_export(speaker, panel, edition):
    anonymous = Client()
    pages = (
        [f"/{language}/speakers/{speaker.slug}/" for language in ("en", "es")]
        + [
            reverse(f"program:{name}", kwargs={"edition": edition.slug})
            for name in ("schedule-json", "schedule-csv", "schedule-xml", "schedule")
        ]
        + [reverse("speaker-list"), reverse("search") + "?q=angelica"]
    )

    bodies = {address: anonymous.get(address) for address in pages}

    assert {address: response.status_code for address, response in bodies.items()} == dict.fromkeys(
        pages, 200
    )
    assert [
        address
        for address, response in bodies.items()
        if b"angelica@example.org" in response.content
    ] == []
    assert "Angelica Salas" in bodies[pages[0]].content.decode()


def test_the_page_costs_the_same_few_queries(speaker, panel, django_assert_num_queries):
    client = signed_in(speaker)
    client.get(reverse("speaker-space"))

    with django_assert_num_queries(8):
        client.get(reverse("speaker-space"))
