"""The admin's language, chosen by each staff member in the header and remembered: it outlasts a
logout, beats the browser's, and costs no query per page."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from niic.models import StaffPreferences
from tests.factories import make_chair, make_track

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def chair(conference):
    person = make_chair(make_track(conference), username="chair")
    person.set_password(PASSWORD)
    person.save()
    return person


def log_in(client):
    response = client.post(
        reverse("admin:login"), {"username": "chair", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    return response


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.text)[1]


def switch(response):
    """The header's switch, as a person reads it: each language, marked when in use."""
    form = re.search(r'<form class="admin-language".*?</form>', response.text, re.S)[0]
    return [
        f"{strip_tags(label)}{' (in use)' if 'aria-current' in attributes else ''}"
        for attributes, label in re.findall(r"<button([^>]*)>(.*?)</button>", form)
    ]


def test_choosing_spanish_outlasts_a_logout_and_beats_an_english_browser(chair):
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    log_in(browser)
    assert html_lang(browser.get("/admin/")) == "en"
    assert switch(browser.get("/admin/")) == ["English (in use)", "Español"]

    chosen = browser.post(
        reverse("admin:admin_language"), {"language": "es", "next": "/admin/program/session/"}
    )
    assert chosen["Location"] == "/admin/program/session/"
    assert html_lang(browser.get("/admin/program/session/")) == "es"
    browser.post(reverse("admin:logout"))
    log_in(browser)

    index = browser.get("/admin/")
    assert html_lang(index) == "es"
    assert index["Content-Language"] == "es"
    assert switch(index) == ["English", "Español (in use)"]
    assert StaffPreferences.objects.get(user=chair).language == "es"


def test_without_a_choice_the_browser_decides(chair):
    browser = Client(HTTP_ACCEPT_LANGUAGE="es")
    log_in(browser)

    assert html_lang(browser.get("/admin/")) == "es"
    assert StaffPreferences.objects.filter(user=chair).exists() is False


def test_a_choice_is_one_person_s_own(chair, conference):
    StaffPreferences.objects.create(user=chair, language="es")
    colleague = make_chair(make_track(conference), username="colleague")
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(colleague)

    assert html_lang(other.get("/admin/")) == "en"


def test_the_choice_is_read_once_per_login_not_once_per_page(chair, django_assert_num_queries):
    StaffPreferences.objects.create(user=chair, language="es")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(chair)
    browser.get("/admin/")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(User.objects.create_user("plain", is_staff=True))
    english.get("/admin/")

    # The same page costs the same queries with a chosen language as without one: the
    # session, the user, their permissions and groups.
    with django_assert_num_queries(5):
        assert html_lang(browser.get("/admin/password_change/")) == "es"
    with django_assert_num_queries(5):
        assert html_lang(english.get("/admin/password_change/")) == "en"


def test_an_unknown_language_or_a_get_changes_nothing(chair):
    browser = Client()
    browser.force_login(chair)

    assert browser.post(reverse("admin:admin_language"), {"language": "xx"})["Location"] == (
        "/admin/"
    )
    assert browser.get(reverse("admin:admin_language")).status_code == 405
    assert StaffPreferences.objects.filter(user=chair).exists() is False


def test_the_switch_sends_nobody_to_another_site(chair):
    browser = Client()
    browser.force_login(chair)

    response = browser.post(
        reverse("admin:admin_language"), {"language": "es", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/admin/"


def test_anonymous_visitors_get_no_switch_and_no_cookie(client):
    login_page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    public_page = client.get("/es/")

    assert 'class="admin-language"' not in login_page.text
    assert html_lang(login_page) == "es"
    assert settings.SESSION_COOKIE_NAME not in public_page.cookies
    assert settings.SESSION_COOKIE_NAME not in login_page.cookies
    assert settings.LANGUAGE_COOKIE_NAME not in login_page.cookies


def test_a_staff_member_s_choice_leaves_the_public_pages_in_their_url_s_language(chair):
    StaffPreferences.objects.create(user=chair, language="es")
    browser = Client()
    browser.force_login(chair)

    assert html_lang(browser.get("/en/")) == "en"
