"""Control characters: refused in every text a person types (releases included), and, where one
is stored already (a row from before its validator, a write around it), dropped by every file
that would otherwise fail on it for everyone: the Atom feed, schedule.xml, xCal, the calendar
and the CSV's file name."""

import email.message
import email.utils
import json
import urllib.parse
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation

import speakers.validators
import tracks.validators
from sessions import services
from sessions.models import Release, Session
from sessions.safe_text import attachment_header, xml_safe
from tests.factories import make_conference, make_session

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
XCAL = "{urn:ietf:params:xml:ns:icalendar-2.0}"
CONTROL_CHARACTERS = [chr(code) for code in [*range(0x20), 0x7F]]
LINE_BREAKS_AND_TAB = ["\t", "\n", "\r"]
ONE_LINE_MESSAGE = "Use one line of plain text: no line breaks, tabs or other control characters."
TEXT_MESSAGE = "Remove the control characters (invisible characters other than line breaks)."


# The validators: written in tracks and in speakers (which may not import each other), the same


@pytest.mark.parametrize("name", ["validate_one_line", "validate_text"])
def test_tracks_and_speakers_validators_are_the_same(name):
    assert getattr(tracks.validators, name) == getattr(speakers.validators, name)


def refused(validator, characters):
    found = []
    for character in characters:
        try:
            validator(f"a{character}b")
        except ValidationError:
            found.append(character)
    return found


@pytest.mark.parametrize("module", [tracks.validators, speakers.validators])
def test_each_module_refuses_every_control_character_and_text_keeps_its_line_breaks(module):
    everything = [chr(code) for code in range(0x3000)]
    assert refused(module.validate_one_line, everything) == CONTROL_CHARACTERS
    assert refused(module.validate_text, everything) == [
        character for character in CONTROL_CHARACTERS if character not in LINE_BREAKS_AND_TAB
    ]


# Every model text a person types carries one of them

# Texts whose own validator accepts only what it names (a time zone, a hex colour), and a photo's
# file name (a TextField in its history), which the upload gives.
CHECKED_OTHERWISE = {
    ("tracks.Conference", "time_zone"),
    ("tracks.Track", "colour"),
    ("speakers.Speaker", "photo"),
}


# What the site writes, never a person: an e-mail to a speaker is composed from texts checked
# where they were typed.
WRITTEN_BY_THE_SITE = {"speakers.Message"}


def typed_texts():
    """(label, field) of every CharField and TextField of our models, their history's and
    translated columns included."""
    for label in ("tracks", "speakers", "program"):
        for model in apps.get_app_config(label).get_models():
            name = f"{label}.{model._meta.object_name.removeprefix('Historical')}"
            if name in WRITTEN_BY_THE_SITE:
                continue
            for field in model._meta.get_fields():
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if isinstance(field, models.SlugField) or field.choices:
                    continue  # a slug's or a choice's own validation admits no control character
                if field.name.startswith("history_"):
                    continue  # what django-simple-history records beside a version
                if (name, field.name) not in CHECKED_OTHERWISE:
                    yield f"{model._meta.label}.{field.name}", field


def test_every_model_text_refuses_control_characters():
    one_line, text = tracks.validators.validate_one_line, tracks.validators.validate_text
    found = {
        label: (text if isinstance(field, models.TextField) else one_line) in field.validators
        for label, field in typed_texts()
    }
    assert [label for label, has_it in found.items() if not has_it] == []
    assert {
        "program.Release.name",
        "program.Release.note",
        "program.Language.code",
        "program.HistoricalLanguage.code",
        "speakers.Speaker.website",
        "speakers.Organization.website",
        "program.Session.title_es",
        "tracks.Conference.description_en",
    } <= set(found)


# Releases: the name is one line, the note text


@pytest.fixture
def release(conference, organizer):
    make_session(conference, title="Opening", slug="opening")
    return services.program_release(user=organizer, conference=conference, name="v1", note="Hi.")


def refusals(change, characters):
    """{character: the messages of the refusal} for each character `change(character)` refuses."""
    found = {}
    for character in characters:
        try:
            change(character)
        except ValidationError as error:
            found[character] = error.message_dict
    return found


def test_every_control_character_in_a_release_name_is_refused(release, organizer):
    def change(character):
        services.release_change(user=organizer, release=release, name=f"v{character}2", note="")

    assert refusals(change, CONTROL_CHARACTERS) == {
        character: {"name": [ONE_LINE_MESSAGE]} for character in CONTROL_CHARACTERS
    }
    release.refresh_from_db()
    assert (release.name, release.note) == ("v1", "Hi.")


def test_every_control_character_but_line_breaks_and_tab_in_a_note_is_refused(release, organizer):
    def change(character):
        services.release_change(user=organizer, release=release, name="v1", note=f"a{character}b")

    refused_characters = [c for c in CONTROL_CHARACTERS if c not in LINE_BREAKS_AND_TAB]
    assert refusals(change, CONTROL_CHARACTERS) == {
        character: {"note": [TEXT_MESSAGE]} for character in refused_characters
    }
    release.refresh_from_db()
    assert release.note == "a\rb"  # the last one accepted


def test_a_release_made_with_a_word_line_break_is_refused_in_spanish(conference, organizer):
    make_session(conference, title="Opening", slug="opening")
    with translation.override("es"):
        with pytest.raises(ValidationError) as refusal:
            services.program_release(
                user=organizer, conference=conference, name="v\x1b1", note="Una\x0bnota"
            )
        messages = refusal.value.message_dict
    assert messages == {
        "name": [
            "Use una sola línea de texto simple: sin saltos de línea, tabulaciones ni otros "
            "caracteres de control."
        ],
        "note": [
            "Quite los caracteres de control (caracteres invisibles distintos de los saltos de "
            "línea)."
        ],
    }
    assert Release.objects.count() == 0


# What is stored already: every file answers, the character dropped

BAD_NAME = 'v\x0b1\x1b"a";\nÑ'
BAD_NOTE = "Rooms\x0bsettled\x1b."
BAD_TITLE = "Open\x0bing\x1b plenary"


@pytest.fixture
def stored_badly(organizer):
    """NIIC 2014 with a release and a session whose texts hold control characters, written with
    update() as a row from before the validators would be."""
    conference = make_conference(slug="niic-2014")
    session = make_session(conference, title="Opening plenary", slug="opening-plenary")
    release = services.program_release(user=organizer, conference=conference, name="v1")
    Release.objects.filter(pk=release.pk).update(name=BAD_NAME, note=BAD_NOTE)
    Session.objects.filter(pk=session.pk).update(title_en=BAD_TITLE, title_es=BAD_TITLE)
    return conference


LANGUAGES = ["en", "es"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_atom_feed_drops_what_xml_cannot_carry(client, stored_badly, language):
    response = client.get(f"/{language}/editions/niic-2014/changes.atom")
    assert response.status_code == 200
    (entry,) = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == 'v1"a";\nÑ'
    summary = entry.findtext(f"{ATOM}summary")
    first_release = {
        "en": "The first release of the program, with 1 session.",
        "es": "La primera versión del programa, con 1 sesión.",
    }[language]
    assert summary == (f'<p class="release-note">Roomssettled.</p>\n\n  <p>{first_release}</p>\n\n')


@pytest.mark.parametrize("language", LANGUAGES)
def test_schedule_xml_drops_what_xml_cannot_carry(client, stored_badly, language):
    response = client.get(f"/{language}/editions/niic-2014/schedule.xml")
    assert response.status_code == 200
    schedule = ET.fromstring(response.content)
    assert schedule.findtext("version") == 'v1"a";\nÑ'
    assert [event.findtext("title") for event in schedule.iter("event")] == ["Opening plenary"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_xcal_drops_what_xml_cannot_carry(client, stored_badly, language):
    response = client.get(f"/{language}/editions/niic-2014/schedule.xcs")
    assert response.status_code == 200
    document = ET.fromstring(response.content)
    summaries = [node.findtext(f"{XCAL}text") for node in document.iter(f"{XCAL}summary")]
    assert summaries == ["Opening plenary"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_calendar_drops_control_characters(client, stored_badly, language):
    response = client.get(f"/{language}/editions/niic-2014/schedule.ics")
    assert response.status_code == 200
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Opening plenary"


@pytest.mark.parametrize("language", LANGUAGES)
def test_schedule_json_and_changes_json_carry_the_name_escaped(client, stored_badly, language):
    schedule = client.get(f"/{language}/editions/niic-2014/schedule.json")
    changes = client.get(f"/{language}/changes.json")
    assert (schedule.status_code, changes.status_code) == (200, 200)
    assert json.loads(schedule.content)["schedule"]["version"] == BAD_NAME
    assert [release["name"] for release in json.loads(changes.content)["releases"]] == [BAD_NAME]


def file_name_as_read(header):
    """The file name a client that follows RFC 6266 saves under: `filename*` (RFC 2231/8187,
    read by the standard library's parser) when given, else `filename`."""
    message = email.message.Message()
    message["Content-Disposition"] = header
    given = [value for name, value in message.get_params(header="content-disposition")
             if name == "filename"]  # fmt: skip
    encoded = [value for value in given if isinstance(value, tuple)]
    return email.utils.collapse_rfc2231_value(encoded[0]) if encoded else given[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_csv_file_name_is_one_safe_header_value(client, stored_badly, language):
    response = client.get(f"/{language}/editions/niic-2014/schedule.csv")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert header == (
        'attachment; filename="niic-2014-v1_a__N.csv"; '
        "filename*=UTF-8''niic-2014-v1_a_%3B%C3%91.csv"
    )
    assert file_name_as_read(header) == "niic-2014-v1_a_;Ñ.csv"


def test_a_header_value_never_holds_a_control_quote_or_non_ascii_character():
    name = "".join(chr(code) for code in range(0x250)) + "\u2028\u2029😀"
    header = attachment_header(name)
    assert header.isascii()
    assert all(" " <= character <= "~" for character in header)
    ascii_part, encoded = header.removeprefix('attachment; filename="').split('"; filename*=')
    assert '"' not in ascii_part
    assert ";" not in ascii_part
    read = file_name_as_read(header)
    assert read == urllib.parse.unquote(encoded.removeprefix("UTF-8''"))
    assert [character for character in read if character in '/\\:*?"<>|\x00\n\r\u2028'] == []


def test_an_ascii_file_name_is_given_as_it_is():
    assert attachment_header("niic-2014-v1.csv") == 'attachment; filename="niic-2014-v1.csv"'


def test_xml_safe_drops_exactly_what_xml_1_0_forbids():
    text = "".join(chr(code) for code in range(0x20)) + "\x7f\x85\u2028\ud800\ufffd\ufffe\uffff"
    assert xml_safe(text) == "\t\n\r\x7f\x85\u2028\ufffd"


# Form fields of no model field of their own reach one through the services, which validate it


def test_a_cancellation_note_with_a_word_line_break_is_refused(conference, organizer):
    session = make_session(conference, title="Opening", slug="opening")
    with pytest.raises(services.Refused) as refusal:
        services.sessions_cancel(user=organizer, sessions=[session], note="Go\x0bhome")
    assert [
        [message for error in outcome.errors for message in error.messages]
        for outcome in refusal.value.outcomes
    ] == [[TEXT_MESSAGE]]
    session.refresh_from_db()
    assert (session.status, session.cancellation_note) == ("published", "")


def test_the_release_page_lists_a_control_character_on_its_field(client, organizer, conference):
    make_session(conference, title="Opening", slug="opening")
    client.force_login(organizer)
    url = f"{reverse('admin:program_session_release')}?edition={conference.slug}"
    response = client.post(url, {"name": "v\x1b1", "note": "Line\x0bbreak"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": [ONE_LINE_MESSAGE],
        "note": [TEXT_MESSAGE],
    }
    assert Release.objects.count() == 0
