"""The program's own texts in English and Spanish: each language where it is written, the
English one marked as such where the Spanish is missing, on every page, feed and export, and in
the admin (issue 12)."""

import csv
import io
import json
import re

import pytest

from sessions.models import Session
from speakers.spreadsheets import SafeCSV
from tests.factories import la_time, make_room, make_session, make_speaker
from tests.sessions.admin_forms import change_url, form_data
from tests.sessions.test_import_export import exported_file, import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(niic):
    """A published session written in both languages, in a room named in both."""
    room = make_room(niic, name_en="Pacific room", name_es="Sala Pacífico")
    session = make_session(
        niic,
        slug="welcoming-cities",
        title_en="Welcoming cities in practice",
        title_es="Ciudades acogedoras en la práctica",
        description_en="How **cities** welcome newcomers.",
        description_es="Cómo las **ciudades** acogen a los recién llegados.",
        starts_at=la_time(16, "13:00"),
        ends_at=la_time(16, "14:00"),
        room=room,
        status=Session.Status.PUBLISHED,
    )
    return session


@pytest.fixture
def english_only(niic):
    return make_session(
        niic,
        slug="refugee-housing",
        title_en="Refugee housing roundtable",
        description_en="Landlords and resettlement agencies.",
        starts_at=la_time(16, "13:00"),
        ends_at=la_time(16, "14:00"),
        status=Session.Status.PUBLISHED,
    )


def session_page(client, session, language):
    path = f"/{language}/editions/{session.conference.slug}/sessions/{session.slug}/"
    response = client.get(path)
    assert response.status_code == 200
    return response.text


def heading(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def json_ld(html):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_a_session_in_both_languages_shows_each_on_its_page(client, bilingual):
    english, spanish = session_page(client, bilingual, "en"), session_page(client, bilingual, "es")

    assert heading(english) == "Welcoming cities in practice"
    assert heading(spanish) == "Ciudades acogedoras en la práctica"
    assert "Cómo las <strong>ciudades</strong> acogen" in spanish
    assert "Sala Pacífico" in spanish
    assert "Pacific room" not in spanish
    assert "Welcoming cities" not in spanish.split("</head>")[1]


def test_a_session_only_in_english_is_marked_english_on_the_spanish_page(client, english_only):
    spanish = session_page(client, english_only, "es")

    assert heading(spanish) == (
        '<span lang="en">Refugee housing roundtable</span> '
        '<small class="in-language">(en inglés)</small>'
    )
    assert (
        '<p> <small class="in-language">(en inglés)</small></p>'
        '<div lang="en"><p>Landlords and resettlement agencies.</p></div>'
    ) in spanish
    # The page itself stays Spanish.
    assert '<html lang="es"' in spanish


def test_the_schedule_shows_each_language_and_marks_the_fallback(client, bilingual, english_only):
    path = f"/{{}}/editions/{bilingual.conference.slug}/schedule/?day=2014-12-16"
    english = client.get(path.format("en")).text
    spanish = client.get(path.format("es")).text

    assert ">Welcoming cities in practice</a>" in english
    assert ">Ciudades acogedoras en la práctica</a>" in spanish
    assert ">Welcoming cities in practice</a>" not in spanish
    fallback = re.search(rf"<h3 id=s{english_only.pk}([^>]*)>", spanish).group(1)
    assert fallback == " lang=en"
    translated = re.search(rf"<h3 id=s{bilingual.pk}([^>]*)>", spanish).group(1)
    assert translated == ""


def test_search_finds_the_spanish_text_in_spanish_and_the_english_in_english(client, bilingual):
    edition = bilingual.conference.slug

    def found(language, query):
        response = client.get(f"/{language}/search/", {"q": query})
        return f"/{language}/editions/{edition}/sessions/welcoming-cities/" in response.text or (
            "sessions/welcoming-cities/" in response.text
        )

    assert found("es", "acogedoras")
    assert found("en", "welcoming practice")
    # A Spanish word finds the session from an English page too, shown in English.
    assert found("en", "acogedoras")
    assert not found("es", "zanahoria")


def test_calendar_and_json_ld_speak_the_pages_language(client, bilingual, english_only):
    conference = bilingual.conference
    calendar = client.get(f"/es/editions/{conference.slug}/schedule.ics").text

    assert "SUMMARY:Ciudades acogedoras en la práctica" in calendar
    assert "SUMMARY;LANGUAGE=en:Refugee housing roundtable" in calendar
    plenary = calendar.split("Plenaria de apertura")[1].split("END:VEVENT")[0]
    assert "Programa de ejemplo" in plenary.replace("\r\n ", "")
    assert "Panel:" not in calendar.replace("\r\n ", "")
    assert "Participantes: Angelica Salas" in plenary.replace("\r\n ", "")

    spanish = json_ld(session_page(client, bilingual, "es"))
    assert spanish["name"] == "Ciudades acogedoras en la práctica"
    assert spanish["@context"][1] == {"@language": "es"}
    fallback = json_ld(session_page(client, english_only, "es"))
    assert fallback["name"] == {"@value": "Refugee housing roundtable", "@language": "en"}
    english = json_ld(session_page(client, bilingual, "en"))
    assert (english["name"], english["@context"][1]) == (
        "Welcoming cities in practice",
        {"@language": "en"},
    )


def test_the_schedule_exports_carry_the_pages_language(client, bilingual):
    conference = bilingual.conference
    spanish = client.get(f"/es/editions/{conference.slug}/schedule.json").json()
    english = client.get(f"/en/editions/{conference.slug}/schedule.json").json()

    def titles(data):
        return {
            event["title"]
            for day in data["schedule"]["conference"]["days"]
            for room in day["rooms"].values()
            for event in room
        }

    assert "Ciudades acogedoras en la práctica" in titles(spanish)
    assert "Welcoming cities in practice" in titles(english)
    assert "Ciudades acogedoras en la práctica" not in titles(english)


def test_speaker_bio_and_job_title_in_spanish(client, niic):
    speaker = make_speaker(
        slug="ana-perez",
        name="Ana Pérez",
        job_title_en="Director",
        job_title_es="Directora",
        bio_en="Works on **housing**.",
        bio_es="Trabaja en **vivienda**.",
    )
    make_session(
        niic,
        status=Session.Status.PUBLISHED,
        starts_at=la_time(16, "15:00"),
        ends_at=la_time(16, "16:00"),
    ).panel.create(speaker=speaker, role="panelist", order=1)

    spanish = client.get("/es/speakers/ana-perez/").text
    english = client.get("/en/speakers/ana-perez/").text

    assert "Directora" in spanish
    assert "Trabaja en <strong>vivienda</strong>." in spanish
    assert "Director</p>" in english
    assert "Works on <strong>housing</strong>." in english


def test_load_niic_translates_nothing_the_article_does_not_give_in_spanish(niic):
    track = niic.tracks.get(slug="economic-opportunity-inclusion-and-stability")
    topic_session = Session.objects.filter(conference=niic, topics__isnull=False).first()
    plenary = Session.objects.get(conference=niic, slug="closing-plenary")

    assert (niic.name_es, niic.description_es) == (None, None)
    assert (track.name_es, track.description_es) == (None, None)
    assert not track.topics.exclude(name_es=None).exists()
    assert topic_session.title_es is None
    # The invented sample schedule carries sample Spanish, marked as sample like the rest.
    assert plenary.is_sample
    assert plenary.title_es == "Plenaria de clausura"
    assert plenary.description_es.startswith("*Programa de ejemplo.*")


def test_admin_filter_and_column_show_what_lacks_spanish(client, niic, organizer, bilingual):
    client.force_login(organizer)
    changelist = "/admin/program/session/"

    listed = client.get(changelist, {"untranslated": "es", "conference__id__exact": niic.pk})

    assert listed.status_code == 200
    shown = {session.slug for session in listed.context["cl"].result_list}
    lacking = {
        session.slug
        for session in Session.objects.filter(conference=niic)
        if not (session.title_es and (session.description_es or not session.description_en))
    }
    assert shown == lacking
    assert bilingual.slug not in shown
    assert "closing-plenary" not in shown
    assert "opening-plenary" not in shown
    assert len(shown) == niic.sessions.count() - 7
    assert '<td class="field-to_translate">Spanish</td>' in listed.text


def test_admin_form_has_both_languages_and_saves_the_spanish(client, niic, organizer, bilingual):
    client.force_login(organizer)
    form = client.get(change_url(bilingual))
    assert 'name="title_en"' in form.text
    assert 'name="title_es"' in form.text
    assert 'name="description_es"' in form.text

    response = client.post(
        change_url(bilingual),
        form_data(bilingual, title_es="Ciudades que acogen", description_es=""),
    )

    assert response.status_code == 302
    bilingual.refresh_from_db()
    assert (bilingual.title_en, bilingual.title_es) == (
        "Welcoming cities in practice",
        "Ciudades que acogen",
    )
    assert not bilingual.description_es
    assert "Ciudades que acogen" in heading(session_page(client, bilingual, "es"))


def test_admin_form_requires_the_english_title_once(client, niic, organizer, bilingual):
    client.force_login(organizer)

    response = client.post(change_url(bilingual), form_data(bilingual, title_en=""))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title_en": ["This field is required."]}


def test_an_import_with_spanish_titles_round_trips(niic):
    exported = exported_file(Session.objects.filter(conference=niic), SafeCSV)
    rows = list(csv.DictReader(io.StringIO(exported)))
    lunch = next(row for row in rows if row["slug"] == "lunch")
    assert (lunch["title_en"], lunch["title_es"]) == ("Lunch", "Almuerzo")

    lunch["title_es"] = "Comida"
    lunch["description_es"] = "Se sirve en el patio."
    result = import_rows([lunch])

    assert [row.action for row in result] == ["update"]
    stored = Session.objects.get(conference=niic, slug="lunch")
    assert (stored.title_en, stored.title_es) == ("Lunch", "Comida")
    assert stored.description_es == "Se sirve en el patio."
    again = import_rows([lunch])
    assert [row.action for row in again] == ["unchanged"]


def test_the_speaker_directory_shows_each_language_and_marks_the_fallback(client, niic):
    session = make_session(
        niic,
        status=Session.Status.PUBLISHED,
        starts_at=la_time(16, "15:00"),
        ends_at=la_time(16, "16:00"),
    )
    translated = make_speaker(
        slug="ana", name="Ana", job_title_en="Director", job_title_es="Directora"
    )
    english_only = make_speaker(slug="bo", name="Bo", job_title_en="Organizer")
    for order, speaker in enumerate([translated, english_only]):
        session.panel.create(speaker=speaker, role="panelist", order=order)

    spanish = client.get("/es/speakers/").text
    english = client.get("/en/speakers/").text

    assert '<a href="/es/speakers/ana/">Ana</a> — Directora</li>' in spanish
    assert '<a href="/es/speakers/bo/">Bo</a> — <span lang="en">Organizer</span></li>' in spanish
    assert '<a href="/en/speakers/ana/">Ana</a> — Director</li>' in english


def test_the_in_english_note_follows_the_whole_edition_heading(client, niic):
    niic.name_es = ""
    niic.save()

    spanish = heading(client.get(f"/es/editions/{niic.slug}/").text)
    english = heading(client.get(f"/en/editions/{niic.slug}/").text)

    assert spanish == (
        f'<span lang="en">{niic.name_en}</span> {niic.year}'
        ' <small class="in-language">(en inglés)</small>'
    )
    assert english == f"{niic.name_en} {niic.year}"


def test_a_sessions_languages_are_named_in_the_pages_language(client, english_only):
    from sessions.models import Language

    english = Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]
    unknown = Language.objects.create(code="xx-test", name="Testish")
    english_only.languages.set([english])
    english_only.interpretation_languages.set([english, unknown])

    spanish_page = session_page(client, english_only, "es")
    english_page = session_page(client, english_only, "en")

    assert "<dt>Idioma</dt><dd>Inglés</dd>" in spanish_page
    assert "<dd>Inglés, Testish</dd>" in spanish_page
    facts = re.search(r'<dl class="facts">(.*?)</dl>', spanish_page, re.S).group(1)
    assert "English" not in facts
    assert "<dt>Language</dt><dd>English</dd>" in english_page
    assert "<dd>English, Testish</dd>" in english_page


def test_the_in_english_note_follows_an_organizations_acronym(client, niic):
    from tests.factories import make_organization, seat

    organization = make_organization(
        name_en="Coalition for Humane Immigrant Rights", acronym="CHIRLA", slug="chirla-test"
    )
    organization.name_es = ""
    organization.save()
    seat(make_session(niic), make_speaker(organization=organization))

    spanish = heading(client.get("/es/organizations/chirla-test/").text)

    assert spanish == (
        '<span lang="en">Coalition for Humane Immigrant Rights</span> (CHIRLA)'
        ' <small class="in-language">(en inglés)</small>'
    )


def test_the_language_filter_names_languages_in_the_pages_language(client, niic):
    from sessions.models import Language

    Language.objects.get_or_create(code="en", defaults={"name": "English"})
    Language.objects.get_or_create(code="es", defaults={"name": "Español"})

    spanish = client.get("/es/schedule/").text
    english = client.get("/en/schedule/").text

    language_select = r'<select name="language".*?</select>'
    assert '<option value="en">Inglés</option>' in re.search(language_select, spanish, re.S)[0]
    assert '<option value="es">Español</option>' in re.search(language_select, spanish, re.S)[0]
    assert '<option value="en">English</option>' in re.search(language_select, english, re.S)[0]
    assert '<option value="es">Spanish</option>' in re.search(language_select, english, re.S)[0]
