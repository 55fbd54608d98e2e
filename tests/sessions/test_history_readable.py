"""History pages a person can read: times in the edition's zone with its abbreviation (never raw
UTC), plain column names, a session's panel, topics and languages itemised, in English and in
Spanish; a version that did not record its panel says on its restore page that the panel stays,
and restoring it keeps the panel."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from sessions import services
from sessions.models import Language, PanelMembership, Session
from tests.factories import la_time, make_session, make_speaker, make_topic, make_track

pytestmark = pytest.mark.django_db


def text(fragment):
    return " ".join(html.unescape(strip_tags(fragment)).split())


def history_rows(response):
    """Each version's row as the page shows it: {heading: cell}, and its changes as a list."""
    table = re.search(r'<table id="change-history".*?</table>', response.text, re.S)[0]
    headings = [text(cell) for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        shown = dict(zip(headings, map(text, cells), strict=True))
        changes = re.findall(r"<li>(.*?)</li>", row, re.S)
        rows.append({**shown, "changes": [text(change) for change in changes]})
    return headings, rows


@pytest.fixture
def edited_session(conference, organizer):
    """A session made by a loader (its first version records no panel), then edited through
    the services: moved by an hour, then its panel, topics and languages changed."""
    track = make_track(conference, name="Health", slug="health")
    health, youth = (
        make_topic(track, name="Health access", slug="health-access"),
        make_topic(track, name="Youth", slug="youth"),
    )
    tom = make_speaker(name="Tom Nguyen", slug="tom-nguyen")
    eva = make_speaker(name="Eva Millona", slug="eva-millona")
    english = Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]
    spanish = Language.objects.get_or_create(code="es", defaults={"name": "Spanish"})[0]
    session = make_session(
        conference,
        title="Health for all",
        track=track,
        starts_at=la_time(15, "18:00"),
        ends_at=la_time(15, "19:00"),
        status=Session.Status.DRAFT,
    )
    PanelMembership.objects.create(session=session, speaker=tom, role="moderator")
    session.topics.add(health)
    session.languages.add(english)
    session = Session.objects.get(pk=session.pk)
    session.starts_at, session.ends_at = la_time(15, "19:00"), la_time(15, "20:00")
    services.session_save(user=organizer, session=session)
    session = Session.objects.get(pk=session.pk)
    services.session_save(
        user=organizer,
        session=session,
        related=services.Related(
            topics=[youth],
            languages=[english, spanish],
            panel=[
                services.Seat(speaker=tom, role="panelist", order=0),
                services.Seat(speaker=eva, role="panelist", order=1),
            ],
        ),
    )
    session = Session.objects.get(pk=session.pk)
    services.session_save(
        user=organizer,
        session=session,
        related=services.Related(panel=[services.Seat(speaker=eva, role="panelist")]),
    )
    return Session.objects.get(pk=session.pk)


def history_page(client, session, language="en"):
    return client.get(
        reverse("admin:program_session_history", args=[session.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_session_s_history_in_english_says_times_in_the_edition_s_zone_and_itemises_the_panel(
    client, organizer, edited_session, settings
):
    settings.TIME_ZONE = "UTC"  # the server's zone is not the edition's
    client.force_login(organizer)

    page = history_page(client, edited_session)

    headings, rows = history_rows(page)
    assert headings == [
        "Date/time",
        "What changed",
        "User",
        "Action",
        "Reason",
        "Topics, languages and panel",
    ]
    assert [row["changes"] for row in rows] == [
        ["Panel: − Tom Nguyen"],
        [
            "Panel: + Eva Millona (Panelist), Tom Nguyen: Moderator → Panelist",
            "Topics: + Youth, − Health access",
            "Languages: + Spanish",
        ],
        [
            "Start: Mon, Dec 15, 2014, 6 p.m. PST → Mon, Dec 15, 2014, 7 p.m. PST",
            "End: Mon, Dec 15, 2014, 7 p.m. PST → Mon, Dec 15, 2014, 8 p.m. PST",
        ],
        [],
    ]
    assert [row["Action"] for row in rows] == ["Changed", "Changed", "Changed", "Created"]
    assert [row["Reason"] for row in rows] == ["Edited", "Edited", "Edited", "—"]
    assert re.fullmatch(r"\w{3}, \w{3} \d+, \d{4}, .+ (PST|PDT)", rows[0]["Date/time"])
    assert "+00:00" not in page.text
    assert "RELATED_SUMMARY" not in page.text.upper()
    assert text(re.search(r"<h1>(.*?)</h1>", page.text, re.S)[1]) == "History of “Health for all”"


def test_a_session_s_history_in_spanish(client, organizer, edited_session):
    client.force_login(organizer)

    page = history_page(client, edited_session, "es")

    headings, rows = history_rows(page)
    assert headings == [
        "Fecha/hora",
        "Qué cambió",
        "Usuario",
        "Acción",
        "Motivo",
        "Temas, idiomas y panel",
    ]
    assert rows[1]["changes"] == [
        "Panel: + Eva Millona (Panelista), Tom Nguyen: Moderador/a → Panelista",
        "Temas: + Youth, − Health access",
        "Idiomas: + Español",
    ]
    assert rows[2]["changes"][0] == (
        "Inicio: lun 15 dic 2014, 18:00 PST → lun 15 dic 2014, 19:00 PST"
    )
    assert [row["Acción"] for row in rows] == [
        "Modificación",
        "Modificación",
        "Modificación",
        "Creación",
    ]
    assert [row["Motivo"] for row in rows] == ["Editada", "Editada", "Editada", "—"]
    assert text(re.search(r"<h1>(.*?)</h1>", page.text, re.S)[1]) == (
        "Historial de «Health for all»"
    )


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_history_of_a_speaker_and_of_a_track_reads_the_same_way(
    admin_client, conference, language
):
    speaker = make_speaker(name="Eva Millona", slug="eva-millona")
    speaker.name = "Eva A. Millona"
    speaker.save()
    track = make_track(conference, name="Health", slug="health")
    track.name = "Health and care"
    track.save()

    speaker_page = admin_client.get(
        reverse("admin:speakers_speaker_history", args=[speaker.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    track_page = admin_client.get(
        reverse("admin:tracks_track_history", args=[track.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    name_changed = {
        "en": "Name: Eva Millona → Eva A. Millona",
        "es": "Nombre: Eva Millona → Eva A. Millona",
    }
    assert history_rows(speaker_page)[1][0]["changes"] == [name_changed[language]]
    assert history_rows(track_page)[1][0]["changes"][0].endswith("Health → Health and care")
    for page in (speaker_page, track_page):
        date = history_rows(page)[1][0][{"en": "Date/time", "es": "Fecha/hora"}[language]]
        assert date.endswith(" PST"), date


def restore_page(client, session, record, language="en"):
    return client.get(
        reverse("admin:program_session_simple_history", args=[session.pk, record.history_id]),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_restore_page_of_a_version_without_its_panel_says_the_panel_stays(
    client, organizer, edited_session
):
    client.force_login(organizer)
    loaded = edited_session.history.earliest("history_date")

    page = restore_page(client, edited_session, loaded)

    notes = [
        text(note) for note in re.findall(r'<p class="errornote"[^>]*>(.*?)</p>', page.text, re.S)
    ]
    assert notes == [
        "This version does not record its panel (it was saved before panels were recorded with "
        "each version, or by a loader): restoring it keeps the panel as it is now: "
        "Eva Millona (Panelist).",
        "Nor does it record its topics and languages: they stay as they are now too.",
    ]
    breadcrumb = text(re.search(r'<li aria-current="page">(.*?)</li>', page.text, re.S)[1])
    assert re.fullmatch(r"\w{3}, \w{3} \d+, \d{4}, .+ (PST|PDT)", breadcrumb)


def test_restoring_a_version_without_its_panel_brings_the_fields_back_and_keeps_the_panel(
    client, organizer, edited_session
):
    client.force_login(organizer)
    loaded = edited_session.history.earliest("history_date")

    restored = client.post(
        reverse("admin:program_session_simple_history", args=[edited_session.pk, loaded.history_id])
    )

    assert restored.status_code == 302
    session = Session.objects.get(pk=edited_session.pk)
    assert (session.starts_at, session.ends_at) == (la_time(15, "18:00"), la_time(15, "19:00"))
    assert [seat.speaker.name for seat in session.panel.all()] == ["Eva Millona"]
    assert [topic.name for topic in session.topics.all()] == ["Youth"]


def test_a_version_recording_only_some_parts_keeps_the_others_as_they_are(
    organizer, edited_session
):
    record = edited_session.history.latest("history_date")
    record.related_snapshot = {"topics": [], "languages": [], "interpretation": []}

    plan = services.restore_plan(record)

    assert plan.related.panel is None
    assert plan.related.topics == []


def test_the_restore_message_says_the_version_s_time_in_the_edition_s_zone(
    client, organizer, edited_session, settings
):
    settings.TIME_ZONE = "Asia/Tokyo"
    client.force_login(organizer)
    record = edited_session.history.order_by("history_date")[1]
    record.history_date = datetime.datetime(2014, 12, 16, 2, 0, tzinfo=datetime.UTC)
    record.save()

    response = client.post(
        reverse("admin:program_session_simple_history", args=[edited_session.pk, record.history_id])
    )

    [shown] = [str(message) for message in get_messages(response.wsgi_request)]
    # 02:00 UTC on the 16th, as the history list shows it in Los Angeles (not Tokyo's 11 a.m.).
    assert shown.startswith(
        "“Health for all” was restored to its version of Mon, Dec 15, 2014, 6 p.m. PST."
    )


def test_the_restore_page_in_spanish(client, organizer, edited_session):
    client.force_login(organizer)
    loaded = edited_session.history.earliest("history_date")

    page = restore_page(client, edited_session, loaded, "es")

    notes = [
        text(note) for note in re.findall(r'<p class="errornote"[^>]*>(.*?)</p>', page.text, re.S)
    ]
    assert notes[0] == (
        "Esta versión no registra su panel (se guardó antes de que los paneles se registraran con "
        "cada versión, o la hizo un cargador): al restaurarla, el panel se queda como está ahora: "
        "Eva Millona (Panelista)."
    )


def test_a_track_chair_s_spanish_choice_gives_a_spanish_history(conference, edited_session):
    from niic.models import StaffPreferences
    from tests.factories import make_chair

    chair = make_chair(edited_session.track)
    StaffPreferences.objects.create(user=chair, language="es")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(chair)

    headings, _rows = history_rows(history_page(browser, edited_session, "en"))

    assert headings[:3] == ["Fecha/hora", "Qué cambió", "Usuario"]
