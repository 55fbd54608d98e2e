"""The admin in Spanish says everything in Spanish: every message path of the program's admin
(the rules' refusals and warnings, the stale save, the actions' previews, history, conflicts,
the board and its moves, the session form and list, the import's row errors, validators) is
rendered with Spanish active, and none of the English text of our catalogue may appear on the
page."""

import html
import io
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from sessions import services
from sessions.models import Session
from tests.factories import (
    la_time,
    make_room,
    make_session,
    make_speaker,
    make_topic,
    make_track,
    seat,
)
from tests.sessions.admin_forms import change_url, form_data

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdf]|\{\w+\}|%[sd]")


def english_fragments():
    """Pieces of our English messages long enough (three words) to recognize on a page, leaving
    out those Spanish spells the same way."""
    catalogue = polib.pofile(Path(settings.LOCALE_PATHS[0]) / "es/LC_MESSAGES/django.po")
    fragments = set()
    for entry in catalogue:
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(source):
                piece = piece.strip(" .,:;“”()—")
                if len(re.findall(r"[A-Za-z]+", piece)) >= 3 and not any(
                    piece in translation for translation in translations
                ):
                    fragments.add(piece)
    return fragments


ENGLISH = english_fragments()


def page_text(response):
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    return html.unescape(strip_tags(response.content.decode() + " ".join(shown)))


def english_in(text):
    return sorted(fragment for fragment in ENGLISH if fragment in text)


@pytest.fixture
def spanish_organizer(client, organizer):
    client.force_login(organizer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    return client


@pytest.fixture
def busy_program(conference, organizer):
    track = make_track(conference, name="Eje A", slug="eje-a")
    other_track = make_track(conference, name="Eje B", slug="eje-b")
    make_topic(other_track, name="Tema ajeno", slug="tema-ajeno")
    hall = make_room(conference, name="Sala Uno", slug="sala-uno")
    speaker = make_speaker(name="Eva Millona", slug="eva-millona")
    busy = make_session(conference, title="Plenaria", slug="plenaria", room=hall)
    seat(busy, speaker)
    draft = make_session(
        conference,
        title="Borrador",
        slug="borrador",
        track=track,
        room=hall,
        status="draft",
        starts_at=la_time(15, "10:30"),
        ends_at=la_time(15, "11:00"),
    )
    seat(draft, speaker)
    return {"busy": busy, "draft": draft, "speaker": speaker, "hall": hall}


def test_every_message_of_the_session_form_is_in_spanish(spanish_organizer, busy_program):
    draft = busy_program["draft"]
    client = spanish_organizer
    pages = [
        client.post(change_url(draft), form_data(draft, status="published")),
        client.post(change_url(draft), form_data(draft, status="cancelled")),
        client.post(change_url(draft), form_data(draft, day="2014-12-20")),
        client.post(
            change_url(draft),
            form_data(draft, topics=[draft.conference.tracks.last().topics.get().pk]),
        ),
        client.post(change_url(draft), form_data(draft, title="Borrador 2"), follow=True),
        client.post(change_url(draft), form_data(draft, loaded_version=0)),
        client.get(reverse("admin:program_session_changelist")),
    ]
    for page in pages:
        assert english_in(page_text(page)) == []
    assert "lun 15 dic" in page_text(pages[0])


def test_the_actions_history_conflicts_and_board_are_in_spanish(
    spanish_organizer, busy_program, organizer
):
    client = spanish_organizer
    draft = busy_program["draft"]
    url = reverse("admin:program_session_changelist")
    selected = {"_selected_action": [draft.pk]}
    services.session_save(user=organizer, session=draft)
    version = draft.history.order_by("-history_id").first()
    pages = [
        client.post(url, {"action": "publish", **selected}),
        client.post(url, {"action": "publish", "apply": "1", **selected}, follow=True),
        client.post(url, {"action": "cancel", "confirm": "1", **selected}),
        client.post(url, {"action": "move_to_track", **selected}),
        client.post(url, {"action": "duplicate", **selected}),
        client.get(reverse("admin:program_session_history", args=[draft.pk])),
        client.get(reverse("admin:program_session_simple_history", args=[draft.pk, version.pk])),
        client.get(reverse("admin:program_session_conflicts")),
        client.get(reverse("admin:program_session_board"), {"day": "2014-12-15"}),
    ]
    for page in pages:
        assert page.status_code == 200
        assert english_in(page_text(page)) == []


def test_the_board_its_moves_the_form_and_the_list_are_in_spanish(
    spanish_organizer, busy_program, conference
):
    client = spanish_organizer
    draft = busy_program["draft"]
    make_session(conference, title="Sin sala", slug="sin-sala", status="draft")
    make_room(conference, name="Sala Dos", slug="sala-dos")
    board = client.get(
        reverse("admin:program_session_board"), {"edition": conference.slug, "day": "2014-12-15"}
    )
    pages = [
        board,
        client.get(reverse("admin:program_session_add")),
        client.get(change_url(draft)),
        client.post(change_url(draft), form_data(draft, status="published", end_time="09:00")),
        client.get(reverse("admin:program_session_changelist")),
        client.get(reverse("admin:index")),
    ]
    for page in pages:
        assert page.status_code == 200
        assert english_in(page_text(page)) == []
    text = page_text(board)
    assert "Sin programar" in text
    assert "Añadir una sesión en Sala Dos a las 08:00" in text
    # The board's script speaks from the page's own words.
    assert 'data-cancelled="No se trasladó."' in board.content.decode()
    assert "Quién: el panel" in page_text(pages[1])
    assert "Una sesión debe terminar después de empezar." in page_text(pages[3])

    move = reverse("admin:program_session_move", args=[draft.pk])
    busy = busy_program["busy"]
    refused = client.post(move, {"room": "", "starts_at": "2014-12-20T10:00", "version": 1})
    malformed = client.post(move, {"room": "", "starts_at": "mañana", "version": 1})
    moved = client.post(
        move, {"room": busy.room_id, "starts_at": "2014-12-15T10:15", "version": draft.version}
    )
    for answer in (refused, malformed, moved):
        texts = [answer.json().get("message", ""), *answer.json().get("errors", [])]
        texts += answer.json().get("warnings", [])
        assert english_in(" ".join(texts)) == []
    assert moved.json()["message"].startswith("“Borrador” trasladada: Sala Uno, lun 15 dic")


def test_the_import_merge_and_validators_speak_spanish(spanish_organizer, busy_program, conference):
    client = spanish_organizer
    rows = (
        "edition,slug,title,track,topics,format,status,day,start,end,room,languages,"
        "interpretation,cart,asl,panel,description\n"
        f"{conference.slug},nueva,Nueva,eje-a,,panel,published,2014-12-15,10:30,11:00,sala-uno,"
        ",,no,no,Eva Millona (panelist),\n"
        f"{conference.slug},otra,Otra,eje-x,,charla,listo,2014-13-45,25:00,11:00,sala-x,xx,,"
        "quizá,no,Nadie (jefe),\n"
    )
    upload = SimpleUploadedFile("programa.csv", rows.encode(), content_type="text/csv")
    imported = client.post(reverse("admin:program_session_import"), {"spreadsheet": upload})
    duplicate = make_speaker(name="Eva M.", slug="eva-m")
    seat(
        make_session(
            conference, title="Tarde", starts_at=la_time(15, "11:00"), ends_at=la_time(15, "12:00")
        ),
        duplicate,
    )
    merged = client.post(
        reverse("admin:speakers_speaker_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [busy_program["speaker"].pk, duplicate.pk],
            "keep": busy_program["speaker"].pk,
            "apply": busy_program["speaker"].pk,
        },
        follow=True,
    )
    track = busy_program["draft"].track
    colour = client.post(
        reverse("admin:tracks_track_change", args=[track.pk]),
        {
            "conference": track.conference_id,
            "name": track.name,
            "slug": track.slug,
            "order": 1,
            "colour": "#ffff00",
            "topics-TOTAL_FORMS": 0,
            "topics-INITIAL_FORMS": 0,
        },
    )
    photo = client.post(
        reverse("admin:speakers_speaker_change", args=[duplicate.pk]),
        {
            "name": duplicate.name,
            "slug": duplicate.slug,
            "photo": SimpleUploadedFile("foto.gif", io.BytesIO(b"GIF89a").read()),
        },
    )
    for page in (imported, merged, colour, photo):
        assert page.status_code == 200
        assert english_in(page_text(page)) == []
    assert "ya participa en" in page_text(merged)
    assert "no es una hora del día" in page_text(imported)
    assert Session.objects.filter(slug__in=["nueva", "otra"]).count() == 0


def test_the_login_refusal_of_an_account_that_is_not_staff_and_the_language_switch_speak_spanish(
    client, organizer, settings
):
    from django.contrib.auth.models import User

    User.objects.create_user("voluntaria", "v@example.org", "correct-horse-battery")

    refused = client.post(
        reverse("admin:login"),
        {"username": "voluntaria", "password": "correct-horse-battery"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    client.force_login(organizer)
    index = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="es")

    assert re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', refused.text, re.S) == [
        "Esta cuenta no es una cuenta del personal, así que no puede usar esta administración: "
        "pida a un organizador que la ponga en el grupo Organizers, Track chairs o en un grupo "
        "Translators."
    ]
    assert re.search(r'<form class="admin-language"[^>]*aria-label="([^"]*)"', index.text)[1] == (
        "Idioma de la administración"
    )
    for page in (refused, index):
        assert english_in(page_text(page)) == []
