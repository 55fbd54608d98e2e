"""The translators: one group per site language; a translator changes the texts of their language
(sessions, speakers, organizations, tracks, topics, rooms, release notes) and nothing else, in the
admin and through the services, even with a forged form."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from niic.roles import setup_roles, translator_group
from sessions import services
from sessions.models import PanelMembership, Release, Room, Session
from sessions.services import invitations
from speakers.models import Message, Organization, Speaker
from tests.factories import make_conference, make_session, make_speaker, make_track, seat
from tests.sessions.admin_forms import change_url, form_data, message_texts
from tracks.models import Topic, Track

pytestmark = pytest.mark.django_db


def make_translator(*codes, username="traductora"):
    user = User.objects.create_user(username, f"{username}@example.org", is_staff=True)
    for code in codes:
        user.groups.add(translator_group(code))
    return user


@pytest.fixture
def translator(db):
    return make_translator("es")


def test_setup_roles_makes_a_translators_group_per_site_language(db):
    setup_roles()
    setup_roles()
    spanish = translator_group("es")
    assert spanish.name == "Translators (es)"
    assert translator_group("en").name == "Translators (en)"
    assert sorted(spanish.permissions.values_list("codename", flat=True)) == [
        "view_conference",
        "view_language",
        "view_organization",
        "view_panelmembership",
        "view_release",
        "view_room",
        "view_session",
        "view_speaker",
        "view_topic",
        "view_track",
    ]


def test_translator_group_refuses_a_language_the_site_does_not_have(db):
    with pytest.raises(LookupError):
        translator_group("fr")


def test_translator_languages_are_those_of_their_groups(db, organizer):
    assert services.translator_languages(make_translator("es", "en", username="both")) == {
        "en",
        "es",
    }
    assert services.translator_languages(make_translator("es")) == {"es"}
    assert services.translator_languages(organizer) == set()


# Through the services


def test_a_translator_changes_a_sessions_spanish_texts(conference, translator):
    session = make_session(conference, title="Opening plenary")
    session.title_es = "Plenaria de apertura"
    session.description_es = "Bienvenida."
    services.session_save(user=translator, session=session)
    stored = Session.objects.get(pk=session.pk)
    assert (stored.title_en, stored.title_es, stored.description_es) == (
        "Opening plenary",
        "Plenaria de apertura",
        "Bienvenida.",
    )


def test_the_services_refuse_a_translators_change_to_another_language_or_field(
    conference, translator
):
    session = make_session(conference, title="Opening plenary")
    session.title_en = "Hacked"
    session.format = Session.Format.KEYNOTE
    with pytest.raises(PermissionDenied) as refusal:
        services.session_save(user=translator, session=session)
    assert str(refusal.value) == (
        "As a translator into Spanish you may change only the texts in Spanish. "
        "Not changed: title [en] and format."
    )
    assert Session.objects.get(pk=session.pk).title_en == "Opening plenary"


def test_the_services_refuse_a_translators_draft_and_panel(conference, translator):
    draft = make_session(conference, status=Session.Status.DRAFT)
    draft.title_es = "Borrador"
    with pytest.raises(PermissionDenied):
        services.session_save(user=translator, session=draft)
    public = make_session(conference)
    with pytest.raises(PermissionDenied):
        services.session_save(user=translator, session=public, related=services.Related(panel=[]))


@pytest.mark.parametrize(
    ("make", "texts"),
    [
        (lambda c: make_speaker(job_title="Director"), {"job_title_es": "Directora"}),
        (lambda c: make_speaker(bio="A bio."), {"bio_es": "Una biografía."}),
        (
            lambda c: Organization.objects.create(name="Our org", slug="our-org"),
            {"name_es": "Nuestra org"},
        ),
        (lambda c: make_track(c, name="Health"), {"name_es": "Salud", "description_es": "D."}),
        (
            lambda c: Topic.objects.create(track=make_track(c), name="Care", slug="care"),
            {"name_es": "Cuidados"},
        ),
        (
            lambda c: Room.objects.create(conference=c, name="Main hall", slug="main-hall"),
            {"name_es": "Salón principal"},
        ),
    ],
)
def test_a_translator_changes_only_the_spanish_texts_of_every_kind(
    conference, translator, make, texts
):
    obj = make(conference)
    for column, text in texts.items():
        setattr(obj, column, text)
    services.program_object_save(user=translator, obj=obj)
    stored = type(obj).objects.get(pk=obj.pk)
    assert {column: getattr(stored, column) for column in texts} == texts
    stored.slug = "moved"
    with pytest.raises(PermissionDenied):
        services.program_object_save(user=translator, obj=stored)
    assert type(obj).objects.get(pk=obj.pk).slug != "moved"


def test_a_translator_adds_nothing_and_edits_no_edition(conference, translator):
    with pytest.raises(PermissionDenied):
        services.program_object_save(user=translator, obj=Speaker(name="New", slug="new"))
    conference.name_es = "Conferencia"
    with pytest.raises(PermissionDenied):
        services.program_object_save(user=translator, obj=conference)


def test_a_translator_changes_the_release_note_in_their_language_only(
    conference, organizer, translator
):
    make_session(conference)
    release = services.program_release(
        user=organizer, conference=conference, name="v1", note="The program."
    )
    services.release_change(
        user=translator,
        release=release,
        name="v1",
        note={"en": "The program.", "es": "El programa."},
    )
    stored = Release.objects.get()
    assert (stored.note_en, stored.note_es) == ("The program.", "El programa.")
    with pytest.raises(PermissionDenied):
        services.release_change(user=translator, release=stored, name="v2", note={})
    with pytest.raises(PermissionDenied):
        services.release_change(
            user=translator, release=stored, name="v1", note={"en": "Hacked", "es": "El programa."}
        )
    assert (Release.objects.get().name, Release.objects.get().note_en) == ("v1", "The program.")


# In the admin


def test_a_translator_sees_public_sessions_of_every_track_and_no_draft(
    client, conference, translator
):
    published = make_session(conference, track=make_track(conference), title="Public one")
    draft = make_session(conference, status=Session.Status.DRAFT, title="Secret draft")
    client.force_login(translator)
    listing = client.get(reverse("admin:program_session_changelist"))
    assert listing.status_code == 200
    assert [row.pk for row in listing.context["cl"].result_list] == [published.pk]
    assert client.get(change_url(draft)).status_code == 302  # "doesn't exist" for them


def test_a_translators_session_form_offers_only_the_spanish_texts(client, conference, translator):
    session = make_session(conference, title="Opening plenary")
    client.force_login(translator)
    page = client.get(change_url(session))
    assert page.status_code == 200
    assert sorted(page.context["adminform"].form.fields) == [
        "cancellation_note_es",
        "description_es",
        "title_es",
    ]


def test_a_translator_saves_a_translation_in_the_admin(client, conference, translator):
    session = make_session(conference, title="Opening plenary")
    client.force_login(translator)
    response = client.post(
        change_url(session),
        {
            "title_es": "Plenaria de apertura",
            "description_es": "",
            "cancellation_note_es": "",
            # The panel is shown read-only; its management form is still sent.
            "panel-TOTAL_FORMS": 0,
            "panel-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(pk=session.pk).title_es == "Plenaria de apertura"


def test_a_forged_post_changes_nothing_but_the_spanish_texts(client, conference, translator):
    """A translator's browser sends every field of an organizer's form: only Spanish is kept."""
    session = make_session(conference, title="Opening plenary")
    before = Session.objects.get(pk=session.pk)
    client.force_login(translator)
    forged = form_data(
        session,
        title_en="Hacked",
        title_es="Plenaria",
        status=Session.Status.DRAFT,
        day="2014-12-16",
    )
    response = client.post(change_url(session), forged)
    assert response.status_code == 302
    after = Session.objects.get(pk=session.pk)
    assert (after.title_en, after.title_es, after.status, after.starts_at) == (
        "Opening plenary",
        "Plenaria",
        before.status,
        before.starts_at,
    )


def test_a_forged_speaker_post_keeps_everything_but_the_spanish_texts(client, translator):
    speaker = make_speaker(name="Eva Millona", job_title="Director", email="eva@example.org")
    client.force_login(translator)
    url = reverse("admin:speakers_speaker_change", args=[speaker.pk])
    page = client.get(url)
    assert sorted(page.context["adminform"].form.fields) == ["bio_es", "job_title_es"]
    response = client.post(
        url,
        {
            "name": "Hacked",
            "email": "hacker@example.org",
            "job_title_en": "Hacked",
            "job_title_es": "Directora",
            "bio_es": "",
        },
    )
    assert response.status_code == 302
    stored = Speaker.objects.get(pk=speaker.pk)
    assert (stored.name, stored.email, stored.job_title_en, stored.job_title_es) == (
        "Eva Millona",
        "eva@example.org",
        "Director",
        "Directora",
    )


def test_a_translator_cannot_add_or_change_a_track_order_in_the_admin(
    client, conference, translator
):
    track = make_track(conference, name="Health")
    client.force_login(translator)
    assert client.get(reverse("admin:tracks_track_add")).status_code == 403
    page = client.get(reverse("admin:tracks_track_change", args=[track.pk]))
    assert sorted(page.context["adminform"].form.fields) == ["description_es", "name_es"]
    response = client.post(
        reverse("admin:tracks_track_change", args=[track.pk]),
        {"name_es": "Salud", "description_es": "", "order": 99, "topics-TOTAL_FORMS": 0,
         "topics-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302, message_texts(response)
    stored = Track.objects.get(pk=track.pk)
    assert (stored.name_es, stored.order) == ("Salud", track.order)


def test_a_translator_corrects_a_release_note_in_the_admin(
    client, conference, organizer, translator
):
    make_session(conference)
    release = services.program_release(
        user=organizer, conference=conference, name="v1", note="The program."
    )
    client.force_login(translator)
    url = reverse("admin:program_release_change", args=[release.pk])
    page = client.get(url)
    assert list(page.context["adminform"].form.fields) == ["note_es"]
    response = client.post(url, {"name": "Hacked", "note_en": "Hacked", "note_es": "El programa."})
    assert response.status_code == 302
    stored = Release.objects.get()
    assert (stored.name, stored.note_en, stored.note_es) == ("v1", "The program.", "El programa.")
    with translation.override("es"):
        assert stored.note == "El programa."


# The speakers' e-mail about a release: its note in the speaker's language, else the other


def test_a_releases_e_mail_gives_each_speaker_the_note_in_their_language(
    conference, organizer, django_capture_on_commit_callbacks
):
    edition = make_conference(
        slug="niic-2036", year=2036, publishes_at_once=False,
        start_date=datetime.date(2036, 12, 14), end_date=datetime.date(2036, 12, 16),
    )  # fmt: skip
    session = make_session(
        edition,
        starts_at=datetime.datetime(2036, 12, 15, 18, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2036, 12, 15, 19, tzinfo=datetime.UTC),
    )
    ana = make_speaker(name="Ana", email="ana@example.org", preferred_language="en")
    bruno = make_speaker(name="Bruno", email="bruno@example.org", preferred_language="es")
    seat(session, ana)
    seat(session, bruno, order=1)
    invitations.speakers_invite(user=organizer, sessions=[session])
    with django_capture_on_commit_callbacks(execute=True):
        services.program_release(user=organizer, conference=edition, name="v1")
    Message.objects.all().delete()
    session.refresh_from_db()
    session.title_en = "Retitled"
    services.session_save(user=organizer, session=session)
    with django_capture_on_commit_callbacks(execute=True):
        services.program_release(
            user=organizer, conference=edition, name="v2", note={"en": "", "es": "Salas nuevas."}
        )
    bodies = dict(Message.objects.values_list("to", "body"))
    assert PanelMembership.objects.filter(answer="not_invited").count() == 0
    assert "Salas nuevas." in bodies["bruno@example.org"]
    assert "Salas nuevas." in bodies["ana@example.org"]  # no English note: the Spanish one


# "To translate": the session list's column names the language; every list filters by it


def test_the_to_translate_column_names_the_language(client, conference, organizer):
    make_session(conference, title="Opening plenary")
    client.force_login(organizer)
    page = client.get(reverse("admin:program_session_changelist"))
    assert '<td class="field-to_translate">Spanish</td>' in page.text


@pytest.mark.parametrize(
    "changelist",
    [
        "program_session",
        "speakers_speaker",
        "speakers_organization",
        "tracks_track",
        "tracks_topic",
        "program_room",
    ],
)
def test_every_list_of_texts_filters_what_is_untranslated(
    client, conference, translator, changelist
):
    make_speaker(name="Eva Millona", bio="A bio.")
    client.force_login(translator)
    page = client.get(reverse(f"admin:{changelist}_changelist") + "?untranslated=es")
    assert page.status_code == 200
    assert "untranslated" in [
        each.parameter_name
        for each in page.context["cl"].filter_specs
        if hasattr(each, "parameter_name")
    ]


def test_a_translator_reads_no_history_of_a_session(client, conference, translator):
    """Its versions may be from before it was published."""
    session = make_session(conference)
    client.force_login(translator)
    assert (
        client.get(reverse("admin:program_session_history", args=[session.pk])).status_code == 404
    )
    record = session.history.first()
    url = reverse("admin:program_session_simple_history", args=[session.pk, record.history_id])
    assert client.get(url).status_code == 404
