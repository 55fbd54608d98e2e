"""The "to translate" list filter that every kind of translated text shares
(sessions.admin.filters.untranslated_filter): its rows, and its choices named in words."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from sessions.admin.filters import (
    UntranslatedOrganizations,
    UntranslatedSessions,
    UntranslatedSpeakers,
    untranslated_filter,
)
from sessions.models import Session
from speakers.models import Organization, Speaker
from tests.factories import make_organization, make_session, make_speaker, seat

pytestmark = pytest.mark.django_db


def chosen(filter_class, model, language):
    request = RequestFactory().get("/", {"untranslated": language})
    model_admin = admin.site._registry[model]
    list_filter = filter_class(request, {"untranslated": [language]}, model, model_admin)
    return list_filter.queryset(request, model.objects.order_by("pk"))


def test_speakers_missing_a_bio_or_job_title_in_a_language_they_have_in_another():
    english_only = make_speaker(name="English only", bio_en="Organizer.", job_title_en="Director")
    spanish_only = make_speaker(name="Spanish only", bio_es="Organizadora.")
    both = make_speaker(name="Both", bio_en="Organizer.", bio_es="Organizadora.")
    title_missing = make_speaker(
        name="Title missing", bio_en="Organizer.", bio_es="Organizadora.", job_title_en="Director"
    )
    make_speaker(name="Nothing written")

    assert list(chosen(UntranslatedSpeakers, Speaker, "es")) == [english_only, title_missing]
    assert list(chosen(UntranslatedSpeakers, Speaker, "en")) == [spanish_only]
    assert both not in chosen(UntranslatedSpeakers, Speaker, "es")


def test_an_unknown_language_leaves_the_list_as_it_is():
    speakers = [make_speaker(bio_en="Organizer."), make_speaker()]
    assert list(chosen(UntranslatedSpeakers, Speaker, "xx")) == speakers


def test_a_session_with_a_panel_of_several_speakers_is_listed_once(conference):
    session = make_session(conference, title_en="Welcoming cities")
    for _number in range(3):
        seat(session, make_speaker())
    make_session(conference, title_en="Ciudades", title_es="Ciudades que acogen")

    assert list(chosen(UntranslatedSessions, Session, "es")) == [session]


def test_organizations_by_their_name():
    unnamed_in_spanish = make_organization(name_en="Welcoming America")
    make_organization(name_en="NPNA", name_es="NPNA")
    assert list(chosen(UntranslatedOrganizations, Organization, "es")) == [unnamed_in_spanish]


def test_the_choices_are_language_names_in_the_admins_language():
    request = RequestFactory().get("/")
    filter_class = untranslated_filter("bio")
    list_filter = filter_class(request, {}, Speaker, admin.site._registry[Speaker])
    assert filter_class.parameter_name == "untranslated"
    assert [(code, str(name)) for code, name in list_filter.lookup_choices] == [
        ("en", "English"),
        ("es", "Spanish"),
    ]
    with translation.override("es"):
        list_filter = filter_class(request, {}, Speaker, admin.site._registry[Speaker])
        assert [(code, str(name)) for code, name in list_filter.lookup_choices] == [
            ("en", "Inglés"),
            ("es", "Español"),
        ]
